"""Python written by `scripts/gen.py`: the SDK's instruction builders
(`protocol/_instructions.py`), one exception class per program error
(`protocol/_program_errors.py`) and the package's version (`_version.py`).
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

from gen_idl import FIXED_SIZES, JSON, Idl

#: Argument defaults of the instruction builders (the IDL has no syntax for them).
BUILDER_DEFAULTS = {("submit_results", "result_uri"): '""'}


class Python(Idl):
    # -- Python ------------------------------------------------------------------------

    def py_type(self, ty: Any) -> tuple[str, str]:
        """(type hint, expression turning the parameter `{v}` into what the
        codec takes) of an instruction argument."""
        if isinstance(ty, str):
            hint = {"bool": "bool", "pubkey": "Pubkey", "string": "str", "bytes": "bytes"}
            if ty in hint:
                return hint[ty], "{v}"
            if ty in FIXED_SIZES:
                return "int", "{v}"
        elif "array" in ty and ty["array"][0] == "u8":
            return "bytes", "{v}"
        elif "vec" in ty or "array" in ty:
            inner = ty["vec"] if "vec" in ty else ty["array"][0]
            if inner == "u8":
                return "bytes", "{v}"
            hint, expr = self.py_type(inner)
            if expr == "{v}":
                return f"Sequence[{hint}]", "list({v})"
            return f"Sequence[{hint}]", "[" + expr.format(v="x") + " for x in {v}]"
        elif "option" in ty:
            hint, expr = self.py_type(ty["option"])
            return f"{hint} | None", "None if {v} is None else " + expr
        elif "defined" in ty:
            name = ty["defined"]["name"]
            if self.is_enum(name):
                return "Mapping[str, Any]", "dict({v})"
            fields = ", ".join(self.py_type(f["type"])[0] for f in self.fields(name))
            return f"Mapping[str, Any] | tuple[{fields}]", f'struct_arg("{name}", {{v}})'
        raise SystemExit(f"unsupported argument type {ty!r}")

    def builder(self, ix: JSON) -> str:
        name = ix["name"]
        named = [a for a in ix["accounts"] if not a.get("address") and not a.get("pda")]
        if any(a.get("optional") for a in named):
            raise SystemExit(f"{name}: optional accounts are not supported by the builders")
        # Seeds read from an account's data: the caller passes the value.
        state = []
        for a in ix["accounts"]:
            for seed in a.get("pda", {}).get("seeds", []):
                if seed["kind"] == "account" and "." in seed["path"]:
                    field = seed["path"].split(".")[-1]
                    ty = next(f["type"] for f in self.fields(seed["account"]) if f["name"] == field)
                    state.append((seed["path"], field, self.py_type(ty)[0]))
        params = [f"{a['name']}: Pubkey" for a in named]
        params += [f"{field}: {hint}" for _, field, hint in state]
        for arg in ix["args"]:
            hint = self.py_type(arg["type"])[0]
            default = BUILDER_DEFAULTS.get((name, arg["name"]))
            params.append(f"{arg['name']}: {hint}" + (f" = {default}" if default else ""))
        taken = [p.split(":")[0] for p in params]
        if len(set(taken)) != len(taken) or {"remaining", "program_id"} & set(taken):
            raise SystemExit(f"{name}: builder parameter names collide: {taken}")
        params += [
            "remaining: Sequence[Remaining] = ()",
            "*",
            "program_id: Pubkey | None = None",
        ]

        doc = [" ".join(ix.get("docs", [])) or f"`{name}`."]
        rows = []
        for a in named:
            flags = [f for f in ("signer", "writable") if a.get(f)]
            text = f"`{a['name']}`" + (f" ({', '.join(flags)})" if flags else "")
            rows.append(text + (": " + " ".join(a["docs"]) if a.get("docs") else ""))
        for path, field, _ in state:
            rows.append(f"`{field}`: `{path}` as read from the chain (a seed).")
        for arg in ix["args"]:
            about = ": " + " ".join(arg["docs"]) if arg.get("docs") else ""
            rows.append(f"`{arg['name']}`{about}")
        derived = [f"`{a['name']}`" for a in ix["accounts"] if a.get("pda")]
        fixed = [f"`{a['name']}`" for a in ix["accounts"] if a.get("address")]
        lines: list[str] = []
        body = [doc[0], ""]
        body += [f"- {r}" for r in rows]
        tail = []
        if derived:
            tail.append("Derived from the IDL's seeds: " + ", ".join(derived) + ".")
        if fixed:
            tail.append("Fixed addresses: " + ", ".join(fixed) + ".")
        tail.append("`remaining`: accounts after the IDL's (an address is passed writable).")
        body += ["", *tail]
        for para in body:
            if not para:
                lines.append("")
                continue
            indent = "  " if para.startswith("- ") else ""
            wrapped = textwrap.wrap(para, 88, subsequent_indent="    " + indent)
            lines += ["    " + wrapped[0], *wrapped[1:]]
        lines[0] = '    """' + lines[0].strip()
        lines.append('    """')

        accounts = ", ".join(f'"{a["name"]}": {a["name"]}' for a in named)
        args = ", ".join(
            f'"{arg["name"]}": ' + self.py_type(arg["type"])[1].format(v=arg["name"])
            for arg in ix["args"]
        )
        call = [
            "    return build_instruction(",
            f'        "{name}",',
            f"        {{{accounts}}},",
            f"        {{{args}}},",
            "        program_id,",
            "        remaining,",
        ]
        if state:
            values = ", ".join(f'"{path}": {field}' for path, field, _ in state)
            call.append(f"        state={{{values}}},")
        call.append("    )")
        sig = f"def {name}(\n    " + ",\n    ".join(params) + ",\n) -> Instruction:"
        return "\n".join([sig, *lines, *call])

    def python_builders(self) -> str:
        names = [ix["name"] for ix in self.idl["instructions"]]
        out = [
            '"""Instruction builders, generated from idl/amplify.json by scripts/gen.py.',
            "",
            "Do not edit.",
            "",
            "One pure function per instruction: the accounts the caller must name (in the",
            "IDL's order), the values of seeds read from the chain, then the arguments.",
            "Accounts with a fixed address or PDA seeds in the IDL are filled in by",
            "`build_instruction`, as Anchor's accounts resolver does. Each pairs with",
            "`decode_instruction` for the reverse direction.",
            '"""',
            "",
            "from __future__ import annotations",
            "",
            "from collections.abc import Mapping, Sequence",
            "from typing import Any",
            "",
            "from solders.instruction import Instruction",
            "from solders.pubkey import Pubkey",
            "",
            "from ._build import Remaining, build_instruction, resolve_accounts, struct_arg",
            "",
        ]
        for ix in self.idl["instructions"]:
            out += ["", self.builder(ix), ""]
        out += [
            "",
            "__all__ = [",
            *(f'    "{n}",' for n in sorted([*names, "build_instruction", "resolve_accounts"])),
            "]",
            "",
        ]
        return "\n".join(out)

    def python_errors(self) -> str:
        lines = [
            '"""Program errors, generated from idl/amplify.json by scripts/gen.py. Do not edit."""',
            "",
            "from __future__ import annotations",
            "",
            "from ._exceptions import ProgramError",
            "",
        ]
        names = []
        for e in self.idl["errors"]:
            names.append(e["name"])
            lines += [
                "",
                f"class {e['name']}(ProgramError):",
                *docstring(e["msg"] + "."),
                "",
                f"    code = {e['code']}",
                f"    name = {json.dumps(e['name'])}",
                f"    msg = {json.dumps(e['msg'])}",
                "",
            ]
        lines += [
            "",
            "#: The exception class of each program error code (6000 up).",
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


def docstring(text: str) -> list[str]:
    """A class docstring wrapped to the project's line length."""
    lines = textwrap.wrap(text, 92)
    if len(lines) == 1:
        return [f'    """{lines[0]}"""']
    return ['    """' + lines[0], *(f"    {line}" for line in lines[1:]), '    """']


def python_version(version: str) -> str:
    return (
        '"""The package\'s version: the IDL\'s (`metadata.version` in idl/amplify.json),\n'
        "written by scripts/gen.py. The package (`__version__`), `amplify --version` and\n"
        'pyproject.toml (`[tool.setuptools.dynamic]`) all read it here."""\n\n'
        "#: The package's version (the IDL's).\n"
        f"__version__ = {version!r}\n"
    )
