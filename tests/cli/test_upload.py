"""`amplify batch upload`: input validation (nothing sent on a bad row), and
exactly-once uploads across `kill -9` at any moment: mid-run, and in the
window between a landed transaction and its journal record."""

from __future__ import annotations

import asyncio
import hashlib
import json
import signal
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

from solders.keypair import Keypair
from solders.pubkey import Pubkey

from amplify_sdk import Batch, RequesterClient
from amplify_sdk.chain._rpc import RpcBackend
from amplify_sdk.protocol import manifest_hash, merkle_root
from amplify_sdk.protocol._manifest import Upload

from .conftest import ROOT, Node, cli_env, load, parallel

PRICE, REDUNDANCY = 1_000, 2


async def chain_batch(node: Node, batch: str) -> tuple[Batch, int, int]:
    """The batch, its lamports and its rent-exempt minimum, read over RPC."""
    backend = RpcBackend(node.url)
    try:
        client = RequesterClient(backend, Keypair())
        b = await client.get_batch(Pubkey.from_string(batch))
        acc = await backend.get_account(b.address)
        assert acc is not None
        return b, acc.lamports, await backend.minimum_balance(len(acc.data))
    finally:
        await backend.close()


async def assert_exact(node: Node, batch: str, texts: list[str], manifest: Path) -> None:
    """Every item on chain once, in order; escrow = price × items × redundancy."""
    hashes = [hashlib.sha256(t.encode()).digest() for t in texts]
    b, lamports, rent = await chain_batch(node, batch)
    doc = read_json(manifest)
    uploads = [Upload(u["start"], u["count"], bytes.fromhex(u["root"])) for u in doc["uploads"]]
    assert b.item_count == len(texts) == doc["items"]
    assert [bytes.fromhex(h) for h in doc["hashes"]] == hashes
    assert manifest_hash(uploads) == b.manifest_hash
    assert all(merkle_root(u.start, hashes[u.start : u.start + u.count]) == u.root for u in uploads)
    assert b.escrow == PRICE * len(texts) * REDUNDANCY
    assert lamports == rent + b.escrow


def read_json(path: Path) -> Any:
    return json.loads(path.read_text())


def new_batch(node: Node) -> str:
    made = node.ok("batch", "create", "--price", str(PRICE), "--redundancy", str(REDUNDANCY))
    return str(made["address"])


def write_jsonl(path: Path, texts: list[str]) -> None:
    path.write_text("".join(json.dumps({"text": t, "label": "x"}) + "\n" for t in texts))


def journal_rows(journal: Path, state: str) -> int:
    if not journal.exists():
        return 0
    db = sqlite3.connect(journal)
    try:
        return int(
            db.execute("SELECT count(*) FROM uploads WHERE state = ?", (state,)).fetchone()[0]
        )
    except sqlite3.OperationalError:
        return 0
    finally:
        db.close()


async def test_sigkill_mid_upload_resumes_exactly_once(node: Node, tmp_path: Path) -> None:
    texts = [f"item {i}" for i in range(8_000)]
    source = tmp_path / "items.jsonl"
    write_jsonl(source, texts)
    journal = tmp_path / "items.jsonl.amplify-journal.sqlite"
    batch = new_batch(node)
    # TEST-ONLY: a pause after each recorded chunk, so the kill lands mid-run.
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "amplify_sdk.cli",
        "batch",
        "upload",
        batch,
        str(source),
        "--chunk-size",
        "200",
        "-u",
        node.url,
        "-k",
        str(node.authority),
        cwd=ROOT,
        env=cli_env(AMPLIFY_TEST_UPLOAD_DELAY="0.2"),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while journal_rows(journal, "landed") < 3 and time.monotonic() < deadline:
        assert proc.returncode is None, "the upload ended before it could be killed"
        await asyncio.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    assert await proc.wait() == -signal.SIGKILL
    # A chunk sent just before the kill can still land (on a validator about
    # 0.4 s later): the count the resume starts from is the settled one.
    b, _, _ = await chain_batch(node, batch)
    settled = time.monotonic() + 3
    while time.monotonic() < settled:
        await asyncio.sleep(0.5)
        later, _, _ = await chain_batch(node, batch)
        if later.item_count != b.item_count:
            b, settled = later, time.monotonic() + 3
    assert 0 < b.item_count < len(texts)

    done = node.ok("batch", "upload", batch, source)
    assert done["resumed"] and done["sent"] == len(texts) - b.item_count
    await assert_exact(node, batch, texts, tmp_path / "items.jsonl.amplify-manifest.json")
    again = node.ok("batch", "upload", batch, source)
    assert again["sent"] == 0 and again["uploads"] == done["uploads"]


