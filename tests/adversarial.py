"""The adversarial battery of the `tests/test_<instruction>.py` files.

An `Attack` holds one valid instruction, the keypairs that sign it and a payer
that holds no role in it. Each method sends broken copies of the instruction
and proves, for every copy, that the program refused it with exactly the
expected error (the class itself, not a subclass or a neighbour) and that no
account changed: every account the instruction names (and any `watch`ed one)
keeps its lamports, owner and data to the byte, and the payer paid exactly
the signature fee of the failed transaction, as its receipt records.

The generic checks follow the documented order (docs/protocol.md, "Order of
checks"): discriminator, account count, instruction data, then per account in
the IDL's order its signer flag, writable flag and fixed address; so each
broken copy has exactly one possible error. `expect_ok()` sends the unaltered
instruction last: the refusals were the broken part's doing.
"""

from __future__ import annotations

import copy
import hashlib
import random
import re
import struct
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from solders.account import Account
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.message import Message
from solders.pubkey import Pubkey

from amplify_sdk import PROGRAM_ID, AmplifyClient, ProgramError, TransactionError
from amplify_sdk.chain._tx import PACKET_DATA_SIZE, transaction_size
from amplify_sdk.errors import (
    AccountNotWritable,
    InvalidInstructionData,
    InvalidProgramAccount,
    MissingSigner,
    NotEnoughAccounts,
    UnknownInstruction,
)
from amplify_sdk.protocol import decode_instruction, load_idl
from amplify_sdk.protocol._build import resolve_accounts
from amplify_sdk.protocol._codecs import encode_instruction
from amplify_sdk.protocol._idl import parse_idl
from amplify_sdk.protocol._token import TOKEN_PROGRAM_ID
from market import SIGNATURE_FEE, Market, swap

Snapshot = dict[Pubkey, tuple[int, Pubkey | None, bytes]]

#: Refused transactions checked, per instruction (reported at the end of a run).
REFUSALS: Counter[str] = Counter()


# -- a strict borsh reader over the IDL (the oracle for random data) ---------------------

#: The owner of the sysvars (clock, rent, ...).
SYSVAR_OWNER = Pubkey.from_string("Sysvar1111111111111111111111111111111111111")

_SIZES = {"u8": 1, "i8": 1, "u16": 2, "i16": 2, "u32": 4, "i32": 4, "u64": 8, "i64": 8}
_SIZES |= {"u128": 16, "i128": 16, "pubkey": 32}


def _walk(ty: Any, data: bytes, at: int) -> int | None:
    """End offset of one strict borsh value of IDL type `ty` at `at`, or None."""
    types = load_idl().types
    if isinstance(ty, str):
        if ty == "bool":
            return at + 1 if at < len(data) and data[at] in (0, 1) else None
        if ty in ("bytes", "string"):
            if at + 4 > len(data):
                return None
            n = int.from_bytes(data[at : at + 4], "little")
            end = at + 4 + n
            if end > len(data):
                return None
            if ty == "string":
                try:
                    data[at + 4 : end].decode("utf-8")
                except UnicodeDecodeError:
                    return None
            return end
        end = at + _SIZES[ty]
        return end if end <= len(data) else None
    if "array" in ty:
        inner, n = ty["array"]
        pos: int | None = at
        for _ in range(n):
            pos = _walk(inner, data, pos) if pos is not None else None
        return pos
    if "vec" in ty:
        if at + 4 > len(data):
            return None
        n = int.from_bytes(data[at : at + 4], "little")
        pos = at + 4
        for _ in range(n):
            pos = _walk(ty["vec"], data, pos) if pos is not None else None
            if pos is None:
                return None
        return pos
    t = types[ty["defined"]["name"]]["type"]
    if t["kind"] == "struct":
        pos = at
        for f in t["fields"]:
            pos = _walk(f["type"], data, pos) if pos is not None else None
        return pos
    if at >= len(data) or data[at] >= len(t["variants"]):
        return None
    pos = at + 1
    for f in t["variants"][data[at]].get("fields", []):
        pos = _walk(f["type"], data, pos) if pos is not None else None
    return pos


