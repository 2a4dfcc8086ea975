"""The engine's actors and plumbing: sending a transaction and checking the
model's prediction of it, the trace, fees, lamport tracking, and set-up."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import reputation_ref as ref
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
)
from solders.clock import Clock
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from amplify_sdk import AmplifyClient, TransactionError, instructions
from amplify_sdk.chain._backend import TxReceipt
from amplify_sdk.chain._embedded import EmbeddedBackend
from amplify_sdk.clients import x25519_public_key
from amplify_sdk.clients._session import Amplify
from amplify_sdk.protocol import (
    config_pda,
    treasury_pda,
    worker_profile_pda,
)
from amplify_sdk.protocol._pda import (
    requester_profile_pda,
)
from amplify_sdk.protocol._token import (
    associated_token_address,
    create_associated_token_account,
    create_mint_instructions,
    mint_to,
)

from .model import (
    BatchM,
    GovM,
)
from .spec import (
    FEE_BPS,
    HOLDING,
    N_REQUESTERS,
    N_VOTERS,
    N_WORKERS,
    REACH,
    SIGNATURE_FEE,
    START_SLOT,
    START_TIME,
    STARTED,
    TRACE,
    keypair,
)

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


class EngineBase(RuleBasedStateMachine):
    """State, plumbing and set-up; the rule families are mixins on top."""

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
