#!/usr/bin/env python3
"""Benchmarks: compute units, items per transaction, rent, network fees and
embedded-backend throughput, printed as tables. Numbers, not asserts.

    ./scripts/bench

Every figure comes from the compiled program running in the LiteSVM of the
pinned `solders`; the one-account-per-item comparison is sized with the same
transaction builder.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from importlib.metadata import version
from pathlib import Path

from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.message import Message
from solders.pubkey import Pubkey
from solders.system_program import ID as SYSTEM_PROGRAM_ID
from solders.transaction import Transaction

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from amplify_sdk import (
    PROGRAM_ID,
    AmplifyClient,
    instructions,
    ledger_address,
    page_pda,
    program_bytes,
)
from amplify_sdk._embedded import EmbeddedBackend
from amplify_sdk._tx import PACKET_DATA_SIZE, transaction_size
from market import Market, item_hashes

TARGETS = {"accept_task": 1_800, "submit_result": 800}


def row(*cells: object, widths: tuple[int, ...] = (40, 12, 18, 30)) -> str:
    return "".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=False))


async def compute_units(m: Market, init_cu: int) -> list[tuple[str, int, str]]:
    req = m.requester
    out: list[tuple[str, int, str]] = []

    def cu(name: str, note: str = "") -> None:
        r = out_client.last_receipt
        assert r is not None
        out.append((name, r.compute_units, note))

    out_client = req
    out.append(("initialize", init_cu, "once"))
    w = await m.worker()
    out_client = w
    cu("register_worker", "once per worker")
    out_client = req
    b = await req.create_batch(price=100_000, redundancy=3, per_worker_cap=100)
    cu("create_batch")
    await req.fund_batch(b.address, 10**9)
    await req.send([instructions.create_page(req.address, b.address, 0)])
    cu("create_page", "once per 256 items")
    await req.send([instructions.add_tasks(req.address, b.address, 0, item_hashes(1))])
    one = req.last_receipt.compute_units if req.last_receipt else 0
    await req.send([instructions.add_tasks(req.address, b.address, 1, item_hashes(30, b"x"))])
    thirty = req.last_receipt.compute_units if req.last_receipt else 0
    out.append(("add_tasks (1 item)", one, ""))
    out.append(("add_tasks (30 items)", thirty, f"{(thirty - one) / 29:.1f} CU per extra item"))
    out_client = w
    await w.ensure_ledger(b.address, 16)
    cu("open_ledger (16 slots)", "once per worker per batch")
    b = await w.get_batch(b.address)
    await w.send([instructions.accept_task(w.address, b.address, b.batch_number, 0)])
    cu("accept_task", f"target <= {TARGETS['accept_task']:,}")
    await w.send(
        [instructions.submit_result(w.address, b.address, b.batch_number, 0, 0, bytes(32))]
    )
    cu("submit_result (payout + fee + result)", f"target <= {TARGETS['submit_result']:,}")
    out_client = req
    await req.rate(b.address, 0, w.address, 5)
    cu("rate_assignment")
    out_client = w
    await w.accept_tasks(b.address, [1])
    m.backend.warp(4_000)
    ledger = ledger_address(w.address, b.batch_number)
    await w.send([instructions.release_expired(b.address, ledger, 1, 1, req.address)])
    cu("release_expired")
    await w.ensure_ledger(b.address, 40)
    cu("grow_ledger")
    await w.sweep_fees(b.address)
    cu("sweep_fees")
    out_client = req
    await req.cancel_batch(b.address)
    cu("cancel_batch")
    await req.send([instructions.close_page(req.address, b.address, 0)])
    cu("close_page")
    await req.close_ledger(b.address, w.address)
    cu("close_ledger")
    await req.send([instructions.close_batch(req.address, b.address)])
    cu("close_batch")
    return out


def naive_add_ix(requester: Pubkey, batch: Pubkey, item: Pubkey, h: bytes) -> Instruction:
    """One-account-per-item: one instruction per item, creating that item's account."""
    return Instruction(
        PROGRAM_ID,
        bytes(8) + (0).to_bytes(8, "little") + h + b"\xff",  # disc, index, hash, bump
        [
            AccountMeta(requester, True, True),
            AccountMeta(batch, False, True),
            AccountMeta(item, False, True),
            AccountMeta(SYSTEM_PROGRAM_ID, False, False),
        ],
    )


