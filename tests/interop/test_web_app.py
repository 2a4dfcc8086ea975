"""The app (examples/web/work.html) runs a whole labelling job in headless
Chromium against the node, one browser context per person, each with a test
wallet injected into its page (wallet-standard, examples/web/test/wallet.js):

- the requester creates a batch and uploads a CSV to an HTTP store (the SDK
  then reads the manifest the page wrote, and fetches every item, checked);
  the test swaps one blob in the store and forges one item's proof document;
- three workers connect, register, accept in bulk, read their items (each
  checked against the chain's commitment: the swapped and the forged one
  must be refused, with the reason), label them with the keyboard and submit
  in bulk;
- the requester, whose page watched completion, settles the items whose
  label is confident and downloads labels.csv.

What landed is read back ON CHAIN with the SDK: each worker's answers, the
payments to the lamport (derived from the price, the fee rate and the
counts), the settled slots and their refund; the labels file must be the
SDK's own plurality-vote labels.csv, byte for byte. Screenshots stay under
the test's tmp_path.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from solders.keypair import Keypair

from amplify_sdk import AdminClient, RequesterClient, WorkerClient
from amplify_sdk.chain._history import events, uploads_from_history
from amplify_sdk.clients import content_hash
from amplify_sdk.clients._client import PLACEHOLDER
from amplify_sdk.clients.agent import KeyAgent
from amplify_sdk.protocol import _instructions as ix
from amplify_sdk.protocol._crypto import (
    ENCRYPTION_KEY_MESSAGE,
    new_master_key,
    x25519_from_signature,
)
from amplify_sdk.protocol._pda import worker_profile_pda
from amplify_sdk.protocol._program_errors import RatingTooLow, SkillTooLow
from amplify_sdk.quality._results import batch_results
from amplify_sdk.quality.labels import dataset_labels
from amplify_sdk.storage import HttpStore, manifest_name, proof_name
from localnet import LocalNode

from .node_tools import run
from .web_job import (
    BAD_CSV,
    BIG,
    BIG_PRICE,
    CLICKED,
    FEE_BPS,
    FIRST,
    INSTRUCTIONS,
    LABELS,
    POSTS,
    PRICE,
    PROVED,
    REDUNDANCY,
    REFUSED,
    SECRET_LABELS,
    SECRET_PRICE,
    SECRETS,
    SETTLE,
    SIGNATURE_FEE,
    SKILL,
    SKILL_MIN,
    SKILLED_PRICE,
    SOL,
    TIED,
    UPLOADS,
    WORKERS,
    Site,
    delivered,
    person,
)
from .web_tools import WEB


@pytest.fixture
async def requester(admin: AdminClient) -> RequesterClient:
    await admin.initialize(await admin.create_amp_mint(), fee_bps=FEE_BPS)
    r = RequesterClient(admin.backend, Keypair())
    await admin.backend.airdrop(r.address, 10 * SOL)
    return r


@pytest.fixture
async def site(requester: RequesterClient) -> AsyncIterator[Site]:
    s = Site(requester)
    runner = web.AppRunner(s.app)
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0)
    await tcp.start()
    s.origin = f"http://127.0.0.1:{runner.addresses[0][1]}"
    yield s
    await runner.cleanup()


async def test_a_labelling_job_runs_in_the_browser(
    chromium: Path,
    node: LocalNode,
    admin: AdminClient,
    requester: RequesterClient,
    site: Site,
    tmp_path: Path,
) -> None:
    wallets = [Keypair() for _ in WORKERS]
    for kp in wallets:
        await admin.backend.airdrop(kp.pubkey(), SOL)
    # A batch open only to workers rated 3 stars or more: none of them is.
    gated = await requester.create_batch(price=30_000, min_rating=3_000, allow_forgeable_gate=True)
    await requester.add_tasks(gated.address, [content_hash(b"gated-%d" % i) for i in range(2)])
    # A batch that requires a skill: worker 1 holds enough, worker 2 too little.
    skill = await requester.create_skill(SKILL)
    async with HttpStore(f"{site.origin}/store/") as store:
        await requester.set_skill(
            skill.address, {wallets[0].pubkey(): 80, wallets[1].pubkey(): 40}, store
        )
    skilled = await requester.create_batch(price=SKILLED_PRICE)
    await requester.add_tasks(skilled.address, [content_hash(b"skilled-%d" % i) for i in range(3)])
    await requester.require_skills(skilled.address, [(skill.address, SKILL_MIN)])
    # A batch bigger than one transaction's worth of acceptances: worker 2
    # takes BIG items in one go.
    big = await requester.create_batch(price=BIG_PRICE)
    await requester.add_tasks(big.address, [content_hash(b"big-%d" % i) for i in range(BIG)])
    # An encrypted batch, its keys delivered by a key agent as workers
    # accept: worker 3 labels both of its items.
    master = new_master_key()
    async with HttpStore(f"{site.origin}/store/") as store:
        doc = await store.put(INSTRUCTIONS)
        secret_batch = await requester.create_batch(
            price=SECRET_PRICE,
            encrypted=True,
            base_uri=doc.removesuffix(content_hash(INSTRUCTIONS).hex()),
            instructions_hash=content_hash(INSTRUCTIONS),
        )
        await requester.upload_encrypted(secret_batch.address, SECRETS, store, master)
    tries: list[list[dict[str, object]]] = [
        [{"batch": str(gated.address), "accept": 1}, {"batch": str(skilled.address), "accept": 2}],
        [{"batch": str(skilled.address), "accept": 1}, {"batch": str(big.address), "accept": BIG}],
        [
            {
                "batch": str(secret_batch.address),
                "accept": len(SECRETS),
                "keys": {str(i): str(k + 1) for i, k in enumerate(SECRET_LABELS)},
            }
        ],
    ]
    stop = asyncio.Event()
    agent = asyncio.create_task(KeyAgent(requester, {secret_batch.address: master}).run(stop))
    job = {
        "url": f"{site.origin}/work.html?cluster={node.url}&store={site.origin}/store/",
        "screenshots": str(tmp_path),
        "uploaded": f"{site.origin}/test/uploaded",
        "requester": {
            **person("Requester wallet", requester.wallet),
            "create": {
                "price": PRICE,
                "redundancy": REDUNDANCY,
                "task": "Is the post spam?",
                "labels": LABELS,
            },
            "uploads": [text for text, _ in UPLOADS],
            "delivered": sum(len(delivered(a)) for a, _ in WORKERS),
            "settle": SETTLE,
        },
        "workers": [
            {
                **person(f"Test wallet {n + 1}", kp),
                "tries": tries[n],
                "accept": accept,
                "keys": {
                    str(i): f"click:{LABELS[label]}" if (n, i) in CLICKED else str(label + 1)
                    for i, label in enumerate(labels)
                },
            }
            for n, (kp, (accept, labels)) in enumerate(zip(wallets, WORKERS, strict=True))
        ],
    }
    (tmp_path / "job.json").write_text(json.dumps(job))
    try:
        code, out, err = await run(
            WEB, "node", "test/job.mjs", str(tmp_path / "job.json"), str(chromium), limit=240
        )
    finally:
        stop.set()
        await agent
    assert code == 0, f"job failed:\n{out}\n{err}"
    shown = json.loads(out.strip().splitlines()[-1])
    pages = [shown["requester"], *shown["workers"]]
    assert [p.get("error") for p in pages] == [None] * 4, pages
    # The only failed requests: the uploader's HEAD of each blob before its
    # PUT (one the store holds is not sent again), and the workers' reads of
    # proof documents the store does not hold (such items are proved from the
    # manifest instead, as the SDK does).
    missing = (
        "Failed to load resource: the server responded with a status of 404 (Not Found)"
        f" @ {site.origin}/store/"
    )
    blobs = {missing + content_hash(p.encode()).hex() for p in POSTS}
    assert sorted(x.removeprefix("console: ") for x in shown["requester"]["problems"]) == sorted(
        blobs
    )
    probe = missing + "proofs/"
    assert [x for p in shown["workers"] for x in p["problems"] if probe not in x] == []

    # The requester's batch and upload, as the SDK reads them.
    assert site.batch is not None and str(site.batch) == shown["requester"]["batch"]
    batch = site.batch
    assert site.fetched == [p.encode() for p in POSTS]
    uploads = shown["requester"]["uploads"]
    assert len(uploads) == len(UPLOADS)
    for up, (_, expected) in zip(uploads, UPLOADS, strict=True):
        if expected is None:
            assert up["error"] is None
        else:
            said = up["error"] or ""
            assert said.startswith(expected) and up["uploaded"] == 0, (up, expected)
    first, whole = uploads[len(BAD_CSV)], uploads[-1]
    assert (first["uploaded"], first["progress"]) == (FIRST, [2 * FIRST, 2 * FIRST])
    assert (whole["uploaded"], whole["progress"]) == (len(POSTS), [2 * len(POSTS)] * 2)
    # On chain: the first upload, then the rest appended (a table each).
    committed = await uploads_from_history(admin.backend, batch)
    assert [(u.start, u.count) for u in committed] == [(0, FIRST), (FIRST, len(POSTS) - FIRST)]
    b = await requester.get_batch(batch)
    assert (b.price, b.redundancy, b.bond, b.item_count) == (
        PRICE,
        REDUNDANCY,
        PRICE // 10,  # the SDK's default bond: a tenth of the price
        len(POSTS),
    )
    assert b.instructions_hash == content_hash(INSTRUCTIONS)
    # Items were proved by their proof documents where the store had one,
    # else from the manifest, read once per worker's page.
    assert site.gets.count(proof_name(batch, PROVED)) == 3
    assert site.gets.count(manifest_name(batch)) == 3

    # The gated batches: shown with their gate; a worker short of it is
    # refused by the error's name before anything is sent (it signed nothing
    # for it: see the prompts below); one that holds the skill accepts.
    w1, w2, _ = shown["workers"]
    rated, skilled_ok = w1["tries"]
    assert rated["row"][3] == "rating ≥ 3.00 ★"
    assert rated["error"] == f"{RatingTooLow.name}: {RatingTooLow.msg} ({RatingTooLow.code})"
    assert rated["status"] == f"accepting failed: {rated['error']}"
    assert (await requester.get_batch(gated.address)).reserved_count == 0
    assert skilled_ok["row"][3] == f"{SKILL} ≥ {SKILL_MIN}"
    assert (skilled_ok["error"], skilled_ok["accepted"]) == (None, 2)
    too_low, many = w2["tries"]
    assert too_low["error"] == (
        f"{SkillTooLow.name}: you hold 40 of skill {SKILL}; {SKILL_MIN} needed ({SkillTooLow.code})"
    )
    assert [w["skills"] for w in shown["workers"]] == [{SKILL: 80}, {SKILL: 40}, {}]
    assert (many["error"], many["accepted"]) == (None, BIG)
    assert (await requester.get_batch(big.address)).reserved_count == BIG
    # As many transactions as the SDK would send: the most items that fit one.
    fit = WorkerClient(admin.backend, wallets[1]).max_items(
        lambda n: ix.accept_tasks(wallets[1].pubkey(), big.address, PLACEHOLDER, [0] * n), 4
    )
    big_accepts = -(-BIG // fit)
    assert big_accepts > 1
    per_tx = [
        len(found.event.fields["accepted"])
        for found in await events(admin.backend, big.address, {"TasksAccepted"})
    ]
    assert per_tx == [fit] * (BIG // fit) + ([BIG % fit] if BIG % fit else [])
    w1_client = WorkerClient(admin.backend, wallets[0])
    assert [i for i, _ in await w1_client.reservations(skilled.address)] == [0, 1]
    assert (await requester.get_batch(skilled.address)).reserved_count == 2

    fee = -(-PRICE * FEE_BPS // 10_000)  # ceil: the IDL's fee_per_item
    payout = PRICE - fee
    bond = PRICE // 10
    results = await batch_results(admin.backend, batch)
    for kp, (accept, labels), page in zip(wallets, WORKERS, shown["workers"], strict=True):
        items = delivered(accept)
        # What the page showed: the batch, its label options, each item's own
        # text, and the swapped and forged items refused with the reason.
        assert page["batchRow"][2] == "0.000050 SOL" and page["batchRow"][3] == "open to all"
        assert page["options"] == [f"{n + 1}{label}" for n, label in enumerate(LABELS)]
        assert page["accepted"] == accept
        assert page["arrows"] == ["0", "1", "0"]  # ArrowRight, then ArrowLeft
        assert {int(i): t for i, t in page["itemText"].items()} == {i: POSTS[i] for i in items}
        states = {x["item"]: x["state"] for x in page["items"]}
        assert states == {i: ("error" if i in REFUSED else "ok") for i in range(accept)}
        for x in page["items"]:
            assert x["title"].startswith(REFUSED[x["item"]]) if x["item"] in REFUSED else True
        assert page["submitted"] == len(items)
        assert page["keyInPage"] is False
        # Standing in the SDK's words (unrated: no ratings yet).
        standing = await WorkerClient(admin.backend, kp).get_standing(kp.pubkey())
        assert standing is not None and page["standing"] == standing.text()
        # One wallet prompt per step (register: a message to derive the
        # encryption key, then the transaction; accept; submit; and each
        # other batch accepted and submitted); submitting sends one
        # transaction per answer width (a transaction's answers share one
        # width).
        # The batch's items sit in two task tables (the two uploads), and a
        # transaction names one table.
        table = [0 if i < FIRST else 1 for i in range(len(POSTS))]
        accepts = len({table[i] for i in range(accept)})
        submits = len({(len(LABELS[labels[i]]), table[i]) for i in items})
        skilled_accepts = 1 if kp == wallets[0] else 0
        many_accepts = big_accepts if kp == wallets[1] else 0
        secret = kp == wallets[2]
        secret_widths = {len(LABELS[k]) for k in SECRET_LABELS} if secret else set()
        prompts = 3 + skilled_accepts + (1 if many_accepts else 0) + (2 if secret else 0)
        txs = (
            1
            + accepts
            + submits
            + skilled_accepts
            + many_accepts
            + (1 + len(secret_widths) if secret else 0)
        )
        assert page["signed"] == {"prompts": prompts, "transactions": txs, "messages": 1}

        # On chain: the profile with the key derived from the wallet's
        # signature (docs/privacy.md), the answers, the pay.
        worker = WorkerClient(admin.backend, kp)
        profile = await worker.profile()
        derived = x25519_from_signature(bytes(kp.sign_message(ENCRYPTION_KEY_MESSAGE)))
        assert profile.encryption_key == bytes(derived.public_key)
        mine = sorted((r.item, r.answer, r.paid, r.fee) for r in results if r.worker == kp.pubkey())
        assert mine == [(i, LABELS[labels[i]].encode(), payout, fee) for i in items]
        secret_fee = -(-SECRET_PRICE * FEE_BPS // 10_000)
        secret_pay = (SECRET_PRICE - secret_fee) * len(SECRETS) if secret else 0
        assert page["earnings"]["lamports"] == payout * len(items) + secret_pay
        assert page["earnings"]["items"] == len(items) + (len(SECRETS) if secret else 0)
        profile_rent = await admin.backend.get_balance(worker_profile_pda(kp.pubkey())[0])
        still_reserved = accept - len(items)
        assert await admin.backend.get_balance(kp.pubkey()) == (
            SOL
            - profile_rent
            - txs * SIGNATURE_FEE
            - bond * still_reserved
            - skilled_accepts * 2 * (SKILLED_PRICE // 10)
            - (BIG * (BIG_PRICE // 10) if many_accepts else 0)
            + payout * len(items)
            + secret_pay
        )

    # The encrypted batch: worker 3 read each item decrypted in its page
    # (with the keys the agent sealed to its registered key) and its labels
    # landed.
    (opened,) = shown["workers"][2]["tries"]
    assert opened["error"] is None and opened["accepted"] == len(SECRETS)
    assert {int(i): t for i, t in opened["itemText"].items()} == {
        i: s.decode() for i, s in enumerate(SECRETS)
    }
    secret_results = await batch_results(admin.backend, secret_batch.address)
    assert sorted((r.item, r.worker, r.answer) for r in secret_results) == [
        (i, wallets[2].pubkey(), LABELS[k].encode()) for i, k in enumerate(SECRET_LABELS)
    ]

    # Settled: the items whose every answer agrees (3 of 3 >= 0.9), each with
    # one open slot (REDUNDANCY 4); the refund is the price of each slot.
    answers: dict[int, list[int]] = {}
    for accept, labels in WORKERS:
        for i in delivered(accept):
            answers.setdefault(i, []).append(labels[i])
    confident = [
        i
        for i, given in sorted(answers.items())
        if max(given.count(x) for x in given) / len(given) >= SETTLE[0] and len(given) >= SETTLE[1]
    ]
    open_slots = {i: REDUNDANCY - len(given) for i, given in answers.items()}
    assert confident == [1, 2] and all(open_slots[i] == 1 for i in confident)
    req = shown["requester"]
    assert req["settled"] == len(confident)
    assert req["refunded"] == PRICE * len(confident)
    b = await requester.get_batch(batch)
    assert b.cancelled_slots == len(confident)
    assert b.completed_count == sum(len(delivered(a)) for a, _ in WORKERS)
    assert b.reserved_count == sum(len([i for i in range(a) if i in REFUSED]) for a, _ in WORKERS)
    assert await requester.open_slots(batch, confident) == {}
    assert req["completion"].startswith(f"{b.completed_count} of {len(POSTS) * REDUNDANCY} answers")

    # labels.csv: the SDK's plurality vote on the chain's answers, byte for
    # byte, but for the tie: the SDK draws one of the tied labels at random,
    # the page takes the first in byte order ("ham" < "spam") and says so.
    assert req["labelsFile"] == f"labels-{batch}.csv"
    sdk_csv = tmp_path / "sdk-labels.csv"
    dataset_labels([r.as_answer for r in results], method="plurality_vote").write(sdk_csv)
    sdk_rows = sdk_csv.read_bytes().decode().split("\r\n")
    page_rows = req["labelsCsv"].split("\r\n")
    assert sorted(answers[TIED]) == [0, 1]
    assert page_rows[1 + TIED] == f"{TIED},ham,0.5,2,0.5"
    assert sdk_rows[1 + TIED] in (f"{TIED},ham,0.5,2,0.5", f"{TIED},spam,0.5,2,0.5")
    del sdk_rows[1 + TIED], page_rows[1 + TIED]
    assert page_rows == sdk_rows
    assert page_rows[1] == "0,spam,0.666667,3,0.666667"
    assert (
        req["labelsStatus"]
        == "4 items labelled (plurality vote), 1 tie (the first label in byte order)"
    )
