"""Fuzzing the real program with instruction data: for every instruction of the
IDL, a valid instruction from a live scene (protocol, governance, batches with
reservations and completed work) whose data hypothesis mutates (bit flips,
bytes cut, inserted or replaced, length prefixes rewritten, the discriminator
changed), sent to the program in the embedded SVM.

Every failure must be one of the program's typed errors (never a panic, an
abort or an access violation); and the program must refuse exactly the data
the IDL does not describe: `InvalidInstructionData` if and only if the strict
borsh reading of the IDL (tests/adversarial.py) refuses it. A refused
instruction changes no account.

Bounded in the test command (derandomized); AMPLIFY_FUZZ_EXAMPLES=N runs N
randomized examples.
"""

from __future__ import annotations

import asyncio
import os
import struct
from collections import Counter
from typing import Any

from governance import make_dao
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from adversarial import discriminator, length_prefixes, strictly_valid
from amplify_sdk import PROGRAM_ID, Amplify, ProgramError, TransactionError, instructions
from amplify_sdk.chain._embedded import EmbeddedBackend
from amplify_sdk.clients._admin import AMP
from amplify_sdk.clients._voter import FOR, action_accounts
from amplify_sdk.errors import InvalidInstructionData, UnknownInstruction
from amplify_sdk.protocol import load_idl, worker_profile_pda
from amplify_sdk.protocol._codecs import encode_instruction
from amplify_sdk.protocol._pda import proposal_pda
from amplify_sdk.protocol._token import (
    TOKEN_PROGRAM_ID,
    associated_token_address,
    create_associated_token_account,
)
from conftest import report
from market import Market

EXAMPLES = int(os.environ.get("AMPLIFY_FUZZ_EXAMPLES", 400))
#: The bounded run is the same every time; a longer one explores.
LONG = "AMPLIFY_FUZZ_EXAMPLES" in os.environ
NAMES = sorted(load_idl().instructions)
SEEN: Counter[str] = Counter()
#: Programs this program calls: their own typed errors may end a transaction.
CALLEES = (f"Program {TOKEN_PROGRAM_ID} ", "Program 11111111111111111111111111111111 ")


