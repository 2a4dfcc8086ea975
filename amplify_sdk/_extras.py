"""The optional parts of the package and the extras that install them.

`pip install amplify-sdk` is the core: the SDK (protocol, chain access, role
clients, quality, storage), importing none of the modules below. The extras
add the rest: `[cli]` the `amplify` command line, `[node]` the local node
(`localnet`, `amplify localnet`), `[plot]` the charts, `[all]` all three.
pyproject.toml pins them; tests/test_packaging.py checks the two agree.
"""

from __future__ import annotations

from ._extra_modules import EXTRAS, missing, missing_message
from .protocol._exceptions import AmplifyError


class MissingExtraError(AmplifyError):
    """A part of the package whose extra is not installed was used."""


def require(extra: str, what: str) -> None:
    """Raise `MissingExtraError` naming the install command unless `extra`'s
    distributions are installed."""
    if message := missing_message(extra, what):
        raise MissingExtraError(message)


__all__ = ["EXTRAS", "MissingExtraError", "missing", "require"]
