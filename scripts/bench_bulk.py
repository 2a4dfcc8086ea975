"""The bulk-instruction benchmark of ./scripts/bench: compute units of one
transaction of each bulk instruction (the per-item loop of
shared/outcomes.rs), measured in the embedded SVM. Numbers, not asserts."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from amplify_sdk import Amplify, RequesterClient, WorkerClient, instructions
from amplify_sdk.chain._embedded import EmbeddedBackend
from amplify_sdk.protocol import table_address, worker_profile_pda
from market import Market

#: Distinct answers the benchmark's workers give.
LABELS = 10


async def bulk_cu(amp: Amplify, n: int = 100, keys: int = 10) -> list[tuple[str, int]]:
    """Compute units of one transaction of each bulk instruction (the per-item
    loop of shared/outcomes.rs), and of grow_roster."""
    backend = amp.backend
    assert isinstance(backend, EmbeddedBackend)
    m = Market(amp, backend, amp.admin(), amp.requester())
    req = m.requester
    b = await m.batch(n_items=2 * n + 1, redundancy=2, max_active=1_000, reservation_secs=600)
    w = await m.worker()
    out: list[tuple[str, int]] = []

    def last(client: WorkerClient | RequesterClient) -> int:
        assert client.last_receipt is not None
        return client.last_receipt.compute_units

    await w.accept_tasks(b.address, [0])  # joins the roster
    await w.accept_tasks(b.address, range(1, n + 1))
    out.append((f"accept_tasks, {n} items", last(w)))
    await w.accept_tasks(b.address, range(1, n + 1))
    out.append((f"accept_tasks, {n} items all refused (AlreadyAccepted)", last(w)))
    await w.submit_results(b.address, [(i, bytes([i % LABELS])) for i in range(1, n + 1)])
    out.append((f"submit_results, {n} items", last(w)))
    table, profile = table_address(b.requester, b.batch_number, 0), worker_profile_pda(w.address)[0]
    half = n // 2
    old = [(i, 0, 4, 0) for i in range(1, half + 1)]
    await req.register_requester()
    await req.send([instructions.rate_assignments(req.address, b.address, table, old, [profile])])
    out.append((f"rate_assignments, {half} items", last(req)))
    await req.rate_assignments(b.address, [(i, w.address, 4) for i in range(half + 1, n + 1)])
    out.append((f"rate_worker, {n - half} items (the SDK's rate_assignments)", last(req)))
    await w.accept_tasks(b.address, range(n + 1, 2 * n + 1))
    backend.warp(600 + b.tick_secs + 1)
    await req.release_expired(b.address, w.address, range(n + 1, 2 * n + 1))
    out.append((f"release_expired, {n} items", last(req)))
    # The released items are open again: 2 open slots each, all refunded.
    await req.settle_items(b.address, range(n + 1, 2 * n + 1))
    out.append((f"settle_items, {n} items (2 open slots each)", last(req)))
    await req.grow_roster(b.address, 10)
    out.append(("grow_roster, 10 places", last(req)))
    e = await m.batch(n_items=keys, encrypted=True, salt=b"bulk-cu")
    w2 = await m.worker()
    await w2.accept_tasks(e.address, range(keys))
    await req.deliver_keys(e.address, w2.address, [(i, bytes(32)) for i in range(keys)])
    out.append((f"deliver_keys, {keys} items", last(req)))
    return out
