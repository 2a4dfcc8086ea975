"""Property-based: random sequences of bulk marketplace operations against the
real program, checked step by step against an independent model of the rules.

The model knows only the spec (docs/protocol.md): who may take which slot, the
fee (5%, rounded up), the bond, deadlines in ticks, refunds on cancel, on
settling items (dynamic overlap) and on release. After every step the chain
must agree with it on every item's outcome, every slot, every counter and
every balance to the lamport, and money is conserved: what left the wallets is
in the batch, the treasury or paid in network fees. The test reports how many
examples reached payouts, refunds and forfeits, and fails if too few did."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amplify_sdk import Amplify, ItemOutcome
from amplify_sdk.chain._embedded import EmbeddedBackend
from amplify_sdk.protocol import treasury_pda
from conftest import report
from market import Market

N, R, CAP, ACTIVE, PRICE, BOND, RES = 12, 2, 5, 4, 10_007, 333, 300
FEE = -(-PRICE * 500 // 10_000)  # 5% rounded up to a whole lamport
WORKERS = 3

# Mostly real items, sometimes out of range; steps weighted so that most runs
# reach payouts, releases and refunds (counted and asserted at the end).
item = st.one_of(st.integers(0, N - 1), st.integers(0, N - 1), st.sampled_from([-1, N]))
items = st.lists(item, min_size=1, max_size=6)
worker = st.integers(0, WORKERS - 1)
accept = st.tuples(st.just("accept"), worker, items)
submit_held = st.tuples(st.just("submit_held"), worker, st.integers(1, 4))
release_all = st.tuples(st.just("release_all"), worker, st.just([]))
warp = st.tuples(st.just("warp"), st.integers(0, 0), st.sampled_from([10, 150, 320, 700]))
# one_of picks its branches evenly: the main paths get a branch each, the
# rarer operations (cancel ends acceptance for the rest of a run) share one.
rare = st.one_of(
    st.tuples(st.just("submit"), worker, items),
    st.tuples(st.just("release"), worker, items),
    st.tuples(st.just("rate"), worker, items),
    st.tuples(st.just("sweep"), st.integers(0, 0), st.just([])),
    st.tuples(st.just("settle"), st.integers(0, 0), items),
)
step = st.one_of(accept, submit_held, release_all, warp, rare)
# A round as workers live it: take items, maybe let time pass, deliver some,
# and someone sweeps up what lapsed. Runs are built of rounds and single steps.
round_ = st.tuples(
    accept, st.lists(warp, max_size=1), submit_held, st.lists(release_all, max_size=1)
)
rounds = round_.map(lambda r: [r[0], *r[1], r[2], *r[3]])
singles = step.map(lambda s: [s])
# Three rounds for every single step (one_of alone would weigh them evenly).
chunk = st.integers(0, 3).flatmap(lambda n: rounds if n else singles)
CANCEL = ("cancel", 0, [])


@dataclass
class Model:
    created: int
    tick_secs: int
    now: int
    cancelled: bool = False
    # item -> worker -> [state, deadline, rated]
    slots: dict[int, dict[int, list[object]]] = field(default_factory=dict)
    taken: Counter[int] = field(default_factory=Counter)
    active: Counter[int] = field(default_factory=Counter)
    joined: set[int] = field(default_factory=set)
    completed: int = 0
    cancelled_slots: int = 0
    swept: int = 0
    # item -> its settled slots (refunded; no worker takes them)
    settled: Counter[int] = field(default_factory=Counter)

    def held(self, w: int, i: int) -> list[object] | None:
        return self.slots.get(i, {}).get(w)

    def deadline(self) -> int:
        tick = -(-(self.now - self.created + RES) // self.tick_secs)
        return self.created + tick * self.tick_secs

    @property
    def reserved(self) -> int:
        return sum(s[0] == "reserved" for item in self.slots.values() for s in item.values())


@dataclass
class Reached:
    payouts: int = 0
    refunds: int = 0
    forfeits: int = 0
    settled: int = 0
    steps: int = 0


REACHED: list[Reached] = []


def outcome_codes(out: list[ItemOutcome]) -> list[str]:
    return ["ok" if o.ok else type(o.error).__name__ for o in out]


async def run(steps: list[tuple[str, int, list[int] | int]]) -> Reached:
    seen = Reached()
    async with await Amplify.embedded() as amp:
        admin = amp.admin()
        await admin.initialize(await admin.create_amp_mint())
        assert isinstance(amp.backend, EmbeddedBackend)
        m = Market(amp, amp.backend, admin, amp.requester())
        req = m.requester
        b = await m.batch(
            n_items=N,
            price=PRICE,
            bond=BOND,
            redundancy=R,
            per_worker_cap=CAP,
            max_active=ACTIVE,
            reservation_secs=RES,
        )
        workers = [await m.worker() for _ in range(WORKERS)]
        await req.register_requester()  # before the balances the model starts from
        model = Model(b.created_at, b.tick_secs, await req.now())
        treasury = treasury_pda()[0]
        wallets = [req.address, *(w.address for w in workers)]
        tracked = [*wallets, b.address, treasury]
        start = await m.balances(*tracked)
        fees = Counter[object]()
        paid = Counter[int]()
        released = Counter[int]()
        forfeited = refunded = 0

        for op, k, arg in steps:
            seen.steps += 1
            if op in ("submit_held", "release_all"):
                # The first worker, from k on, that has something to act on.
                late = op == "release_all"
                k = next(
                    (
                        j % WORKERS
                        for j in range(k, k + WORKERS)
                        if any(
                            s.get(j % WORKERS, [None])[0] == "reserved"
                            and (not late or model.now > s[j % WORKERS][1])  # type: ignore[operator]
                            for s in model.slots.values()
                        )
                    ),
                    k,
                )
            w = workers[k]
            n_req, n_w = len(req.receipts), len(w.receipts)
            if op == "accept":
                assert isinstance(arg, list)
                want = expect_accept(model, k, arg)
                if model.cancelled or model.now >= b.expires_at:
                    continue
                got = outcome_codes(await w.accept_tasks(b.address, arg))
                assert got == want, (op, arg)
            elif op in ("submit", "submit_held"):
                if op == "submit_held":
                    mine = [
                        i
                        for i, s in sorted(model.slots.items())
                        if s.get(k, [None])[0] == "reserved"
                    ]
                    arg = mine[: int(arg)]  # type: ignore[call-overload]
                    if not arg:
                        continue
                assert isinstance(arg, list)
                want = expect_submit(model, k, arg)
                got = outcome_codes(await w.submit_results(b.address, [(i, b"\x05") for i in arg]))
                assert got == want, (op, arg)
                n_paid = want.count("ok")
                paid[k] += n_paid
                seen.payouts += n_paid
            elif op in ("release", "release_all"):
                assert isinstance(arg, list)
                if op == "release_all":
                    arg = [
                        i
                        for i, s in sorted(model.slots.items())
                        if s.get(k, [None])[0] == "reserved" and model.now > s[k][1]
                    ]  # type: ignore[operator]
                    if not arg:
                        continue
                want, forfeit, refund = expect_release(model, k, arg)
                got = outcome_codes(await req.release_expired(b.address, w.address, arg))
                assert got == want, (op, arg)
                forfeited += forfeit
                refunded += refund
                released[k] += forfeit // BOND
                seen.forfeits += forfeit // BOND
                seen.refunds += refund // PRICE
            elif op == "rate":
                assert isinstance(arg, list)
                want = expect_rate(model, k, arg)
                got = outcome_codes(
                    await req.rate_assignments(b.address, [(i, w.address, 4) for i in arg])
                )
                assert got == want, (op, arg)
            elif op == "warp":
                assert isinstance(arg, int)
                m.backend.warp(arg)
                model.now += arg
            elif op == "cancel":
                if model.cancelled:
                    continue
                await req.cancel_batch(b.address)
                open_slots = N * R - model.reserved - model.completed - model.cancelled_slots
                model.cancelled_slots += open_slots
                model.cancelled = True
                refunded += open_slots * PRICE
                seen.refunds += open_slots
            elif op == "settle":
                assert isinstance(arg, list)
                if model.cancelled:
                    continue
                want, refund = expect_settle(model, arg)
                got = outcome_codes(await req.settle_items(b.address, arg))
                assert got == want, (op, arg)
                refunded += refund
                seen.refunds += refund // PRICE
                seen.settled += want.count("ok")
            elif op == "sweep":
                await req.sweep_fees(b.address)
                model.swept = model.completed * FEE
            for r in req.receipts[n_req:]:
                fees["req"] += r.fee
            for r in w.receipts[n_w:]:
                fees[k] += r.fee
            # A worker's bonds: held for its active reservations, lost for
            # released ones, returned with each payment.
            bonds = Counter({j: BOND * (model.active[j] + released[j]) for j in range(WORKERS)})
            await check(
                m,
                b.address,
                model,
                start,
                fees,
                paid,
                bonds,
                forfeited,
                refunded,
                wallets,
                treasury,
                workers,
            )
    return seen


def expect_accept(model: Model, k: int, items_: list[int]) -> list[str]:
    out = []
    if model.cancelled or model.now >= model.created + 7 * 24 * 3600:
        return out
    for i in items_:
        if not 0 <= i < N:
            out.append("ItemNotFound")
        elif model.held(k, i) is not None:
            out.append("AlreadyAccepted")
        elif len(model.slots.get(i, {})) + model.settled[i] >= R:
            out.append("ItemSettled" if model.settled[i] else "ItemFull")
        elif model.taken[k] >= CAP:
            out.append("WorkerCapReached")
        elif model.active[k] >= ACTIVE:
            out.append("ActiveLimitReached")
        else:
            model.slots.setdefault(i, {})[k] = ["reserved", model.deadline(), False]
            model.taken[k] += 1
            model.active[k] += 1
            model.joined.add(k)  # a worker joins the roster with its first item
            out.append("ok")
    return out


def expect_submit(model: Model, k: int, items_: list[int]) -> list[str]:
    out = []
    for i in items_:
        s = model.held(k, i)
        if not 0 <= i < N:
            out.append("ItemNotFound")
        elif k not in model.joined:
            out.append("NotInRoster")  # the whole instruction fails
        elif s is None or s[0] != "reserved":
            out.append("NotReserved")
        else:
            s[0] = "completed"
            model.active[k] -= 1
            model.completed += 1
            out.append("ok")
    return out


def expect_release(model: Model, k: int, items_: list[int]) -> tuple[list[str], int, int]:
    out, forfeit, refund = [], 0, 0
    for i in items_:
        s = model.held(k, i)
        if not 0 <= i < N:
            out.append("ItemNotFound")
        elif k not in model.joined:
            out.append("NotInRoster")
        elif s is None or s[0] != "reserved":
            out.append("NotReserved")
        elif model.now <= s[1]:  # type: ignore[operator]
            out.append("ReservationActive")
        else:
            del model.slots[i][k]
            model.active[k] -= 1
            forfeit += BOND
            if model.cancelled or model.settled[i]:
                # A settled item's released slot is settled too.
                model.settled[i] += 0 if model.cancelled else 1
                model.cancelled_slots += 1
                refund += PRICE
            out.append("ok")
    return out, forfeit, refund


def expect_settle(model: Model, items_: list[int]) -> tuple[list[str], int]:
    out, refund = [], 0
    for i in items_:
        if not 0 <= i < N:
            out.append("ItemNotFound")
            continue
        open_slots = R - len(model.slots.get(i, {})) - model.settled[i]
        if open_slots == 0:
            out.append("ItemSettled" if model.settled[i] else "ItemFull")
            continue
        model.settled[i] += open_slots
        model.cancelled_slots += open_slots
        refund += open_slots * PRICE
        out.append("ok")
    return out, refund


def expect_rate(model: Model, k: int, items_: list[int]) -> list[str]:
    out = []
    in_roster = k in model.joined
    for i in items_:
        s = model.held(k, i)
        if not in_roster:
            out.append("NotInRoster")
        elif not 0 <= i < N:
            out.append("ItemNotFound")
        elif s is None or s[0] != "completed":
            out.append("NotSubmitted")
        elif s[2]:
            out.append("AlreadyRated")
        else:
            s[2] = True
            out.append("ok")
    return out


async def check(
    m: Market,
    batch: object,
    model: Model,
    start: dict[object, int],
    fees: Counter[object],
    paid: Counter[int],
    bonds: Counter[int],
    forfeited: int,
    refunded: int,
    wallets: list[object],
    treasury: object,
    workers: list[object],
) -> None:
    req = m.requester
    b = await req.get_batch(batch)  # type: ignore[arg-type]
    assert (b.reserved_count, b.completed_count, b.cancelled_slots) == (
        model.reserved,
        model.completed,
        model.cancelled_slots,
    )
    (table,) = await req.get_tables(b)
    index = {e.worker: e.index + 1 for e in b.roster}
    for i in range(N):
        chain = {}
        for r in range(R):
            h = int(table.holders[i, r])
            if h:
                chain[h] = (
                    "completed" if table.done[i, r] else "reserved",
                    bool(table.flags[i, r]),
                )
        want = {
            index[workers[k].address]: (s[0], bool(s[2]))  # type: ignore[attr-defined]
            for k, s in model.slots.get(i, {}).items()
        }
        assert chain == want, (i, chain, want)
        assert int(table.settled()[i].sum()) == model.settled[i], i
    now = await m.balances(*wallets, batch, treasury)  # type: ignore[arg-type]
    # Each party's lamports, from the model alone.
    assert now[wallets[0]] == start[wallets[0]] - fees["req"] + forfeited + refunded
    for k in range(WORKERS):
        expected = start[wallets[k + 1]] - fees[k] - bonds[k] + paid[k] * (PRICE - FEE)
        assert now[wallets[k + 1]] == expected, k
    assert now[treasury] == start[treasury] + model.swept
    # Conservation: everything that left the wallets and the treasury is in the
    # batch or was burned as network fees.
    total_before = sum(start.values())
    assert sum(now.values()) == total_before - sum(fees.values())
    await m.assert_escrow_invariant(b.address)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,  # reach counts are asserted: the same examples every run
)
@given(
    st.lists(chunk, min_size=2, max_size=10),
    st.booleans(),
    st.lists(chunk, max_size=4),
)
def test_random_bulk_operations_agree_with_the_model(
    before: list[list[tuple[str, int, object]]],
    cancel: bool,
    after: list[list[tuple[str, int, object]]],
) -> None:
    # A run of operations, then (half the time) a cancellation and more.
    flat = [s for c in before for s in c]
    steps = [*flat, CANCEL, *(s for c in after for s in c)] if cancel else flat
    REACHED.append(asyncio.run(run(steps)))  # type: ignore[arg-type]


def test_enough_examples_reached_the_money_paths() -> None:
    # Runs after the property test (pytest keeps file order).
    n = len(REACHED)
    with_payout = sum(r.payouts > 0 for r in REACHED)
    with_refund = sum(r.refunds > 0 for r in REACHED)
    with_forfeit = sum(r.forfeits > 0 for r in REACHED)
    report("property examples", n)
    report(
        "examples with payouts / refunds / forfeited bonds",
        f"{with_payout} / {with_refund} / {with_forfeit}",
    )
    with_settled = sum(r.settled > 0 for r in REACHED)
    report("examples with settled items", with_settled)
    report("steps", sum(r.steps for r in REACHED))
    assert n >= 100
    assert with_payout >= n // 2 and with_refund >= n // 5 and with_forfeit >= n // 20
    assert with_settled >= n // 40
