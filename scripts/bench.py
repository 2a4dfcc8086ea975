#!/usr/bin/env python3
"""Benchmarks, measured from real transactions and real account sizes in the
embedded SVM (the compiled program in the LiteSVM of the pinned `solders`).
Numbers, not asserts; each is printed beside the figure before this layout.

    ./scripts/bench            tables
    ./scripts/bench --json     the reference workload's figures as one JSON object

Reference workload (issue "micro-task economics"): 10,000 items, redundancy 3,
price 10,000 lamports, 30 workers completing 1,000 assignments each,
categorical answers (one of 10 labels).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from solders.keypair import Keypair
from solders.pubkey import Pubkey

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from bench_bulk import LABELS, bulk_cu
from bench_governance import GOVERNANCE_BEFORE, governance_cu
from bench_skills import SKILL_WORKERS, skills

from amplify_sdk import Amplify, Batch, RequesterClient, WorkerClient, instructions
from amplify_sdk.chain import TxReceipt
from amplify_sdk.chain._backend import Backend
from amplify_sdk.chain._embedded import EmbeddedBackend
from amplify_sdk.errors import RosterFull
from amplify_sdk.protocol import program_bytes, table_address, worker_profile_pda
from market import SIGNATURE_FEE, Market, item_hashes

ITEMS, REDUNDANCY, PRICE, WORKERS, PER_WORKER = 10_000, 3, 10_000, 30, 1_000
#: Reservations a worker takes per round (accept all, label, submit all).
ROUND = 500
SOL = 10**9

#: The first layout's figures (item pages + worker ledgers), from the issue.
BEFORE = {
    "worker_rent_per_assignment": "890,880",
    "rent_bytes_per_assignment": "~141",
    "rent_lamports_per_item": "~2,940,000",
    "network_fee_per_assignment": "490-550",
    "upload_transactions": "~374",
    "accept_cu_per_assignment": "874 (1/ix)",
    "submit_cu_per_assignment": "768 (1/ix)",
    "close_transactions_after_done": "blocked until expiry",
    "rate_cu_per_assignment": "n/a (running mean, 1/ix)",
    "rate_fee_per_assignment": "5,000 (1/tx)",
    "network_fee_per_rated_assignment": "~5,500",
}
#: The figures as the previous stop landed them (`./scripts/bench --json` at
#: that commit); replace this file with the new output when a stop lands.
PREVIOUS_FILE = Path(__file__).with_name("bench_previous.json")
PREVIOUS: dict[str, object] = (
    json.loads(PREVIOUS_FILE.read_text()) if PREVIOUS_FILE.exists() else {}
)

GOALS = {
    "worker_rent_per_assignment": "0",
    "rent_bytes_per_assignment": "<= 8",
    "rent_lamports_per_item": "<= 170,000",
    "network_fee_per_assignment": "<= 100",
    "upload_transactions": "<= 10",
    "accept_cu_per_assignment": "<= 500",
    "submit_cu_per_assignment": "<= 500",
    "close_transactions_after_done": "<= 1 per account, no wait",
    "rate_cu_per_assignment": "<= 400",
    "rate_fee_per_assignment": "<= 100",
    "network_fee_per_rated_assignment": "<= 100",
    "skill_check_cu_per_accept": "<= 2,000",
    "items_per_accept_tx_with_skill": ">= 150",
    "skill_rent_bytes_per_value": "<= 40",
    "skill_set_transactions_1000": "<= 10",
}


@dataclass
class Tally:
    receipts: list[TxReceipt] = field(default_factory=list)

    def add(self, receipts: list[TxReceipt]) -> None:
        self.receipts += receipts

    @property
    def fees(self) -> int:
        return sum(r.fee for r in self.receipts)

    @property
    def cu(self) -> int:
        return sum(r.compute_units for r in self.receipts)


def new_receipts(client: WorkerClient, since: int) -> list[TxReceipt]:
    return client.receipts[since:]


async def account_bytes(backend: Backend, addresses: list[Pubkey]) -> tuple[int, int]:
    """(rent-bearing bytes incl. the 128-byte account overhead, rent lamports)."""
    total_bytes = total_rent = 0
    for a in addresses:
        acc = await backend.get_account(a)
        if acc is None:
            continue
        total_bytes += len(acc.data) + 128
        total_rent += await backend.minimum_balance(len(acc.data))
    return total_bytes, total_rent


async def reference_batch(req: RequesterClient, items: int, n_workers: int) -> Batch:
    """The reference workload's batch, before its items are added: each of
    `n_workers` workers may take its share of the `items` x 3 assignments."""
    return await req.create_batch(
        price=PRICE,
        redundancy=REDUNDANCY,
        per_worker_cap=items * REDUNDANCY // n_workers,
        roster_capacity=n_workers,
        max_active=ROUND,
    )


async def reference(
    amp: Amplify, items: int = ITEMS, n_workers: int = WORKERS, funding: int = 10 * SOL
) -> dict[str, object]:
    """The reference workload on any backend (`items` x 3, `n_workers`
    workers; a smaller one compares backends in bench_validator.py)."""
    backend = amp.backend
    req = amp.requester()
    b = await reference_batch(req, items, n_workers)
    create_receipts = len(req.receipts)
    await req.add_tasks(b.address, item_hashes(items))
    upload_txs = len(req.receipts) - create_receipts + 1  # create_batch included
    b = await req.get_batch(b.address)
    tables = [table_address(b.requester, b.batch_number, i) for i in range(b.table_count)]

    workers = []
    for _ in range(n_workers):
        wallet = Keypair()
        await backend.airdrop(wallet.pubkey(), funding)
        workers.append(amp.worker(wallet))
    setup, accepts, submits = Tally(), Tally(), Tally()
    delivered: list[tuple[int, Pubkey]] = []
    for w in workers:
        await w.register()
        setup.add(w.receipts[-1:])

    # Each item needs 3 distinct workers: worker k takes the items i with
    # i % 10 == k % 10, so workers k, k+10, k+20 share each item.
    mine = {
        w.address: [i for i in range(items) if i % LABELS == k % LABELS]
        for k, w in enumerate(workers)
    }
    peak_bytes = peak_rent = 0
    worker_locked_rent = 0
    accepted_total = 0
    rounds = 0
    while any(mine.values()):
        rounds += 1
        for w in workers:
            todo = mine[w.address][:ROUND]
            if not todo:
                continue
            before = await w.balance()
            n0 = len(w.receipts)
            outcomes = await w.accept_tasks(b.address, todo)
            got = [o.item for o in outcomes if o.ok]
            assert len(got) == len(todo), [o for o in outcomes if not o.ok][:3]
            r = new_receipts(w, n0)
            accepts.add(r)
            # What the worker has locked beyond fees and bonds: rent.
            drop = before - await w.balance()
            worker_locked_rent += drop - sum(x.fee for x in r) - b.bond * len(got)
            accepted_total += len(got)
        # Peak: every worker holds its round's reservations.
        nb, nr = await account_bytes(backend, [b.address, *tables])
        peak_bytes, peak_rent = max(peak_bytes, nb), max(peak_rent, nr)
        for w in workers:
            todo = mine[w.address][:ROUND]
            if not todo:
                continue
            n0 = len(w.receipts)
            outcomes = await w.submit_results(b.address, [(i, bytes([i % LABELS])) for i in todo])
            assert all(o.ok for o in outcomes)
            delivered += [(i, w.address) for i in todo]
            submits.add(new_receipts(w, n0))
            mine[w.address] = mine[w.address][ROUND:]

    b = await req.get_batch(b.address)
    assignments = items * REDUNDANCY
    assert b.completed_count == assignments, b.completed_count
    # The requester rates every assignment (the reputation formula per rating).
    n0 = len(req.receipts)
    rated = await req.rate_assignments(
        b.address, [(i, w, 1 + (i + k) % 5) for k, (i, w) in enumerate(delivered)]
    )
    assert len(rated) == assignments and all(o.ok for o in rated)
    rates = Tally(req.receipts[n0:])
    n0 = len(req.receipts)
    requester_before = await req.balance()
    await req.close_batch(b.address)
    close_txs = len(req.receipts) - n0
    left = [a for a in [b.address, *tables] if await backend.get_account(a) is not None]
    returned = await req.balance() - requester_before + req.receipts[-1].fee
    return {
        "worker_rent_per_assignment": worker_locked_rent // accepted_total,
        "rent_bytes_per_assignment": round(peak_bytes / assignments, 2),
        "rent_lamports_per_item": peak_rent // items,
        "network_fee_per_assignment": round(
            (setup.fees + accepts.fees + submits.fees) / assignments, 1
        ),
        "upload_transactions": upload_txs,
        "accept_cu_per_assignment": accepts.cu // assignments,
        "submit_cu_per_assignment": submits.cu // assignments,
        "close_transactions_after_done": close_txs,
        "rate_cu_per_assignment": rates.cu // assignments,
        "rate_fee_per_assignment": round(rates.fees / assignments, 1),
        # What an assignment's whole life costs in signatures, rating included
        # (issue 18: rating is the dearest step).
        "network_fee_per_rated_assignment": round(
            (setup.fees + accepts.fees + submits.fees + rates.fees) / assignments, 1
        ),
        # Context for the table (not goals).
        "_accept_transactions": len(accepts.receipts),
        "_submit_transactions": len(submits.receipts),
        "_rounds": rounds,
        "_accounts_left_after_close": len(left),
        "_returned_at_close": returned,
        "_peak_rent_total": peak_rent,
        "_batch_bytes": len((await backend.get_account(b.address)).data) if left else None,
        "_profile_rent": await backend.minimum_balance(
            len((await backend.get_account(worker_profile_pda(workers[0].address)[0])).data)
        ),
        "_bond": b.bond,
    }


async def linear(amp: Amplify) -> list[tuple[int, float, float]]:
    """One worker accepting and submitting n assignments: time per assignment."""
    backend = amp.backend
    assert isinstance(backend, EmbeddedBackend)
    req = amp.requester()
    out = []
    for n in (1_000, 5_000, 20_000):
        b = await req.create_batch(price=PRICE, redundancy=1, max_active=60_000, roster_capacity=4)
        await req.add_tasks(b.address, item_hashes(n, salt=str(n).encode()))
        wallet = Keypair()
        await backend.airdrop(wallet.pubkey(), 100 * SOL)
        w = amp.worker(wallet)
        await w.register()
        t0 = time.perf_counter()
        outcomes = await w.accept_tasks(b.address, range(n))
        t1 = time.perf_counter()
        assert all(o.ok for o in outcomes)
        results = await w.submit_results(b.address, [(i, bytes([i % LABELS])) for i in range(n)])
        t2 = time.perf_counter()
        assert all(o.ok for o in results)
        out.append((n, (t1 - t0) / n * 1e6, (t2 - t1) / n * 1e6))
    return out


async def roster_cu(amp: Amplify) -> list[tuple[str, int]]:
    """Compute units of accepting one item as a member, as a newcomer at the
    next place, and as a newcomer to a full roster of 64 whose free place is
    the first or the last (the program reads the roster up to it), refused
    when none is (read whole), and with the SDK's release bundled in."""
    backend = amp.backend
    assert isinstance(backend, EmbeddedBackend)
    m = Market(amp, backend, amp.admin(), amp.requester())
    b = await m.batch(n_items=200, price=PRICE, roster_capacity=64, reservation_secs=600)
    holders = [await m.worker() for _ in range(64)]
    out: list[tuple[str, int]] = []

    async def accept(w: WorkerClient, item: int) -> int:
        await w.accept_tasks(b.address, [item])
        assert w.last_receipt is not None
        return w.last_receipt.compute_units

    out.append(("accept_tasks, first worker (joins at place 0)", await accept(holders[0], 0)))
    out.append(("accept_tasks, a member (one item)", await accept(holders[0], 1)))
    for n, w in enumerate(holders[1:], start=2):
        cu = await accept(w, n)
    out.append(("accept_tasks, newcomer at the last place (63)", cu))
    late = [await m.worker() for _ in range(3)]
    ix = instructions.accept_tasks(late[0].address, b.address, m.table(b), [100])
    try:
        await late[0].send([ix])
    except RosterFull as e:
        out.append(("refused: RosterFull, 64 places held (all read)", e.compute_units or 0))
    # Place 0's worker submits and is rated: the first place is free.
    await holders[0].submit_results(b.address, [(0, b"\x01"), (1, b"\x01")])
    await m.requester.rate_assignments(b.address, [(0, holders[0].address, 4)])
    await m.requester.rate_assignments(b.address, [(1, holders[0].address, 4)])
    out.append(("newcomer to a full roster, place 0 free", await accept(late[0], 101)))
    # The last place's worker submits and is rated: only place 63 is free.
    last = holders[63]
    await last.submit_results(b.address, [(64, b"\x01")])
    await m.requester.rate_assignments(b.address, [(64, last.address, 4)])
    out.append(("newcomer to a full roster, place 63 free", await accept(late[1], 102)))
    # Every reservation lapsed: the SDK releases one holder's and accepts, in one transaction.
    backend.warp(600 + b.tick_secs + 1)
    out.append(("  with the lapsed holder's release (SDK, one tx)", await accept(late[2], 103)))
    return out


