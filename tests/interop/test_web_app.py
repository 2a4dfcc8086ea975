"""The worker app (examples/web/work.html) runs a labelling job in headless
Chromium against the node: a requester's batch is created and its items
uploaded to an HTTP store with the SDK; then three workers, each with a test
wallet injected into its page (wallet-standard, examples/web/test/wallet.js),
connect, register, accept in bulk, read their items (each checked against the
chain's commitment: one blob in the store was swapped and must be refused),
label them with the keyboard and submit in bulk. What landed is then read
back ON CHAIN with the SDK: each worker's answers, and payments to the
lamport, derived from the price, the fee rate and the counts.
Screenshots stay under the test's tmp_path.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp import web
from solders.keypair import Keypair

from amplify_sdk import AdminClient, RequesterClient, WorkerClient
from amplify_sdk.clients import content_hash
from amplify_sdk.clients._worker import x25519_public_key
from amplify_sdk.protocol._pda import worker_profile_pda
from amplify_sdk.quality._results import batch_results
from amplify_sdk.storage import HttpStore, manifest_name, proof_name
from localnet import LocalNode

from .node_tools import run
from .web_tools import WEB

SOL = 10**9
SIGNATURE_FEE = 5_000
FEE_BPS = 500
#: Not a multiple of 10,000 / FEE_BPS: the fee's rounding up shows.
PRICE = 50_001
BOND = 7_000
LABELS = ["spam", "ham", "unsure"]
POSTS = [
    b"Win a free cruise, click now",
    b"Lunch at noon tomorrow?",
    b"Your parcel is waiting: pay the fee",
    b"Minutes of Monday's meeting attached",
    b"hi",
    b"Cheap watches!!!",
]
#: The item whose blob the store serves swapped, and the one whose proof
#: document claims another blob (stored too, so only the proof can tell).
SWAPPED, FORGED = 5, 4
#: An item with a genuine proof document (the others are proved from the manifest).
PROVED = 1
REFUSED = {SWAPPED: "ContentMismatchError: ", FORGED: "ManifestMismatchError: "}
#: Per worker: items it accepts, and the label index it gives each item.
WORKERS = [
    (6, [0, 1, 0, 1, 2, 0]),
    (6, [0, 1, 0, 1, 1, 0]),
    (4, [1, 1, 0, 1]),
]


class Site:
    """examples/web and an HTTP store (PUT/GET/HEAD under /store/) on one origin."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self.gets: list[str] = []
        self.app = web.Application()
        self.app.router.add_route("*", "/store/{path:.*}", self.store)
        self.app.router.add_static("/", WEB)

    async def store(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        if request.method == "PUT":
            self.blobs[path] = await request.read()
            return web.Response(status=201)
        self.gets.append(path)
        if path not in self.blobs:
            return web.Response(status=404)
        return web.Response(body=self.blobs[path])


@pytest.fixture
async def site() -> AsyncIterator[tuple[Site, str]]:
    s = Site()
    runner = web.AppRunner(s.app)
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0)
    await tcp.start()
    yield s, f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


