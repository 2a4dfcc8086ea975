"""Throughput of the local node: system transfers signed by solders keypairs,
sent and confirmed, side by side:

    raw LiteSVM         svm.send_transaction in a loop (no RPC at all)
    HTTP sequential     one sendTransaction request at a time
    HTTP pipelined      many sendTransaction requests in flight at once
    HTTP batched        JSON-RPC batches of sendTransaction requests

Every HTTP figure counts from the first send until getSignatureStatuses
reports every transaction landed. The node runs in a subprocess (its own
core) unless --in-process. Transactions are signed before the clock starts.

    .venv/bin/python scripts/bench_localnet.py [--count 5000] [--concurrency 64]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import aiohttp
from solders.hash import Hash
from solders.keypair import Keypair
from solders.litesvm import LiteSVM
from solders.message import Message
from solders.pubkey import Pubkey
from solders.system_program import TransferParams, transfer
from solders.transaction import Transaction

from amplify_sdk.chain._embedded import EmbeddedBackend

ROOT = Path(__file__).resolve().parent.parent


def sign_transfers(payer: Keypair, dst: Pubkey, blockhash: Hash, count: int) -> list[Transaction]:
    # Distinct amounts: identical transfers would be one transaction.
    return [
        Transaction(
            [payer],
            Message.new_with_blockhash(
                [
                    transfer(
                        TransferParams(
                            from_pubkey=payer.pubkey(), to_pubkey=dst, lamports=1_000_000 + i
                        )
                    )
                ],
                payer.pubkey(),
                blockhash,
            ),
            blockhash,
        )
        for i in range(count)
    ]


def bench_raw(count: int) -> float:
    svm = LiteSVM()
    payer, dst = Keypair(), Keypair().pubkey()
    svm.airdrop(payer.pubkey(), 10**14)
    txs = sign_transfers(payer, dst, svm.latest_blockhash(), count)
    t0 = time.perf_counter()
    for tx in txs:
        svm.send_transaction(tx)
    elapsed = time.perf_counter() - t0
    assert svm.get_balance(dst) == sum(1_000_000 + i for i in range(count))
    return count / elapsed


async def bench_embedded(count: int) -> float:
    """The SDK's embedded backend: build, sign, execute and record each
    transfer (what a test or `Amplify.embedded()` user pays per transaction)."""
    backend = EmbeddedBackend()
    payer, dst = Keypair(), Keypair().pubkey()
    await backend.airdrop(payer.pubkey(), 10**14)
    ixs = [
        transfer(TransferParams(from_pubkey=payer.pubkey(), to_pubkey=dst, lamports=1_000_000 + i))
        for i in range(count)
    ]
    t0 = time.perf_counter()
    for ix in ixs:
        await backend.send([ix], [], payer)
    elapsed = time.perf_counter() - t0
    assert await backend.get_balance(dst) == sum(1_000_000 + i for i in range(count))
    return count / elapsed


class Rpc:
    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session = session
        self.url = url

    async def post(self, body: bytes) -> object:
        async with self.session.post(
            self.url, data=body, headers={"content-type": "application/json"}
        ) as resp:
            return await resp.json()

    async def call(self, method: str, params: list[object]) -> object:
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
        answer = await self.post(body.encode())
        assert isinstance(answer, dict) and "result" in answer, answer
        return answer["result"]


def send_body(tx: Transaction, id_: int) -> dict[str, object]:
    raw = base64.b64encode(bytes(tx)).decode()
    return {
        "jsonrpc": "2.0",
        "id": id_,
        "method": "sendTransaction",
        "params": [raw, {"encoding": "base64"}],
    }


async def wait_landed(rpc: Rpc, txs: Sequence[Transaction]) -> None:
    pending = [str(tx.signatures[0]) for tx in txs]
    while pending:
        still = []
        for start in range(0, len(pending), 256):
            chunk = pending[start : start + 256]
            result = await rpc.call("getSignatureStatuses", [chunk])
            assert isinstance(result, dict)
            for sig, status in zip(chunk, result["value"], strict=True):
                if status is None:
                    still.append(sig)
                else:
                    assert status["err"] is None, status
        pending = still
        if pending:
            await asyncio.sleep(0.05)


async def fresh_transfers(rpc: Rpc, count: int) -> list[Transaction]:
    payer = Keypair()
    await rpc.call("requestAirdrop", [str(payer.pubkey()), 10**15])
    latest = await rpc.call("getLatestBlockhash", [])
    assert isinstance(latest, dict)
    blockhash = Hash.from_string(latest["value"]["blockhash"])
    return sign_transfers(payer, Keypair().pubkey(), blockhash, count)


async def bench_sequential(rpc: Rpc, count: int) -> float:
    txs = await fresh_transfers(rpc, count)
    bodies = [json.dumps(send_body(tx, i)).encode() for i, tx in enumerate(txs)]
    t0 = time.perf_counter()
    for body in bodies:
        await rpc.post(body)
    await wait_landed(rpc, txs)
    return count / (time.perf_counter() - t0)


async def bench_pipelined(rpc: Rpc, count: int, concurrency: int) -> float:
    txs = await fresh_transfers(rpc, count)
    bodies = [json.dumps(send_body(tx, i)).encode() for i, tx in enumerate(txs)]
    queue = iter(bodies)

    async def worker() -> None:
        for body in queue:
            answer = await rpc.post(body)
            assert isinstance(answer, dict) and "result" in answer, answer

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    await wait_landed(rpc, txs)
    return count / (time.perf_counter() - t0)


async def bench_batched(rpc: Rpc, count: int, batch: int, concurrency: int) -> float:
    txs = await fresh_transfers(rpc, count)
    bodies = [
        json.dumps(
            [send_body(tx, start + j) for j, tx in enumerate(txs[start : start + batch])]
        ).encode()
        for start in range(0, count, batch)
    ]
    queue = iter(bodies)

    async def worker() -> None:
        for body in queue:
            answers = await rpc.post(body)
            assert isinstance(answers, list) and all("result" in a for a in answers), answers

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(max(1, concurrency // 16))))
    await wait_landed(rpc, txs)
    return count / (time.perf_counter() - t0)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.asynccontextmanager
async def node_url(in_process: bool) -> AsyncIterator[str]:
    if in_process:
        sys.path.insert(0, str(ROOT))
        from localnet import LocalNode

        async with LocalNode(rpc_port=0) as node:
            yield node.url
        return
    port = _free_port()
    with tempfile.TemporaryDirectory() as ledger:
        args = ["-m", "localnet", "--rpc-port", str(port), "--ledger", ledger]
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            *args,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        try:
            url = f"http://127.0.0.1:{port}"
            async with aiohttp.ClientSession() as session:
                for _ in range(200):
                    with contextlib.suppress(aiohttp.ClientError):
                        async with session.get(f"{url}/health") as resp:
                            if resp.status == 200:
                                break
                    await asyncio.sleep(0.05)
            yield url
        finally:
            proc.terminate()
            await proc.wait()


async def bench_http(args: argparse.Namespace) -> dict[str, float]:
    async with node_url(args.in_process) as url:
        connector = aiohttp.TCPConnector(limit=args.concurrency)
        async with aiohttp.ClientSession(connector=connector) as session:
            rpc = Rpc(session, url)
            return {
                "HTTP sequential": await bench_sequential(rpc, max(1, args.count // 4)),
                f"HTTP pipelined ({args.concurrency} in flight)": await bench_pipelined(
                    rpc, args.count, args.concurrency
                ),
                f"HTTP batched ({args.batch} per request)": await bench_batched(
                    rpc, args.count, args.batch, args.concurrency
                ),
            }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--count", type=int, default=5_000, help="transfers per measurement")
    parser.add_argument(
        "--concurrency", type=int, default=64, help="requests in flight (pipelined)"
    )
    parser.add_argument("--batch", type=int, default=100, help="requests per JSON-RPC batch")
    parser.add_argument("--in-process", action="store_true", help="run the node in this process")
    args = parser.parse_args()
    results = {"raw LiteSVM (send_transaction loop)": bench_raw(args.count)}
    results["SDK embedded backend (sign, send, record)"] = asyncio.run(bench_embedded(args.count))
    results.update(asyncio.run(bench_http(args)))
    where = "in process" if args.in_process else "subprocess"
    print(
        "\nlocalnet throughput: system transfers sent and confirmed "
        f"(node: {where}, {os.cpu_count()} cores)"
    )
    print(f"{'mode':<42} {'tx/s':>10}")
    for mode, rate in results.items():
        print(f"{mode:<42} {rate:>10,.0f}")


if __name__ == "__main__":
    main()
