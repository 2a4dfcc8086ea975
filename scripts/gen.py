#!/usr/bin/env python3
"""Generate the program's interface code and the SDK's error classes from the IDL.

    python3 scripts/gen.py           write every generated file
    python3 scripts/gen.py --check   fail if any generated file is out of date

`idl/amplify.json` is the one source of truth for the interface. From it this
script writes

* `programs/amplify/src/generated/`: instruction, account and event
  discriminators; the error enum; one `<Ix>Accounts` (account list in IDL order
  with its signer/writable/address checks) and one `<Ix>Args` (borsh argument
  parser) per instruction; the dispatcher; `#[repr(C)]` account layouts with
  compile-time size checks; event writers;
* `programs/amplify/src/instructions/mod.rs` (the handler modules, one per
  instruction; a handler file the IDL does not name is an error) and
  `programs/fuzz/src/parsers.rs` (the fuzz target's table of argument parsers);
* `amplify_sdk/protocol/_program_errors.py` (one exception class per program error),
  `amplify_sdk/_version.py` (the IDL's version: the package's, `amplify
  --version`'s and pyproject.toml's) and the package's copy of the IDL.

The program cannot drift from the IDL: its argument parsing, account order and
flags, layouts, events and errors are this output. The IDL itself is checked
here for what Anchor clients rely on (discriminators are the sha256 sighashes of
the names; error codes are unique and from 6000 up).

This file is the driver (paths, formatting, `--check`). The IDL checks and type
questions are in `gen_idl.py`; the Rust writers in `gen_rust_data.py` (layouts,
events, constants) and `gen_rust.py` (discriminators, errors, instructions, the
handler and fuzz parser lists); the Python writers in `gen_python.py`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from gen_python import Python, python_version
from gen_rust import Rust
from gen_rust_data import HEADER

ROOT = Path(__file__).resolve().parent.parent
IDL = ROOT / "idl" / "amplify.json"
RUST_OUT = ROOT / "programs" / "amplify" / "src" / "generated"
ERRORS_RS = ROOT / "programs" / "amplify" / "src" / "error.rs"
ERRORS_PY = ROOT / "amplify_sdk" / "protocol" / "_program_errors.py"
IDL_COPY = ROOT / "amplify_sdk" / "program" / "amplify.json"
VERSION_PY = ROOT / "amplify_sdk" / "_version.py"
HANDLERS = ROOT / "programs" / "amplify" / "src" / "instructions"
FUZZ_PARSERS = ROOT / "programs" / "fuzz" / "src" / "parsers.rs"
BUILDERS_PY = ROOT / "amplify_sdk" / "protocol" / "_instructions.py"


class Gen(Rust, Python):
    """Every writer over one IDL."""


def ruff_format(text: str) -> str:
    """The generated Python as the project's formatter writes it (so `ruff
    format --check` and this script's `--check` agree)."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", str(ERRORS_PY), "-"],
        input=text,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if result.returncode != 0:
        raise SystemExit(f"ruff format failed on generated code:\n{result.stderr}")
    return result.stdout


def rustfmt(text: str) -> str:
    exe = shutil.which("rustfmt") or "/usr/bin/rustfmt"
    result = subprocess.run(
        [exe, "--edition", "2021", "--emit", "stdout"],
        input=text,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"rustfmt failed on generated code:\n{result.stderr}")
    return result.stdout


def outputs() -> dict[Path, str]:
    idl_text = IDL.read_text()
    g = Gen(json.loads(idl_text))
    g.validate()
    mod = (
        HEADER + "//! The program's interface, generated from the IDL.\n\n"
        "pub mod constants;\npub mod discriminator;\npub mod events;\n"
        "pub mod instructions;\npub mod layouts;\n"
    )
    rust = {
        "mod.rs": mod,
        "constants.rs": g.rust_constants(),
        "discriminator.rs": g.rust_discriminators(),
        "layouts.rs": g.rust_layouts(),
        "instructions.rs": g.rust_instructions(),
        "events.rs": g.rust_events(),
    }
    files = {RUST_OUT / name: rustfmt(text) for name, text in rust.items()}
    # The error enum is the bottom of the crate (the codec and every module use
    # it), so it lives beside `generated/`, not in it: no module cycle.
    files[ERRORS_RS] = rustfmt(g.rust_errors())
    g.check_handlers(HANDLERS)
    files[HANDLERS / "mod.rs"] = rustfmt(g.rust_handler_modules())
    files[FUZZ_PARSERS] = rustfmt(g.rust_fuzz_parsers())
    files[ERRORS_PY] = ruff_format(g.python_errors())
    files[BUILDERS_PY] = ruff_format(g.python_builders())
    files[VERSION_PY] = ruff_format(python_version(g.idl["metadata"]["version"]))
    files[IDL_COPY] = idl_text
    return files


def main() -> int:
    check = "--check" in sys.argv[1:]
    files = outputs()
    stale = [p for p, text in files.items() if not p.exists() or p.read_text() != text]
    extra = [p for p in RUST_OUT.glob("*.rs") if p not in files] if RUST_OUT.exists() else []
    if check:
        for p in stale + extra:
            print(f"out of date: {p.relative_to(ROOT)} (run scripts/gen.py)", file=sys.stderr)
        return 1 if stale or extra else 0
    RUST_OUT.mkdir(parents=True, exist_ok=True)
    for p in extra:
        p.unlink()
    for p in stale:
        p.write_text(files[p])
        print(f"wrote {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
