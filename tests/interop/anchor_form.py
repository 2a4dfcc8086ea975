"""amplify_sdk's decoded values in the form @coral-xyz/anchor decodes the same
bytes to (as the TypeScript flows print them): camelCase names, 64-bit and
wider integers as decimal strings (BN), keys in base58, `bytes` as hex, byte
arrays as lists of numbers. Driven by the IDL's types, so both sides are read
from the same description and compared value by value."""

from __future__ import annotations

from typing import Any

from solders.pubkey import Pubkey

from amplify_sdk import load_idl

WIDE = {"u64", "i64", "u128", "i128"}
NARROW = {"u8", "i8", "u16", "i16", "u32", "i32"}


def camel(name: str) -> str:
    """The `camelcase` package's result for the IDL's names (what Anchor TS uses)."""
    parts = [p for p in name.split("_") if p]
    head, rest = parts[0], parts[1:]
    return head[0].lower() + head[1:] + "".join(p[0].upper() + p[1:] for p in rest)


def anchor_form(ty: Any, value: Any) -> Any:
    if isinstance(ty, str):
        if ty in WIDE:
            return str(int(value))
        if ty in NARROW:
            return int(value)
        if ty == "bool":
            return bool(value)
        if ty == "pubkey":
            return str(value if isinstance(value, Pubkey) else Pubkey.from_bytes(bytes(value)))
        if ty == "string":
            return str(value)
        if ty == "bytes":
            return bytes(value).hex()
        raise ValueError(f"no Anchor form for {ty}")
    if "array" in ty:
        inner, _ = ty["array"]
        if inner == "u8":
            return list(bytes(value))
        return [anchor_form(inner, x) for x in value]
    if "vec" in ty:
        return [anchor_form(ty["vec"], x) for x in value]
    if "defined" in ty:
        fields = load_idl().types[ty["defined"]["name"]]["type"]["fields"]
        return {camel(f["name"]): anchor_form(f["type"], value[f["name"]]) for f in fields}
    raise ValueError(f"no Anchor form for {ty}")
