"""Property-based: random sequences of marketplace operations against the real
program. After every step — whether the program accepted or refused it — the
invariants hold: lamports are conserved, nobody is paid twice, caps and slot
counts hold, and refused steps change nothing."""

from __future__ import annotations

import asyncio
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amplify_sdk import AmplifyClient, ProgramError, SlotStatus, instructions
from amplify_sdk._embedded import EmbeddedBackend
from market import Market

N_ITEMS, REDUNDANCY, CAP, PRICE, WORKERS = 6, 2, 4, 10_007, 3

ops = st.lists(
    st.one_of(
        st.tuples(st.just("accept"), st.integers(0, WORKERS - 1), st.integers(0, N_ITEMS - 1)),
        st.tuples(st.just("submit"), st.integers(0, WORKERS - 1), st.integers(0, N_ITEMS - 1)),
        st.tuples(st.just("release"), st.integers(0, WORKERS - 1), st.integers(0, N_ITEMS - 1)),
        st.tuples(st.just("rate"), st.integers(0, WORKERS - 1), st.integers(0, N_ITEMS - 1)),
        st.tuples(st.just("warp"), st.integers(0, 0), st.integers(0, 400)),
        st.tuples(st.just("cancel"), st.integers(0, 0), st.integers(0, 0)),
        st.tuples(st.just("sweep"), st.integers(0, 0), st.integers(0, 0)),
    ),
    min_size=1,
    max_size=30,
)


async def _run(steps: list[tuple[str, int, int]]) -> None:
    client = await AmplifyClient.embedded()
    await client.initialize(await client.create_amp_mint())
    assert isinstance(client.backend, EmbeddedBackend)
    m = Market(client, client.backend)
    b = await m.batch(
        n_items=N_ITEMS,
        price=PRICE,
        redundancy=REDUNDANCY,
        per_worker_cap=CAP,
        reservation_secs=300,
    )
    deposit = PRICE * N_ITEMS * REDUNDANCY
    workers = [await m.worker() for _ in range(WORKERS)]
    for w in workers:
        await w.ensure_ledger(b.address, N_ITEMS)
    earned = Counter[int]()
    for op, k, x in steps:
        w = workers[k]
        ledger = await w.get_ledger(b.address, w.address)
        slot = ledger.slot_of(x)
        before = await m.balances(b.address, w.address)
        try:
            if op == "accept":
                await w.send([instructions.accept_task(w.address, b.address, b.batch_number, x)])
            elif op == "submit" and slot is not None:
                await w.send(
                    [
                        instructions.submit_result(
                            w.address, b.address, b.batch_number, slot, x, bytes(32)
                        )
                    ]
                )
                earned[k] += 1
            elif op == "release" and slot is not None:
                await client.send(
                    [
                        instructions.release_expired(
                            b.address, ledger.address, slot, x, client.address
                        )
                    ]
                )
            elif op == "rate" and slot is not None:
                await client.send(
                    [
                        instructions.rate_assignment(
                            client.address, b.address, ledger.address, w.address, slot, 1 + x % 5
                        )
                    ]
                )
            elif op == "warp":
                m.backend.warp(x)
            elif op == "cancel":
                await client.cancel_batch(b.address)
            elif op == "sweep":
                await client.sweep_fees(b.address)
        except ProgramError:
            # A refusal moves nothing but the sender's fee.
            after = await m.balances(b.address, w.address)
            assert after[b.address] == before[b.address]
        await _check(m, b.address, workers, earned, deposit)


async def _check(m: Market, batch, workers, earned, deposit) -> None:  # type: ignore[no-untyped-def]
    b = await m.requester.get_batch(batch)
    page = await m.requester.get_page(batch, 0)
    rent = await m.rent(batch)
    lamports = await m.backend.get_balance(batch)
    # Conservation: what the requester deposited is paid out, accrued, swept,
    # refunded, or still escrowed — to the lamport.
    assert lamports == rent + b.escrow + b.fees_accrued
    assert deposit == b.paid_total + b.fees_total + b.refunded_total + b.escrow + (
        b.cancelled_slots * b.price - b.refunded_total
    )
    assert b.completed_count == sum(earned.values())  # paid once per submission
    held = Counter[int]()
    for w in workers:
        ledger = await w.get_ledger(batch, w.address)
        items = [s.item_index for s in ledger.used]
        assert len(items) == len(set(items))  # never the same item twice
        assert ledger.taken <= b.per_worker_cap
        for s in ledger.used:
            if s.status == SlotStatus.RESERVED:
                held[s.item_index] += 1
        assert ledger.active == sum(s.status == SlotStatus.RESERVED for s in ledger.used)
    for i, rec in enumerate(page.filled):
        assert rec.reserved == held[i]
        assert rec.reserved + rec.completed <= b.redundancy
    assert b.reserved_count == sum(held.values())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops)
def test_random_operation_sequences_keep_the_invariants(steps: list[tuple[str, int, int]]) -> None:
    asyncio.run(_run(steps))
