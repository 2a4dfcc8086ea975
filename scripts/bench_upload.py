#!/usr/bin/env python3
"""Upload throughput of `amplify batch upload`'s pipeline (read and hash a
JSONL file, journal, allocate the task table, add_tasks in chunks, manifest),
on the embedded backend and over HTTP to a local node (in this process).

    .venv/bin/python scripts/bench_upload.py [N ...]      # default: 2000 5000 20000
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

from solders.keypair import Keypair

from amplify_sdk import PROGRAM_ID, Amplify, RequesterClient
from amplify_sdk.chain._retry import Backoff
from amplify_sdk.chain._rpc import RpcBackend
from amplify_sdk.cli._inputs import read_hashes
from amplify_sdk.cli._upload import upload
from amplify_sdk.protocol import program_bytes
from localnet import LocalNode, Program


async def one(req: RequesterClient, n: int, root: Path) -> tuple[float, float]:
    """(items/s file to chain, items/s of the upload alone)."""
    workdir = Path(tempfile.mkdtemp(dir=root))
    source = workdir / f"items-{n}.jsonl"
    source.write_text("".join(json.dumps({"text": f"post {i}"}) + "\n" for i in range(n)))
    batch = await req.create_batch(price=10_000, redundancy=3)
    t0 = time.perf_counter()
    hashes = read_hashes(source)
    result = await upload(
        req,
        batch.address,
        hashes,
        source=str(source),
        journal_file=workdir / f"j-{n}.sqlite",
        manifest_file=workdir / f"m-{n}.json",
    )
    total = time.perf_counter() - t0
    assert result.sent == n
    return n / total, n / result.seconds


async def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        async with await Amplify.embedded() as amp:
            admin = amp.admin()
            await admin.initialize(await admin.create_amp_mint())
            for n in sizes:
                file_rate, up_rate = await one(amp.requester(), n, work)
                print(
                    f"embedded   {n:>7,} items: {file_rate:>9,.0f} items/s file→chain, "
                    f"{up_rate:>9,.0f} items/s upload"
                )
        authority = Keypair()
        amplify = Program(PROGRAM_ID, program_bytes(), upgrade_authority=authority.pubkey())
        async with LocalNode(rpc_port=0, keypair=authority, programs=[amplify]) as node:
            backend = RpcBackend(node.url, poll_interval=0.05, backoff=Backoff(base=0.01))
            async with Amplify(backend, node.authority) as amp:
                admin = amp.admin()
                await admin.initialize(await admin.create_amp_mint())
                for n in sizes:
                    file_rate, up_rate = await one(amp.requester(), n, work)
                    print(
                        f"localnet   {n:>7,} items: {file_rate:>9,.0f} items/s file→chain, "
                        f"{up_rate:>9,.0f} items/s upload"
                    )


if __name__ == "__main__":
    asyncio.run(main([int(a) for a in sys.argv[1:]] or [2_000, 5_000, 20_000]))
