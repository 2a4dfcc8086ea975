#!/usr/bin/env python3
"""Generate the SDK's IDL-derived files from idl/amplify.json.

    python3 scripts/gen_sdk.py           write them
    python3 scripts/gen_sdk.py --check   fail if any is out of date

Writes amplify_sdk/_program_errors.py (one exception class per program error)
and the package's copy of the IDL (amplify_sdk/program/amplify.json).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IDL = ROOT / "idl" / "amplify.json"
ERRORS_PY = ROOT / "amplify_sdk" / "_program_errors.py"
IDL_COPY = ROOT / "amplify_sdk" / "program" / "amplify.json"


def render_errors(idl: dict) -> str:
    lines = [
        '"""Program errors, generated from idl/amplify.json by scripts/gen_sdk.py. Do not edit."""',
        "",
        "from __future__ import annotations",
        "",
        "from ._exceptions import ProgramError",
        "",
    ]
    names = []
    for e in idl["errors"]:
        names.append(e["name"])
        lines += [
            "",
            f"class {e['name']}(ProgramError):",
            f'    """{e["msg"]}."""',
            "",
            f"    code = {e['code']}",
            f"    name = {json.dumps(e['name'])}",
            f"    msg = {json.dumps(e['msg'])}",
            "",
        ]
    lines += [
        "",
        "ERRORS_BY_CODE: dict[int, type[ProgramError]] = {",
        *(f"    {n}.code: {n}," for n in names),
        "}",
        "",
        "__all__ = [",
        '    "ERRORS_BY_CODE",',
        *(f'    "{n}",' for n in sorted(names)),
        "]",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    check = "--check" in sys.argv[1:]
    idl_text = IDL.read_text()
    outputs = {ERRORS_PY: render_errors(json.loads(idl_text)), IDL_COPY: idl_text}
    stale = [p for p, text in outputs.items() if not p.exists() or p.read_text() != text]
    if check:
        for p in stale:
            print(f"out of date: {p.relative_to(ROOT)} (run scripts/gen_sdk.py)", file=sys.stderr)
        return 1 if stale else 0
    for p in stale:
        p.write_text(outputs[p])
        print(f"wrote {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
