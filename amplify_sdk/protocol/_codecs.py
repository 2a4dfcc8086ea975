"""Binary codecs built from the IDL with `construct`.

Every account, instruction argument list and event is encoded exactly as the
IDL describes (borsh), so the SDK never hand-writes a layout that could drift
from the program.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

import construct as c
import numpy as np
from solders.pubkey import Pubkey

from ._exceptions import AccountTypeError, InvalidArgumentError
from ._idl import JSON, Idl, load_idl
from ._pda import current_program

__all__ = ["AccountTypeError"]

# construct's classes are generic only in its type stubs (construct-typing).
if TYPE_CHECKING:
    _BoolBase = c.Adapter[int, int, bool, bool]
    _PubkeyBase = c.Adapter[bytes, bytes, Pubkey, Pubkey]
    _AnyBase = c.Adapter[Any, Any, Any, Any]
    _StructBase = c.Adapter[Any, Any, dict[str, Any], Mapping[str, Any]]
else:
    _BoolBase = _PubkeyBase = _AnyBase = _StructBase = c.Adapter


class _StrictBool(_BoolBase):
    """Borsh bool: exactly 0 or 1 either way (construct's `Flag` reads any
    non-zero byte as true and writes any truthy object)."""

    def _decode(self, obj: int, context: Any, path: Any) -> bool:
        if obj not in (0, 1):
            raise c.ValidationError(f"bool byte {obj}")
        return obj == 1

    def _encode(self, obj: bool, context: Any, path: Any) -> int:
        if not isinstance(obj, bool):
            raise c.ValidationError(f"not a bool: {obj!r}")
        return int(obj)


_PRIMITIVES: dict[str, c.Construct[Any, Any]] = {
    "u8": c.Int8ul,
    "i8": c.Int8sl,
    "u16": c.Int16ul,
    "i16": c.Int16sl,
    "u32": c.Int32ul,
    "i32": c.Int32sl,
    "u64": c.Int64ul,
    "i64": c.Int64sl,
    "u128": c.BytesInteger(16, signed=False, swapped=True),
    "i128": c.BytesInteger(16, signed=True, swapped=True),
    "bool": _StrictBool(c.Int8ul),
    "string": c.PascalString(c.Int32ul, "utf8"),
    "bytes": c.Prefixed(c.Int32ul, c.GreedyBytes),
}


class _PubkeyAdapter(_PubkeyBase):
    def _decode(self, obj: bytes, context: Any, path: Any) -> Pubkey:
        return Pubkey.from_bytes(obj)

    def _encode(self, obj: Pubkey, context: Any, path: Any) -> bytes:
        return bytes(obj)


PUBKEY = _PubkeyAdapter(c.Bytes(32))


class _OptionAdapter(_AnyBase):
    """Borsh `Option<T>`: a 0/1 tag then the value."""

    def _decode(self, obj: Any, context: Any, path: Any) -> Any:
        return obj.value if obj.tag else None

    def _encode(self, obj: Any, context: Any, path: Any) -> Any:
        return {"tag": 0, "value": None} if obj is None else {"tag": 1, "value": obj}


def _option(inner: c.Construct[Any, Any]) -> c.Construct[Any, Any]:
    return _OptionAdapter(c.Struct("tag" / c.Int8ul, "value" / c.If(c.this.tag == 1, inner)))


class _StructAdapter(_StructBase):
    """Decode to a plain dict (without construct's private keys). Padding
    fields (`_pad…`: a `u8` array named with a leading underscore) default to
    zeros when encoding, so callers give only the fields that mean something."""

    def __init__(self, subcon: c.Construct[Any, Any], padding: Mapping[str, int]) -> None:
        super().__init__(subcon)
        self.padding = dict(padding)

    def _decode(self, obj: Any, context: Any, path: Any) -> dict[str, Any]:
        return {k: v for k, v in obj.items() if not k.startswith("_io")}

    def _encode(self, obj: Mapping[str, Any], context: Any, path: Any) -> Any:
        return {**{name: bytes(n) for name, n in self.padding.items()}, **obj}


class _TaggedAdapter(_AnyBase):
    """A borsh enum with fields, as `{"VariantName": {field: value, ...}}`."""

    def __init__(self, names: list[str], subcon: c.Construct[Any, Any]) -> None:
        super().__init__(subcon)
        self.names = names

    def _decode(self, obj: Any, context: Any, path: Any) -> Any:
        return {self.names[obj.tag]: obj.value}

    def _encode(self, obj: Any, context: Any, path: Any) -> Any:
        ((name, value),) = obj.items()
        return {"tag": self.names.index(name), "value": value}


def type_codec(ty: Any, idl: Idl) -> c.Construct[Any, Any]:
    """The construct for one IDL type expression."""
    if isinstance(ty, str):
        if ty == "pubkey":
            return PUBKEY
        return _PRIMITIVES[ty]
    if "array" in ty:
        inner, n = ty["array"]
        if inner == "u8":
            return c.Bytes(n)
        return c.Array(n, type_codec(inner, idl))
    if "vec" in ty:
        inner = ty["vec"]
        if inner == "u8":
            return c.Prefixed(c.Int32ul, c.GreedyBytes)
        return c.PrefixedArray(c.Int32ul, type_codec(inner, idl))
    if "option" in ty:
        return _option(type_codec(ty["option"], idl))
    if "defined" in ty:
        name = ty["defined"]["name"] if isinstance(ty["defined"], dict) else ty["defined"]
        return defined_codec(name, idl)
    raise ValueError(f"unsupported IDL type {ty!r}")


def _fields_codec(fields: list[JSON], idl: Idl) -> c.Construct[Any, Any]:
    padding = {
        f["name"]: f["type"]["array"][1]
        for f in fields
        if f["name"].startswith("_")
        and isinstance(f["type"], dict)
        and f["type"].get("array", [None])[0] == "u8"
    }
    return _StructAdapter(
        c.Struct(*(f["name"] / type_codec(f["type"], idl) for f in fields)), padding
    )


def defined_codec(name: str, idl: Idl) -> c.Construct[Any, Any]:
    ty = idl.types[name]["type"]
    if ty["kind"] == "struct":
        return _fields_codec(ty.get("fields", []), idl)
    if ty["kind"] == "enum":
        variants = ty["variants"]
        if any("fields" in v for v in variants):
            return _TaggedAdapter(
                [v["name"] for v in variants],
                c.Struct(
                    "tag" / c.Int8ul,
                    "value"
                    / c.Switch(
                        c.this.tag,
                        {
                            i: _fields_codec(v.get("fields", []), idl)
                            for i, v in enumerate(variants)
                        },
                    ),
                ),
            )
        return c.Enum(c.Int8ul, **{v["name"]: i for i, v in enumerate(variants)})
    raise ValueError(f"unsupported type kind {ty['kind']}")


_FIXED_SIZES = {"u8": 1, "i8": 1, "bool": 1, "u16": 2, "i16": 2, "u32": 4, "i32": 4}
_FIXED_SIZES |= {"u64": 8, "i64": 8, "u128": 16, "i128": 16, "pubkey": 32}
_NP_SCALARS = {"u8": "u1", "i8": "i1", "bool": "u1", "u16": "<u2", "i16": "<i2"}
_NP_SCALARS |= {"u32": "<u4", "i32": "<i4", "u64": "<u8", "i64": "<i8"}


def fixed_size(ty: Any, idl: Idl | None = None) -> int | None:
    """Byte size of a fixed-size IDL type; None for variable-size ones."""
    idl = idl or load_idl()
    if isinstance(ty, str):
        return _FIXED_SIZES.get(ty)
    if "array" in ty:
        inner, n = ty["array"]
        size = fixed_size(inner, idl)
        return None if size is None else size * n
    if "defined" in ty:
        total = 0
        for f in idl.types[ty["defined"]["name"]]["type"].get("fields", []):
            size = fixed_size(f["type"], idl)
            if size is None:
                return None
            total += size
        return total
    return None


def _split_fields(name: str) -> tuple[list[JSON], list[JSON]]:
    """An account type's fields up to the first variable-size one, and the rest."""
    fields: list[JSON] = load_idl().types[name]["type"].get("fields", [])
    for i, f in enumerate(fields):
        if fixed_size(f["type"]) is None:
            return fields[:i], fields[i:]
    return fields, []


def _size(ty: Any) -> int:
    size = fixed_size(ty)
    if size is None:
        raise TypeError(f"IDL type {ty} has no fixed size")
    return size


def type_size(name: str) -> int:
    """Byte size of the fixed-size IDL type `name` (a struct or an event);
    `TypeError` if its size varies, so no caller has to guess one."""
    return _size({"defined": {"name": name}})


def prefix_size(name: str) -> int:
    """Bytes of an account's fixed fields, discriminator included."""
    return 8 + sum(_size(f["type"]) for f in _split_fields(name)[0])


@cache
def numpy_dtype(type_name: str) -> np.dtype[Any]:
    """A numpy structured dtype with the layout of a fixed-size IDL struct, for
    decoding long vectors of it at C speed."""
    fields: list[tuple[Any, ...]] = []
    for f in load_idl().types[type_name]["type"].get("fields", []):
        ty = f["type"]
        if isinstance(ty, str) and ty in _NP_SCALARS:
            fields.append((f["name"], _NP_SCALARS[ty]))
        elif ty == "pubkey":
            fields.append((f["name"], "u1", (32,)))
        elif isinstance(ty, dict) and "array" in ty and ty["array"][0] == "u8":
            fields.append((f["name"], "u1", (ty["array"][1],)))
        else:
            raise ValueError(f"{type_name}.{f['name']}: no numpy layout for {ty!r}")
    return np.dtype(fields)


def _decode_tail(fields: list[JSON], data: memoryview) -> dict[str, Any]:
    """Variable-size trailing fields: strings, byte vectors, and vectors of fixed
    elements as numpy arrays (an account can hold millions of them)."""
    out: dict[str, Any] = {}
    at = 0
    for f in fields:
        ty = f["type"]
        if at + 4 > len(data):
            raise AccountTypeError(f"{f['name']}: no length")
        n = int.from_bytes(data[at : at + 4], "little")
        at += 4
        if ty in ("string", "bytes"):
            raw = bytes(data[at : at + n])
            if len(raw) != n:
                raise AccountTypeError(f"{f['name']}: truncated")
            out[f["name"]] = raw.decode() if ty == "string" else raw
            at += n
            continue
        if not (isinstance(ty, dict) and "vec" in ty):
            raise ValueError(f"unsupported trailing field type {ty!r}")
        inner = ty["vec"]
        if isinstance(inner, str):
            dtype = np.dtype(_NP_SCALARS[inner])
        else:
            dtype = numpy_dtype(inner["defined"]["name"])
        size = n * dtype.itemsize
        if at + size > len(data):
            raise AccountTypeError(f"{f['name']}: truncated")
        out[f["name"]] = np.frombuffer(data[at : at + size], dtype=dtype)
        at += size
    if at != len(data):
        raise AccountTypeError(f"{len(data) - at} unexpected trailing bytes")
    return out


@cache
def _account_codec(name: str) -> c.Construct[Any, Any]:
    return _fields_codec(_split_fields(name)[0], load_idl())


@cache
def _args_codec(ix_name: str) -> c.Construct[Any, Any]:
    idl = load_idl()
    return _fields_codec(list(idl.instructions[ix_name].args), idl)


def account_size(name: str) -> int:
    """Size in bytes (discriminator included) of a fixed-size account type."""
    if _split_fields(name)[1]:
        raise ValueError(f"{name} has variable-size fields")
    return prefix_size(name)


def encode_instruction(ix_name: str, args: Mapping[str, Any]) -> bytes:
    """Discriminator followed by the borsh-encoded arguments. A value its field
    cannot hold (an integer out of range, a string that is not UTF-8, a bool
    that is not a bool) raises `InvalidArgumentError`."""
    idl = load_idl()
    try:
        body = _args_codec(ix_name).build(dict(args))
    except (c.ConstructError, UnicodeError, TypeError, ValueError, KeyError) as e:
        raise InvalidArgumentError(f"{ix_name}: {e}") from e
    return idl.instructions[ix_name].discriminator + body


def decode_instruction(data: bytes) -> tuple[str, dict[str, Any]]:
    """An instruction's name and arguments from its data (discriminator, then borsh)."""
    idl = load_idl()
    for ix in idl.instructions.values():
        if data[:8] == ix.discriminator:
            return ix.name, _args_codec(ix.name).parse(data[8:])
    raise ValueError("unknown instruction discriminator")


def decode_account(name: str, data: bytes) -> dict[str, Any]:
    """Decode account data of IDL type `name`: fixed fields as Python values,
    trailing vectors as numpy arrays. Raises `AccountTypeError` on a wrong
    discriminator or a size that does not match the layout."""
    disc = load_idl().account_discriminators[name]
    if data[:8] != disc:
        raise AccountTypeError(f"account data is not a {name}")
    tail = _split_fields(name)[1]
    end = prefix_size(name)
    if len(data) < end:
        raise AccountTypeError(f"{name} account data is truncated")
    try:
        result: dict[str, Any] = _account_codec(name).parse(data[8:end])
        if tail:
            result |= _decode_tail(tail, memoryview(data)[end:])
    except (c.ConstructError, UnicodeDecodeError) as e:
        raise AccountTypeError(f"{name} account data: {e}") from e
    return result


def decode_type(name: str, data: bytes) -> Any:
    """Decode a value of IDL type `name` from the start of `data` (trailing
    bytes, e.g. zero padding, are ignored)."""
    return defined_codec(name, load_idl()).parse(data)


def decode_event(data: bytes) -> tuple[str, dict[str, Any]] | None:
    """Decode one `sol_log_data` payload; None when it is not one of our events."""
    idl = load_idl()
    for name, disc in idl.event_discriminators.items():
        if data[:8] == disc:
            try:
                fields: dict[str, Any] = _event_codec(name).parse(data[8:])
            except c.ConstructError:
                return None  # not exactly this event's layout: not our event
            return name, fields
    return None


@cache
def _event_codec(name: str) -> c.Construct[Any, Any]:
    # Strict: an event body must be exactly its IDL layout, no trailing bytes.
    return c.FocusedSeq("body", "body" / defined_codec(name, load_idl()), c.Terminated)


def events_from_logs(
    logs: list[str], program_id: Pubkey | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """Events emitted by our program, in order, from a transaction's log lines.

    Only "Program data:" lines logged while our program is the innermost program
    on the invoke stack count, so another program cannot forge our events.
    """
    pid = str(program_id or current_program())
    stack: list[str] = []
    out: list[tuple[str, dict[str, Any]]] = []
    for line in logs:
        parts = line.split()
        if len(parts) >= 3 and parts[0] == "Program" and parts[2] == "invoke":
            stack.append(parts[1])
        elif len(parts) >= 3 and parts[0] == "Program" and parts[2] in ("success", "failed:"):
            if stack:
                stack.pop()
        elif line.startswith("Program data: ") and stack and stack[-1] == pid:
            try:
                payload = base64.b64decode(line[len("Program data: ") :], validate=True)
            except ValueError:
                continue
            event = decode_event(payload)
            if event is not None:
                out.append(event)
    return out