class Scene:
    """One live market with a valid instruction (and its signers) for every
    instruction of the IDL; built once, kept across examples."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.ixs: dict[str, tuple[Instruction, list[Keypair]]] = {}
        self.loop.run_until_complete(self.build())

    async def build(self) -> None:
        amp = await Amplify.embedded()
        admin = amp.admin()
        mint = await admin.create_amp_mint()
        assert isinstance(amp.backend, EmbeddedBackend)
        self.backend = amp.backend
        m = Market(amp, amp.backend, admin, amp.requester())
        self.payer = await m.other_requester()
        ix: dict[str, tuple[Instruction, list[Keypair]]] = {}
        ix["initialize"] = (instructions.initialize(admin.address, mint, 500), [admin.wallet])
        await admin.initialize(mint)
        req = m.requester
        await req.register_requester()
        b = await m.batch(n_items=6, encrypted=True)
        plain = await m.batch(n_items=4, salt=b"plain")
        w = await m.worker()
        await w.accept_tasks(b.address, [0, 1, 2])
        await req.deliver_keys(b.address, w.address, [(0, bytes(32))])
        await w.submit_results(b.address, [(0, b"\x01")])
        await w.accept_tasks(plain.address, [0, 1, 2, 3])
        await w.submit_results(plain.address, [(i, b"\x01") for i in range(4)])
        t = m.table(b)
        newcomer = await m.worker(register=False)
        rq = await m.other_requester()
        r, a = req.address, req.wallet
        ix |= {
            "set_paused": (instructions.set_paused(r, False), [a]),
            "set_reputation_params": (
                instructions.set_reputation_params(
                    r, (await req.get_config()).reputation.model_dump()
                ),
                [a],
            ),
            "register_worker": (
                instructions.register_worker(newcomer.address, bytes(range(32))),
                [newcomer.wallet],
            ),
            "register_requester": (instructions.register_requester(rq.address), [rq.wallet]),
            "create_batch": (
                instructions.create_batch(
                    r,
                    77,
                    price=1_000,
                    bond=10,
                    redundancy=2,
                    min_rating=0,
                    per_worker_cap=0,
                    max_active=10,
                    reservation_secs=60,
                    expires_at=await req.now() + 3_600,
                    encrypted=False,
                    roster_capacity=4,
                    key_agent=r,
                    instructions_hash=bytes(32),
                    base_uri="ipfs://x/",
                ),
                [a],
            ),
            "grow_roster": (instructions.grow_roster(r, b.address, 1), [a]),
            "init_table": (instructions.init_table(r, b.address, t, 1), [a]),
            "add_tasks": (instructions.add_tasks(r, b.address, t, 6, 1, bytes(32)), [a]),
            "set_batch_paused": (instructions.set_batch_paused(r, b.address, False), [a]),
            "accept_tasks": (
                instructions.accept_tasks(w.address, b.address, t, [3, 4]),
                [w.wallet],
            ),
            "submit_results": (
                instructions.submit_results(w.address, b.address, t, [1, 2], b"\x01\x02", "u"),
                [w.wallet],
            ),
            "deliver_keys": (
                instructions.deliver_keys(r, b.address, t, w.address, [1], [bytes(80)]),
                [a],
            ),
            "release_expired": (instructions.release_expired(b.address, t, r, w.address, [1]), []),
            "rate_assignments": (
                instructions.rate_assignments(
                    r,
                    plain.address,
                    m.table(plain),
                    [(0, 0, 4, 0), (1, 0, 5, 0)],
                    [worker_profile_pda(w.address)[0]],
                ),
                [a],
            ),
            "cancel_batch": (instructions.cancel_batch(r, plain.address), [a]),
            "sweep_fees": (instructions.sweep_fees(plain.address), []),
            "close_batch": (instructions.close_batch(r, plain.address, [m.table(plain)]), [a]),
        }
        ix["initialize_governance"] = (
            instructions.initialize_governance(
                admin.address,
                mint,
                {
                    "voting_period_secs": 1,
                    "timelock_secs": 0,
                    "execution_window_secs": 10,
                    "quorum_bps": 0,
                    "threshold_bps": 5_001,
                    "min_stake_to_propose": 0,
                },
                {"per_assignment": 1, "cap": 10, "min_stars": 4},
            ),
            [admin.wallet],
        )
        dao = await make_dao(m, [100 * AMP, 100 * AMP])
        v, v2 = dao.voters
        await v.stake(50 * AMP)
        p = await v.propose({"SetPaused": {"paused": False}})
        await v.vote(p.address, FOR)
        await w.send([create_associated_token_account(w.address, w.address, dao.mint)])
        vt = await v.amp_tokens()
        ix |= {
            "stake": (instructions.stake(v.address, vt, AMP), [v.wallet]),
            "unstake": (instructions.unstake(v2.address, await v2.amp_tokens(), AMP), [v2.wallet]),
            "claim": (instructions.claim(v.address), [v.wallet]),
            "create_proposal": (
                instructions.create_proposal(v.address, 1, {"SetFee": {"fee_bps": 300}}),
                [v.wallet],
            ),
            "cast_vote": (instructions.cast_vote(v2.address, p.address, FOR), [v2.wallet]),
            "execute_proposal": (
                instructions.execute_proposal(self.payer.address, p.address, action_accounts(p)),
                [],
            ),
            "claim_emissions": (
                instructions.claim_emissions(
                    w.address, associated_token_address(w.address, dao.mint), dao.mint
                ),
                [w.wallet],
            ),
        }
        assert proposal_pda(0)[0] == p.address
        for name in NAMES:
            # An instruction the scene has no live use for yet is fuzzed on
            # zero-valued arguments and stand-in accounts: its arguments are
            # parsed before any account check, so the data property holds the
            # same; its handler runs in its own file's battery.
            if name not in ix:
                ix[name] = (zero_instruction(name, self.payer.address), [])
        self.ixs = ix
        assert sorted(ix) == NAMES, set(NAMES) ^ set(ix)

    def run(self, name: str, data: bytes) -> tuple[str, bool]:
        """Send `name`'s accounts with `data`; (outcome, accounts unchanged)."""
        base, signers = self.ixs[name]
        ix = Instruction(base.program_id, data, list(base.accounts))
        keys = list(dict.fromkeys(m.pubkey for m in ix.accounts))
        before = [self.backend.svm.get_account(k) for k in keys]
        try:
            self.loop.run_until_complete(self.payer.send([ix], signers))
        except TransactionError as e:
            if isinstance(e, ProgramError):
                outcome = type(e).__name__
            else:
                # Also typed: the token or system program refusing a CPI this
                # program made (e.g. a stake of more tokens than the wallet holds).
                callee = [
                    line
                    for line in e.logs
                    if line.startswith(CALLEES) and "failed: custom program error" in line
                ]
                broken = [x for x in e.logs if "panicked" in x or "failed to complete" in x]
                if not callee or broken:
                    raise AssertionError(f"{name}: not a typed error: {e}\n{e.logs}") from e
                outcome = "cpi:" + callee[0].rsplit(" ", 1)[-1]
            after = [self.backend.svm.get_account(k) for k in keys]
            payer = self.payer.address
            same = all(
                k == payer or (x is None and y is None) or (x is not None and y == x)
                for k, x, y in zip(keys, before, after, strict=True)
            )
            return outcome, same
        return "ok", True


