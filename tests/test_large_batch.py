"""A batch of a million items works: two task tables (a table is one account
of at most 10 MiB), uploaded in two transactions, accepted at both ends."""

from __future__ import annotations

import hashlib

from conftest import report
from market import Market

ITEMS = 1_000_000


async def test_a_million_items(market: Market) -> None:
    req = market.requester
    b = await req.create_batch(price=20, redundancy=3, max_active=10)
    hashes = [hashlib.sha256(i.to_bytes(4, "little")).digest() for i in range(ITEMS)]
    n0 = len(req.receipts)
    uploads = await req.add_tasks(b.address, hashes)
    report("transactions to upload 1,000,000 items", len(req.receipts) - n0)
    b = await req.get_batch(b.address)
    assert b.item_count == ITEMS and b.table_count == 2
    assert b.escrow == 20 * 3 * ITEMS
    assert [u.count for u in uploads] == [t.capacity for t in await req.get_tables(b)]
    w = await market.worker()
    out = await w.accept_tasks(b.address, [0, ITEMS // 2, ITEMS - 1])
    assert all(o.ok for o in out)
    assert all(
        o.ok for o in await w.submit_results(b.address, [(i, b"\x01") for i in (0, ITEMS - 1)])
    )
    await market.assert_escrow_invariant(b.address)
