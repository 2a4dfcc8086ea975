"""Reservations (accept, newcomers, races) and the per-item outcomes the
model predicts for them."""

from __future__ import annotations

from typing import Any

import reputation_ref as ref
from hypothesis import strategies as st
from hypothesis.stateful import (
    multiple,
    rule,
)

from amplify_sdk import instructions
from amplify_sdk.chain._backend import TxReceipt
from amplify_sdk.protocol import _program_errors as E

from .base import (
    EngineBase,
    Refused,
)
from .model import (
    BatchM,
    SlotM,
    TableM,
)
from .spec import (
    N_WORKERS,
    REACH,
)


class AcceptRules(EngineBase):
    def rating(self, w: int) -> int:
        wk = self.rep_w[w]
        if wk.count == 0:
            return 0
        p = ref.DEFAULTS
        qualified = sum(1 for e in wk.raters if e[0] and e[1] >= p["qualifying_weight"])
        prior = p["prior_weight"] // min(max(qualified, 1), p["distinct_cap"])
        return (p["prior_mean"] * prior + wk.s) // (prior + wk.w)

    @rule(
        target=EngineBase.held,
        b=EngineBase.batches,
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

    @rule(b=EngineBase.batches, w=st.integers(0, N_WORKERS - 1), settle=st.booleans())
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

    @rule(
        b=EngineBase.batches, w=st.integers(0, N_WORKERS - 1), others=st.integers(1, N_WORKERS - 1)
    )
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
        target=EngineBase.done,
        b=EngineBase.batches,
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
