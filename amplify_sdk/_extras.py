"""The optional parts of the package and the extras that install them.

`pip install amplify-sdk` is the core: the SDK (protocol, chain access, role
clients, quality, storage), importing none of the modules below. The extras
add the rest: `[cli]` the `amplify` command line, `[node]` the local node
(`localnet`, `amplify localnet`), `[plot]` the charts, `[all]` all three.
pyproject.toml pins them; tests/test_packaging.py checks the two agree.
"""

from __future__ import annotations

from importlib.util import find_spec

from .protocol._exceptions import AmplifyError

#: extra -> {distribution: the module it installs}.
EXTRAS: dict[str, dict[str, str]] = {
    "cli": {"click": "click", "rich": "rich", "PyYAML": "yaml"},
    "node": {"aiohttp": "aiohttp"},
    "plot": {"matplotlib": "matplotlib"},
}


class MissingExtraError(AmplifyError):
    """A part of the package whose extra is not installed was used."""


def missing(extra: str) -> list[str]:
    """The distributions of `extra` that are not installed."""
    return [dist for dist, module in EXTRAS[extra].items() if find_spec(module) is None]


def require(extra: str, what: str) -> None:
    """Raise `MissingExtraError` naming the install command unless `extra`'s
    distributions are installed."""
    if absent := missing(extra):
        raise MissingExtraError(
            f"{what} needs {', '.join(absent)}: pip install 'amplify-sdk[{extra}]'"
        )
