"""Work on reserved items: submissions, key deliveries, releases, ratings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import reputation_ref as ref
from hypothesis import strategies as st
from hypothesis.stateful import (
    consumes,
    multiple,
    precondition,
    rule,
)

from amplify_sdk import instructions
from amplify_sdk.protocol import _program_errors as E
from amplify_sdk.protocol import (
    worker_profile_pda,
)

from .base import (
    Actor,
    Assignment,
    EngineBase,
    Refused,
)
from .model import (
    BatchM,
    TableM,
)
from .spec import (
    EMISSION,
    N_WORKERS,
    RATING_WINDOW,
    REACH,
)


def kept_code(answer: bytes) -> int:
    """The IDL's `Slot` docs: a one-byte answer + 1, a two-byte one (u16
    little-endian) + 257 up to 65,278, else 0 (not kept)."""
    if len(answer) == 1:
        return answer[0] + 1
    if len(answer) == 2 and (v := int.from_bytes(answer, "little")) <= 65_278:
        return v + 257
    return 0


class WorkRules(EngineBase):
    @rule(target=EngineBase.done, a=consumes(EngineBase.held), wide=st.booleans())
    def submit(self, a: Assignment, wide: bool) -> Any:
        b, item, w = a
        # One-byte answers, two-byte ones for odd items (the slot keeps both), 32 bytes.
        paid = self.do_submit(b, w, [item], 32 if wide else 1 + item % 2)
        return multiple(a) if paid else multiple()

    @rule(
        target=EngineBase.done,
        b=EngineBase.batches,
        w=st.integers(0, N_WORKERS - 1),
        extra=st.integers(0, 11),
    )
    def submit_all(self, b: int, w: int, extra: int) -> Any:
        """Everything a worker of the roster holds in the batch's first table,
        plus an item it may not hold."""
        m = self.model[b]
        if m.roster:
            w = m.roster[w % len(m.roster)]
        t = m.tables[0]
        mine = [i for i in range(t.first, t.first + t.count) if m.held(w, i)]
        width = 2 if extra % 3 == 0 else 1  # two-byte answers too: the slot keeps both
        paid = self.do_submit(b, w, [*mine[:8], t.first + extra % t.count], width)
        return multiple(*((b, i, w) for i in paid or []))

    def do_submit(self, b: int, w: int, items: list[int], width: int) -> list[int] | None:
        """Send submit_results; the items paid (None: refused whole)."""
        m = self.model[b]
        wk = self.workers[w]
        table = m.table_of(items[0])
        assert table is not None
        # Item-derived bytes: two-byte answers reach past the largest kept
        # value (65,278) for some items.
        answers = b"".join(
            bytes([(i * 7 + k * 3 + 250) % 256 for k in range(width)]) for i in items
        )
        ix = instructions.submit_results(wk.address, m.address, table.address, items, answers)
        try:
            out = self.expect_submit(m, w, items, table, answers, width)
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

    def expect_submit(
        self, m: BatchM, w: int, items: list[int], table: TableM, answers: bytes, width: int
    ) -> list[str]:
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
        for pos, i in enumerate(items):
            s = m.held(w, i)
            if s is None:
                out.append("NotReserved")
            elif m.encrypted and not s.flag:
                out.append("KeyNotDelivered")
            else:
                # Completed: the slot's tick keeps the answer's code.
                code = kept_code(answers[pos * width : (pos + 1) * width])
                s.reserved, s.tick, s.flag = False, code, False
                REACH["submit:answer kept" if code else "submit:answer not kept"] += 1
                m.active[w] -= 1
                m.pending[w] += 1  # keeps the place until rated
                m.completed += 1
                out.append("ok")
        return out

    @rule(a=EngineBase.held, twice=st.sampled_from([True, True, True, False]))
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

    @rule(
        target=EngineBase.held,
        a=consumes(EngineBase.held),
        by=st.sampled_from(["donor", "requester", "worker"]),
    )
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
        b=EngineBase.batches,
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

    @rule(d=EngineBase.done, stars=st.sampled_from([1, 3, 4, 5, 5, 0, 6]))
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
