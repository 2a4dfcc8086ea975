"""The program's IDL (Anchor format, spec 0.1.0), loaded from the package.

`idl/amplify.json` in the repository is the contract; the package ships a copy
next to the program binary (a test keeps the two identical).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from solders.pubkey import Pubkey

JSON = dict[str, Any]


@dataclass(frozen=True)
class IdlAccountItem:
    name: str
    writable: bool
    signer: bool
    optional: bool
    address: Pubkey | None
    pda_seeds: tuple[JSON, ...] | None
    #: The IDL's `pda` object (`seeds`, and `program` when not this program).
    pda: JSON | None = None


@dataclass(frozen=True)
class IdlInstruction:
    name: str
    discriminator: bytes
    accounts: tuple[IdlAccountItem, ...]
    args: tuple[JSON, ...]


@dataclass(frozen=True)
class IdlError:
    code: int
    name: str
    msg: str


@dataclass(frozen=True)
class Idl:
    """The program's interface, parsed from the Anchor IDL: instructions, accounts,
    events, errors, constants."""

    raw: JSON
    address: Pubkey
    instructions: dict[str, IdlInstruction]
    account_discriminators: dict[str, bytes]
    event_discriminators: dict[str, bytes]
    errors: dict[int, IdlError]
    types: dict[str, JSON]
    constants: dict[str, int | str]


def _account_item(item: JSON) -> IdlAccountItem:
    if "accounts" in item:  # nested account groups are not used by this program
        raise ValueError(f"nested account group {item['name']} is not supported")
    address = item.get("address")
    pda = item.get("pda")
    return IdlAccountItem(
        name=item["name"],
        writable=bool(item.get("writable", False)),
        signer=bool(item.get("signer", False)),
        optional=bool(item.get("optional", False)),
        address=Pubkey.from_string(address) if address else None,
        pda_seeds=tuple(pda["seeds"]) if pda else None,
        pda=pda,
    )


def parse_idl(raw: JSON) -> Idl:
    return Idl(
        raw=raw,
        address=Pubkey.from_string(raw["address"]),
        instructions={
            ix["name"]: IdlInstruction(
                name=ix["name"],
                discriminator=bytes(ix["discriminator"]),
                accounts=tuple(_account_item(a) for a in ix["accounts"]),
                args=tuple(ix["args"]),
            )
            for ix in raw["instructions"]
        },
        account_discriminators={a["name"]: bytes(a["discriminator"]) for a in raw["accounts"]},
        event_discriminators={e["name"]: bytes(e["discriminator"]) for e in raw.get("events", [])},
        errors={e["code"]: IdlError(e["code"], e["name"], e["msg"]) for e in raw["errors"]},
        types={t["name"]: t for t in raw["types"]},
        constants={c["name"]: _constant(c) for c in raw.get("constants", [])},
    )


def _constant(c: JSON) -> int | str:
    value = c["value"]
    if c["type"] == "string":
        return str(json.loads(value))
    return int(value)


def constant(name: str) -> int:
    """An integer constant the program publishes in its IDL."""
    value = load_idl().constants[name]
    if not isinstance(value, int):
        raise TypeError(f"IDL constant {name} is not an integer")
    return value


@cache
def load_idl() -> Idl:
    """The IDL shipped with this package."""
    text = resources.files("amplify_sdk").joinpath("program/amplify.json").read_text()
    return parse_idl(json.loads(text))
