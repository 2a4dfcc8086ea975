"""Reading a batch's answers back from a node: from the task tables (accounts)
against the transaction history, for the reference batch (10,000 items x 3,
30 workers, one-byte answers) run on a local node (`amplify localnet` in a
subprocess, every transaction over JSON-RPC). Counted: the JSON-RPC
requests each read makes (HTTP requests seen by the client) and its
seconds; both reads must return the same 30,000 (item, worker, answer).

    .venv/bin/python scripts/bench_results.py [--items 10000] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from solders.keypair import Keypair

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from bench import ROUND, SOL, WORKERS, reference_batch
from bench_bulk import LABELS
from bench_startup import localnet

from amplify_sdk import Amplify
from amplify_sdk.chain import RpcBackend
from amplify_sdk.quality._results import Source, batch_results
from market import item_hashes


class Counted:
    """The JSON-RPC requests a backend's HTTP client sends."""

    def __init__(self, backend: RpcBackend) -> None:
        self.requests = 0

        async def count(_: Any) -> None:
            self.requests += 1

        backend.client._provider.session.event_hooks["request"].append(count)


async def workload(amp: Amplify, items: int) -> tuple[Any, set[tuple[int, str, bytes]]]:
    """The reference batch over RPC: every assignment accepted and delivered
    (not rated: the answers are what is read back)."""
    req = amp.requester()
    b = await reference_batch(req, items, WORKERS)
    await req.add_tasks(b.address, item_hashes(items))
    delivered: set[tuple[int, str, bytes]] = set()

    async def work(k: int) -> None:
        wallet = Keypair()
        await amp.backend.airdrop(wallet.pubkey(), SOL)
        w = amp.worker(wallet)
        await w.register()
        # Workers k, k+10, k+20 share the items i with i % 10 == k % 10.
        mine = [i for i in range(items) if i % LABELS == k % LABELS]
        for at in range(0, len(mine), ROUND):
            todo = mine[at : at + ROUND]
            assert all(o.ok for o in await w.accept_tasks(b.address, todo))
            answers = [(i, bytes([i % LABELS])) for i in todo]
            assert all(o.ok for o in await w.submit_results(b.address, answers))
            delivered.update((i, str(w.address), a) for i, a in answers)

    await asyncio.gather(*(work(k) for k in range(WORKERS)))
    return b.address, delivered


async def read(
    url: str, batch: Any, source: Source
) -> tuple[int, float, set[tuple[int, str, bytes]]]:
    backend = RpcBackend(url)
    counted = Counted(backend)
    start = time.perf_counter()
    rows = await batch_results(backend, batch, source=source)
    seconds = time.perf_counter() - start
    await backend.close()
    return counted.requests, seconds, {(r.item, str(r.worker), r.answer) for r in rows}


async def measure(url: str, wallet: Keypair, items: int) -> dict[str, object]:
    async with Amplify.connect(url, wallet) as amp:
        batch, delivered = await workload(amp, items)
    out: dict[str, object] = {}
    for source in ("accounts", "history"):
        calls, seconds, got = await read(url, batch, source)  # type: ignore[arg-type]
        assert got == delivered, f"{source}: {len(got)} rows, {len(got ^ delivered)} differ"
        out[f"results_read_rpc_calls_{source}"] = calls
        out[f"results_read_seconds_{source}"] = round(seconds, 2)
    out["_results_read_rows"] = len(delivered)
    return out


def run_measure(items: int) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with localnet(env) as (url, key):
        return asyncio.run(measure(url, Keypair.from_json(Path(key).read_text()), items))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--json", action="store_true")
    opts = parser.parse_args()
    got = run_measure(opts.items)
    if opts.json:
        print(json.dumps({k: v for k, v in got.items() if not k.startswith("_")}))
        return
    rows = got["_results_read_rows"]
    print(f"\n## Reading every answer back: {rows:,} results of one batch on a local node\n")
    print(f"{'source':12}{'RPC calls':>12}{'seconds':>10}")
    for source in ("accounts", "history"):
        calls, secs = got[f"results_read_rpc_calls_{source}"], got[f"results_read_seconds_{source}"]
        print(f"{source:12}{calls:>12,}{secs:>10}")
    print("(before: history only; the accounts held no answers)")


if __name__ == "__main__":
    main()
