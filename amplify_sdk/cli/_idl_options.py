"""Options generated from the IDL's types: a struct's fields or an enum
variant's become click options named after them (`fee_bps` → `--fee-bps`), of
a type that checks the value as the program will (integer ranges, addresses,
durations for `*_secs`), helped by the IDL's docs; and the same fields read
from a JSON or YAML mapping. Used by `amplify gov` (the `propose` commands and
`init`), and by any command whose options are an IDL type."""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any

import click
from pydantic import BaseModel

from ..protocol._idl import JSON, load_idl
from ._context import UserError
from ._params import ADDRESS, Duration

_INT_BITS = {"u8": 8, "u16": 16, "u32": 32, "u64": 64}


def idl_type(name: str) -> JSON:
    ty: JSON = load_idl().types[name]["type"]
    return ty


def struct_name(ty: Any) -> str | None:
    """The defined struct a field's type names, if it is one."""
    if isinstance(ty, dict) and "defined" in ty:
        name = ty["defined"]["name"] if isinstance(ty["defined"], dict) else ty["defined"]
        if idl_type(name)["kind"] == "struct":
            return str(name)
    return None


def struct_fields(type_name: str) -> list[JSON]:
    """A struct's meaningful fields (padding excluded: the codec zeroes it)."""
    fields: list[JSON] = idl_type(type_name).get("fields", [])
    return [f for f in fields if not f["name"].startswith("_")]


def param_type(field: JSON) -> click.ParamType[Any, Any]:
    ty = field["type"]
    if ty == "bool":
        return click.BOOL
    if ty == "pubkey":
        return ADDRESS
    if ty in _INT_BITS:
        top = 2 ** _INT_BITS[ty] - 1
        # Seconds read better as durations (90s, 10m, 3d).
        return Duration(top) if field["name"].endswith("_secs") else click.IntRange(0, top)
    raise TypeError(f"no command-line type for IDL type {ty!r}")


def arg_range(instruction: str, arg: str, min: int = 0, max: int | None = None) -> click.IntRange:
    """An integer option bounded as the instruction's argument is in the IDL
    (`price` of `create_batch` is a u64): a value it cannot hold is a usage
    error naming the option and its range, not an encoder's failure."""
    field = next(a for a in load_idl().instructions[instruction].args if a["name"] == arg)
    top = 2 ** _INT_BITS[field["type"]] - 1
    return click.IntRange(min, top if max is None else builtins.min(max, top))


def flag(name: str, prefix: str = "") -> str:
    return "--" + (prefix + name).replace("_", "-")


def dest(name: str, prefix: str = "") -> str:
    return (prefix + name).replace("-", "_")


def help_of(field: JSON, extra: str = "") -> str:
    docs = " ".join(field.get("docs", [])) or field["name"].replace("_", " ").capitalize() + "."
    return " ".join(part for part in (docs, extra) if part)


def option(field: JSON, prefix: str = "", **kw: Any) -> Any:
    return click.option(
        flag(field["name"], prefix),
        dest(field["name"], prefix),
        type=param_type(field),
        **kw,
    )


def read_struct(path: Path, type_name: str) -> dict[str, Any]:
    """A struct's fields from a JSON or YAML mapping, each checked as its option is."""
    import yaml  # only for the options that read a file

    try:
        data = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as e:
        raise UserError(f"cannot read {path}: {e}") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: give a mapping of {type_name} fields")
    fields = {f["name"]: f for f in struct_fields(type_name)}
    unknown = sorted(set(map(str, data)) - set(fields))
    if unknown:
        raise UserError(
            f"{path}: {', '.join(unknown)} not fields of {type_name} ({', '.join(fields)})"
        )
    out = {}
    for key, value in data.items():
        try:
            out[str(key)] = param_type(fields[str(key)]).convert(value, None, None)
        except click.BadParameter as e:
            raise UserError(f"{path}: {key}: {e.message}") from None
    return out


def current_value(type_name: str, *accounts: BaseModel) -> dict[str, Any]:
    """The value in force of a parameter struct: the field of that type in
    the config or governance account."""
    for account in accounts:
        for name in type(account).model_fields:
            value = getattr(account, name)
            if isinstance(value, BaseModel) and type(value).__name__ == type_name:
                return value.model_dump()
    raise UserError(f"no account holds the current {type_name}")


def kebab(name: str) -> str:
    return "".join("-" + ch.lower() if ch.isupper() else ch for ch in name).lstrip("-")


__all__ = [
    "current_value",
    "dest",
    "flag",
    "help_of",
    "idl_type",
    "kebab",
    "option",
    "param_type",
    "read_struct",
    "struct_fields",
    "struct_name",
]
