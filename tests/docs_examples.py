"""Code blocks of the user docs, extracted so tests run them as written."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


def code_blocks(doc: str | Path, language: str) -> list[str]:
    """The fenced blocks of `doc` (a path, or a name under docs/) in `language`."""
    path = doc if isinstance(doc, Path) else DOCS / doc
    return [body for lang, body in _FENCE.findall(path.read_text()) if lang == language]
