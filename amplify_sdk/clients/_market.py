"""The market view: what work pays, by worker rating; how fast it is done;
what is open now. Computed from chain data only:

- worker profiles and open batches: program accounts (`getProgramAccounts`
  with the account's discriminator as a `Memcmp` filter);
- payments and fill times: the `TasksAccepted` and `ResultsSubmitted` events of
  the program's latest transactions (history of the program's address).

A worker's tier is read from its standing now (`amplify_sdk.quality.standing`):
unrated; little evidence (its ratings weigh under `TIER_MIN_WEIGHT` lamports
of fee); then by its mean stars as rated (the prior left out): under 2, 2 to
3, 3 to 4, 4 and up. The score itself sits near the prior for every worker
short of millions of lamports of fee weight, so tiers by score would put
everyone in one. A fill time is from a worker's acceptance of
an item to its delivery of that item (block times; slots × 0.4 s where a
node gives no block time).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from solders.pubkey import Pubkey
from solders.sysvar import CLOCK

from .._extras import require
from ..chain._backend import Backend
from ..chain._scan import batches, profiles
from ..chain._timeline import EventRecord, events
from ..protocol._models import BatchStatus, Config
from ..protocol._pda import config_pda
from ..protocol._standing import TIERS, Standing

#: Seconds per slot, for a node that reports no block times.
SLOT_SECONDS = 0.4
F64 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class TierStats:
    name: str
    #: Registered workers whose standing falls in the tier.
    workers: int
    #: Items delivered (and paid) by those workers.
    items: int
    paid_total: int
    payout_mean: float
    payout_median: float
    price_mean: float
    fill_median_s: float
    fill_p90_s: float


@dataclass(frozen=True)
class OpenBatch:
    address: Pubkey
    price: int
    payout: int
    open_slots: int
    value: int
    min_rating: int
    expires_at: int


@dataclass
class MarketView:
    tiers: list[TierStats]
    open_work: list[OpenBatch]
    #: Fill times (s) of every delivered item with a known acceptance, by tier.
    fills: list[F64] = field(default_factory=list)
    transactions: int = 0
    now: int = 0
    #: Every registered worker's standing, best tier first, then best mean.
    workers: list[Standing] = field(default_factory=list)

    @property
    def open_value(self) -> int:
        return sum(b.value for b in self.open_work)

    def as_dict(self) -> dict[str, Any]:
        def clean(x: float) -> float | None:
            return None if np.isnan(x) else round(float(x), 3)

        return {
            "now": self.now,
            "transactions": self.transactions,
            "tiers": [
                {k: clean(v) if isinstance(v, float) else v for k, v in b.__dict__.items()}
                for b in self.tiers
            ],
            "workers": [{"worker": str(w.worker), **w.as_dict()} for w in self.workers],
            "open_work": [dict(b.__dict__) for b in self.open_work],
            "open_value": self.open_value,
        }


def _seconds(r: EventRecord) -> float:
    return float(r.block_time) if r.block_time is not None else r.slot * SLOT_SECONDS


def _stat(values: F64, fn: Any) -> float:
    values = values[~np.isnan(values)]
    return float(fn(values)) if values.size else float("nan")


def compute(
    records: list[EventRecord],
    standings: dict[Pubkey, Standing],
    open_batches: list[OpenBatch],
    now: int,
) -> MarketView:
    """The view from events (oldest first), workers' standings and open batches."""
    accepted: dict[tuple[Pubkey, Pubkey, int], float] = {}
    workers: list[Pubkey] = []
    payout: list[float] = []
    price: list[float] = []
    fill: list[float] = []
    for r in records:
        f = r.fields
        if r.name == "TasksAccepted":
            for item in f["accepted"]:
                accepted[(f["batch"], f["worker"], item)] = _seconds(r)
        elif r.name == "ResultsSubmitted" and f["items"]:
            n = len(f["items"])
            for item in f["items"]:
                t0 = accepted.pop((f["batch"], f["worker"], item), None)
                workers.append(f["worker"])
                payout.append(f["paid"] / n)
                price.append((f["paid"] + f["fee"]) / n)
                fill.append(_seconds(r) - t0 if t0 is not None else float("nan"))
    tier = {w: TIERS.index(s.tier) for w, s in standings.items()}
    item_tier = np.array([tier.get(w, 0) for w in workers], dtype=np.intp)
    worker_tier = np.array(list(tier.values()), dtype=np.intp)
    pay = np.asarray(payout, dtype=np.float64)
    cost = np.asarray(price, dtype=np.float64)
    fills = np.asarray(fill, dtype=np.float64)
    stats = []
    per_tier_fills = []
    for k, name in enumerate(TIERS):
        m = item_tier == k
        per_tier_fills.append(fills[m & ~np.isnan(fills)])
        stats.append(
            TierStats(
                name=name,
                workers=int(np.count_nonzero(worker_tier == k)),
                items=int(np.count_nonzero(m)),
                paid_total=round(float(pay[m].sum())),
                payout_mean=_stat(pay[m], np.mean),
                payout_median=_stat(pay[m], np.median),
                price_mean=_stat(cost[m], np.mean),
                fill_median_s=_stat(fills[m], np.median),
                fill_p90_s=_stat(fills[m], lambda v: np.percentile(v, 90)),
            )
        )
    ranked = sorted(
        standings.values(),
        key=lambda s: (-tier[s.worker], -(s.mean or 0), -s.ratings, bytes(s.worker)),
    )
    return MarketView(
        stats, open_batches, per_tier_fills, len({r.signature for r in records}), now, ranked
    )


