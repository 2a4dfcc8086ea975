"""A batch's life through the CLI: create, upload, status, list; workers
register, browse, accept, submit, check earnings; the requester rates, exports
results, reads the market, cancels and closes. Success paths and the main
refusals (exit code and the one-line error)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from market import worker_tier

from .conftest import Node, parallel


def test_batch_lifecycle(node: Node, tmp_path: Path) -> None:
    w1 = tmp_path / "w1.json"
    w2 = tmp_path / "w2.json"
    a1, a2 = node.wallet(w1), node.wallet(w2)
    items = tmp_path / "items.csv"
    items.write_text("id,text\n" + "".join(f"{i},post {i}\n" for i in range(12)))

    # A batch that expires while the rest runs (checked at the end).
    short = node.ok("batch", "create", "--price", "5000", "--expires-in", "3s")
    made = node.ok(
        "batch", "create", "--price", "10000", "--redundancy", "2", "--base-uri", "ipfs://t/"
    )
    batch = made["address"]
    assert made["payout"] == 9_500 and made["fee_per_item"] == 500 and made["status"] == "open"
    up = node.ok("batch", "upload", batch, items)
    assert up["sent"] == 12 and up["uploads"] == 1
    assert Path(up["manifest"]).exists() and Path(up["journal"]).exists()
    status = node.ok("batch", "status", batch)
    assert status["items"] == 12 and status["open_slots"] == 24
    assert status["escrow"] == 10_000 * 12 * 2
    listed = node.ok("batch", "list", "--mine", "--open")
    assert batch in [b["address"] for b in listed["batches"]]

    r = node.cli("worker", "accept", batch, "--count", "3", keypair=w1)
    assert r.code == 1 and "has no worker profile" in r.error and "register" in r.error
    for r in parallel(
        *(lambda w=w: node.cli("worker", "register", "-o", "json", keypair=w) for w in (w1, w2))
    ):
        assert r.code == 0 and r.json()["rating"] == 0
    # The market before any delivery of this test (the node is shared with
    # the other CLI tests: what this test adds is the difference).
    before = {b["name"]: b for b in node.ok("market")["tiers"]}
    offers, one = parallel(
        lambda: node.cli("worker", "browse", "-o", "json", keypair=w1),
        lambda: node.cli("worker", "browse", batch, "-o", "json", keypair=w1),
    )
    assert any(o["batch"] == batch and o["eligible"] for o in offers.json()["batches"])
    assert one.json()["open_items"] == 12

    took1, took2 = parallel(
        lambda: node.cli("worker", "accept", batch, "--count", "5", "-o", "json", keypair=w1),
        lambda: node.cli("worker", "accept", batch, "--items", "0-11", "-o", "json", keypair=w2),
    )
    assert took1.json()["ok"] == [0, 1, 2, 3, 4] and len(took2.json()["ok"]) == 12

    answers = tmp_path / "answers.csv"
    answers.write_text("item,answer\n0,spam\n1,ok\n2,ok\n3,ok\n4,abusive\n")
    jsonl = tmp_path / "answers.jsonl"
    jsonl.write_text("".join(json.dumps({"item": i, "answer": "ok"}) + "\n" for i in range(4)))
    paid, sub = parallel(
        lambda: node.cli("worker", "submit", batch, answers, "-o", "json", keypair=w1),
        lambda: node.cli(
            "worker", "submit", batch, jsonl, "--answer", "4=abusive", "-o", "json", keypair=w2
        ),
    )
    assert paid.json()["ok"] == [0, 1, 2, 3, 4] and sorted(sub.json()["ok"]) == [0, 1, 2, 3, 4]
    r = node.cli("worker", "submit", batch, "--answer", "0=ok", keypair=w1)
    assert r.code == 1
    assert r.error.startswith("error: NotReserved (6036): Assignment is not reserved")

    # Items 0-4 have two answers: majority stars for both workers (item 0 has
    # no strict majority: both get the low mark).
    rated = node.ok("rate", batch, "--majority")
    assert rated["rated"] == 10
    out = tmp_path / "results.csv"
    chart = tmp_path / "market.png"
    r, earnings, earnings2, exported, jsonl_rows, market_doc = parallel(
        lambda: node.cli("rate", batch, "--item", "1", "--worker", a1, "--stars", "3"),
        lambda: node.cli("worker", "earnings", "-o", "json", keypair=w1),
        lambda: node.cli("worker", "earnings", "-o", "json", keypair=w2),
        lambda: node.cli("batch", "results", batch, "--out", out, "-o", "json"),
        lambda: node.cli("batch", "results", batch, "--format", "jsonl"),
        lambda: node.cli("market", "--plot", chart, "-o", "json"),
    )
    assert r.code == 1 and r.error.startswith("error: AlreadyRated (6038)")
    earned = earnings.json()
    assert earned["paid_total"] == 5 * 9_500 and earned["items_total"] == 5
    # Rated now (the rating's formula is the program's business, not the CLI's).
    assert earned["rating"] > 0 and earned["ratings"] == 5

    assert exported.json()["results"] == 10
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert {(int(r["item"]), r["worker"]) for r in rows} == {
        (i, a) for i in range(5) for a in (a1, a2)
    }
    row = next(r for r in rows if r["item"] == "0" and r["worker"] == a1)
    assert (row["answer"], row["answer_hex"], row["paid"], row["stars"]) == (
        "spam",
        b"spam".hex(),
        "9500",
        "1",
    )
    lines = jsonl_rows.stdout.splitlines()
    assert sorted(json.loads(line)["item"] for line in lines) == sorted([*range(5)] * 2)

    market = market_doc.json()
    assert chart.stat().st_size > 10_000 and market["plot"] == str(chart)
    assert [b["name"] for b in market["tiers"]] == [
        "unrated",
        "little evidence",
        "mean <2★",
        "mean 2–3★",
        "mean 3–4★",
        "mean ≥4★",
    ]
    # Since `before`: w1 and w2 delivered 5 items each, paid 9,500 (the price
    # less its 5% fee), now in the tiers of their standings (docs/reputation.md,
    # "Market tiers"); both left the unrated tier, where they were.
    stood = [earned["standing"], earnings2.json()["standing"]]
    now = [worker_tier(s["ratings"], s["weight"], s["mean"] or 0) for s in stood]
    # 5 ratings of fee 500 weigh at most 2,500: too little evidence for a tier.
    assert now == ["little evidence"] * 2
    assert earned["standing"]["ratings"] == 5 and earned["standing"]["evidence"] == "prior-bound"
    shown = {w["worker"]: w for w in market["workers"]}
    assert shown[earned["worker"]]["tier"] == "little evidence"
    for b in market["tiers"]:
        was, name = before[b["name"]], b["name"]
        assert b["items"] - was["items"] == 5 * now.count(name), name
        assert b["paid_total"] - was["paid_total"] == 5 * 9_500 * now.count(name), name
        assert b["workers"] - was["workers"] == now.count(name) - 2 * (name == "unrated"), name
        if now.count(name) == 2 and was["items"] == 0:
            assert b["payout_mean"] == b["payout_median"] == 9_500
            assert b["price_mean"] == 10_000
    ours = next(o for o in market["open_work"] if o["address"] == batch)
    assert ours["open_slots"] == 24 - 10 - 7 and ours["value"] == 7 * 10_000

    early, stranger = parallel(
        lambda: node.cli("batch", "close", batch),
        lambda: node.cli("batch", "cancel", batch, keypair=w1),
    )
    assert early.code == 1 and ("(6042)" in early.error or "(6061)" in early.error)
    assert stranger.code == 1 and stranger.error.startswith("error: ")
    cancelled = node.ok("batch", "cancel", batch)
    assert cancelled["wallet_change"] == 7 * 10_000 - 5_000 and cancelled["reserved"] == 7
    late = tmp_path / "late.csv"
    late.write_text("item,answer\n" + "".join(f"{i},ok\n" for i in range(5, 12)))
    assert len(node.ok("worker", "submit", batch, late, keypair=w2)["ok"]) == 7
    closed = node.ok("batch", "close", batch)
    assert closed["status"] == "closed" and closed["wallet_change"] > 0
    assert node.cli("batch", "status", batch).code == 1

    # The refusal a worker meets on a batch past its expiry.
    node.wait_for_chain_time(short["expires_at"])
    r = node.cli("worker", "accept", short["address"], "--items", "0", keypair=w1)
    assert r.code == 1 and r.error == "error: BatchExpired (6023): The batch has expired"