async def bulk_layout(m: Market) -> None:
    req = m.requester
    payer = req.payer
    b = await m.batch(n_items=256)
    page = page_pda(b.address, 0)[0]
    page_rent = await m.rent(page)
    per_item = page_rent / 256
    # The same fields in one account per item: discriminator 8, version/bump 2,
    # batch 32, index 4, content hash 32, reserved/completed counters 2 = 80 bytes.
    naive_size = 80
    naive_rent = await m.backend.minimum_balance(naive_size)
    ours = max(
        n
        for n in range(1, 64)
        if transaction_size(
            [instructions.add_tasks(req.address, b.address, 0, item_hashes(n))], payer, 1
        )
        <= PACKET_DATA_SIZE
    )
    naive = max(
        n
        for n in range(1, 64)
        if transaction_size(
            [naive_add_ix(req.address, b.address, Keypair().pubkey(), bytes(32)) for _ in range(n)],
            payer,
            1,
        )
        <= PACKET_DATA_SIZE
    )
    print("\n## Bulk items: item pages vs one account per item (same fields)\n")
    print("(1 acct/item: one instruction and one new account per item, sized with the")
    print(" same transaction builder; its rent is the rent-exempt minimum of 80 bytes.)\n")
    print(row("", "item pages", "1 acct/item", "ratio", widths=(34, 16, 16, 16)))
    print(
        row("items per transaction", ours, naive, f"{ours / naive:.1f}x", widths=(34, 16, 16, 16))
    )
    print(
        row(
            "rent per item (lamports)",
            f"{per_item:,.0f}",
            f"{naive_rent:,}",
            f"1/{naive_rent / per_item:.1f}",
            widths=(34, 16, 16, 16),
        )
    )
    print(row("bytes per item", "34 (+56/256)", naive_size + 128, "", widths=(34, 16, 16, 16)))
    print(
        f"\nItem page: 8,760 bytes, 256 items, rent {page_rent:,} lamports. "
        f"Ledger slot (one acceptance): 128 bytes, "
        f"{await m.backend.minimum_balance(128) - await m.backend.minimum_balance(0):,} "
        "lamports of rent, refunded when the ledger closes."
    )


async def worker_fees(m: Market, n: int = 100) -> None:
    b = await m.batch(n_items=n, redundancy=1)
    w = await m.worker()
    await w.ensure_ledger(b.address, n)
    w.receipts.clear()
    await w.accept_tasks(b.address, range(n))
    accept_txs = len(w.receipts)
    await w.submit_results(b.address, [(i, bytes(32)) for i in range(n)])
    submit_txs = len(w.receipts) - accept_txs
    fees = sum(r.fee for r in w.receipts)
    print(f"\n## Network fee a worker pays per completed item ({n} items, bulk)\n")
    print(row("accepts per transaction", f"{n / accept_txs:.1f}"))
    print(row("submits per transaction", f"{n / submit_txs:.1f}"))
    print(
        row(
            "fee per item (lamports)",
            f"{fees / n:,.0f}",
            "target <= 1,000",
            "(one tx per item: 10,000)",
        )
    )


async def throughput(m: Market, n: int = 400) -> None:
    """Transactions per second: raw LiteSVM from Python vs the SDK's embedded backend,
    same instruction (a batch pause toggle), same process, interleaved rounds."""
    req = m.requester
    b = await m.batch(n_items=1)
    svm = m.backend.svm
    ixs = [instructions.set_batch_paused(req.address, b.address, i % 2 == 0) for i in range(2)]

    def raw_round() -> float:
        t0 = time.perf_counter()
        for i in range(n):
            msg = Message.new_with_blockhash([ixs[i % 2]], req.address, svm.latest_blockhash())
            svm.send_transaction(Transaction([req.payer], msg, svm.latest_blockhash()))
            svm.expire_blockhash()
        return n / (time.perf_counter() - t0)

    async def sdk_round() -> float:
        t0 = time.perf_counter()
        for i in range(n):
            await req.send([ixs[i % 2]])
        return n / (time.perf_counter() - t0)

    raw, sdk = [], []
    for _ in range(5):
        raw.append(raw_round())
        sdk.append(await sdk_round())
    r, s = statistics.median(raw), statistics.median(sdk)
    print(f"\n## Embedded backend throughput (median of 5 rounds x {n} transactions)\n")
    print(row("raw LiteSVM (solders)", f"{r:,.0f} tx/s"))
    print(
        row(
            "AmplifyClient on EmbeddedBackend",
            f"{s:,.0f} tx/s",
            f"{s / r:.0%} of raw",
            "target >= 60%",
        )
    )


async def main() -> None:
    client = await AmplifyClient.embedded()
    mint = await client.create_amp_mint()
    await client.initialize(mint)
    assert isinstance(client.backend, EmbeddedBackend)
    m = Market(client, client.backend)
    init_cu = client.last_receipt.compute_units if client.last_receipt else 0
    size = len(program_bytes())
    print(f"# Amplify benchmarks: solders {version('solders')} (LiteSVM), program {size:,} bytes")
    print("\n## Compute units per instruction (one instruction per transaction)\n")
    print(row("instruction", "CU", "", "note"))
    for name, cu, note in await compute_units(m, init_cu):
        print(row(name, f"{cu:,}", "", note))
    await bulk_layout(m)
    await worker_fees(m)
    await throughput(m)


if __name__ == "__main__":
    asyncio.run(main())
