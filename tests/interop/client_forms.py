"""amplify_sdk's decoded values in the form another client decodes the same
bytes to, so the two can be compared value by value. Driven by the IDL's types:
keys in base58, `bytes` as hex, byte arrays as lists of numbers, and per client

* Anchor TS (as the TypeScript flows print it): camelCase names, 64-bit and
  wider integers as decimal strings (BN);
* anchorpy: its snake_case names (leading underscores dropped), plain ints."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from solders.pubkey import Pubkey

from amplify_sdk.protocol import load_idl

WIDE = {"u64", "i64", "u128", "i128"}
NARROW = {"u8", "i8", "u16", "i16", "u32", "i32"}


def camel(name: str) -> str:
    """The `camelcase` package's result for the IDL's names (what Anchor TS uses)."""
    parts = [p for p in name.split("_") if p]
    head, rest = parts[0], parts[1:]
    return head[0].lower() + head[1:] + "".join(p[0].upper() + p[1:] for p in rest)


def anchor_form(ty: Any, value: Any) -> Any:
    return client_form(ty, value, name=camel, wide=str)


def anchorpy_form(ty: Any, value: Any) -> Any:
    return client_form(ty, value, name=lambda n: n.lstrip("_"), wide=int)


def client_form(
    ty: Any, value: Any, *, name: Callable[[str], str], wide: Callable[[int], Any]
) -> Any:
    if isinstance(ty, str):
        if ty in WIDE:
            return wide(int(value))
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
        raise ValueError(f"no client form for {ty}")
    if "array" in ty:
        inner, _ = ty["array"]
        if inner == "u8":
            return list(bytes(value))
        return [client_form(inner, x, name=name, wide=wide) for x in value]
    if "vec" in ty:
        return [client_form(ty["vec"], x, name=name, wide=wide) for x in value]
    if "defined" in ty:
        fields = load_idl().types[ty["defined"]["name"]]["type"]["fields"]
        return {
            name(f["name"]): client_form(f["type"], value[f["name"]], name=name, wide=wide)
            for f in fields
        }
    raise ValueError(f"no client form for {ty}")
