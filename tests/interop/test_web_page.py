"""The reference front-end (examples/web) in headless Chromium against the node,
on real data the SDK creates: it must list the requester's batches with their
price, minimum rating and open work, and the market (price paid per item
against the worker's standing: its score with the evidence behind it). The
screenshot stays in examples/web/screenshots/.

Chromium comes from Debian (`web_tools.ensure_chromium`).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from amplify_sdk import AdminClient, RequesterClient, WorkerClient
from amplify_sdk.clients import content_hash
from conftest import ROOT
from localnet import LocalNode

from .node_tools import run
from .web_tools import WEB

SCREENSHOT = WEB / "screenshots" / "page.png"
SOL = 10**9


@pytest.fixture
async def page_url() -> AsyncIterator[str]:
    """examples/web served over HTTP on 127.0.0.1 (another origin than the node)."""
    app = web.Application()
    app.router.add_static("/", WEB)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}/index.html"
    await runner.cleanup()


async def market_data(
    admin: AdminClient,
) -> tuple[RequesterClient, list[Pubkey], list[WorkerClient]]:
    """Two batches of one requester, two workers who delivered and were rated."""
    await admin.initialize(await admin.create_amp_mint())
    requester = RequesterClient(admin.backend, Keypair())
    await admin.backend.airdrop(requester.address, 10 * SOL)
    cheap = await requester.create_batch(price=25_000, redundancy=2, base_uri="https://x.example/")
    await requester.add_tasks(cheap.address, [content_hash(b"cat-%d" % i) for i in range(6)])
    picky = await requester.create_batch(price=40_000, min_rating=3_000, per_worker_cap=3)
    await requester.add_tasks(picky.address, [content_hash(b"dog-%d" % i) for i in range(3)])
    workers = []
    for stars, items in ((5, [0, 1, 2]), (2, [0, 3])):
        worker = WorkerClient(admin.backend, Keypair())
        await admin.backend.airdrop(worker.address, SOL)
        await worker.register()
        await worker.accept_tasks(cheap.address, items)
        await worker.submit_results(cheap.address, [(i, b"\x01") for i in items])
        await requester.rate_assignments(cheap.address, [(items[0], worker.address, stars)])
        workers.append(worker)
    return requester, [cheap.address, picky.address], workers


async def test_page_shows_batches_open_work_and_market(
    chromium: Path, node: LocalNode, admin: AdminClient, page_url: str
) -> None:
    requester, (cheap, picky), workers = await market_data(admin)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    url = f"{page_url}?cluster={node.url}&requester={requester.address}"
    code, out, err = await run(WEB, "node", "test/page.mjs", url, str(SCREENSHOT), str(chromium))
    assert code == 0, f"page test failed:\n{out}\n{err}"
    shown = json.loads(out.strip().splitlines()[-1])
    assert shown["problems"] == [], shown["problems"]
    assert shown["loaded"] == "true", shown["status"]
    assert SCREENSHOT.stat().st_size > 10_000

    rows = {r["batch"]: r["cells"] for r in shown["batches"]}
    assert set(rows) == {str(cheap), str(picky)}
    # Batch, status, price, min rating, redundancy, items, open items, open slots, value.
    # cheap: 6 items x 2 slots, 5 slots taken (items 0, 1, 2 by one worker; 0, 3 by the other).
    assert rows[str(cheap)][1:9] == [
        "open",
        "25,000 lamports",
        "any",
        "2",
        "6",
        "5",
        "7",
        "0.000175 SOL",
    ]
    assert rows[str(picky)][1:9] == [
        "open",
        "40,000 lamports",
        "≥ 3.00 ★",
        "1",
        "3",
        "3",
        "3",
        "0.000120 SOL",
    ]

    # One row per delivery, with the worker's rating as it stands on chain and
    # its standing in the SDK's words (Standing.text, docs/reputation.md): the
    # page's TypeScript and the SDK's Python print the same line.
    market = {r["titles"][0]: (r["titles"][1], *r["cells"][1:4]) for r in shown["market"]}
    assert set(market) == {str(w.address) for w in workers}
    for worker, items in zip(workers, (3, 2), strict=True):
        rating = (await worker.profile()).rating
        standing = await worker.get_standing(worker.address)
        assert rating > 0 and standing is not None and standing.ratings == 1
        assert market[str(worker.address)] == (
            f"{rating} milli-stars",
            standing.text(),
            str(items),
            "25,000 lamports",
        )
        assert "(prior-bound) · 1 rating · " in standing.text()


def test_the_committed_bundles_are_the_built_ones(chromium: Path) -> None:
    # Users open the pages without a build step, so dist/ is committed: the
    # session fixture has just rebuilt it from src/ and the IDL, and git must
    # see no difference (commit dist/ with every change to src/).
    del chromium
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: nothing to compare the bundles with")
    done = subprocess.run(
        ["git", "status", "--porcelain", "--", "examples/web/dist"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == "", f"examples/web/dist differs from the build:\n{done.stdout}"
