"""The package's shape: layers that import only downward, no import cycles,
and a public surface that is listed, importable and documented."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pdoc.doc
import pytest

import amplify_sdk

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from import_graph import cycles  # noqa: E402

#: Every public module: its `__all__` is its surface.
SURFACES = [
    "amplify_sdk",
    "amplify_sdk.protocol",
    "amplify_sdk.chain",
    "amplify_sdk.storage",
    "amplify_sdk.clients",
    "amplify_sdk.quality",
    "amplify_sdk.errors",
]


def test_layers_import_only_downward() -> None:
    # Guards against: a lower layer reaching up (the chain importing a client,
    # localnet importing the SDK, the core importing the CLI's libraries).
    run = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "BROKEN" not in run.stdout
    assert run.stdout.count("KEPT") == 3


def test_no_import_cycles() -> None:
    found = cycles("amplify_sdk", "localnet")
    assert found == [], found


def test_a_back_edge_is_a_cycle(tmp_path: Path) -> None:
    # The cycle finder finds one when there is one (else the test above proves nothing).
    pkg = tmp_path / "twopkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from . import b\n")
    (pkg / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import a\n"
    )
    sys.path.insert(0, str(tmp_path))
    try:
        assert cycles("twopkg") == [["twopkg.a", "twopkg.b"]]
    finally:
        sys.path.remove(str(tmp_path))


@pytest.mark.parametrize("name", SURFACES)
def test_surface_is_listed_and_importable(name: str) -> None:
    module = importlib.import_module(name)
    listed = module.__all__
    assert len(listed) == len(set(listed)), name
    for n in listed:
        assert hasattr(module, n), f"{name}.{n}"


@pytest.mark.parametrize("name", SURFACES)
def test_every_public_name_is_documented(name: str) -> None:
    # What pdoc renders for the surface: each listed name has a docstring
    # (a variable's is its `#:` comment), so the reference has no blank entry.
    module = pdoc.doc.Module(importlib.import_module(name))
    blank = [m.name for m in module.members.values() if not m.docstring.strip()]
    assert blank == [], f"{name}: undocumented {blank}"


def test_the_top_level_is_short() -> None:
    # What a user reaches for first, not every name of every layer.
    assert len(amplify_sdk.__all__) <= 40
    public = {n for n in vars(amplify_sdk) if not n.startswith("_")}
    # Modules run with `python -m` are imported only when a test runs them.
    assert public - set(amplify_sdk.__all__) <= {"annotations", "demo", "cli"}


def test_every_exception_is_in_errors() -> None:
    def walk(mod: object) -> set[type]:
        return {
            v
            for v in vars(mod).values()
            if isinstance(v, type)
            and issubclass(v, BaseException)
            and v.__module__.startswith("amplify_sdk")
        }

    found: set[type] = set()
    for name in SURFACES:
        found |= walk(importlib.import_module(name))
    listed = {
        getattr(amplify_sdk.errors, n) for n in amplify_sdk.errors.__all__ if n != "ERRORS_BY_CODE"
    }
    assert found <= listed, sorted(c.__name__ for c in found - listed)


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            if not hasattr(obj, attr):
                return False
            obj = getattr(obj, attr)
        return True
    return False


def test_every_dotted_name_in_the_docs_resolves() -> None:
    # A doc naming `amplify_sdk.protocol.table_address` must name a real thing:
    # after a move, the docs move with the code.
    import re

    texts = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    named = {
        (path.name, m.group(0).rstrip("."))
        for path in texts
        for m in re.finditer(r"\bamplify_sdk(\.[A-Za-z_][A-Za-z0-9_]*)+", path.read_text())
    }
    assert len(named) > 20
    broken = sorted((doc, name) for doc, name in named if not _resolves(name))
    assert broken == [], broken


#: A hand-written module longer than this is doing more than one thing.
MAX_LINES = 500


def test_no_hand_written_python_file_is_over_500_lines() -> None:
    # Generated files say so in their first lines ("generated ... Do not edit").
    files = [
        f
        for d in ("amplify_sdk", "localnet", "tests", "scripts")
        for f in (ROOT / d).rglob("*.py")
        if "node_modules" not in f.parts
    ]
    assert len(files) > 100
    long = {}
    for f in files:
        text = f.read_text()
        head = text[:300]
        if "generated" in head and "Do not edit" in head:
            continue
        n = text.count("\n")
        if n > MAX_LINES:
            long[str(f.relative_to(ROOT))] = n
    assert long == {}, long
