"""The main job: `amplify demo` (an end-to-end marketplace run on the
embedded backend), kept runnable as `python -m amplify_sdk.demo [options]`."""

from __future__ import annotations

import sys

from .cli import main as cli_main


def main() -> None:
    cli_main(["demo", *sys.argv[1:]])


if __name__ == "__main__":
    main()
