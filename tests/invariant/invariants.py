"""The invariants, checked against the chain after every step."""

from __future__ import annotations

import struct
from collections import Counter
from fractions import Fraction

from hypothesis.stateful import (
    invariant,
)

from amplify_sdk import PROGRAM_ID, Batch
from amplify_sdk.protocol import (
    config_pda,
    treasury_pda,
    worker_profile_pda,
)
from amplify_sdk.protocol._models import Governance, WorkerProfile
from amplify_sdk.protocol._pda import (
    governance_pda,
    requester_profile_pda,
    stake_pda,
    vault_pda,
)
from amplify_sdk.protocol._token import (
    token_balance,
)

from .base import (
    EngineBase,
)
from .model import (
    BatchM,
)
from .spec import (
    HOLDING,
    N_VOTERS,
    STEPS,
    TABLE_HEADER,
    batch_size,
)


class Invariants(EngineBase):
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
            b.places_reused,
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
            len(m.reused),
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
                        # Slot.worker: place + 1 in bits 0-13, completed bit
                        # 14, flag bit 15; tick: deadline, or the answer's code.
                        done = 0 if s.reserved else 0x4000
                        want_w = (s.place + 1) | done | (0x8000 if s.flag else 0)
                        want_t = s.tick
                    assert (worker, tick) == (want_w, want_t), (m.address, i, k, worker, tick, s)
                    if worker & 0x3FFF:
                        holders.append(worker & 0x3FFF)
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