async def test_three_workers_label_a_batch_in_the_browser(
    chromium: Path, node: LocalNode, admin: AdminClient, site: tuple[Site, str], tmp_path: Path
) -> None:
    store_site, origin = site
    store_url = f"{origin}/store/"
    await admin.initialize(await admin.create_amp_mint(), fee_bps=FEE_BPS)
    requester = RequesterClient(admin.backend, Keypair())
    await admin.backend.airdrop(requester.address, 10 * SOL)
    instructions = b"Is the post spam?\namplify-labels: " + ", ".join(LABELS).encode() + b"\n"
    async with HttpStore(store_url) as store:
        await store.put(instructions)
        batch = await requester.create_batch(
            price=PRICE,
            bond=BOND,
            redundancy=3,
            base_uri=store_url,
            instructions_hash=content_hash(instructions),
        )
        manifest = await requester.upload_items(batch.address, POSTS, store)
        await store.put_named(proof_name(batch.address, PROVED), manifest.proof(PROVED).to_json())
        forged = replace(manifest.proof(FORGED), content_hash=content_hash(b"Totally not spam"))
        await store.put_named(proof_name(batch.address, FORGED), forged.to_json())
        await store.put(b"Totally not spam")
    # The store now serves another post under item SWAPPED's address.
    store_site.blobs[content_hash(POSTS[SWAPPED]).hex()] = b"Totally not spam"

    wallets = [Keypair() for _ in WORKERS]
    for kp in wallets:
        await admin.backend.airdrop(kp.pubkey(), SOL)
    keys = [{str(i): str(label + 1) for i, label in enumerate(labels)} for _, labels in WORKERS]
    job = {
        "url": f"{origin}/work.html?cluster={node.url}",
        "screenshots": str(tmp_path),
        "batch": str(batch.address),
        "workers": [
            {
                "name": f"Test wallet {n + 1}",
                "secretKey": list(bytes(kp)),
                "address": str(kp.pubkey()),
                "accept": accept,
                "keys": k,
            }
            for n, (kp, (accept, _), k) in enumerate(zip(wallets, WORKERS, keys, strict=True))
        ],
    }
    (tmp_path / "job.json").write_text(json.dumps(job))
    code, out, err = await run(
        WEB, "node", "test/job.mjs", str(tmp_path / "job.json"), str(chromium), limit=150
    )
    assert code == 0, f"job failed:\n{out}\n{err}"
    shown = json.loads(out.strip().splitlines()[-1])["workers"]
    assert [w.get("error") for w in shown] == [None] * 3, shown
    # The only failed requests: proof documents, which this upload did not
    # write (items are proved from the manifest instead, as the SDK does).
    proof_probe = f"the server responded with a status of 404 (Not Found) @ {store_url}proofs/"
    problems = [p for w in shown for p in w["problems"] if proof_probe not in p]
    assert problems == []

    # Items were proved by their proof documents where the store had one, else
    # from the manifest, read once per page.
    assert store_site.gets.count(proof_name(batch.address, PROVED)) == 3
    assert store_site.gets.count(manifest_name(batch.address)) == 3

    fee = -(-PRICE * FEE_BPS // 10_000)  # ceil: the IDL's fee_per_item
    payout = PRICE - fee
    results = await batch_results(admin.backend, batch.address)
    for kp, (accept, labels), page in zip(wallets, WORKERS, shown, strict=True):
        items = [i for i in range(accept) if i not in REFUSED]
        # What the page showed: the batch, its label options, each item's own
        # text, and the swapped blob refused with the reason.
        assert page["batchRow"][2] == "0.000050 SOL" and page["batchRow"][3] == "open to all"
        assert page["options"] == [f"{n + 1}{label}" for n, label in enumerate(LABELS)]
        assert page["accepted"] == accept
        assert {int(i): t for i, t in page["itemText"].items()} == {
            i: POSTS[i].decode() for i in items
        }
        states = {x["item"]: x["state"] for x in page["items"]}
        assert states == {i: ("error" if i in REFUSED else "ok") for i in range(accept)}
        for x in page["items"]:
            assert x["title"].startswith(REFUSED[x["item"]]) if x["item"] in REFUSED else True
        assert page["submitted"] == len(items)
        assert page["keyInPage"] is False
        # One wallet prompt per step (register, accept, submit); submitting
        # sends one transaction per answer width (a transaction's answers
        # share one width).
        widths = {len(LABELS[labels[i]]) for i in items}
        assert page["signed"] == {"prompts": 3, "transactions": 2 + len(widths)}

        # On chain: the profile with the wallet's X25519 key, the answers, the pay.
        worker = WorkerClient(admin.backend, kp)
        profile = await worker.profile()
        assert profile.encryption_key == x25519_public_key(bytes(kp.pubkey()))
        mine = sorted((r.item, r.answer, r.paid, r.fee) for r in results if r.worker == kp.pubkey())
        assert mine == [(i, LABELS[labels[i]].encode(), payout, fee) for i in items]
        assert page["earnings"]["lamports"] == payout * len(items)
        assert page["earnings"]["items"] == len(items)
        profile_rent = await admin.backend.get_balance(worker_profile_pda(kp.pubkey())[0])
        still_reserved = accept - len(items)
        assert await admin.backend.get_balance(kp.pubkey()) == (
            SOL
            - profile_rent
            - (2 + len(widths)) * SIGNATURE_FEE
            - BOND * still_reserved
            + payout * len(items)
        )
    b = await requester.get_batch(batch.address)
    delivered = sum(len([i for i in range(a) if i not in REFUSED]) for a, _ in WORKERS)
    assert b.completed_count == delivered
    assert b.reserved_count == sum(len([i for i in range(a) if i in REFUSED]) for a, _ in WORKERS)
