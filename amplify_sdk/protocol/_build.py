"""Instructions from the IDL: account order, flags, fixed addresses and PDAs.

`build_instruction` takes an instruction's name, the accounts a caller must
name and its arguments; every account the IDL fixes (`address`) or derives
(`pda.seeds`) it fills in, as Anchor's accounts resolver does: a seed is a
constant, another account of the instruction, an argument, or a field of an
account the caller read (passed in `state`, keyed by the seed's path), and the
PDA is found under `pda.program` if the IDL names one, else the program.
The per-instruction builders in `_instructions` (generated) call it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from solders.instruction import AccountMeta, Instruction
from solders.pubkey import Pubkey

from ._codecs import encode_instruction, type_codec
from ._idl import JSON, Idl, IdlAccountItem, IdlInstruction, load_idl
from ._pda import current_program

#: The runtime's limits on PDA seeds (beyond them no address can be derived).
MAX_SEEDS, MAX_SEED_LEN = 16, 32

#: An account after the IDL's: a meta as given, or an address passed writable.
Remaining = AccountMeta | Pubkey


def build_instruction(
    name: str,
    accounts: Mapping[str, Pubkey],
    args: Mapping[str, Any],
    program_id: Pubkey | None = None,
    remaining: Sequence[Remaining] = (),
    *,
    state: Mapping[str, Any] | None = None,
    idl: Idl | None = None,
) -> Instruction:
    """Build instruction `name` from named accounts, in the IDL's order and flags.

    Accounts with a fixed address or PDA seeds in the IDL may be left out
    (`resolve_accounts`); an optional account left out is passed as the
    program id (Anchor's convention for "none"). `remaining` follow the IDL's
    accounts (a bare address as writable, not a signer). Unknown names, or a
    required account neither given nor derivable, raise `ValueError`.
    """
    idl = idl or load_idl()
    program_id = program_id or current_program()
    ix = idl.instructions[name]
    keys = resolve_accounts(ix, accounts, args, program_id, state or {}, idl)
    metas = []
    for item in ix.accounts:
        key = keys.get(item.name)
        if key is None:
            metas.append(AccountMeta(program_id, is_signer=False, is_writable=False))
        else:
            metas.append(AccountMeta(key, is_signer=item.signer, is_writable=item.writable))
    extra = [r if isinstance(r, AccountMeta) else AccountMeta(r, False, True) for r in remaining]
    return Instruction(program_id, encode_instruction(name, args), [*metas, *extra])


def resolve_accounts(
    ix: IdlInstruction,
    accounts: Mapping[str, Pubkey],
    args: Mapping[str, Any],
    program_id: Pubkey | None = None,
    state: Mapping[str, Any] | None = None,
    idl: Idl | None = None,
) -> dict[str, Pubkey]:
    """Every account of `ix` the caller named, fixed by the IDL, or derived from
    its seeds (optional accounts neither given nor derivable are left out)."""
    idl = idl or load_idl()
    program_id = program_id or current_program()
    items = {a.name: a for a in ix.accounts}
    unknown = set(accounts) - set(items)
    if unknown:
        raise ValueError(f"{ix.name}: unknown accounts {sorted(unknown)}")
    keys = dict(accounts)
    resolver = _Resolver(ix, items, keys, args, program_id, state or {}, idl)
    for item in ix.accounts:
        if item.name not in keys:
            key = resolver.account(item.name, ())
            if key is not None:
                keys[item.name] = key
            elif not item.optional:
                raise ValueError(f"{ix.name}: account {item.name!r} is required")
    return keys


class _Resolver:
    def __init__(
        self,
        ix: IdlInstruction,
        items: dict[str, IdlAccountItem],
        keys: dict[str, Pubkey],
        args: Mapping[str, Any],
        program_id: Pubkey,
        state: Mapping[str, Any],
        idl: Idl,
    ) -> None:
        self.ix, self.items, self.keys, self.args = ix, items, keys, args
        self.program_id, self.state, self.idl = program_id, state, idl

    def account(self, name: str, seen: tuple[str, ...]) -> Pubkey | None:
        if name in self.keys:
            return self.keys[name]
        item = self.items.get(name)
        if item is None or name in seen:
            raise ValueError(f"{self.ix.name}: seed account {name!r} cannot be resolved")
        if item.address is not None:
            # The IDL names this build's address; a program built for another
            # is called there.
            return self.program_id if item.address == self.idl.address else item.address
        if item.pda is None:
            return None
        seeds = [self.seed(s, (*seen, name)) for s in item.pda["seeds"]]
        if len(seeds) > MAX_SEEDS or any(len(s) > MAX_SEED_LEN for s in seeds):
            raise ValueError(f"{self.ix.name}: {name}: seeds exceed the runtime's limits")
        program = self.program_id
        if "program" in item.pda:
            program = Pubkey.from_bytes(self.seed(item.pda["program"], (*seen, name)))
        key = Pubkey.find_program_address(seeds, program)[0]
        self.keys[name] = key
        return key

    def seed(self, seed: JSON, seen: tuple[str, ...]) -> bytes:
        kind = seed["kind"]
        if kind == "const":
            value = bytes(seed["value"])
            # A seed that is the program's own address (its ProgramData's).
            return bytes(self.program_id) if value == bytes(self.idl.address) else value
        path: str = seed["path"]
        if kind == "arg":
            head, *rest = path.split(".")
            value = self.args[head]
            ty = next(a["type"] for a in self.ix.args if a["name"] == head)
            for field in rest:
                value = value[field]
                ty = self._field_type(ty["defined"]["name"], field)
            return self._bytes(ty, value)
        if kind == "account":
            if "." not in path:
                key = self.account(path, seen)
                if key is None:
                    raise ValueError(f"{self.ix.name}: seed account {path!r} is not given")
                return bytes(key)
            # A field of an account's data: read by the caller, passed in `state`.
            if path not in self.state:
                raise ValueError(f"{self.ix.name}: seed {path!r} needs its value in `state`")
            field = path.split(".")[-1]
            return self._bytes(self._field_type(seed["account"], field), self.state[path])
        raise ValueError(f"{self.ix.name}: unsupported seed kind {kind!r}")

    def _field_type(self, type_name: str, field: str) -> Any:
        fields = self.idl.types[type_name]["type"]["fields"]
        return next(f["type"] for f in fields if f["name"] == field)

    def _bytes(self, ty: Any, value: Any) -> bytes:
        """A seed's bytes: the value's borsh encoding, strings and byte vectors
        without their length prefix (as Anchor derives them)."""
        if ty == "string":
            return str(value).encode()
        if ty == "bytes":
            return bytes(value)
        return bytes(type_codec(ty, self.idl).build(value))


def struct_arg(type_name: str, value: Mapping[str, Any] | Sequence[Any]) -> dict[str, Any]:
    """A struct argument from a mapping of its fields or a tuple in field order."""
    if isinstance(value, Mapping):
        return dict(value)
    names = [f["name"] for f in load_idl().types[type_name]["type"]["fields"]]
    if len(value) != len(names):
        raise ValueError(f"{type_name}: {len(names)} fields ({', '.join(names)}), got {value!r}")
    return dict(zip(names, value, strict=True))
