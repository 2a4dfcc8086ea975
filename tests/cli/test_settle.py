"""`amplify batch settle`: dynamic overlap from the command line. Items whose
consensus is confident (as `amplify batch labels` reports it) and that still
have open slots are settled; a dry run sends nothing."""

from __future__ import annotations

import csv
from pathlib import Path

from amplify_sdk import Amplify
from market import item_hashes

from .conftest import Node, load

PRICE, REDUNDANCY, ITEMS = 7_001, 3, 6


def test_batch_settle(node: Node, tmp_path: Path) -> None:
    keys = [tmp_path / f"w{k}.json" for k in range(3)]
    for path in keys:
        node.wallet(path)

    async def setup(amp: Amplify) -> str:
        req = amp.requester()
        b = await req.create_batch(price=PRICE, redundancy=REDUNDANCY)
        await req.add_tasks(b.address, item_hashes(ITEMS, b"cli-settle"))
        workers = [amp.worker(load(p)) for p in keys]
        for w in workers:
            await w.register()
        # Items 0-4: two answers each, agreeing on 0-3 (two labels), split on
        # 4; item 5: one reservation, no answer.
        answers = [[b"a", b"a", b"b", b"b", b"a"], [b"a", b"a", b"b", b"b", b"b"]]
        for w, mine in zip(workers, answers, strict=False):
            await w.accept_tasks(b.address, range(5))
            await w.submit_results(b.address, list(enumerate(mine)))
        await workers[2].accept_tasks(b.address, [5])
        return str(b.address)

    batch = node.run(setup)
    labels = tmp_path / "labels.csv"
    node.ok("batch", "labels", batch, "--out", labels)
    rows = list(csv.DictReader(labels.read_text().splitlines()))
    # Items 0-4 have one open slot each (3 slots, 2 completed); item 5 none
    # answered. What the labels say is confident, on two answers, is picked.
    want = sorted(
        int(r["item"])
        for r in rows
        if float(r["confidence"]) >= 0.9 and int(r["answers"]) >= 2 and int(r["item"]) < 5
    )
    assert want, rows
    before = node.ok("batch", "status", batch)
    dry = node.ok("batch", "settle", batch, "--min-confidence", "0.9", "--dry-run")
    assert (dry["to_settle"], dry["open_slots"], dry["refund"]) == (
        len(want),
        len(want),
        len(want) * PRICE,
    )
    assert node.ok("batch", "status", batch)["open_slots"] == before["open_slots"]

    done = node.ok("batch", "settle", batch, "--min-confidence", "0.9")
    assert done["ok"] == want and done["not_done"] == 0
    assert done["wallet_change"] == len(want) * PRICE - 5_000  # one transaction's fee
    after = node.ok("batch", "status", batch)
    assert after["open_slots"] == before["open_slots"] - len(want)
    # A worker cannot take a settled item: nothing taken (exit code 1), the
    # reason named.
    r = node.cli("worker", "accept", batch, "--items", str(want[0]), keypair=keys[2])
    assert r.code == 1 and r.error.startswith("error: ItemSettled (6098)"), r.stderr
    # Nothing left to settle: exit 0, nothing sent.
    again = node.ok("batch", "settle", batch, "--min-confidence", "0.9")
    assert again["to_settle"] == 0