def row(*cells: object, widths: tuple[int, ...] = (32, 12, 32, 28)) -> str:
    return "".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=False)).rstrip()


async def main() -> None:
    as_json = "--json" in sys.argv[1:]
    async with await Amplify.embedded() as amp:
        admin = amp.admin()
        await admin.initialize(await admin.create_amp_mint())
        ref = await reference(amp)
    async with await Amplify.embedded() as amp:
        admin = amp.admin()
        await admin.initialize(await admin.create_amp_mint())
        sk = await skills(amp)
        ref = {**ref, **sk}
        keys = {k: v for k, v in ref.items() if not k.startswith("_")}
        if as_json:
            JSON_OUT.update(keys)
            return
        lin = await linear(amp)
    async with await Amplify.embedded() as amp:
        admin = amp.admin()
        await admin.initialize(await admin.create_amp_mint())
        gov = await governance_cu(amp)
    async with await Amplify.embedded() as amp:
        admin = amp.admin()
        await admin.initialize(await admin.create_amp_mint())
        roster = await roster_cu(amp)
    async with await Amplify.embedded() as amp:
        admin = amp.admin()
        await admin.initialize(await admin.create_amp_mint())
        bulk = await bulk_cu(amp)
    print(
        f"# Amplify benchmarks: solders {version('solders')} (LiteSVM), program "
        f"{len(program_bytes()):,} bytes"
    )
    print(
        f"\n## Reference workload: {ITEMS:,} items x redundancy {REDUNDANCY}, price {PRICE:,}, "
        f"{WORKERS} workers x {PER_WORKER:,} assignments\n"
    )
    widths = (max(map(len, keys)) + 2, 10, 16, 32, 28)
    print(
        row("key", "now", "previous stop", "before (item pages + ledgers)", "goal", widths=widths)
    )
    for k, v in keys.items():
        prev = PREVIOUS.get(k, "n/a")
        shown, was = (f"{x:,}" if isinstance(x, int) else x for x in (v, prev))
        print(row(k, shown, was, BEFORE.get(k, "n/a"), GOALS[k], widths=widths))
    print(
        f"\n{ref['_accept_transactions']} accept and {ref['_submit_transactions']} submit "
        f"transactions in {ref['_rounds']} rounds of up to {ROUND} reservations per worker; "
        f"accounts left after close: {ref['_accounts_left_after_close']}; "
        f"returned to the requester at close: {ref['_returned_at_close']:,} lamports."
    )
    print(
        f"Locked at peak: requester {ref['_peak_rent_total']:,} lamports of rent "
        f"(batch + task table) and {ITEMS * REDUNDANCY * PRICE:,} of escrow; each worker no rent "
        f"(its one-time profile: {ref['_profile_rent']:,}) and a bond of {ref['_bond']:,} "
        f"per reservation it holds (returned on submission)."
    )
    print(
        f"Skills: a {SKILL_WORKERS:,}-worker tree (proofs of {ref['_skill_proof_depth']} "
        f"siblings); a skill account is {ref['_skill_account_bytes']} bytes whatever the number "
        f"of workers; accept_tasks fits {ref['_items_per_accept_tx']} items per transaction "
        "without a skill."
    )
    print("\n## Linear time: one worker, bulk accept then bulk submit (SDK + SVM)\n")
    print(row("assignments", "accept us/item", "submit us/item", "", widths=(16, 18, 18, 4)))
    for n, a, s in lin:
        print(row(f"{n:,}", f"{a:,.0f}", f"{s:,.0f}", "", widths=(16, 18, 18, 4)))
    first, last = lin[0], lin[-1]
    print(
        f"ratio 20k/1k per item: accept {last[1] / first[1]:.2f}, submit {last[2] / first[2]:.2f} "
        "(goal <= 1.2)"
    )
    print("\n## Governance: compute units per instruction (one per transaction)\n")
    print(row("instruction", "now", "before", widths=(56, 10, 10)))
    for name, cu in gov:
        before = GOVERNANCE_BEFORE.get(name)
        print(row(name, f"{cu:,}", f"{before:,}" if before else "n/a", widths=(56, 10, 10)))
    print("(before: as the governance issue landed, before the treasury-donation fix)")
    print("\n## Roster: accepting one item, by where the worker stands\n")
    print(row("case", "CU", widths=(56, 10)))
    for name, cu in roster:
        print(row(name, f"{cu:,}", widths=(56, 10)))
    by = dict(roster)
    scan = (
        by["newcomer to a full roster, place 63 free"]
        - by["newcomer to a full roster, place 0 free"]
    )
    print(f"reading the roster for a free place: {scan / 63:.1f} CU per place passed")
    print("\n## Bulk instructions: compute units of one transaction\n")
    print(row("instruction", "CU", "CU per item", widths=(56, 10, 12)))
    for name, cu in bulk:
        items = int(name.split(", ")[1].split()[0])
        print(row(name, f"{cu:,}", f"{cu / items:,.0f}", widths=(56, 10, 12)))
    print(f"\n(signature fee {SIGNATURE_FEE:,} lamports; CU measured by the SVM)")


#: What `--json` prints: the reference workload's keys, then the reads.
JSON_OUT: dict[str, object] = {}

if __name__ == "__main__":
    asyncio.run(main())
    if "--json" in sys.argv[1:]:
        # Reading the reference batch's answers back, on a local node.
        from bench_results import run_measure

        JSON_OUT.update({k: v for k, v in run_measure(ITEMS).items() if not k.startswith("_")})
        print(json.dumps(JSON_OUT))