def zero_value(ty: Any) -> Any:
    """The all-zero value of an IDL type (empty vectors, the first variant)."""
    idl = load_idl()
    if isinstance(ty, str):
        zeros = {"bool": False, "pubkey": Pubkey.default(), "string": "", "bytes": b""}
        return zeros.get(ty, 0)
    if "array" in ty:
        inner, n = ty["array"]
        return bytes(n) if inner == "u8" else [zero_value(inner)] * n
    if "vec" in ty:
        return b"" if ty["vec"] == "u8" else []
    if "option" in ty:
        return None
    body = idl.types[ty["defined"]["name"]]["type"]
    if body["kind"] == "struct":
        return {f["name"]: zero_value(f["type"]) for f in body["fields"]}
    first = body["variants"][0]
    if any("fields" in v for v in body["variants"]):
        return {first["name"]: {f["name"]: zero_value(f["type"]) for f in first.get("fields", [])}}
    return first["name"]


def zero_instruction(name: str, account: Pubkey) -> Instruction:
    ix = load_idl().instructions[name]
    args = {a["name"]: zero_value(a["type"]) for a in ix.args}
    metas = [AccountMeta(account, False, False)] * len(ix.accounts)
    return Instruction(PROGRAM_ID, encode_instruction(name, args), metas)


SCENE: list[Scene] = []


def scene() -> Scene:
    if not SCENE:
        SCENE.append(Scene())
    return SCENE[0]


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    """A valid instruction's data, mutated."""
    name = draw(st.sampled_from(NAMES))
    data = bytearray(scene().ixs[name][0].data)
    for _ in range(draw(st.integers(1, 3))):
        kinds = ["flip", "cut", "insert", "replace", "length"] * 3 + ["disc"]
        kind = draw(st.sampled_from(kinds))
        # Mostly the arguments (after the 8-byte discriminator), sometimes anywhere.
        lo = draw(st.sampled_from([8, 8, 8, 0]))
        at = draw(st.integers(min(lo, len(data)), max(len(data) - 1, min(lo, len(data)))))
        if kind == "flip" and at < len(data):
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "cut":
            del data[at : at + draw(st.integers(1, 8))]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "replace" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif kind == "length":
            prefixes = length_prefixes(name, bytes(scene().ixs[name][0].data[8:]))
            if prefixes and len(data) >= 8:
                _, off, n = draw(st.sampled_from(prefixes))
                lie = draw(st.sampled_from([0, n + 1, max(n - 1, 0), 0xFFFFFFFF, 1 << 31]))
                data[8 + off : 12 + off] = struct.pack("<I", lie)
        elif kind == "disc":
            data[:8] = draw(
                st.sampled_from([bytes(8), discriminator(draw(st.sampled_from(NAMES)))])
            )
    return name, bytes(data)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not LONG,
    suppress_health_check=list(HealthCheck),
    database=None,
)
@given(mutated())
def test_mutated_instruction_data_meets_only_typed_errors(case: tuple[str, bytes]) -> None:
    name, data = case
    s = scene()
    names = {discriminator(n): n for n in NAMES}
    target = names.get(data[:8])
    outcome, unchanged = s.run(name, data)
    SEEN[outcome] += 1
    if outcome != "ok":
        assert unchanged, f"{name}: refused with {outcome}, yet an account changed"
    if target is None:
        assert outcome == "UnknownInstruction", (name, data.hex(), outcome)
        return
    if target != name:
        return  # another instruction's data with these accounts: any typed outcome
    valid = strictly_valid(name, data[8:])
    if not valid:
        assert outcome == "InvalidInstructionData", (name, data.hex(), outcome)
    else:
        assert outcome != "InvalidInstructionData" or name == "create_proposal", (
            name,
            data.hex(),
        )


def test_the_fuzzer_reached_refusals_and_successes() -> None:
    report("instruction-data fuzz", f"{sum(SEEN.values())} executions: {dict(SEEN)}")
    assert SEEN[InvalidInstructionData.__name__] >= EXAMPLES // 4
    assert SEEN[UnknownInstruction.__name__] >= 10
    assert len(SEEN) >= 5  # more than the decoder's errors: handlers ran too
