#!/usr/bin/env python3
"""The SDK on our local node and on Agave's `solana-test-validator`, side by
side: transactions per second and confirmation latency of `RpcBackend.send`
(system transfers, confirmed), and a scaled reference workload (1,000 items
x 3, 30 workers) whose compute units and fees per assignment must agree with
the embedded SVM's.

    .venv/bin/python scripts/bench_validator.py [--items 1000] [--transfers 300]

Needs solana-test-validator (scripts/install-validator.sh); prints the
localnet and embedded columns alone without it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.system_program import TransferParams, transfer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from bench import REDUNDANCY, reference

from amplify_sdk import Amplify, RpcBackend
from amplify_sdk.chain._retry import Backoff
from rpc_backend import amplify_node

SOL = 10**9


def _transfer(payer: Keypair, dst: Pubkey, i: int) -> Instruction:
    # Distinct amounts (identical transfers would be one transaction), above
    # the rent-exempt minimum of the new account.
    return transfer(TransferParams(from_pubkey=payer.pubkey(), to_pubkey=dst, lamports=10**6 + i))


async def throughput(backend: RpcBackend, payer: Keypair, count: int, concurrency: int) -> float:
    """Confirmed transfers per second with `concurrency` sends in flight."""
    gate = asyncio.Semaphore(concurrency)
    dst = Keypair().pubkey()

    async def one(i: int) -> None:
        ix = transfer(
            TransferParams(from_pubkey=payer.pubkey(), to_pubkey=dst, lamports=1_000_000 + i)
        )
        async with gate:
            await backend.send([ix], [], payer)

    t0 = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(count)))
    elapsed = time.perf_counter() - t0
    assert await backend.get_balance(dst) == sum(10**6 + i for i in range(count))
    return count / elapsed


async def latency(backend: RpcBackend, payer: Keypair, count: int) -> list[float]:
    """Seconds from `send` to its confirmed receipt, one at a time."""
    out = []
    dst = Keypair().pubkey()
    for i in range(count):
        ix = transfer(
            TransferParams(from_pubkey=payer.pubkey(), to_pubkey=dst, lamports=1_000_000 + i)
        )
        t0 = time.perf_counter()
        await backend.send([ix], [], payer)
        out.append(time.perf_counter() - t0)
    return out


async def measure(url: str, authority: Keypair, args: argparse.Namespace) -> dict[str, object]:
    backend = RpcBackend(url, poll_interval=0.05, backoff=Backoff(base=0.01, cap=0.5))
    try:
        payer = Keypair()
        await backend.airdrop(payer.pubkey(), 100 * SOL)
        lat = await latency(backend, payer, args.latency)
        tps = await throughput(backend, payer, args.transfers, args.concurrency)
        async with Amplify(backend, authority) as amp:
            admin = amp.admin()
            await admin.initialize(await admin.create_amp_mint())
            ref = await reference(amp, items=args.items, funding=2 * SOL)
        return {"tps": tps, "latency": lat, "reference": ref}
    finally:
        await backend.close()


def quantiles(xs: Sequence[float]) -> str:
    qs = statistics.quantiles(xs, n=20)
    return f"p50 {statistics.median(xs) * 1000:,.0f} ms, p95 {qs[18] * 1000:,.0f} ms"


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1_000)
    parser.add_argument("--transfers", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=256)
    parser.add_argument("--latency", type=int, default=30)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    results: dict[str, dict[str, object]] = {}
    async with await Amplify.embedded() as amp:
        admin = amp.admin()
        await admin.initialize(await admin.create_amp_mint())
        results["embedded (LiteSVM)"] = {"reference": await reference(amp, items=args.items)}
    async with amplify_node(rpc_port=0) as node:
        results["localnet"] = await measure(node.url, node.authority, args)

    from validator.conftest import (
        VALIDATOR,
        deploy_program,
        start_validator,
        stop_validator,
    )

    from cli.conftest import load

    if VALIDATOR.exists():
        node = start_validator(Path(tempfile.mkdtemp(prefix="bench-validator-")))
        try:
            deploy_program(node)
            results["solana-test-validator"] = await measure(node.url, load(node.authority), args)
        finally:
            stop_validator(node)
    else:
        print(f"(no {VALIDATOR}: scripts/install-validator.sh for the validator column)")

    if args.json:
        print(json.dumps(results, default=str))
        return
    names = list(results)
    width = 24

    def line(label: str, cells: list[str]) -> None:
        print(label.ljust(36) + "".join(c.ljust(width) for c in cells))

    print(
        f"# The SDK on each backend: transfers sent with RpcBackend.send and confirmed; "
        f"reference workload {args.items:,} items x {REDUNDANCY}, 30 workers\n"
    )
    line("", names)
    line(
        f"transfers/s ({args.concurrency} in flight)",
        [f"{r['tps']:,.0f}" if "tps" in r else "-" for r in results.values()],
    )
    line(
        "send -> confirmed (one at a time)",
        [quantiles(r["latency"]) if "latency" in r else "-" for r in results.values()],  # type: ignore[arg-type]
    )
    keys = [
        "accept_cu_per_assignment",
        "submit_cu_per_assignment",
        "rate_cu_per_assignment",
        "network_fee_per_assignment",
        "rate_fee_per_assignment",
        "rent_bytes_per_assignment",
        "upload_transactions",
        "close_transactions_after_done",
    ]
    for key in keys:
        line(key, [f"{r['reference'][key]}" for r in results.values()])  # type: ignore[index]


if __name__ == "__main__":
    asyncio.run(main())
