"""Which optional distributions each extra installs, and which are missing:
checked with `find_spec` only, importing nothing of the SDK (the `amplify`
command asks before anything else). `_extras` raises the error."""

from __future__ import annotations

from importlib.util import find_spec

#: extra -> {distribution: the module it installs}.
EXTRAS: dict[str, dict[str, str]] = {
    "cli": {"click": "click", "rich": "rich", "PyYAML": "yaml"},
    "node": {"aiohttp": "aiohttp"},
    "plot": {"matplotlib": "matplotlib"},
}


def missing(extra: str) -> list[str]:
    """The distributions of `extra` that are not installed."""
    return [dist for dist, module in EXTRAS[extra].items() if find_spec(module) is None]


def missing_message(extra: str, what: str) -> str | None:
    """What to say when `extra` is not (wholly) installed; None when it is."""
    if absent := missing(extra):
        return f"{what} needs {', '.join(absent)}: pip install 'amplify-sdk[{extra}]'"
    return None