def strictly_valid(ix_name: str, args: bytes) -> bool:
    """Whether `args` is exactly one strict borsh encoding of the instruction's
    arguments (what the program's generated parser must accept)."""
    pos: int | None = 0
    for f in load_idl().instructions[ix_name].args:
        pos = _walk(f["type"], args, pos) if pos is not None else None
    return pos == len(args)


def length_prefixes(ix_name: str, args: bytes) -> list[tuple[str, int, int]]:
    """(argument, offset, value) of every top-level vector/bytes/string length
    prefix in valid argument data."""
    out = []
    pos = 0
    for f in load_idl().instructions[ix_name].args:
        ty = f["type"]
        if ty in ("bytes", "string") or (isinstance(ty, dict) and "vec" in ty):
            out.append((f["name"], pos, int.from_bytes(args[pos : pos + 4], "little")))
        end = _walk(ty, args, pos)
        assert end is not None, f"{ix_name}: the base instruction's data is not valid"
        pos = end
    return out


def discriminator(name: str) -> bytes:
    return bytes(load_idl().instructions[name].discriminator)


# -- the attack ------------------------------------------------------------------------------


@dataclass
class Attack:
    market: Market
    ix: Instruction
    signers: list[Keypair]
    payer: AmplifyClient
    watch: list[Pubkey] = field(default_factory=list)
    #: What the scene built beside the instruction (other parties, accounts).
    scene: dict[str, Any] = field(default_factory=dict)
    name: str = ""
    refusals: int = 0

    def __post_init__(self) -> None:
        names = {bytes(i.discriminator): n for n, i in load_idl().instructions.items()}
        self.name = names[bytes(self.ix.data[:8])]

    @property
    def idl_accounts(self) -> tuple[Any, ...]:
        return load_idl().instructions[self.name].accounts

    @property
    def args(self) -> bytes:
        return bytes(self.ix.data[8:])

    # -- sending ------------------------------------------------------------------------

    async def snapshot(self, addresses: Iterable[Pubkey]) -> Snapshot:
        out: Snapshot = {}
        for a in addresses:
            acc = await self.market.backend.get_account(a)
            out[a] = (0, None, b"") if acc is None else (acc.lamports, acc.owner, acc.data)
        return out

    async def refused(
        self,
        ix: Instruction,
        error: type[TransactionError] | None,
        signers: Sequence[Keypair] | None = None,
        what: str = "",
        code: int | None = None,
        message: str | None = None,
    ) -> None:
        """`ix` fails with exactly `error` and changes nothing but the fee.
        `error` is a program error class, or `TransactionError` with the `code`
        another program (the token program, in a CPI) failed with, or None for
        any refusal."""
        signers = list(self.signers if signers is None else signers)
        keys = [m.pubkey for m in ix.accounts]
        watched = list(dict.fromkeys([*keys, *self.watch, self.payer.address]))
        before = await self.snapshot(watched)
        n_receipts = len(self.payer.receipts)
        label = f"{self.name} {what}".strip()
        try:
            await self.payer.send([ix], signers)
        except TransactionError as e:
            if error is not None:
                assert type(e) is error, (
                    f"{label}: {type(e).__name__} instead of {error.__name__}: {e}"
                )
            if code is not None:
                assert re.search(rf"custom error {code}\b", str(e)), f"{label}: {e}"
            if message is not None:
                assert message in str(e), f"{label}: {e}"
        else:
            raise AssertionError(f"{label}: accepted, expected {error or 'a refusal'}")
        # The embedded chain executes a refused transaction and charges its
        # signatures, as a leader would; over RPC the SDK simulates first and
        # sends nothing, so nothing at all may change.
        sent = self.payer.receipts[n_receipts:]
        signatures = Message([ix], self.payer.address).header.num_required_signatures
        if self.market.refused_fee:
            (receipt,) = sent
            assert receipt.failed, label
            assert receipt.fee == SIGNATURE_FEE * signatures, label
            fee = receipt.fee
        else:
            assert sent == [], f"{label}: a transaction that would fail was sent"
            fee = 0
        after = await self.snapshot(watched)
        for a in watched:
            want = before[a]
            if a == self.payer.address:
                want = (want[0] - fee, want[1], want[2])
            assert after[a][0] == want[0], f"{label}: lamports of {a} moved"
            assert after[a][1] == want[1], f"{label}: owner of {a} changed"
            # The clock ticks on its own on a live node; no sysvar is ours to change.
            if want[1] != SYSVAR_OWNER:
                assert after[a][2] == want[2], f"{label}: data of {a} changed"
        self.refusals += 1
        REFUSALS[self.name] += 1

    async def expect_ok(self, ix: Instruction | None = None) -> None:
        """The instruction (default: the unaltered one) succeeds. The unaltered
        one is first checked against the IDL's PDA seeds: each account the IDL
        derives is the address its seeds give, and the address that seeds one
        byte off give is refused (`wrong_seeds`)."""
        if ix is None:
            for account, wrong in wrong_seeds(self.ix):
                await self.refused(wrong, None, what=f"with {account} from wrong seeds")
        await self.payer.send([ix or self.ix], self.signers)

    def fits(self, ix: Instruction) -> bool:
        """Whether `ix` fits a transaction (with the payer and the signers)."""
        n = 1 + len({s.pubkey() for s in self.signers} - {self.payer.address})
        return transaction_size([ix], self.payer.wallet, n) <= PACKET_DATA_SIZE

    # -- builders -----------------------------------------------------------------------

    def key(self, account: str) -> Pubkey:
        names = [a.name for a in self.idl_accounts]
        return list(self.ix.accounts)[names.index(account)].pubkey

    def swap(
        self,
        account: str,
        key: Pubkey | None = None,
        *,
        signer: bool | None = None,
        writable: bool | None = None,
    ) -> Instruction:
        return swap(self.ix, account, key, signer=signer, writable=writable)

    def with_data(self, data: bytes) -> Instruction:
        return Instruction(self.ix.program_id, data, list(self.ix.accounts))

    def with_args(self, **changes: Any) -> Instruction:
        """The instruction with some arguments re-encoded (through the IDL)."""
        _, args = decode_instruction(bytes(self.ix.data))
        return self.with_data(encode_instruction(self.name, {**args, **changes}))

    def with_remaining(self, metas: Sequence[AccountMeta]) -> Instruction:
        fixed = list(self.ix.accounts)[: len(self.idl_accounts)]
        return Instruction(self.ix.program_id, bytes(self.ix.data), [*fixed, *metas])

    async def clone(self, source: Pubkey, owner: Pubkey) -> Pubkey:
        """A fresh address holding a copy of `source` (lamports and data) owned by `owner`."""
        acc = await self.market.backend.get_account(source)
        assert acc is not None, f"{source} does not exist"
        fake = Keypair().pubkey()
        self.market.backend.set_account(fake, Account(acc.lamports, acc.data, owner, False, 0))
        return fake

    # -- the generic battery ------------------------------------------------------------

    async def missing_signers(self) -> None:
        """Every signer the IDL names, listed but not signing."""
        accounts = [a for a in self.idl_accounts if a.signer]
        assert accounts, f"{self.name} has no signer"
        for a in accounts:
            ix = self.swap(a.name, signer=False)
            others = [s for s in self.signers if s.pubkey() != self.key(a.name)]
            await self.refused(ix, MissingSigner, others, f"unsigned {a.name}")

    async def read_only(self) -> None:
        """Every account the IDL makes writable, passed read-only."""
        accounts = [a for a in self.idl_accounts if a.writable]
        assert accounts, f"{self.name} has no writable account"
        for a in accounts:
            await self.refused(
                self.swap(a.name, writable=False), AccountNotWritable, what=f"read-only {a.name}"
            )

    async def substituted_programs(self) -> None:
        """Every fixed address (system program, sysvars, token program, this
        program) replaced by another program or an ordinary address."""
        accounts = [a for a in self.idl_accounts if a.address is not None]
        for a in accounts:
            for fake in (TOKEN_PROGRAM_ID, Keypair().pubkey(), PROGRAM_ID):
                if fake == a.address:
                    continue
                await self.refused(
                    self.swap(a.name, fake), InvalidProgramAccount, what=f"{a.name} -> {fake}"
                )

    async def missing_accounts(self) -> None:
        metas = list(self.ix.accounts)[: len(self.idl_accounts)]
        for keep in sorted({0, len(metas) - 1, len(metas) // 2}):
            ix = Instruction(self.ix.program_id, bytes(self.ix.data), metas[:keep])
            signers = [s for s in self.signers if s.pubkey() in {m.pubkey for m in metas[:keep]}]
            await self.refused(ix, NotEnoughAccounts, signers, f"{keep} accounts")

    async def truncated_data(self) -> None:
        disc = discriminator(self.name)
        await self.refused(self.with_data(b""), UnknownInstruction, what="no data")
        await self.refused(self.with_data(disc[:7]), UnknownInstruction, what="7 bytes")
        if self.args:
            await self.refused(self.with_data(disc), InvalidInstructionData, what="no args")
            for cut in sorted({1, len(self.args) // 2, len(self.args) - 1} - {0}):
                data = bytes(self.ix.data)[: 8 + len(self.args) - cut]
                await self.refused(
                    self.with_data(data), InvalidInstructionData, what=f"{cut} bytes short"
                )

    async def extended_data(self) -> None:
        for tail in (b"\x00", b"\x01", b"\xff" * 33):
            await self.refused(
                self.with_data(bytes(self.ix.data) + tail),
                InvalidInstructionData,
                what=f"{len(tail)} trailing bytes",
            )

    async def random_data(self, rounds: int = 12, seed: int | None = None) -> None:
        """Seeded random argument bytes the IDL does not describe (and, for
        each, the same bytes behind a random discriminator)."""
        rng = random.Random(seed if seed is not None else self.name)
        disc = discriminator(self.name)
        sent = 0
        for _ in range(rounds * 20):
            n = rng.choice([0, 1, 3, 7, 13, len(self.args), len(self.args) + 1, 60, 200, 700])
            args = rng.randbytes(n)
            if strictly_valid(self.name, args) or not self.fits(self.with_data(disc + args)):
                continue
            await self.refused(self.with_data(disc + args), InvalidInstructionData, what="random")
            sent += 1
            if sent == rounds:
                break
        assert sent == rounds, f"{self.name}: too few invalid random inputs"

    async def unknown_discriminators(self) -> None:
        idl = load_idl()
        foreign = [
            hashlib.sha256(b"global:" + self.name.encode() + b"_v2").digest()[:8],
            idl.account_discriminators["Batch"],  # an account's, not an instruction's
            next(iter(idl.event_discriminators.values())),
            bytes(8),
            b"\xff" * 8,
        ]
        for d in foreign:
            await self.refused(
                self.with_data(d + self.args), UnknownInstruction, what=f"discriminator {d.hex()}"
            )

    async def lying_lengths(self) -> None:
        """Every vector/bytes/string length prefix set to more than the data
        holds (by one, and to u32::MAX) and, when not zero, to one less."""
        prefixes = length_prefixes(self.name, self.args)
        assert prefixes, f"{self.name} has no length-prefixed argument"
        for arg, at, n in prefixes:
            lies = [n + 1, 0xFFFFFFFF, n + 1_000] + ([n - 1] if n > 0 else [])
            for lie in lies:
                args = self.args[:at] + struct.pack("<I", lie) + self.args[at + 4 :]
                if strictly_valid(self.name, args):
                    continue  # the lie happens to parse as other valid arguments
                await self.refused(
                    self.with_data(discriminator(self.name) + args),
                    InvalidInstructionData,
                    what=f"{arg} length {lie} (really {n})",
                )

    async def other_owner(
        self, accounts: Sequence[str], error: type[ProgramError], owner: Pubkey | None = None
    ) -> None:
        """Each named account replaced by a copy of it (lamports and data) owned
        by another program."""
        for account in accounts:
            fake = await self.clone(self.key(account), owner or TOKEN_PROGRAM_ID)
            await self.refused(self.swap(account, fake), error, what=f"{account} of another owner")

    async def twice(self, cases: Sequence[tuple[str, str, type[ProgramError]]]) -> None:
        """(role, other role, error): the account of `role` also passed as `other role`."""
        for role, other, error in cases:
            await self.refused(
                self.swap(other, self.key(role)), error, what=f"{role} also as {other}"
            )

    async def substituted(self, cases: Sequence[tuple[str, Pubkey, type[ProgramError]]]) -> None:
        """(role, address, error): another account in the role."""
        for role, key, error in cases:
            await self.refused(self.swap(role, key), error, what=f"{role} -> {key}")

    async def arguments(self, cases: Sequence[tuple[dict[str, Any], type[ProgramError]]]) -> None:
        """(argument changes, error)."""
        for changes, error in cases:
            await self.refused(self.with_args(**changes), error, what=f"args {changes}")

    async def battery(self) -> None:
        """Every generic case at once (for a quick sweep; the files name them)."""
        await self.missing_signers()
        await self.read_only()
        await self.substituted_programs()
        await self.missing_accounts()
        await self.truncated_data()
        await self.extended_data()
        await self.random_data()
        await self.unknown_discriminators()


def wrong_seeds(ix: Instruction) -> list[tuple[str, Instruction]]:
    """For each account of `ix` the IDL derives (PDA seeds), after checking it
    is the address the IDL's seeds give: `ix` with that account derived from
    the seeds one byte off instead (the last byte of the first constant seed
    flipped, or a constant seed put first). Seeds read from an account's data
    (`governance.proposal_count`) are left to tests/test_idl_seeds.py."""
    name, args = decode_instruction(bytes(ix.data))
    idl = load_idl()
    items = idl.instructions[name].accounts
    from_state = {
        a.name for a in items if a.pda and any("." in s.get("path", "") for s in a.pda["seeds"])
    }
    given = {
        a.name: m.pubkey
        for a, m in zip(items, ix.accounts, strict=False)
        if (a.pda is None and a.address is None) or a.name in from_state
    }
    out = []
    for k, item in enumerate(items):
        if item.pda is None or item.name in from_state:
            continue
        right = resolve_accounts(idl.instructions[name], given, args)[item.name]
        assert ix.accounts[k].pubkey == right, f"{name}: {item.name} is not the IDL's PDA"
        bad = parse_idl(tampered(idl.raw, name, item.name))
        wrong = resolve_accounts(bad.instructions[name], given, args, idl=bad)[item.name]
        metas = list(ix.accounts)
        metas[k] = AccountMeta(wrong, metas[k].is_signer, metas[k].is_writable)
        out.append((item.name, Instruction(ix.program_id, ix.data, metas)))
    return out


def tampered(raw: dict[str, Any], ix_name: str, account: str) -> dict[str, Any]:
    """The IDL `raw` with the seeds of one account of one instruction one byte off."""
    raw = copy.deepcopy(raw)
    ix = next(i for i in raw["instructions"] if i["name"] == ix_name)
    seeds = next(a for a in ix["accounts"] if a["name"] == account)["pda"]["seeds"]
    if seeds[0]["kind"] == "const":
        seeds[0]["value"] = [*seeds[0]["value"][:-1], seeds[0]["value"][-1] ^ 1]
    else:
        seeds.insert(0, {"kind": "const", "value": [ord("x")]})
    return raw


def non_canonical_pda(seeds: Sequence[bytes]) -> Pubkey:
    """A valid program address for `seeds` with a bump below the canonical one
    (off the curve, so the runtime would sign for it, but not the one the
    program derives)."""
    _, canonical = Pubkey.find_program_address(list(seeds), PROGRAM_ID)
    for bump in range(canonical - 1, -1, -1):
        try:
            return Pubkey.create_program_address([*seeds, bytes([bump])], PROGRAM_ID)
        except Exception:  # on the curve: try the next bump
            continue
    raise AssertionError("no second bump")
