"""Run with anchorpy's own venv: load the IDL with anchorpy (converted to the
legacy format it reads, by scripts/idl_legacy.py), encode sample instructions
and decode real account and event bytes with anchorpy's coders, and print the
results as JSON for tests/interop/test_anchorpy.py to compare with amplify_sdk.

    python check.py REPO_ROOT INPUT.json

INPUT: {"instructions": [{"name", "args"}], "accounts": [{"name", "data"}],
"events": [base64 payload]}: args in JSON form (keys base58, bytes and byte
arrays hex), account data and event payloads base64.
"""

from __future__ import annotations

import base64
import dataclasses
import importlib.util
import json
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

from anchorpy import Coder, Idl  # type: ignore[import-not-found]  # its own venv
from anchorpy.program.namespace.types import _build_types  # type: ignore[import-not-found]
from construct import Container, ListContainer
from solders.pubkey import Pubkey


def load_converter(root: Path) -> Any:
    spec = importlib.util.spec_from_file_location("idl_legacy", root / "scripts" / "idl_legacy.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def arg_value(ty: Any, value: Any, types: dict[str, Any]) -> Any:
    """A JSON-form argument as anchorpy takes it, by its legacy IDL type."""
    if ty == "publicKey":
        return Pubkey.from_string(value)
    if ty == "bytes":
        return bytes.fromhex(value)
    if isinstance(ty, str):
        return value
    if "array" in ty:
        if ty["array"][0] == "u8":
            return list(bytes.fromhex(value))
        return [arg_value(ty["array"][0], v, types) for v in value]
    if "vec" in ty:
        return [arg_value(ty["vec"], v, types) for v in value]
    if "option" in ty:
        return None if value is None else arg_value(ty["option"], value, types)
    defined = types[ty["defined"]]["type"]
    if defined["kind"] == "enum":
        # anchorpy builds enums from its generated sum type's constructors.
        ((variant, fields_value),) = value.items()
        spec = next(v for v in defined["variants"] if v["name"] == variant)
        fields = {
            f["name"]: arg_value(f["type"], fields_value[f["name"]], types)
            for f in spec.get("fields", [])
        }
        for f in spec.get("fields", []):
            nested = f["type"]
            if isinstance(nested, dict) and "defined" in nested:
                fields[f["name"]] = PY_TYPES[nested["defined"]](**fields[f["name"]])
        return getattr(PY_TYPES[ty["defined"]], variant)(**fields)
    # anchorpy names fields without their leading underscores (`_pad` -> `pad`).
    fields = defined["fields"]
    return {f["name"].lstrip("_"): arg_value(f["type"], value[f["name"]], types) for f in fields}


PY_TYPES: dict[str, Any] = {}


def plain(v: Any) -> Any:
    """anchorpy's decoded values as JSON: keys base58, bytes hex."""
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return {f.name: plain(getattr(v, f.name)) for f in dataclasses.fields(v)}
    if isinstance(v, Container):
        return {k: plain(x) for k, x in v.items() if not k.startswith("_")}
    if isinstance(v, (list, ListContainer)):
        return [plain(x) for x in v]
    if isinstance(v, Pubkey):
        return str(v)
    if isinstance(v, bytes):
        return v.hex()
    return v


def main() -> None:
    root, inputs = Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text())
    legacy = load_converter(root).to_legacy(json.loads((root / "idl" / "amplify.json").read_text()))
    idl = Idl.from_json(json.dumps(legacy))
    coder = Coder(idl)
    PY_TYPES.update(_build_types(idl))
    types = {t["name"]: t for t in legacy["types"]}
    ix_args = {ix["name"]: ix["args"] for ix in legacy["instructions"]}
    # The account metas anchorpy builds instructions with, as it parsed them.
    metas = {
        ix.name: [[a.name, a.is_mut, a.is_signer] for a in ix.accounts] for ix in idl.instructions
    }
    encoded = {}
    for item in inputs["instructions"]:
        args = {
            a["name"]: arg_value(a["type"], item["args"][a["name"]], types)
            for a in ix_args[item["name"]]
        }
        encoded[item["name"]] = coder.instruction.encode(item["name"], args).hex()
    accounts = []
    for item in inputs["accounts"]:
        parsed = coder.accounts.parse(base64.b64decode(item["data"]))
        accounts.append({"name": parsed.name, "fields": plain(parsed.data)})
    events = []
    for raw in inputs["events"]:
        event = coder.events.parse(base64.b64decode(raw))
        events.append({"name": event.name, "fields": plain(event.data)})
    print(
        json.dumps(
            {
                "versions": {p: version(p) for p in ("anchorpy", "anchorpy-core", "solders")},
                "metas": metas,
                "instructions": encoded,
                "accounts": accounts,
                "events": events,
            }
        )
    )


if __name__ == "__main__":
    main()