async def market_view(backend: Backend, *, limit: int | None = 5_000) -> MarketView:
    """The market from the cluster: accounts now, and the program's latest
    `limit` transactions (None: all the node keeps)."""
    clock = await backend.get_account(CLOCK)
    now = int.from_bytes(clock.data[32:40], "little", signed=True) if clock else 0
    config = await backend.get_account(config_pda()[0])
    standings: dict[Pubkey, Standing] = {}
    # No protocol, no profiles: nothing was ever registered.
    if config is not None:
        params = Config.from_account_data(config_pda()[0], config.data).reputation
        standings = {p.worker: p.standing(params) for p in await profiles(backend)}
    open_batches = sorted(
        (
            OpenBatch(
                b.address,
                b.price,
                b.payout,
                b.open_slots,
                b.open_slots * b.price,
                b.min_rating,
                b.expires_at,
            )
            for b in await batches(backend, status=BatchStatus.OPEN)
            if b.open_slots > 0 and now < b.expires_at
        ),
        key=lambda o: -o.value,
    )
    records = await events(
        backend, backend.program_id, names={"TasksAccepted", "ResultsSubmitted"}, limit=limit
    )
    return compute(records, standings, open_batches, now)


def plot(view: MarketView, path: Path) -> Path:
    """A PNG of the view: payout and fill time by tier, open work by
    batch. Agg backend: no display needed."""
    require("plot", "plotting")
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(13, 4.2), layout="constrained")
    ax1, ax2, ax3 = fig.subplots(1, 3)
    names = [b.name.replace("mean ", "").replace(" ", "\n") for b in view.tiers]
    means = [0.0 if np.isnan(b.payout_mean) else b.payout_mean for b in view.tiers]
    colors = ["#999999", "#c7c7c7", "#d62728", "#ff7f0e", "#bcbd22", "#2ca02c"]
    bars = ax1.bar(names, means, color=colors)
    for bar, b in zip(bars, view.tiers, strict=True):
        ax1.annotate(
            f"{b.items:,} items",
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            ha="center",
            va="bottom",
            fontsize=8,
        )
    ax1.set_title("Mean payout per item by worker tier (mean stars as rated)")
    ax1.tick_params(axis="x", labelsize=8)
    ax1.set_ylabel("lamports")
    shown = [(n, f) for n, f in zip(names, view.fills, strict=True) if f.size]
    if shown:
        ax2.boxplot([f for _, f in shown], tick_labels=[n for n, _ in shown], showfliers=False)
        ax2.tick_params(axis="x", labelsize=8)
    ax2.set_title("Fill time (acceptance → delivery)")
    ax2.set_ylabel("seconds")
    top = view.open_work[:10]
    ax3.barh([str(b.address)[:8] + "…" for b in top], [b.value / 1e9 for b in top], color="#1f77b4")
    ax3.invert_yaxis()
    ax3.set_title(f"Open work: {view.open_value / 1e9:.4f} SOL in {len(view.open_work)} batches")
    ax3.set_xlabel("SOL (open slots × price)")
    fig.savefig(path, dpi=110)
    return path


__all__ = [
    "MarketView",
    "OpenBatch",
    "TierStats",
    "compute",
    "market_view",
    "plot",
]
