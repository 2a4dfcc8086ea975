"""The invariant engine: a hypothesis state machine over the real program in
the embedded SVM, against a model written from the spec (docs/protocol.md,
docs/governance.md, docs/reputation.md), not from the SDK's helpers.

Two requesters, four workers, two AMP holders, a donor and an admin act on
batches of different prices, bonds, redundancy, caps, active limits, rating
gates and lifetimes, encrypted or not. Bundles hold live reservations and
completed assignments, so submissions, releases, key deliveries and ratings
act on real state most of the time; cancellations, sweeps, closes, pauses,
roster growth, roster places passing to newcomers, time, lamports sent to
batches and to the treasury, malformed instructions, and governance
(hand-over, stake, unstake, claim with fees flowing) mix in.

Every step is one transaction (or a few, for set-up of a batch). The model
predicts each instruction's fate: refused whole with an exact error (then
every tracked account must be unchanged to the byte but for the fee its
payer paid, as its failed receipt says), or its per-item outcomes, and every
lamport that moves. After every step the invariants below are checked
against the chain: every tracked account's lamports equal the model's;
lamports are conserved (what all accounts hold plus every fee paid is what
they held at the start); no program account exists that the model does not
know; each touched batch's counters, roster and slots equal the model's; no
roster place holds two slots of an item; caps and active limits hold; the escrow
equation holds; the treasury balances to the lamport; AMP is conserved; no
assignment was ever paid twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import struct
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import reputation_ref as ref
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)
from solders.clock import Clock
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.system_program import (
    CreateAccountWithSeedParams,
    TransferParams,
    create_account_with_seed,
    transfer,
)

from adversarial import strictly_valid
from amplify_sdk import PROGRAM_ID, AmplifyClient, Batch, TransactionError, instructions
from amplify_sdk.chain._backend import TxReceipt
from amplify_sdk.chain._embedded import EmbeddedBackend
from amplify_sdk.clients import x25519_public_key
from amplify_sdk.clients._admin import AMP
from amplify_sdk.clients._session import Amplify
from amplify_sdk.protocol import _program_errors as E
from amplify_sdk.protocol import (
    config_pda,
    load_idl,
    table_address,
    table_seed,
    treasury_pda,
    worker_profile_pda,
)
from amplify_sdk.protocol._models import Governance, WorkerProfile
from amplify_sdk.protocol._pda import (
    governance_pda,
    mint_authority_pda,
    proposal_pda,
    requester_profile_pda,
    stake_pda,
    vault_pda,
    vote_pda,
)
from amplify_sdk.protocol._token import (
    associated_token_address,
    create_associated_token_account,
    create_mint_instructions,
    mint_to,
    set_mint_authority,
    set_upgrade_authority,
    token_balance,
)
from reproducible import reproducible_draws

SIGNATURE_FEE = 5_000  # lamports per signature (docs: LiteSVM charges mainnet's)
FEE_BPS = 500
MAX_TICK = 65_535
RATING_WINDOW = 7 * 24 * 3600
BATCH_FIXED = 376  # Batch fixed part (docs/protocol.md: 376 B + 4 + URI + 8 + 42 per place)
TABLE_HEADER = 100  # TaskTable fixed part + slot vector length
GOV_PARAMS = {
    "voting_period_secs": 100,
    "timelock_secs": 10,
    "execution_window_secs": 1_000,
    "quorum_bps": 2_000,
    "threshold_bps": 5_001,
    "min_stake_to_propose": 10 * AMP,
}
EMISSION = {"per_assignment": 0, "cap": 0, "min_stars": 4}
RELEASE = GOV_PARAMS["voting_period_secs"]  # fees pay out over a voting period
N_REQUESTERS, N_WORKERS, N_VOTERS = 2, 4, 2
HOLDING = 100 * AMP

#: How many times each rule ran, and how each ended ("rule:outcome").
REACH: Counter[str] = Counter()
STEPS: list[int] = [0]
#: When the first machine started (monotonic seconds; 0 before).
STARTED: list[float] = [0.0]
#: The run, step by step: every transaction sent (its instructions, the
#: second it ran at, how it ended, its compute units), hashed in order. Equal
#: digests, equal runs: tests/test_invariants.py compares one run alone with
#: the same run after other code (and other hypothesis tests) ran.
TRACE = [hashlib.sha256()]
#: The cluster clock every machine starts from (not the wall clock): a
#: batch's expiry is part of its instruction, so part of the trace.
START_TIME, START_SLOT = 1_750_000_000, 1_000


def run_engine(examples: int, steps: int) -> str:
    """A derandomized run of the engine; returns its trace's digest. The
    counters (REACH, STEPS) are left as they were."""
    reach, steps_before, started = Counter(REACH), STEPS[0], STARTED[0]
    TRACE[0] = hashlib.sha256()
    try:
        with reproducible_draws():
            run_state_machine_as_test(
                Engine,
                settings=settings(
                    max_examples=examples,
                    stateful_step_count=steps,
                    deadline=None,
                    derandomize=True,
                    suppress_health_check=list(HealthCheck),
                    database=None,
                ),
            )
        return TRACE[0].hexdigest()
    finally:
        REACH.clear()
        REACH.update(reach)
        STEPS[0], STARTED[0] = steps_before, started


def keypair(name: str) -> Keypair:
    """The engine's keys come from their names, not from the OS: the
    addresses, and so every transaction, are a function of the draw alone."""
    return Keypair.from_seed(hashlib.sha256(b"amplify-invariants/" + name.encode()).digest())


def fee_of(price: int, bps: int = FEE_BPS) -> int:
    """The fee rate (5% until governance changes it) of the price, rounded up
    to a whole lamport (docs/protocol.md, Money)."""
    return -(-price * bps // 10_000)


def batch_size(roster_capacity: int, uri: int = 0) -> int:
    return BATCH_FIXED + 4 + uri + 8 + 42 * roster_capacity


# -- the model ---------------------------------------------------------------------------


@dataclass(eq=False)  # slots compare by identity: two of one worker can hold equal values
class SlotM:
    worker: int  # index into the engine's workers: who holds it, or did the work
    place: int  # its roster place (the chain names that, not the worker)
    reserved: bool  # else completed
    tick: int = 0
    flag: bool = False  # reserved: key delivered; completed: rated


@dataclass
class TableM:
    address: Pubkey
    first: int
    capacity: int
    count: int = 0


@dataclass
class BatchM:
    key: int  # the engine's id for it
    address: Pubkey
    requester: int
    batch_id: int
    number: int
    price: int
    fee: int
    bond: int
    redundancy: int
    cap: int
    max_active: int
    min_rating: int
    reservation: int
    created: int
    expires: int
    tick_secs: int
    encrypted: bool
    roster_capacity: int
    status: str = "open"  # open, paused, cancelled
    cancelled_at: int = 0
    closed: bool = False
    items: int = 0
    tables: list[TableM] = field(default_factory=list)
    slots: dict[int, list[SlotM | None]] = field(default_factory=dict)
    # Each place's worker now. A place passes to a worker new to the full
    # roster once its worker holds nothing (no reservation, nothing unrated).
    roster: list[int] = field(default_factory=list)
    taken: Counter[int] = field(default_factory=Counter)  # per worker in the roster
    active: Counter[int] = field(default_factory=Counter)
    pending: Counter[int] = field(default_factory=Counter)  # completed, not yet rated
    completed: int = 0
    cancelled_slots: int = 0
    swept: int = 0
    rated: int = 0
    deposit: int = 0  # lamports beyond what it owes (sent to it), returned on cancel/close
    reused: list[tuple[int, int, int]] = field(default_factory=list)  # (place, gone, new)

    @property
    def reserved(self) -> int:
        return sum(1 for ss in self.slots.values() for s in ss if s is not None and s.reserved)

    @property
    def capacity(self) -> int:
        return sum(t.capacity for t in self.tables)

    def row(self, item: int) -> list[SlotM | None]:
        return self.slots.setdefault(item, [None] * self.redundancy)

    def table_of(self, item: int) -> TableM | None:
        for t in self.tables:
            if t.first <= item < t.first + t.capacity:
                return t
        return None

    def held(self, w: int, item: int) -> SlotM | None:
        for s in self.slots.get(item, []):
            if s is not None and s.worker == w and s.reserved:
                return s
        return None

    def deadline(self, tick: int) -> int:
        return self.created + tick * self.tick_secs

    def free_place(self) -> int | None:
        """The first place whose worker holds nothing (docs/protocol.md, the roster)."""
        for p, w in enumerate(self.roster):
            if self.active[w] == 0 and self.pending[w] == 0:
                return p
        return None

    def finished(self, now: int) -> bool:
        return self.status == "cancelled" or now >= self.expires

    def done(self, now: int) -> bool:
        slots = self.items * self.redundancy
        settled = self.completed + self.cancelled_slots == slots
        return self.reserved == 0 and (settled or self.finished(now))

    def fees_accrued(self) -> int:
        return self.fee * self.completed - self.swept

    def committed(self, rent: int) -> int:
        escrow = self.price * (self.items * self.redundancy - self.completed - self.cancelled_slots)
        return rent + escrow + self.fees_accrued() + self.bond * self.reserved


@dataclass
class GovM:
    """The treasury's sharing among stakers (docs/governance.md), to the lamport."""

    exists: bool = False
    total_collected: int = 0
    distributed_upto: int = 0
    held: int = 0
    distributed: int = 0
    claimed: int = 0
    rps: int = 0  # reward per share, 64.64 fixed point
    donations: int = 0  # lamports sent to the treasury, not yet held
    releasing: int = 0  # fees being paid out to stakers (over a voting period)
    release_end: int = 0
    released_at: int = 0
    staked: dict[int, int] = field(default_factory=dict)
    snapshot: dict[int, int] = field(default_factory=dict)
    pending: dict[int, int] = field(default_factory=dict)
    exact: dict[int, Fraction] = field(default_factory=dict)  # exact shares of fees
    got: dict[int, int] = field(default_factory=dict)  # claimed per staker

    def update(self, now: int) -> None:
        """Before any stake changes: surplus lamports held, fresh fees join
        the release, what fell due since the last update shared."""
        self.held += self.donations
        self.donations = 0
        fresh = self.total_collected - self.distributed_upto
        if fresh:
            if sum(self.staked.values()) == 0:
                self.held += fresh
            else:
                self.releasing += fresh
                self.release_end = self.released_at + RELEASE
        self.distributed_upto = self.total_collected
        self.release(now)

    # -- fee release (issue 18: no flash stake) --------------------------------------------

    def release(self, now: int) -> None:
        """Pay out `releasing` evenly from `released_at` to `release_end`:
        what falls due by `now` is shared over the stake in place since the
        last update (held if none)."""
        due = 0
        if self.releasing and now > self.released_at:
            elapsed = min(now, self.release_end) - self.released_at
            due = self.releasing * elapsed // (self.release_end - self.released_at)
        self.releasing -= due
        self.released_at = max(now, self.released_at)
        total = sum(self.staked.values())
        if due and total == 0:
            self.held += due
        elif due:
            self.rps += (due << 64) // total
            self.distributed += due
            for v, amount in self.staked.items():
                self.exact[v] = self.exact.get(v, Fraction(0)) + Fraction(due * amount, total)

    def settle(self, v: int) -> None:
        amount = self.staked.get(v, 0)
        earned = (amount * (self.rps - self.snapshot.get(v, 0))) >> 64
        self.pending[v] = self.pending.get(v, 0) + earned
        self.snapshot[v] = self.rps


