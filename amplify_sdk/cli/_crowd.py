"""Simulated workers for the demo: classes of different skill and speed that
accept, answer and deliver through the SDK on the embedded chain.

Time is simulated on the embedded cluster's clock: every worker of a round
accepts at the same moment, then the clock moves to each worker's finishing
time (items × its seconds per item) before it delivers, so fill times read
from chain history reflect each class's speed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from ..chain._embedded import EmbeddedBackend
from ..clients._session import Amplify
from ..clients._worker import WorkerClient
from ..protocol._exceptions import ProgramError
from ..storage import Store


@dataclass(frozen=True)
class WorkerClass:
    name: str
    #: Chance of answering an item's true label (None: a uniformly random label).
    accuracy: float | None
    #: Seconds of work per item (speed), and items taken per round.
    seconds_per_item: float
    per_round: int


CLASSES = (
    WorkerClass("accurate", 0.95, 2.5, 80),
    WorkerClass("careless", 0.70, 1.0, 60),
    WorkerClass("spammer", None, 0.2, 60),
)


@dataclass
class SimWorker:
    kind: WorkerClass
    client: WorkerClient
    answers: dict[tuple[Pubkey, int], int] = field(default_factory=dict)
    refusals: dict[str, int] = field(default_factory=dict)

    @property
    def address(self) -> Pubkey:
        return self.client.address


class Crowd:
    def __init__(self, amp: Amplify, rng: np.random.Generator, n_labels: int) -> None:
        if not isinstance(amp.backend, EmbeddedBackend):
            raise TypeError("the crowd runs on the embedded backend (it moves the clock)")
        self.amp = amp
        self.backend: EmbeddedBackend = amp.backend
        self.rng = rng
        self.n_labels = n_labels
        self.workers: list[SimWorker] = []

    async def hire(self, counts: dict[str, int], lamports: int) -> None:
        """Fund and register `counts[class]` workers of each class."""
        for kind in CLASSES:
            for _ in range(counts.get(kind.name, 0)):
                wallet = Keypair()
                await self.backend.airdrop(wallet.pubkey(), lamports)
                self.workers.append(SimWorker(kind, self.amp.worker(wallet)))
        for w in self.workers:
            await w.client.register()

    def answer(self, w: SimWorker, truth: int) -> int:
        if w.kind.accuracy is None:
            return int(self.rng.integers(self.n_labels))
        if self.rng.random() < w.kind.accuracy:
            return truth
        wrong = int(self.rng.integers(self.n_labels - 1))
        return wrong if wrong < truth else wrong + 1

    async def round(
        self, batch: Pubkey, truth: list[int], share: float = 1.0, store: Store | None = None
    ) -> int:
        """One round: everyone accepts a share of what is open to it, then
        delivers at its own pace. The assignments completed. A batch that
        requires skills is accepted with proofs from `store`."""
        accepted: list[tuple[SimWorker, list[int]]] = []
        for k in self.rng.permutation(len(self.workers)):
            w = self.workers[int(k)]
            open_items = await w.client.open_items(batch)
            want = max(1, int(w.kind.per_round * share))
            if not open_items:
                continue
            pick = self.rng.choice(open_items, size=min(want, len(open_items)), replace=False)
            try:
                outcomes = await w.client.accept_tasks(
                    batch, sorted(int(i) for i in pick), store=store
                )
            except ProgramError as e:
                # Refused for the whole batch (RatingTooLow, BatchExpired, ...).
                w.refusals[e.name] = w.refusals.get(e.name, 0) + len(pick)
                continue
            for o in outcomes:
                if not o.ok and o.error is not None:
                    w.refusals[o.error.name] = w.refusals.get(o.error.name, 0) + 1
            mine = [o.item for o in outcomes if o.ok]
            if mine:
                accepted.append((w, mine))
        start = self.backend.svm.get_clock().unix_timestamp
        done = 0
        finish = sorted(
            (start + len(items) * w.kind.seconds_per_item * (0.8 + 0.4 * self.rng.random()), n)
            for n, (w, items) in enumerate(accepted)
        )
        for at, n in finish:
            w, items = accepted[n]
            self.backend.set_time(max(int(at), self.backend.svm.get_clock().unix_timestamp))
            answers = []
            for item in items:
                label = self.answer(w, truth[item])
                w.answers[(batch, item)] = label
                answers.append((item, str(label).encode()))
            done += sum(o.ok for o in await w.client.submit_results(batch, answers))
        return done
