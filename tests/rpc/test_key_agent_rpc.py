"""The key agent over a local node, in its own process: keys follow
acceptances within about a confirmation, in bulk, and a `kill -9` mid-run
followed by a restart neither misses nor repeats a delivery. Also the whole
encrypted worker flow over JSON-RPC."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

from agent_util import deliveries, summary
from solders.account import Account
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from amplify_sdk import AdminClient, RequesterClient, WorkerClient
from amplify_sdk.chain._scan import field_offset
from amplify_sdk.protocol import item_key, new_master_key, worker_profile_pda
from amplify_sdk.storage import LocalStore
from conftest import report
from localnet import LocalNode

from .conftest import LAMPORTS

ROOT = Path(__file__).resolve().parents[2]


@contextlib.asynccontextmanager
async def agent_process(
    node: LocalNode, wallet: Keypair, batch: Pubkey, master: bytes
) -> AsyncIterator[asyncio.subprocess.Process]:
    env = {
        **os.environ,
        "AGENT_URL": node.url,
        "AGENT_KEYPAIR": json.dumps(list(bytes(wallet))),
        "AGENT_BATCH": str(batch),
        "AGENT_MASTER": master.hex(),
        "PYTHONPATH": str(ROOT),
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(Path(__file__).with_name("agent_proc.py")),
        env=env,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        async with asyncio.timeout(60):
            assert (await proc.stdout.readline()).strip() == b"ready"
        yield proc
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def _workers(admin: AdminClient, node: LocalNode, n: int) -> list[WorkerClient]:
    out = []
    for _ in range(n):
        kp = Keypair()
        node.chain.airdrop(kp.pubkey(), LAMPORTS)
        out.append(WorkerClient(admin.backend, kp))
    await asyncio.gather(*(w.register() for w in out))
    return out


async def test_agent_process_killed_and_restarted(admin: AdminClient, node: LocalNode) -> None:
    await admin.initialize(await admin.create_amp_mint())
    req = RequesterClient(admin.backend, admin.wallet)
    master = new_master_key()
    b = await req.create_batch(price=10_000, encrypted=True, roster_capacity=8)
    await req.add_tasks(b.address, [bytes([i]) * 32 for i in range(110)])
    workers = await _workers(admin, node, 5)
    latencies: list[float] = []

    async def accept(w: WorkerClient, items: list[int], *, timed: bool) -> None:
        assert all(o.ok for o in await w.accept_tasks(b.address, items))
        landed = time.monotonic()
        if timed:
            await w.receive_keys(b.address, items, wait=30)
            latencies.append(time.monotonic() - landed)

    async with agent_process(node, admin.wallet, b.address, master) as first:
        for start in (0, 11, 22, 33):  # workers 0 and 1, 11 items at a time
            await accept(workers[start // 22], list(range(start, start + 11)), timed=True)
        await accept(workers[2], list(range(44, 66)), timed=False)
        first.send_signal(signal.SIGKILL)  # mid-run: its delivery may or may not have landed
        await first.wait()
    await accept(workers[3], list(range(66, 88)), timed=False)  # while it is down

    async with agent_process(node, admin.wallet, b.address, master) as second:
        for start in (88, 99):
            await accept(workers[4], list(range(start, start + 11)), timed=True)
        for w, start in zip(workers[2:4], (44, 66), strict=True):
            await w.receive_keys(b.address, range(start, start + 22), wait=30)
        second.send_signal(signal.SIGTERM)
        assert second.stdout is not None
        stats = json.loads(await second.stdout.readline())
        await second.wait()

    counts, transactions = await deliveries(req.backend, b.address)
    assert len(counts) == 110 and set(counts.values()) == {1}
    assert {w for w, _ in counts} == {w.address for w in workers}
    report("key agent (local node): acceptance → key seen by the worker", summary(latencies))
    report(
        "key agent (local node): agent's notice → delivery confirmed", summary(stats["latencies"])
    )
    report("key agent (local node): keys per transaction", f"{110 / transactions:.1f}")


async def test_encrypted_worker_flow_over_rpc(
    admin: AdminClient, node: LocalNode, tmp_path: Path
) -> None:
    from amplify_sdk import KeyAgent

    await admin.initialize(await admin.create_amp_mint())
    req = RequesterClient(admin.backend, admin.wallet)
    master, store = new_master_key(), LocalStore(tmp_path)
    b = await req.create_batch(price=10_000, encrypted=True)
    items = [f"item {i} over rpc".encode() for i in range(6)]
    await req.upload_encrypted(b.address, items, store, master)
    (w,) = await _workers(admin, node, 1)
    agent = KeyAgent(req, {b.address: master})
    stop = asyncio.Event()
    task = asyncio.create_task(agent.run(stop))
    await agent.ready.wait()
    assert all(o.ok for o in await w.accept_tasks(b.address, [1, 4]))
    assert await w.fetch_items(b.address, [1, 4], store, wait=30) == [items[1], items[4]]
    assert all(o.ok for o in await w.submit_results(b.address, [(1, b"\x01"), (4, b"\x02")]))
    stop.set()
    await task
    assert agent.stats.keys == 2 and agent.stats.transactions == 1


async def test_agent_run_reports_a_worker_it_cannot_deliver_to_and_goes_on(
    admin: AdminClient, node: LocalNode, tmp_path: Path
) -> None:
    # `amplify agent run` as a service (issue 16, bad-key squat): a worker whose
    # key no box can reach (a profile from before the program refused them)
    # is reported on its own line; the agent keeps serving the next worker.
    await admin.initialize(await admin.create_amp_mint())
    req = RequesterClient(admin.backend, admin.wallet)
    master = new_master_key()
    b = await req.create_batch(price=10_000, encrypted=True)
    await req.add_tasks(b.address, [bytes([i]) * 32 for i in range(4)])
    bad, honest = await _workers(admin, node, 2)
    await bad.accept_tasks(b.address, [0])
    profile = worker_profile_pda(bad.address)[0]
    acc = node.chain.svm.get_account(profile)
    assert acc is not None
    at = field_offset("WorkerProfile", "encryption_key")
    data = acc.data[:at] + bytes(32) + acc.data[at + 32 :]
    node.chain.svm.set_account(profile, Account(acc.lamports, data, acc.owner, False, 0))
    (tmp_path / "master.key").write_text(master.hex())
    (tmp_path / "agent.json").write_text(json.dumps(list(bytes(admin.wallet))))
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "amplify_sdk.cli",
        "agent",
        "run",
        str(b.address),
        "--master-key",
        str(tmp_path / "master.key"),
        "--resync-interval",
        "1s",
        "-u",
        node.url,
        "-k",
        str(tmp_path / "agent.json"),
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "250"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None

    async def line_with(text: str) -> str:
        assert proc.stdout is not None
        async with asyncio.timeout(60):
            while True:
                line = (await proc.stdout.readline()).decode()
                assert line, f"the agent exited before printing {text!r}"
                if text in line:
                    return line

    try:
        failed = await line_with("NOT delivered")
        assert str(bad.address) in failed and "InvalidEncryptionKey" in failed
        await honest.accept_tasks(b.address, [1])
        served = await line_with(f"keys → {honest.address}")
        assert served.startswith("1 keys") and "items 1" in served
        assert await honest.receive_keys(b.address, [1], wait=10) == {
            1: item_key(master, b.address, 1)
        }
        proc.send_signal(signal.SIGTERM)
        summary_line = await line_with("key agent stopped")
        assert "1 keys delivered" in summary_line and "failed" in summary_line
        async with asyncio.timeout(30):
            assert await proc.wait() == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