# -- the machine -------------------------------------------------------------------------


class Refused(Exception):
    """The model's prediction that an instruction fails whole."""

    def __init__(self, error: type[TransactionError], code: int | None = None) -> None:
        super().__init__(error.__name__)
        self.error = error
        self.code = code


@dataclass
class Actor:
    name: str
    kp: Keypair
    client: AmplifyClient

    @property
    def address(self) -> Pubkey:
        return self.kp.pubkey()


Assignment = tuple[int, int, int]  # (batch key, item, worker)


class Engine(RuleBasedStateMachine):
    batches = Bundle("batches")
    held = Bundle("held")
    done = Bundle("done")

    def __init__(self) -> None:
        super().__init__()
        STARTED[0] = STARTED[0] or time.monotonic()
        self.loop = asyncio.new_event_loop()
        self.amp: Amplify = self.loop.run_until_complete(Amplify.embedded(keypair("admin")))
        backend = self.amp.backend
        assert isinstance(backend, EmbeddedBackend)
        self.backend = backend
        self.svm = backend.svm
        c = self.svm.get_clock()
        self.svm.set_clock(
            Clock(START_SLOT, c.epoch_start_timestamp, c.epoch, c.leader_schedule_epoch, START_TIME)
        )
        self.model: dict[int, BatchM] = {}
        self.lam: dict[Pubkey, int] = {}  # every tracked account's expected lamports
        self.fees_paid = 0
        self.total = 0
        self.gov = GovM()
        self.fee_bps = FEE_BPS  # the config's rate; a batch keeps the one it opened with
        self.proposals: list[Pubkey] = []
        self.votes_held = 0
        self.vote_records: list[Pubkey] = []
        self.paused = False
        self.batch_count = 0
        self.paid: set[tuple[Pubkey, int, Pubkey]] = set()
        self.dirty: set[int] = set()
        self.rep_w: list[ref.Worker] = []
        self.emission_credit: list[int] = []  # per worker, as the program counts it
        self.rep_r: list[ref.Requester] = []
        self.rng = random.Random(0)
        self.rent_cache: dict[int, int] = {}

    def teardown(self) -> None:
        self.loop.close()

    # -- plumbing ------------------------------------------------------------------------

    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    def now(self) -> int:
        return int(self.svm.get_clock().unix_timestamp)

    def rent(self, size: int) -> int:
        if size not in self.rent_cache:
            self.rent_cache[size] = int(self.svm.minimum_balance_for_rent_exemption(size))
        return self.rent_cache[size]

    def balance(self, a: Pubkey) -> int:
        acc = self.svm.get_account(a)
        return 0 if acc is None else int(acc.lamports)

    def track(self, *addresses: Pubkey) -> None:
        for a in addresses:
            self.lam.setdefault(a, self.balance(a))

    def snapshot(self) -> dict[Pubkey, tuple[int, bytes, Pubkey | None]]:
        out = {}
        for a in self.lam:
            acc = self.svm.get_account(a)
            out[a] = (0, b"", None) if acc is None else (acc.lamports, bytes(acc.data), acc.owner)
        return out

    def actor(self, name: str, kp: Keypair, role: str = "client") -> Actor:
        factory = {
            "admin": self.amp.admin,
            "requester": self.amp.requester,
            "worker": self.amp.worker,
            "voter": self.amp.voter,
        }.get(role)
        client = factory(kp) if factory else AmplifyClient(self.backend, kp)
        return Actor(name, kp, client)

    def send(
        self,
        who: Actor,
        ixs: Sequence[Instruction],
        signers: Sequence[Keypair] = (),
        refused: Refused | None = None,
        label: str = "",
    ) -> TxReceipt | None:
        """Send; check the model's prediction; account the fee (from the
        receipt, failed or not)."""
        before = self.snapshot() if refused is not None else None
        n = len(who.client.receipts)
        try:
            receipt = self.run(who.client.send(list(ixs), list(signers)))
        except TransactionError as e:
            (r,) = who.client.receipts[n:]
            self.trace(label, ixs, type(e).__name__, r)
            assert r.failed, label
            self.charge(who, r.fee, signers)
            assert refused is not None, f"{label}: refused with {type(e).__name__}: {e}"
            assert type(e) is refused.error, f"{label}: {type(e).__name__}, model {refused}"
            if refused.code is not None:
                assert f"custom error {refused.code}" in str(e), f"{label}: {e}"
            after = self.snapshot()
            assert before is not None
            for a, (lamports, data, owner) in before.items():
                if a == who.address:
                    lamports -= r.fee
                assert after[a] == (lamports, data, owner), f"{label}: refused, yet {a} changed"
            REACH[f"{label}:refused:{refused.error.__name__}"] += 1
            return None
        self.trace(label, ixs, "ok", receipt)
        assert refused is None, f"{label}: accepted, model expected {refused}"
        self.charge(who, receipt.fee, signers)
        REACH[f"{label}:ok"] += 1
        return receipt

    def trace(self, label: str, ixs: Sequence[Instruction], end: str, r: TxReceipt) -> None:
        step = (label, self.now(), [bytes(ix) for ix in ixs], end, r.compute_units)
        TRACE[0].update(repr(step).encode())

    def charge(self, who: Actor, fee: int, signers: Sequence[Keypair]) -> None:
        n = 1 + len({s.pubkey() for s in signers} - {who.address})
        assert fee == SIGNATURE_FEE * n, f"fee {fee} for {n} signatures"
        self.lam[who.address] -= fee
        self.fees_paid += fee

    def move(self, src: Pubkey, dst: Pubkey, amount: int) -> None:
        self.lam[src] -= amount
        self.lam[dst] = self.lam.get(dst, 0) + amount

    # -- set-up --------------------------------------------------------------------------

    @initialize()
    def setup(self) -> None:
        amp, be = self.amp, self.backend
        self.admin = self.actor("admin", amp.wallet, "admin")
        wallets = [keypair(f"wallet {i}") for i in range(N_REQUESTERS + N_WORKERS + N_VOTERS + 1)]
        for kp in wallets:
            self.run(be.airdrop(kp.pubkey(), 1_000 * 10**9))
        it = iter(wallets)
        self.requesters = [self.actor(f"r{i}", next(it), "requester") for i in range(N_REQUESTERS)]
        self.workers = [self.actor(f"w{i}", next(it), "worker") for i in range(N_WORKERS)]
        self.voters = [self.actor(f"v{i}", next(it), "voter") for i in range(N_VOTERS)]
        self.donor = self.actor("donor", next(it))
        mint = keypair("AMP mint")
        self.mint = mint.pubkey()
        admin = self.admin.client
        self.run(
            admin.send(
                create_mint_instructions(admin.address, self.mint, admin.address, 6, self.rent(82)),
                [mint],
            )
        )
        self.run(admin.send([instructions.initialize(admin.address, self.mint, FEE_BPS)]))
        for r in self.requesters:
            self.run(r.client.send([instructions.register_requester(r.address)]))
            self.rep_r.append(ref.Requester(id=len(self.rep_r) + 1))
        for w in self.workers:
            self.run(
                w.client.send(
                    [instructions.register_worker(w.address, x25519_public_key(bytes(w.address)))]
                )
            )
            self.rep_w.append(ref.Worker())
            self.emission_credit.append(0)
        for v in self.voters:
            self.run(
                admin.send(
                    [
                        create_associated_token_account(admin.address, v.address, self.mint),
                        mint_to(self.mint, self.ata(v), admin.address, HOLDING),
                    ]
                )
            )
        everyone = [self.admin, *self.requesters, *self.workers, *self.voters, self.donor]
        self.track(config_pda()[0], treasury_pda()[0], self.mint)
        self.track(*(a.address for a in everyone))
        self.track(*(worker_profile_pda(w.address)[0] for w in self.workers))
        self.track(*(requester_profile_pda(r.address)[0] for r in self.requesters))
        self.track(*(self.ata(v) for v in self.voters))
        self.total = sum(self.balance(a) for a in self.lam)
        self.fees_paid = 0

    def ata(self, v: Actor) -> Pubkey:
        return associated_token_address(v.address, self.mint)

    # -- batches ---------------------------------------------------------------------------

    @rule(
        target=batches,
        r=st.integers(0, N_REQUESTERS - 1),
        price=st.sampled_from([21, 1_000, 10_007, 333_333]),
        bond=st.sampled_from([0, 1, 333, -1]),
        redundancy=st.integers(1, 3),
        cap=st.sampled_from([0, 1, 2, 5]),
        max_active=st.sampled_from([1, 2, 4, 300]),
        min_rating=st.sampled_from([0, 0, 0, 1, 2_501]),
        reservation=st.sampled_from([60, 300, 1_000]),
        lifetime=st.sampled_from([900, 3_600, 7 * 86_400, 7 * 86_400, 50 * 86_400]),
        encrypted=st.booleans(),
        roster=st.sampled_from([1, 2, 3, 8]),
        n=st.integers(1, 10),
        room=st.integers(0, 3),
    )
    def create_batch(
        self,
        r: int,
        price: int,
        bond: int,
        redundancy: int,
        cap: int,
        max_active: int,
        min_rating: int,
        reservation: int,
        lifetime: int,
        encrypted: bool,
        roster: int,
        n: int,
        room: int,
    ) -> Any:
        req = self.requesters[r]
        bond = price // 10 if bond == -1 else bond
        now = self.now()
        batch_id = self.rng.getrandbits(63)
        address = Pubkey.find_program_address(
            [b"batch", bytes(req.address), batch_id.to_bytes(8, "little")], PROGRAM_ID
        )[0]
        args = {
            "price": price,
            "bond": bond,
            "redundancy": redundancy,
            "min_rating": min_rating,
            "per_worker_cap": cap,
            "max_active": max_active,
            "reservation_secs": reservation,
            "expires_at": now + lifetime,
            "encrypted": encrypted,
            "roster_capacity": roster,
            "key_agent": req.address,
            "instructions_hash": bytes(32),
            "base_uri": "",
        }
        ix = instructions.create_batch(req.address, batch_id, **args)
        if self.paused:
            self.send(req, [ix], refused=Refused(E.ProtocolPaused), label="create_batch")
            return multiple()
        if lifetime > (MAX_TICK - 1) * reservation:  # a tick would outlast a reservation
            self.send(req, [ix], refused=Refused(E.ExpiryTooFar), label="create_batch")
            return multiple()
        self.track(address)
        self.send(req, [ix], label="create_batch")
        size = batch_size(roster)
        self.move(req.address, address, self.rent(size))
        span = lifetime + reservation
        b = BatchM(
            key=len(self.model),
            address=address,
            requester=r,
            batch_id=batch_id,
            number=self.batch_count,
            price=price,
            fee=fee_of(price, self.fee_bps),
            bond=bond,
            redundancy=redundancy,
            cap=cap,
            max_active=max_active,
            min_rating=min_rating,
            reservation=reservation,
            created=now,
            expires=now + lifetime,
            tick_secs=max(1, -(-span // MAX_TICK)),
            encrypted=encrypted,
            roster_capacity=roster,
        )
        self.batch_count += 1
        if self.fee_bps != FEE_BPS:
            REACH["create_batch:ok at a voted fee"] += 1
        self.model[b.key] = b
        self.dirty.add(b.key)
        self.add_items(b, n, n + room)
        return b.key

    def add_items(self, b: BatchM, n: int, capacity: int) -> None:
        """Items into the last table if it has room, else a new table of
        `capacity` (allocated by the requester, then initialized), escrowed."""
        req = self.requesters[b.requester]
        last = b.tables[-1] if b.tables else None
        ixs: list[Instruction] = []
        if last is None or last.count == last.capacity:
            index = len(b.tables)
            t = TableM(table_address(req.address, b.number, index), b.capacity, capacity)
            size = TABLE_HEADER + 4 * capacity * b.redundancy
            ixs += [
                create_account_with_seed(
                    CreateAccountWithSeedParams(
                        from_pubkey=req.address,
                        to_pubkey=t.address,
                        base=req.address,
                        seed=table_seed(b.number, index),
                        lamports=self.rent(size),
                        space=size,
                        owner=PROGRAM_ID,
                    )
                ),
                instructions.init_table(req.address, b.address, t.address, index),
            ]
            new: TableM | None = t
        else:
            t, new = last, None
        n = min(n, t.capacity - t.count)
        root = hashlib.sha256(b"%d" % b.items).digest()
        ixs.append(instructions.add_tasks(req.address, b.address, t.address, b.items, n, root))
        label = "add_tasks"
        if b.closed:
            self.send(req, ixs[-1:], refused=Refused(E.InvalidOwner), label=label)
            return
        if b.status == "cancelled":
            error = E.BatchCancelled
            self.send(req, ixs[-1:] if new is None else ixs, refused=Refused(error), label=label)
            return
        if new is not None:
            self.track(new.address)
        self.send(req, ixs, label=label)
        if new is not None:
            self.move(
                req.address, new.address, self.rent(TABLE_HEADER + 4 * capacity * b.redundancy)
            )
            b.tables.append(new)
        # Lamports the batch holds beyond what it owes pay first.
        escrow = b.price * n * b.redundancy
        free = b.deposit
        self.move(req.address, b.address, max(0, escrow - free))
        b.deposit -= min(free, escrow)
        b.items += n
        t.count += n
        self.dirty.add(b.key)

    @rule(b=batches, n=st.integers(1, 6), capacity=st.integers(6, 9))
    def add_more(self, b: int, n: int, capacity: int) -> None:
        self.add_items(self.model[b], n, capacity)

    # -- workers ---------------------------------------------------------------------------

    def rating(self, w: int) -> int:
        wk = self.rep_w[w]
        if wk.count == 0:
            return 0
        p = ref.DEFAULTS
        qualified = sum(1 for e in wk.raters if e[0] and e[1] >= p["qualifying_weight"])
        prior = p["prior_weight"] // min(max(qualified, 1), p["distinct_cap"])
        return (p["prior_mean"] * prior + wk.s) // (prior + wk.w)

    @rule(
        target=held,
        b=batches,
        w=st.integers(0, N_WORKERS - 1),
        picks=st.lists(st.integers(0, 11), min_size=1, max_size=5),
        stray=st.sampled_from([None, None, None, None, "past", "other"]),
    )
    def accept(self, b: int, w: int, picks: list[int], stray: str | None) -> Any:
        m = self.model[b]
        table = m.tables[picks[0] % len(m.tables)]
        items = [table.first + p % table.count for p in picks]
        if stray == "past":
            items.insert(len(items) // 2, m.items + picks[0])
        elif stray == "other" and len(m.tables) > 1:
            other = next(t for t in m.tables if t is not table)
            items.append(other.first)
        return multiple(*((b, i, w) for i in self.do_accept(b, w, items, table)))

    def do_accept(self, b: int, w: int, items: list[int], table: TableM) -> list[int]:
        """Send accept_tasks; returns the items the worker now holds."""
        m = self.model[b]
        wk = self.workers[w]
        ix = instructions.accept_tasks(wk.address, m.address, table.address, items)
        reused = len(m.reused)
        try:
            outcomes = self.expect_accept(m, w, items, self.now(), table)
        except Refused as r:
            self.send(wk, [ix], refused=r, label="accept")
            return []
        receipt = self.send(wk, [ix], label="accept")
        assert receipt is not None
        self.check_outcomes(receipt, "TasksAccepted", "accepted", items, outcomes)
        events = [e.fields for e in receipt.events if e.name == "RosterPlaceReused"]
        want = [
            {
                "batch": m.address,
                "index": place,
                "previous": self.workers[gone].address,
                "worker": self.workers[new].address,
            }
            for place, gone, new in m.reused[reused:]
        ]
        assert events == want, (events, want)
        if want:
            REACH["accept:ok reusing a place"] += 1
        won = [i for i, o in zip(items, outcomes, strict=True) if o == "ok"]
        self.move(wk.address, m.address, m.bond * len(won))
        self.dirty.add(b)
        return won

    @rule(b=batches, w=st.integers(0, N_WORKERS - 1), settle=st.booleans())
    def newcomer(self, b: int, w: int, settle: bool) -> None:
        """A worker new to a batch still taking work (the drawn one, or the next
        such) asks for an open item: at the next place, at the place of a
        worker that holds nothing once the roster is full (perhaps after that
        worker's reservations lapsed and its work was rated), or refused."""
        now = self.now()
        live = [
            k
            for k, x in sorted(self.model.items())
            if not x.closed and x.status == "open" and now < x.expires
        ]
        m = self.model[min((k for k in live if k >= b), default=live[0] if live else b)]
        b = m.key
        outsiders = [k for k in range(N_WORKERS) if k not in m.roster]
        if not outsiders:
            return
        # One that passes the rating gate, if any does.
        outsiders = [k for k in outsiders if self.rating(k) >= m.min_rating] or outsiders
        idle = [k for k in m.roster if m.active[k] == 0]
        if settle and idle and m.free_place() is None:
            # A worker with no reservation has its work rated: its place may pass on.
            x = idle[0]
            for item, row in sorted(m.slots.items()):
                for y in row:
                    if y is not None and y.worker == x and not y.reserved and not y.flag:
                        self.rate((b, item, x), 4)
        w = outsiders[w % len(outsiders)]
        table = m.tables[-1]
        items = [i for i in range(table.first, table.first + table.count) if None in m.row(i)]
        self.do_accept(b, w, items[:2] or [table.first], table)

    @rule(b=batches, w=st.integers(0, N_WORKERS - 1), others=st.integers(1, N_WORKERS - 1))
    def race(self, b: int, w: int, others: int) -> None:
        """Workers after the same items: later ones find them full once every
        slot is taken; the first, asking again, already holds them."""
        m = self.model[b]
        table = m.tables[-1]
        items = [table.first + k for k in range(min(2, table.count))]
        for k in range(min(others, m.redundancy + 1)):
            self.do_accept(b, (w + k) % N_WORKERS, items, table)
        self.do_accept(b, w, items, table)

    @rule(
        target=done,
        b=batches,
        w=st.integers(0, N_WORKERS - 1),
        n=st.integers(1, 4),
        sweep=st.booleans(),
    )
    def work(self, b: int, w: int, n: int, sweep: bool) -> Any:
        """A round as a worker lives it: take open items, receive their keys
        (encrypted batches), deliver, and (sometimes) someone sweeps the fees."""
        m = self.model[b]
        table, items = m.tables[0], [m.tables[0].first]
        for t in m.tables:
            free = [
                i
                for i in range(t.first, t.first + t.count)
                if all(s is None or s.worker != w for s in m.row(i)) and None in m.row(i)
            ]
            if free:
                table, items = t, free[:n]
                break
        won = self.do_accept(b, w, items, table)
        if not won:
            return multiple()
        if m.encrypted:
            self.do_deliver(b, w, won)
        paid = self.do_submit(b, w, won, 1)
        if sweep:
            self.do_sweep(b, self.donor)
        return multiple(*((b, i, w) for i in paid or []))

    def expect_accept(
        self, m: BatchM, w: int, items: list[int], now: int, table: TableM
    ) -> list[str]:
        if m.closed:
            raise Refused(E.ProtocolPaused if self.paused else E.InvalidOwner)
        if self.paused:
            raise Refused(E.ProtocolPaused)
        if m.status == "cancelled":
            raise Refused(E.BatchCancelled)
        if m.status == "paused":
            raise Refused(E.BatchPaused)
        if now >= m.expires:
            raise Refused(E.BatchExpired)
        if self.rating(w) < m.min_rating:
            raise Refused(E.RatingTooLow)
        joined = w in m.roster
        if joined:
            place: int | None = m.roster.index(w)
        elif len(m.roster) < m.roster_capacity:
            place = len(m.roster)
        else:
            place = m.free_place()
        if place is None:
            raise Refused(E.RosterFull)
        tick = -(-(now - m.created + m.reservation) // m.tick_secs)
        taken, active = (m.taken[w], m.active[w]) if joined else (0, 0)
        plan: list[tuple[int, int]] = []  # (item, slot position)
        out = []
        rows = {i: list(m.row(i)) for i in set(items) if i < m.items}
        for i in items:
            if i >= m.items:
                raise Refused(E.ItemNotFound)
            if m.table_of(i) is not table:
                raise Refused(E.WrongTable)
            row = rows[i]
            # The chain knows places: a reused place's completed slots are "held".
            mine = any(s is not None and s.place == place for s in row)
            free = next((k for k, s in enumerate(row) if s is None), None)
            if mine:
                out.append("AlreadyAccepted")
            elif free is None:
                out.append("ItemFull")
            elif m.cap and taken >= m.cap:
                out.append("WorkerCapReached")
            elif active >= m.max_active:
                out.append("ActiveLimitReached")
            else:
                row[free] = SlotM(w, place, True, tick)
                plan.append((i, free))
                taken += 1
                active += 1
                out.append("ok")
        # Commit (the instruction succeeds).
        for i, k in plan:
            m.row(i)[k] = rows[i][k]
        if plan and not joined:
            if place == len(m.roster):
                m.roster.append(w)
            else:
                gone = m.roster[place]
                m.reused.append((place, gone, w))
                m.roster[place] = w
                for counter in (m.taken, m.active, m.pending):
                    counter.pop(gone, None)
            m.pending[w] = 0
        if plan or joined:
            m.taken[w], m.active[w] = taken, active
        return out

    def check_outcomes(
        self, receipt: TxReceipt, event: str, field_: str, items: list[int], want: list[str]
    ) -> None:
        """The event lists exactly the items the model says succeeded, and each
        refused one with the model's error code."""
        (e,) = [x for x in receipt.events if x.name == event]
        for o in want:
            REACH[f"{event}:{o}"] += 1
        ok = [i for i, o in zip(items, want, strict=True) if o == "ok"]
        assert list(e.fields[field_]) == ok, (event, e.fields[field_], ok)
        codes = {c.__name__: c.code for c in E.ERRORS_BY_CODE.values()}
        refused = [
            {"item": i, "code": codes[o]} for i, o in zip(items, want, strict=True) if o != "ok"
        ]
        assert list(e.fields["refused"]) == refused, (event, e.fields["refused"], refused)

    @rule(target=done, a=consumes(held), wide=st.booleans())
    def submit(self, a: Assignment, wide: bool) -> Any:
        b, item, w = a
        paid = self.do_submit(b, w, [item], 32 if wide else 1)
        return multiple(a) if paid else multiple()

    @rule(target=done, b=batches, w=st.integers(0, N_WORKERS - 1), extra=st.integers(0, 11))
    def submit_all(self, b: int, w: int, extra: int) -> Any:
        """Everything a worker of the roster holds in the batch's first table,
        plus an item it may not hold."""
        m = self.model[b]
        if m.roster:
            w = m.roster[w % len(m.roster)]
        t = m.tables[0]
        mine = [i for i in range(t.first, t.first + t.count) if m.held(w, i)]
        paid = self.do_submit(b, w, [*mine[:8], t.first + extra % t.count], 1)
        return multiple(*((b, i, w) for i in paid or []))

    def do_submit(self, b: int, w: int, items: list[int], width: int) -> list[int] | None:
        """Send submit_results; the items paid (None: refused whole)."""
        m = self.model[b]
        wk = self.workers[w]
        table = m.table_of(items[0])
        assert table is not None
        answers = b"".join(bytes([(i * 7 + k) % 256 for k in range(width)]) for i in items)
        ix = instructions.submit_results(wk.address, m.address, table.address, items, answers)
        try:
            out = self.expect_submit(m, w, items, table)
        except Refused as r:
            self.send(wk, [ix], refused=r, label="submit")
            return None
        receipt = self.send(wk, [ix], label="submit")
        assert receipt is not None
        self.check_outcomes(receipt, "ResultsSubmitted", "items", items, out)
        paid = [i for i, o in zip(items, out, strict=True) if o == "ok"]
        (e,) = [x for x in receipt.events if x.name == "ResultsSubmitted"]
        assert e.fields["paid"] == (m.price - m.fee) * len(paid)
        assert e.fields["fee"] == m.fee * len(paid) and e.fields["bond"] == m.bond * len(paid)
        got = [e.fields["answers"][k * width : (k + 1) * width] for k in range(len(paid))]
        sent = [answers[items.index(i) * width : (items.index(i) + 1) * width] for i in paid]
        assert got == sent, "the event does not repeat the answers paid for"
        for i in paid:
            key = (m.address, i, wk.address)
            assert key not in self.paid, f"assignment {key} paid twice"
            self.paid.add(key)
        self.move(m.address, wk.address, (m.price - m.fee + m.bond) * len(paid))
        self.dirty.add(b)
        return paid

    def expect_submit(self, m: BatchM, w: int, items: list[int], table: TableM) -> list[str]:
        if m.closed:
            raise Refused(E.InvalidOwner)
        if w not in m.roster:
            raise Refused(E.NotInRoster)
        out = []
        for i in items:
            if i >= m.items:
                raise Refused(E.ItemNotFound)
            if m.table_of(i) is not table:
                raise Refused(E.WrongTable)
        for i in items:
            s = m.held(w, i)
            if s is None:
                out.append("NotReserved")
            elif m.encrypted and not s.flag:
                out.append("KeyNotDelivered")
            else:
                s.reserved, s.tick, s.flag = False, 0, False
                m.active[w] -= 1
                m.pending[w] += 1  # keeps the place until rated
                m.completed += 1
                out.append("ok")
        return out

    @rule(a=held, twice=st.sampled_from([True, True, True, False]))
    def deliver_keys(self, a: Assignment, twice: bool) -> None:
        b, item, w = a
        self.do_deliver(b, w, [item])
        if twice:  # a key agent that restarted and delivers again
            self.do_deliver(b, w, [item])

    def do_deliver(self, b: int, w: int, items: list[int]) -> None:
        m = self.model[b]
        req = self.requesters[m.requester]
        table = m.table_of(items[0])
        assert table is not None
        keys = [bytes([i % 256]) * 80 for i in items]
        ix = instructions.deliver_keys(
            req.address, m.address, table.address, self.workers[w].address, items, keys
        )
        refused = None
        if m.closed:
            refused = Refused(E.InvalidOwner)
        elif not m.encrypted:
            refused = Refused(E.NotEncrypted)
        elif w not in m.roster:
            refused = Refused(E.NotInRoster)
        if refused is not None:
            self.send(req, [ix], refused=refused, label="deliver_keys")
            return
        want = []
        for i in items:
            s = m.held(w, i)
            want.append("NotReserved" if s is None else "KeyAlreadyDelivered" if s.flag else "ok")
            if s is not None:
                s.flag = True
        receipt = self.send(req, [ix], label="deliver_keys")
        assert receipt is not None
        self.check_outcomes(receipt, "KeysDelivered", "items", items, want)
        self.dirty.add(b)

    @rule(target=held, a=consumes(held), by=st.sampled_from(["donor", "requester", "worker"]))
    def release(self, a: Assignment, by: str) -> Any:
        b, item, w = a
        m = self.model[b]
        caller = {
            "donor": self.donor,
            "requester": self.requesters[m.requester],
            "worker": self.workers[w],
        }[by]
        out = self.do_release(b, w, [item], caller)
        return multiple(a) if out == ["ReservationActive"] else multiple()

    @rule(
        b=batches,
        w=st.integers(0, N_WORKERS - 1),
        n=st.integers(1, 3),
        keys=st.booleans(),
        cancel=st.booleans(),
    )
    def lapse(self, b: int, w: int, n: int, keys: bool, cancel: bool) -> None:
        """Reservations left to lapse: taken (keys delivered or not), the batch
        perhaps cancelled, the deadline passed, released by a stranger: bonds
        forfeited to the requester (or returned, for keys never delivered),
        escrow refunded in a cancelled batch."""
        m = self.model[b]
        table = m.tables[-1]
        free = [
            i
            for i in range(table.first, table.first + table.count)
            if all(s is None or s.worker != w for s in m.row(i)) and None in m.row(i)
        ]
        won = self.do_accept(b, w, free[:n] or [table.first], table)
        if not won:
            return
        if keys and m.encrypted:
            self.do_deliver(b, w, won[:1])
            self.do_deliver(b, w, won[:2])  # the first again: refused, per item
        if cancel:
            self.cancel(b, False)
        self.do_release(b, w, won[:1], self.donor)  # too early: refused, per item
        self.backend.warp(m.reservation + m.tick_secs + 1)
        self.do_release(b, w, won, self.donor)

    def do_release(self, b: int, w: int, items: list[int], caller: Actor) -> list[str]:
        """Send release_expired; the model's per-item outcomes."""
        m = self.model[b]
        wk = self.workers[w]
        table = m.table_of(items[0])
        assert table is not None
        req = self.requesters[m.requester]
        ix = instructions.release_expired(m.address, table.address, req.address, wk.address, items)
        if m.closed or w not in m.roster:
            error = E.InvalidOwner if m.closed else E.NotInRoster
            self.send(caller, [ix], refused=Refused(error), label="release")
            return []
        now = self.now()
        out, gone = [], []
        for i in items:
            s = m.held(w, i)
            if s is None or s in gone:
                out.append("NotReserved")
            elif now <= m.deadline(s.tick):
                out.append("ReservationActive")
            else:
                out.append("ok")
                gone.append(s)
        receipt = self.send(caller, [ix], label="release")
        assert receipt is not None
        self.check_outcomes(receipt, "TasksReleased", "items", items, out)
        self.dirty.add(b)
        for s in gone:
            unseen = m.encrypted and not s.flag
            row = next(r for r in m.slots.values() if s in r)
            row[row.index(s)] = None
            m.active[w] -= 1
            if unseen:  # its bond back; it still counts against the cap
                self.move(m.address, wk.address, m.bond)
            else:
                self.move(m.address, req.address, m.bond)
            if m.status == "cancelled":
                m.cancelled_slots += 1
                self.move(m.address, req.address, m.price)
        return out

    @rule(d=done, stars=st.sampled_from([1, 3, 4, 5, 5, 0, 6]))
    def rate(self, d: Assignment, stars: int) -> None:
        b, item, w = d
        m = self.model[b]
        req = self.requesters[m.requester]
        table = m.table_of(item)
        assert table is not None
        row = m.slots[item]
        done = next((x for x in row if x is not None and x.worker == w and not x.reserved), None)
        # The rating names a place: w's own, or (w gone) the one its work was done at.
        if w in m.roster:
            idx = m.roster.index(w)
        else:
            idx = done.place if done is not None else len(m.roster)
        profile = worker_profile_pda(self.workers[w].address)[0]
        ix = instructions.rate_assignments(
            req.address, m.address, table.address, [(item, idx, stars, 0)], [profile]
        )
        s = next((x for x in row if x is not None and x.place == idx and not x.reserved), None)
        ended = min(m.cancelled_at, m.expires) if m.status == "cancelled" else m.expires
        refused = None
        if m.closed:
            refused = Refused(E.InvalidOwner)
        elif self.now() > ended + RATING_WINDOW:
            refused = Refused(E.RatingWindowClosed)
        elif not 1 <= stars <= 5:
            refused = Refused(E.InvalidStars)
        elif idx >= len(m.roster):
            refused = Refused(E.NotInRoster)
        elif s is None:
            refused = Refused(E.NotSubmitted)
        elif s.flag:
            refused = Refused(E.AlreadyRated)
        elif m.roster[idx] != w:  # unrated work at a place is its worker's
            raise AssertionError("a place passed on with unrated work")
        if refused is not None:
            self.send(req, [ix], refused=refused, label="rate")
            return
        assert s is not None
        self.send(req, [ix], label="rate")
        s.flag = True
        m.pending[w] -= 1
        m.rated += 1
        _, weight, _ = ref.rate(ref.DEFAULTS, self.rep_w[w], self.rep_r[m.requester], stars, m.fee)
        self.earn_emission(w, stars, weight)
        self.dirty.add(b)

    def earn_emission(self, w: int, stars: int, weight: int) -> None:
        """Emission credit follows the rating's weight (issue 18: no emission
        farm): 1,000 for a full-weight rating at or above the schedule's stars."""
        if self.gov.exists and stars >= EMISSION["min_stars"]:
            top = ref.DEFAULTS["max_weight_per_rating"]
            self.emission_credit[w] += 1_000 * weight // top
            REACH["rate:emission credit" if weight * 1_000 >= top else "rate:no credit"] += 1

    # Most deliveries come from `work`, not the `done` bundle: rate those too.
    @precondition(lambda self: next(self.unrated(), None) is not None)
    @rule(pick=st.integers(0, 50), stars=st.sampled_from([1, 3, 4, 5, 5]))
    def rate_delivered(self, pick: int, stars: int) -> None:
        found = list(self.unrated())
        self.rate(found[pick % len(found)], stars)

    def unrated(self) -> Iterator[Assignment]:
        """Deliveries not rated yet, in batches still open to ratings."""
        now = self.now()
        for k, m in sorted(self.model.items()):
            ended = min(m.cancelled_at, m.expires) if m.status == "cancelled" else m.expires
            if m.closed or now > ended + RATING_WINDOW:
                continue
            for item, row in sorted(m.slots.items()):
                for s in row:
                    if s is not None and not s.reserved and not s.flag:
                        yield (k, item, s.worker)

    # -- the batch's life ------------------------------------------------------------------

    @rule(b=batches, paused=st.booleans())
    def pause_batch(self, b: int, paused: bool) -> None:
        m = self.model[b]
        req = self.requesters[m.requester]
        ix = instructions.set_batch_paused(req.address, m.address, paused)
        if m.closed or m.status == "cancelled":
            error = E.InvalidOwner if m.closed else E.BatchCancelled
            self.send(req, [ix], refused=Refused(error), label="pause_batch")
            return
        self.send(req, [ix], label="pause_batch")
        m.status = "paused" if paused else "open"
        self.dirty.add(b)

    @rule(b=batches, extra=st.sampled_from([1, 3, 300]))
    def grow_roster(self, b: int, extra: int) -> None:
        m = self.model[b]
        req = self.requesters[m.requester]
        ix = instructions.grow_roster(req.address, m.address, extra)
        refused = None
        if m.closed:
            refused = Refused(E.InvalidOwner)
        elif m.status == "cancelled":
            refused = Refused(E.BatchCancelled)
        elif 42 * extra > 10_240:
            refused = Refused(E.RosterTooLarge)
        if refused is not None:
            self.send(req, [ix], refused=refused, label="grow_roster")
            return
        self.send(req, [ix], label="grow_roster")
        old, new = batch_size(m.roster_capacity), batch_size(m.roster_capacity + extra)
        self.move(req.address, m.address, self.rent(new) - self.rent(old))
        m.roster_capacity += extra
        self.dirty.add(b)

    @rule(b=batches, by_stranger=st.booleans())
    def cancel(self, b: int, by_stranger: bool) -> None:
        m = self.model[b]
        req = self.requesters[m.requester]
        signer = self.requesters[1 - m.requester] if by_stranger else req
        ix = instructions.cancel_batch(signer.address, m.address)
        refused = None
        if m.closed:
            refused = Refused(E.InvalidOwner)
        elif by_stranger:
            refused = Refused(E.Unauthorized)
        elif m.status == "cancelled":
            refused = Refused(E.BatchCancelled)
        if refused is not None:
            self.send(signer, [ix], refused=refused, label="cancel")
            return
        self.send(req, [ix], label="cancel")
        slots = m.items * m.redundancy
        open_ = slots - m.reserved - m.completed - m.cancelled_slots
        # Open slots' escrow and any deposit come back; reserved ones stay payable.
        refund = m.price * open_ + m.deposit
        m.cancelled_slots += open_
        m.deposit = 0
        m.status, m.cancelled_at = "cancelled", self.now()
        self.move(m.address, req.address, refund)
        self.dirty.add(b)

    @rule(b=batches, by=st.sampled_from(["donor", "w0", "r0"]))
    def sweep(self, b: int, by: str) -> None:
        caller = {"donor": self.donor, "w0": self.workers[0], "r0": self.requesters[0]}[by]
        self.do_sweep(b, caller)

    def do_sweep(self, b: int, caller: Actor) -> None:
        m = self.model[b]
        ix = instructions.sweep_fees(m.address)
        if m.closed:
            self.send(caller, [ix], refused=Refused(E.InvalidOwner), label="sweep")
            return
        self.send(caller, [ix], label="sweep")
        amount = m.fees_accrued()
        m.swept += amount
        self.gov.total_collected += amount
        self.move(m.address, treasury_pda()[0], amount)
        self.dirty.add(b)

    @rule(b=batches)
    def close(self, b: int) -> None:
        m = self.model[b]
        req = self.requesters[m.requester]
        ix = instructions.close_batch(req.address, m.address, [t.address for t in m.tables])
        refused = None
        if m.closed:
            refused = Refused(E.InvalidOwner)
        elif m.reserved:
            refused = Refused(E.ReservationsOutstanding)
        elif not m.done(self.now()):
            refused = Refused(E.BatchNotDone)
        if refused is not None:
            self.send(req, [ix], refused=refused, label="close")
            return
        self.send(req, [ix], label="close")
        fees = m.fees_accrued()
        m.swept += fees
        self.gov.total_collected += fees
        self.move(m.address, treasury_pda()[0], fees)
        for t in m.tables:
            self.move(t.address, req.address, self.lam[t.address])
        self.move(m.address, req.address, self.lam[m.address])
        m.closed = True
        self.dirty.discard(b)

    @rule(seconds=st.sampled_from([1, 30, 61, 301, 1_001, 3_601, 8 * 86_400]))
    def warp(self, seconds: int) -> None:
        self.backend.warp(seconds)
        REACH["warp:ok"] += 1

    @rule(
        target_=st.sampled_from(["treasury", "batch"]),
        b=batches,
        amount=st.sampled_from([1, 777, 10**6]),
    )
    def donate(self, target_: str, b: int, amount: int) -> None:
        """Anyone can send lamports to any account: a batch counts them as
        deposit, the treasury holds them."""
        m = self.model[b]
        to = treasury_pda()[0] if target_ == "treasury" or m.closed else m.address
        ix = transfer(TransferParams(from_pubkey=self.donor.address, to_pubkey=to, lamports=amount))
        self.send(self.donor, [ix], label=f"donate_{target_}")
        self.move(self.donor.address, to, amount)
        if to == treasury_pda()[0]:
            self.gov.donations += amount
        else:
            m.deposit += amount
            self.dirty.add(b)

    @rule(b=batches, w=st.integers(0, N_WORKERS - 1))
    def pause_protocol(self, b: int, w: int) -> None:
        """The admin pauses: no batch opens, no item is taken; then resumes.
        Once governance took over, the old admin key can pause nothing."""
        admin = self.admin
        if self.gov.exists:
            ix = instructions.set_paused(admin.address, True)
            self.send(admin, [ix], refused=Refused(E.Unauthorized), label="pause")
            return
        self.send(admin, [instructions.set_paused(admin.address, True)], label="pause")
        self.paused = True
        table = self.model[b].tables[0]
        self.do_accept(b, w, [table.first], table)
        self.create_batch(0, 1_000, 0, 1, 0, 1, 0, 60, 3_600, False, 2, 1, 0)
        self.send(admin, [instructions.set_paused(admin.address, False)], label="pause")
        self.paused = False

    @rule(
        b=batches, name=st.sampled_from(sorted(load_idl().instructions)), seed=st.integers(0, 2**32)
    )
    def garbage(self, b: int, name: str, seed: int) -> None:
        """A real instruction's accounts with argument bytes the IDL does not
        describe, or behind an unknown discriminator: refused, nothing moves."""
        m = self.model[b]
        wk = self.workers[0]
        base = instructions.accept_tasks(wk.address, m.address, m.tables[0].address, [0])
        rng = random.Random(seed)
        disc = bytes(load_idl().instructions[name].discriminator)
        while True:
            args = rng.randbytes(rng.choice([0, 1, 5, 9, 40]))
            if not strictly_valid(name, args):
                break
        n_accounts = len(load_idl().instructions[name].accounts)
        metas = list(base.accounts)[: min(n_accounts, len(base.accounts))]
        if rng.random() < 0.3:
            data, error = hashlib.sha256(disc).digest()[:8] + args, E.UnknownInstruction
        elif len(metas) < n_accounts:
            data, error = disc + args, E.NotEnoughAccounts
        else:
            data, error = disc + args, E.InvalidInstructionData
        metas = [AccountMeta(x.pubkey, x.pubkey == wk.address, x.is_writable) for x in metas]
        ix = Instruction(PROGRAM_ID, data, metas)
        self.send(wk, [ix], refused=Refused(error), label="garbage")

    # -- governance ------------------------------------------------------------------------

    @precondition(lambda self: not self.gov.exists)
    @rule()
    def init_governance(self) -> None:
        admin = self.admin
        g, vault = governance_pda()[0], vault_pda()[0]
        self.track(g, vault)
        self.send(
            admin,
            [
                set_upgrade_authority(admin.address, g),
                set_mint_authority(self.mint, admin.address, mint_authority_pda()[0]),
                instructions.initialize_governance(admin.address, self.mint, GOV_PARAMS, EMISSION),
            ],
            label="init_governance",
        )
        gov_len = len(self.svm.get_account(g).data)  # type: ignore[union-attr]
        self.move(admin.address, g, self.rent(gov_len))
        self.move(admin.address, vault, self.rent(165))
        self.gov.exists = True
        self.gov.update(self.now())
        self.paused_by_gov = self.paused

    @precondition(lambda self: self.gov.exists)
    @rule(
        v=st.integers(0, N_VOTERS - 1), amount=st.sampled_from([1, 10 * AMP, 40 * AMP, 101 * AMP])
    )
    def stake(self, v: int, amount: int) -> None:
        voter = self.voters[v]
        ix = instructions.stake(voter.address, self.ata(voter), amount)
        tokens = token_balance(self.svm.get_account(self.ata(voter)).data)  # type: ignore[union-attr]
        if amount > tokens:
            # The token program refuses the transfer (insufficient funds, 1).
            self.send(voter, [ix], refused=Refused(TransactionError, 1), label="stake")
            return
        first = v not in self.gov.staked
        if first:
            self.track(stake_pda(voter.address)[0])
        self.send(voter, [ix], label="stake")
        if first:
            size = len(self.svm.get_account(stake_pda(voter.address)[0]).data)  # type: ignore[union-attr]
            self.move(voter.address, stake_pda(voter.address)[0], self.rent(size))
        self.gov.update(self.now())
        self.gov.settle(v)
        self.gov.staked[v] = self.gov.staked.get(v, 0) + amount

    @precondition(lambda self: self.gov.exists and bool(self.gov.staked))
    @rule(v=st.integers(0, N_VOTERS - 1), amount=st.sampled_from([1, 10 * AMP, 40 * AMP]))
    def unstake(self, v: int, amount: int) -> None:
        voter = self.voters[v]
        ix = instructions.unstake(voter.address, self.ata(voter), amount)
        if v not in self.gov.staked:
            self.send(voter, [ix], refused=Refused(E.InvalidOwner), label="unstake")
            return
        if amount > self.gov.staked[v]:
            self.send(voter, [ix], refused=Refused(E.InsufficientStake), label="unstake")
            return
        self.send(voter, [ix], label="unstake")
        self.gov.update(self.now())
        self.gov.settle(v)
        self.gov.staked[v] -= amount

    @precondition(lambda self: self.gov.exists and any(self.gov.staked.values()))
    @rule(b=batches, w=st.integers(0, N_WORKERS - 1), v=st.integers(0, N_VOTERS - 1))
    def earn_and_claim(self, b: int, w: int, v: int) -> None:
        """Fees flowing to stakers: work is paid in a live batch, the fees
        swept, an hour passes, a staker claims."""
        now = self.now()
        live = [
            k
            for k, m in sorted(self.model.items())
            if not m.closed and m.status == "open" and now < m.expires and m.min_rating == 0
        ]
        if live:
            b = live[b % len(live)]
        self.work(b, w, 3, True)
        # Fees pay out over a voting period (100 s here): an hour passes
        # before the claim.
        self.warp(3_601)
        stakers = [k for k, amount in sorted(self.gov.staked.items()) if amount]
        self.claim(stakers[v % len(stakers)])

    @precondition(lambda self: self.gov.exists and bool(self.gov.staked))
    @rule(v=st.integers(0, N_VOTERS - 1))
    def claim(self, v: int) -> None:
        voter = self.voters[v]
        ix = instructions.claim(voter.address)
        if v not in self.gov.staked:
            self.send(voter, [ix], refused=Refused(E.InvalidOwner), label="claim")
            return
        trial = GovM(
            **{k: (dict(x) if isinstance(x, dict) else x) for k, x in vars(self.gov).items()}
        )
        trial.update(self.now())
        trial.settle(v)
        amount = trial.pending.get(v, 0)
        if amount == 0:
            self.send(voter, [ix], refused=Refused(E.NothingToClaim), label="claim")
            return
        self.send(voter, [ix], label="claim")
        self.gov = trial
        self.gov.pending[v] = 0
        self.gov.claimed += amount
        self.gov.got[v] = self.gov.got.get(v, 0) + amount
        self.move(treasury_pda()[0], voter.address, amount)

    # A few votes per example: enough to run every rate, and the rest of the
    # machine keeps its share of the steps.
    @precondition(lambda self: self.gov.exists and self.votes_held < 3)
    @rule(
        p=st.integers(0, N_VOTERS - 1),
        bps=st.sampled_from([0, 100, 700, 1_000, 1_001]),
        # 0 for, 1 against, 2 abstain, None no vote; mostly for, so that
        # proposals pass often enough to change the fee.
        choices=st.lists(
            st.sampled_from([0, 0, 0, 1, 2, None]), min_size=N_VOTERS, max_size=N_VOTERS
        ),
        early=st.booleans(),
        eligible=st.booleans(),
        backed=st.booleans(),
    )
    def govern_fee(
        self,
        p: int,
        bps: int,
        choices: list[int | None],
        early: bool,
        eligible: bool,
        backed: bool,
    ) -> None:
        """AMP holders change the fee: a proposal, votes weighed by stake,
        the time lock, execution. Batches open after it pay the new rate;
        batches already open keep theirs."""
        self.votes_held += 1
        min_stake = GOV_PARAMS["min_stake_to_propose"]
        can = [v for v, n in sorted(self.gov.staked.items()) if n >= min_stake]
        if eligible and not can:
            self.stake(p, 40 * AMP)  # someone stakes enough to propose
            can = [v for v, n in sorted(self.gov.staked.items()) if n >= min_stake]
        if eligible and can:  # else anyone, who may not propose
            p = can[p % len(can)]
        if backed:
            # Every staker for: the path that changes the fee, taken whatever
            # else the example draws.
            choices = [0] * N_VOTERS
        proposer = self.voters[p]
        gacc = self.svm.get_account(governance_pda()[0])
        assert gacc is not None
        g = Governance.from_account_data(governance_pda()[0], bytes(gacc.data))
        address = proposal_pda(g.proposal_count)[0]
        ix = instructions.create_proposal(
            proposer.address, g.proposal_count, {"SetFee": {"fee_bps": bps}}
        )
        refused = None
        if bps > 1_000:
            refused = Refused(E.FeeTooHigh)
        elif p not in self.gov.staked:
            refused = Refused(E.InvalidOwner)
        elif self.gov.staked[p] < GOV_PARAMS["min_stake_to_propose"]:
            refused = Refused(E.InsufficientStake)
        if refused is not None:
            self.track(address)
            self.send(proposer, [ix], refused=refused, label="create_proposal")
            return
        self.track(address)
        self.send(proposer, [ix], label="create_proposal")
        self.move(proposer.address, address, self.rent(len(self.svm.get_account(address).data)))  # type: ignore[union-attr]
        self.proposals.append(address)
        staked_at_creation = sum(self.gov.staked.values())
        tally = [0, 0, 0]
        for v, choice in enumerate(choices):
            if choice is None:
                continue
            voter = self.voters[v]
            record = vote_pda(address, voter.address)[0]
            self.track(record)
            ix = instructions.cast_vote(voter.address, address, choice)
            if v not in self.gov.staked:
                self.send(voter, [ix], refused=Refused(E.InvalidOwner), label="cast_vote")
                continue
            if self.gov.staked[v] == 0:
                self.send(voter, [ix], refused=Refused(E.InsufficientStake), label="cast_vote")
                continue
            self.send(voter, [ix], label="cast_vote")
            self.move(voter.address, record, self.rent(len(self.svm.get_account(record).data)))  # type: ignore[union-attr]
            self.vote_records.append(record)
            tally[choice] += self.gov.staked[v]
            # One vote per stake and proposal.
            if v == p:
                again = instructions.cast_vote(voter.address, address, choice)
                self.send(voter, [again], refused=Refused(E.AlreadyExists), label="cast_vote")
        executor = self.donor  # anyone may execute
        ix = instructions.execute_proposal(executor.address, address)
        if early:
            self.send(executor, [ix], refused=Refused(E.VotingActive), label="execute_proposal")
        params = GOV_PARAMS
        self.backend.warp(params["voting_period_secs"] + params["timelock_secs"] + 1)
        cast = sum(tally)
        votes_for, against, _ = tally
        if cast == 0 or cast * 10_000 < staked_at_creation * params["quorum_bps"]:
            refused = Refused(E.QuorumNotMet)
        elif votes_for == 0 or votes_for * 10_000 < (votes_for + against) * params["threshold_bps"]:
            refused = Refused(E.ThresholdNotMet)
        if refused is not None:
            self.send(executor, [ix], refused=refused, label="execute_proposal")
            return
        self.send(executor, [ix], label="execute_proposal")
        self.gov.update(self.now())
        self.fee_bps = bps
        self.send(executor, [ix], refused=Refused(E.ProposalNotActive), label="execute_proposal")
        # A batch opened now charges the voted rate (checked against the chain).
        self.create_batch(p % N_REQUESTERS, 10_007, 0, 2, 0, 300, 0, 300, 3_600, False, 3, 4, 0)

    # -- the invariants --------------------------------------------------------------------

    @invariant()
    def lamports_match_the_model_and_are_conserved(self) -> None:
        if not self.lam:
            return
        STEPS[0] += 1
        chain = {a: self.balance(a) for a in self.lam}
        wrong = {str(a): (chain[a], self.lam[a]) for a in self.lam if chain[a] != self.lam[a]}
        assert not wrong, f"lamports (chain, model): {wrong}"
        # Conservation: what every account holds plus every fee paid is what
        # they held at the start.
        assert sum(chain.values()) + self.fees_paid == self.total
        # No program account the model does not know of.
        known = {config_pda()[0], treasury_pda()[0]}
        known |= {worker_profile_pda(w.address)[0] for w in self.workers}
        known |= {requester_profile_pda(r.address)[0] for r in self.requesters}
        for m in self.model.values():
            if not m.closed:
                known |= {m.address, *(t.address for t in m.tables)}
        if self.gov.exists:
            known.add(governance_pda()[0])
            known |= {stake_pda(self.voters[v].address)[0] for v in self.gov.staked}
            known |= {*self.proposals, *self.vote_records}
        live = {a for a, acc in self.svm.get_program_accounts(PROGRAM_ID) if acc.lamports}
        assert live == known, f"unexpected program accounts: {live ^ known}"

    @invariant()
    def batches_agree_with_the_model(self) -> None:
        if not self.lam:
            return
        for key in sorted(self.dirty):
            self.check_batch(self.model[key])
        self.dirty.clear()

    def check_batch(self, m: BatchM) -> None:
        acc = self.svm.get_account(m.address)
        assert acc is not None
        b = Batch.from_account_data(m.address, bytes(acc.data))
        status = {"open": 0, "paused": 1, "cancelled": 2}[m.status]
        got = (
            int(b.status),
            b.item_count,
            b.items_capacity,
            b.reserved_count,
            b.completed_count,
            b.cancelled_slots,
            b.fees_swept,
            b.rated_count,
            b.table_count,
            b.roster_capacity,
            b.fee_per_item,
            b.tick_secs,
            b.batch_number,
        )
        want = (
            status,
            m.items,
            m.capacity,
            m.reserved,
            m.completed,
            m.cancelled_slots,
            m.swept,
            m.rated,
            len(m.tables),
            m.roster_capacity,
            m.fee,
            m.tick_secs,
            m.number,
        )
        assert got == want, (got, want)
        roster = [(e.worker, e.taken, e.active, e.pending) for e in b.roster]
        wanted = [
            (self.workers[w].address, m.taken[w], m.active[w], m.pending[w]) for w in m.roster
        ]
        assert roster == wanted, (roster, wanted)
        for w in m.roster:
            assert not m.cap or m.taken[w] <= m.cap, "per-worker cap exceeded"
            assert m.active[w] <= m.max_active, "active limit exceeded"
        # Escrow: rent + price × unsettled slots + accrued fees + bonds (+ deposit).
        rent = self.rent(len(acc.data))
        assert len(acc.data) == batch_size(m.roster_capacity)
        assert acc.lamports == m.committed(rent) + m.deposit, "escrow equation"
        # Slots, to the bit.
        for t in m.tables:
            tacc = self.svm.get_account(t.address)
            assert tacc is not None
            raw = bytes(tacc.data)
            assert len(raw) == TABLE_HEADER + 4 * t.capacity * m.redundancy
            count = struct.unpack_from("<I", raw, 64)[0]  # TaskTable.count
            assert count == t.count
            for i in range(t.first, t.first + t.count):
                row = m.slots.get(i, [None] * m.redundancy)
                holders = []
                for k in range(m.redundancy):
                    at = TABLE_HEADER + 4 * ((i - t.first) * m.redundancy + k)
                    worker, tick = struct.unpack_from("<HH", raw, at)
                    s = row[k]
                    if s is None:
                        want_w, want_t = 0, 0
                    else:
                        want_w = (s.place + 1) | (0x8000 if s.flag else 0)
                        want_t = s.tick if s.reserved else 0
                    assert (worker, tick) == (want_w, want_t), (m.address, i, k, worker, tick, s)
                    if worker & 0x7FFF:
                        holders.append(worker & 0x7FFF)
                assert len(holders) == len(set(holders)), "a place holds two slots of one item"
        active = Counter(s.worker for ss in m.slots.values() for s in ss if s and s.reserved)
        assert all(active[w] == m.active[w] for w in m.roster)
        assert sum(active.values()) == sum(m.active[w] for w in m.roster)
        unrated = Counter(
            s.worker for ss in m.slots.values() for s in ss if s and not s.reserved and not s.flag
        )
        assert all(unrated[w] == m.pending[w] for w in m.roster), "pending counts the unrated"

    @invariant()
    def the_treasury_balances(self) -> None:
        if not self.lam:
            return
        t = treasury_pda()[0]
        acc = self.svm.get_account(t)
        assert acc is not None
        rent = self.rent(len(acc.data))
        total_collected = struct.unpack_from("<Q", bytes(acc.data), 16)[0]
        assert total_collected == self.gov.total_collected
        g = self.gov
        if not g.exists:
            assert acc.lamports == rent + g.total_collected + g.donations
            return
        gacc = self.svm.get_account(governance_pda()[0])
        assert gacc is not None
        chain = Governance.from_account_data(governance_pda()[0], bytes(gacc.data))
        got = (chain.held, chain.distributed, chain.claimed, chain.distributed_upto)
        assert got == (g.held, g.distributed, g.claimed, g.distributed_upto), (got, g)
        release = (chain.releasing, chain.release_end, chain.released_at)
        assert release == (g.releasing, g.release_end, g.released_at), (release, g)
        assert chain.reward_per_share == g.rps
        assert chain.total_staked == sum(g.staked.values())
        fresh = g.total_collected - g.distributed_upto
        owed = g.distributed - g.claimed
        assert acc.lamports == rent + g.held + g.releasing + owed + fresh + g.donations
        # Nobody is paid more than its exact share of the fees.
        for v in g.staked:
            assert g.got.get(v, 0) + g.pending.get(v, 0) <= g.exact.get(v, Fraction(0))
        # AMP is conserved: the vault holds exactly what is staked.
        vault = token_balance(self.svm.get_account(vault_pda()[0]).data)  # type: ignore[union-attr]
        held = sum(token_balance(self.svm.get_account(self.ata(v)).data) for v in self.voters)  # type: ignore[union-attr]
        assert vault == sum(g.staked.values()) and vault + held == N_VOTERS * HOLDING

    @invariant()
    def ratings_follow_the_reference(self) -> None:
        if not self.lam:
            return
        for w, wk in enumerate(self.workers):
            acc = self.svm.get_account(worker_profile_pda(wk.address)[0])
            assert acc is not None
            rating, count = struct.unpack_from("<HI", bytes(acc.data), 10)
            assert (rating, count) == (self.rating(w), self.rep_w[w].count)
            p = WorkerProfile.from_account_data(worker_profile_pda(wk.address)[0], bytes(acc.data))
            assert p.emission_credit == self.emission_credit[w]
