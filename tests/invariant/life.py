"""A batch's life: pauses, roster growth, cancels, sweeps, closes, time,
lamports sent in, protocol pauses, malformed instructions."""

from __future__ import annotations

import hashlib
import random

from hypothesis import strategies as st
from hypothesis.stateful import (
    rule,
)
from solders.instruction import AccountMeta, Instruction
from solders.system_program import (
    TransferParams,
    transfer,
)

from adversarial import strictly_valid
from amplify_sdk import PROGRAM_ID, instructions
from amplify_sdk.protocol import _program_errors as E
from amplify_sdk.protocol import (
    load_idl,
    treasury_pda,
)

from .base import (
    Actor,
    EngineBase,
    Refused,
)
from .spec import (
    N_WORKERS,
    REACH,
    batch_size,
)


class LifeRules(EngineBase):
    @rule(b=EngineBase.batches, paused=st.booleans())
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

    @rule(b=EngineBase.batches, extra=st.sampled_from([1, 3, 300]))
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

    @rule(b=EngineBase.batches, by_stranger=st.booleans())
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

    @rule(b=EngineBase.batches, by=st.sampled_from(["donor", "w0", "r0"]))
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

    @rule(b=EngineBase.batches)
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
        b=EngineBase.batches,
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

    @rule(b=EngineBase.batches, w=st.integers(0, N_WORKERS - 1))
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
        b=EngineBase.batches,
        name=st.sampled_from(sorted(load_idl().instructions)),
        seed=st.integers(0, 2**32),
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