async def test_crash_between_send_and_record(node: Node, tmp_path: Path) -> None:
    """The chunk landed, the journal never heard: recovered from the pending
    row; with that row gone (and another chunk size), from history."""
    for fallback in (False, True):
        texts = [f"{fallback} post {i}" for i in range(2_000)]
        source = tmp_path / f"items-{fallback}.jsonl"
        write_jsonl(source, texts)
        journal = source.with_name(source.name + ".amplify-journal.sqlite")
        batch = new_batch(node)
        crashed = node.cli(
            "batch",
            "upload",
            batch,
            source,
            "--chunk-size",
            "500",
            AMPLIFY_TEST_CRASH_AFTER_SEND="2",
        )
        assert crashed.code == -signal.SIGKILL
        assert (journal_rows(journal, "landed"), journal_rows(journal, "pending")) == (1, 1)
        assert (await chain_batch(node, batch))[0].item_count == 1_000
        if fallback:
            db = sqlite3.connect(journal)
            with db:
                db.execute("DELETE FROM uploads WHERE state = 'pending'")
                db.execute("UPDATE meta SET value = '333' WHERE key = 'chunk'")
            db.close()
        done = node.ok("batch", "upload", batch, source)
        assert done["recovered_uploads"] == 1 and done["sent"] == 1_000
        await assert_exact(
            node, batch, texts, source.with_name(source.name + ".amplify-manifest.json")
        )


async def test_malformed_rows_send_nothing(node: Node, tmp_path: Path) -> None:
    requester = tmp_path / "req.json"
    address = node.wallet(requester, sol=5)
    batch = str(node.ok("batch", "create", "--price", "1000", keypair=requester)["address"])
    before = node.balance(address)
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text("id,text\n1,fine\n2,also fine\n3,\n4,x,extra\n5,ok\n")
    bad_jsonl = tmp_path / "bad.jsonl"
    bad_jsonl.write_text('{"text": "a"}\n\n{"text": "b",}\n{"data": "!!"}\n{"path": "none.txt"}\n')
    csv_run, jsonl_run = parallel(
        lambda: node.cli("batch", "upload", batch, bad_csv, keypair=requester),
        lambda: node.cli("batch", "upload", batch, bad_jsonl, keypair=requester),
    )
    assert csv_run.code == 2
    assert csv_run.error == (
        f"error: {bad_csv}:4: empty 'text' (and 1 more bad rows); nothing was sent"
    )
    assert jsonl_run.code == 2
    assert jsonl_run.error.startswith(f"error: {bad_jsonl}:3: invalid JSON")
    assert "(and 2 more bad rows)" in jsonl_run.error
    assert node.balance(address) == before
    assert (await chain_batch(node, batch))[0].item_count == 0
    assert not (tmp_path / "bad.csv.amplify-journal.sqlite").exists()


async def test_folder_and_path_items(node: Node, tmp_path: Path) -> None:
    folder = tmp_path / "images"
    folder.mkdir()
    blobs = {f"{name}.bin": bytes([n]) * (n + 1) for n, name in enumerate("dcab")}
    for name, data in blobs.items():
        (folder / name).write_bytes(data)
    batch = new_batch(node)
    assert node.ok("batch", "upload", batch, folder)["sent"] == 4
    doc = json.loads((tmp_path / "images.amplify-manifest.json").read_text())
    assert doc["hashes"] == [hashlib.sha256(blobs[n]).hexdigest() for n in sorted(blobs)]
    # The same files named from a CSV's `path` column are the same items.
    listing = tmp_path / "list.csv"
    listing.write_text("path\n" + "".join(f"images/{n}\n" for n in sorted(blobs)))
    other = new_batch(node)
    node.ok("batch", "upload", other, listing)
    assert (
        json.loads((tmp_path / "list.csv.amplify-manifest.json").read_text())["hashes"]
        == (doc["hashes"])
    )
    # The journal is bound to its batch and its input.
    r = node.cli(
        "batch", "upload", other, folder, "--journal", tmp_path / "images.amplify-journal.sqlite"
    )
    assert r.code == 2 and f"belongs to batch {batch}" in r.error
    (folder / "e.bin").write_bytes(b"new")
    r = node.cli("batch", "upload", batch, folder)
    assert r.code == 2 and "input changed" in r.error


def landed_rows(journal: Path) -> list[Upload]:
    db = sqlite3.connect(journal)
    try:
        rows = db.execute(
            "SELECT start, count, root FROM uploads WHERE state = 'landed' ORDER BY start"
        ).fetchall()
    finally:
        db.close()
    return [Upload(int(s), int(c), bytes(r)) for s, c, r in rows]


def edit_journal(journal: Path, sql: str, *args: object) -> None:
    db = sqlite3.connect(journal)
    with db:
        db.execute(sql, args)
    db.close()


