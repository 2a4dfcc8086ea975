"""The `amplify` console script. It is installed with the core too, where the
command line's own dependencies (the `[cli]` extra) are missing: it then says
so in one line instead of a traceback."""

from __future__ import annotations

import sys

from ._extras import MissingExtraError, require


def main() -> None:
    try:
        require("cli", "the amplify command line")
    except MissingExtraError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(1)
    from .cli import main as cli_main

    cli_main()
