"""Opening batches and adding their items."""

from __future__ import annotations

import hashlib
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import (
    multiple,
    rule,
)
from solders.instruction import Instruction
from solders.pubkey import Pubkey
from solders.system_program import (
    CreateAccountWithSeedParams,
    create_account_with_seed,
)

from amplify_sdk import PROGRAM_ID, instructions
from amplify_sdk.protocol import _program_errors as E
from amplify_sdk.protocol import (
    table_address,
    table_seed,
)

from .base import (
    EngineBase,
    Refused,
)
from .model import (
    BatchM,
    TableM,
)
from .spec import (
    FEE_BPS,
    MAX_TICK,
    N_REQUESTERS,
    REACH,
    TABLE_HEADER,
    batch_size,
    fee_of,
)


class BatchRules(EngineBase):
    @rule(
        target=EngineBase.batches,
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

    @rule(b=EngineBase.batches, n=st.integers(1, 6), capacity=st.integers(6, 9))
    def add_more(self, b: int, n: int, capacity: int) -> None:
        self.add_items(self.model[b], n, capacity)