async def test_a_resumed_upload_trusts_no_journal_that_disagrees_with_the_chain(
    node: Node, tmp_path: Path
) -> None:
    # Bug class: a resume that takes the journal's word for what is on chain.
    # A journal of the same file, bound to another batch whose items are
    # others (same count): nothing is sent, no manifest claims the file.
    a_texts, b_texts = [f"a {i}" for i in range(300)], [f"b {i}" for i in range(300)]
    a_file, b_file = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_jsonl(a_file, a_texts)
    write_jsonl(b_file, b_texts)
    x, y = new_batch(node), new_batch(node)
    node.ok("batch", "upload", x, a_file, "--chunk-size", "100")
    node.ok("batch", "upload", y, b_file, "--chunk-size", "100")
    manifest = tmp_path / "a.jsonl.amplify-manifest.json"
    written = manifest.read_text()
    moved = tmp_path / "moved.sqlite"
    moved.write_bytes((tmp_path / "a.jsonl.amplify-journal.sqlite").read_bytes())
    edit_journal(moved, "UPDATE meta SET value = ? WHERE key = 'batch'", y)
    before = node.balance(str(load(node.authority).pubkey()))
    r = node.cli("batch", "upload", y, a_file, "--journal", moved)
    assert r.code == 2
    assert r.error == f"error: journal {moved} disagrees with batch {y}'s manifest"
    assert node.balance(str(load(node.authority).pubkey())) == before
    assert manifest.read_text() == written  # still batch x's
    await assert_exact(node, y, b_texts, tmp_path / "b.jsonl.amplify-manifest.json")

    # The chain ahead of the journal (a crash after a send), and the journal's
    # landed chunk not the chain's: refused too, whatever the history says.
    c_texts = [f"c {i}" for i in range(300)]
    c_file = tmp_path / "c.jsonl"
    write_jsonl(c_file, c_texts)
    journal = tmp_path / "c.jsonl.amplify-journal.sqlite"
    for damaged in ("landed", "pending"):
        z = new_batch(node)
        journal.unlink(missing_ok=True)
        crashed = node.cli(
            "batch", "upload", z, c_file, "--chunk-size", "100", AMPLIFY_TEST_CRASH_AFTER_SEND="2"
        )
        assert crashed.code == -signal.SIGKILL
        assert (journal_rows(journal, "landed"), journal_rows(journal, "pending")) == (1, 1)
        edit_journal(journal, "UPDATE uploads SET root = ? WHERE state = ?", bytes(32), damaged)
        before = node.balance(str(load(node.authority).pubkey()))
        if damaged == "landed":
            r = node.cli("batch", "upload", z, c_file)
            assert r.code == 2
            assert r.error == f"error: journal {journal} disagrees with batch {z}'s manifest"
            assert node.balance(str(load(node.authority).pubkey())) == before
            assert (await chain_batch(node, z))[0].item_count == 200
            continue
        # A pending row is an intent, not a record: the chunk is recovered
        # from the chain, and the journal ends as the chain's record.
        done = node.ok("batch", "upload", z, c_file)
        assert done["recovered_uploads"] == 1 and done["sent"] == 100
        await assert_exact(node, z, c_texts, tmp_path / "c.jsonl.amplify-manifest.json")
        hashes = [hashlib.sha256(t.encode()).digest() for t in c_texts]
        assert landed_rows(journal) == [
            Upload(s, 100, merkle_root(s, hashes[s : s + 100])) for s in (0, 100, 200)
        ]


def test_plain_items_in_a_store_for_every_worker(node: Node, tmp_path: Path) -> None:
    """`batch upload --store` on a plain batch: the items go to the store and
    any worker fetches them, each checked against the chain."""
    folder = tmp_path / "posts"
    folder.mkdir()
    posts = [f"post {i}: is it ok?" for i in range(5)]
    for i, text in enumerate(posts):
        (folder / f"{i:02d}.txt").write_text(text)
    store = tmp_path / "store"
    batch = new_batch(node)
    done = node.ok("batch", "upload", batch, folder, "--store", store)
    assert done["items"] == done["sent"] == len(posts) and done["encrypted"] is False
    worker = tmp_path / "w.json"
    node.wallet(worker)
    got = node.ok("worker", "fetch", batch, "--items", "0-4", "--store", store, keypair=worker)
    assert [r["text"] for r in got["items"]] == posts
    # Browsing shows what each open item says, before accepting any.
    seen = node.ok("worker", "browse", batch, "--show", "--store", store, keypair=worker)
    assert [(p["item"], p["text"]) for p in seen["previews"]] == list(enumerate(posts))
    text = node.cli("worker", "browse", batch, "--show", "--store", store, keypair=worker)
    assert text.code == 0 and f"item 3: {posts[3]}" in text.stdout
    r = node.cli("worker", "browse", batch, "--store", store, keypair=worker)
    assert r.code == 2 and "--store goes with --show" in r.error
    # Uploaded again: nothing sent, nothing changed.
    again = node.ok("batch", "upload", batch, folder, "--store", store)
    assert again["sent"] == 0 and again["already_on_chain"] == len(posts)
    # A host that changes an item is caught.
    blob = next(p for p in store.rglob("*") if p.is_file() and p.read_bytes() == posts[2].encode())
    blob.write_text("post 2: buy cheap watches")
    bad = node.cli("worker", "fetch", batch, "--items", "2", "--store", store, keypair=worker)
    assert bad.code == 1 and "hash" in bad.error.lower(), bad.error
