"""The `amplify` console script. It is installed with the core too, where the
command line's own dependencies (the `[cli]` extra) are missing: it then says
so in one line instead of a traceback."""

from __future__ import annotations

import sys

from ._extra_modules import missing_message


def main() -> None:
    if message := missing_message("cli", "the amplify command line"):
        print(f"error: {message}", file=sys.stderr)
        sys.exit(1)
    from .cli import main as cli_main

    cli_main()
