"""The IDL as `scripts/gen.py` reads it: the checks Anchor clients rely on
(discriminators are the sha256 sighashes of the names; error codes are unique and
from 6000 up; every handler file is an IDL instruction) and the type questions the
writers ask (sizes, struct fields, which defined types are enums or fixed-size
structs).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

JSON = dict[str, Any]

FIXED_SIZES = {"u8": 1, "i8": 1, "bool": 1, "u16": 2, "i16": 2, "u32": 4, "i32": 4}
FIXED_SIZES |= {"u64": 8, "i64": 8, "u128": 16, "i128": 16, "pubkey": 32}
INT_TYPES = {"u16", "i16", "u32", "i32", "u64", "i64", "u128", "i128"}


def sighash(prefix: str, name: str) -> list[int]:
    return list(hashlib.sha256(f"{prefix}:{name}".encode()).digest()[:8])


def camel(snake: str) -> str:
    return "".join(p.capitalize() for p in snake.split("_"))


def upper(name: str) -> str:
    """CamelCase or snake_case to SCREAMING_SNAKE."""
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and name[i - 1] != "_":
            out.append("_")
        out.append(ch.upper())
    return "".join(out)


class Idl:
    def __init__(self, idl: JSON) -> None:
        self.idl = idl
        self.types = {t["name"]: t for t in idl["types"]}
        self.account_names = [a["name"] for a in idl["accounts"]]
        self.event_names = [e["name"] for e in idl["events"]]

    # -- IDL checks ----------------------------------------------------------------

    def validate(self) -> None:
        for prefix, items in (
            ("global", self.idl["instructions"]),
            ("account", self.idl["accounts"]),
            ("event", self.idl["events"]),
        ):
            for item in items:
                if item["discriminator"] != sighash(prefix, item["name"]):
                    raise SystemExit(f"{prefix}:{item['name']}: discriminator is not its sighash")
        codes = [e["code"] for e in self.idl["errors"]]
        if codes != sorted(set(codes)) or codes[0] != 6000:
            raise SystemExit("error codes must be unique, ascending and start at 6000")

    def check_handlers(self, handlers: Path) -> None:
        """A handler file the IDL does not name would compile to nothing, silently."""
        names = {i["name"] for i in self.idl["instructions"]}
        orphans = sorted(
            p.name for p in handlers.glob("*.rs") if p.name != "mod.rs" and p.stem not in names
        )
        if orphans:
            raise SystemExit(f"handlers without an IDL instruction: {orphans}")

    # -- type helpers --------------------------------------------------------------

    def size(self, ty: Any) -> int | None:
        """Byte size of a fixed-size IDL type; None for variable-size ones."""
        if isinstance(ty, str):
            return FIXED_SIZES.get(ty)
        if "array" in ty:
            inner, n = ty["array"]
            s = self.size(inner)
            return None if s is None else s * n
        if "defined" in ty:
            total = 0
            for f in self.fields(ty["defined"]["name"]):
                s = self.size(f["type"])
                if s is None:
                    return None
                total += s
            return total
        return None

    def fields(self, type_name: str) -> list[JSON]:
        ty = self.types[type_name]["type"]
        if ty["kind"] != "struct":
            raise SystemExit(f"{type_name}: only struct types are supported here")
        fields: list[JSON] = ty.get("fields", [])
        return fields

    def is_enum(self, type_name: str) -> bool:
        return bool(self.types[type_name]["type"]["kind"] == "enum")

    def enum_types(self) -> list[str]:
        """Enums with fields used as instruction arguments."""
        out = []
        for ix in self.idl["instructions"]:
            for a in ix["args"]:
                ty = a["type"]
                is_enum = isinstance(ty, dict) and "defined" in ty
                is_enum = is_enum and self.is_enum(ty["defined"]["name"])
                if is_enum and ty["defined"]["name"] not in out:
                    out.append(ty["defined"]["name"])
        return out

    def fixed_prefix(self, type_name: str) -> tuple[list[JSON], list[JSON]]:
        """Fields up to the first variable-size one, and the rest."""
        fields = self.fields(type_name)
        for i, f in enumerate(fields):
            if self.size(f["type"]) is None:
                return fields[:i], fields[i:]
        return fields, []

    def pod_types(self) -> list[str]:
        """Defined structs used as elements or fields, in dependency-free order."""
        out: list[str] = []

        def visit(ty: Any) -> None:
            if isinstance(ty, dict):
                for key in ("vec", "option"):
                    if key in ty:
                        visit(ty[key])
                if "array" in ty:
                    visit(ty["array"][0])
                if "defined" in ty:
                    name = ty["defined"]["name"]
                    if self.is_enum(name):
                        for v in self.types[name]["type"]["variants"]:
                            for f in v.get("fields", []):
                                visit(f["type"])
                        return
                    for f in self.fields(name):
                        visit(f["type"])
                    if name not in out:
                        out.append(name)

        for t in self.idl["types"]:
            if t["name"] in self.account_names or t["name"] in self.event_names:
                for f in self.fields(t["name"]):
                    visit(f["type"])
        for ix in self.idl["instructions"]:
            for a in ix["args"]:
                visit(a["type"])
        return out
