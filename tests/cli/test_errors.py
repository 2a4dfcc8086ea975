"""Errors that say what to do, and no silent surprises (issue 19): each case a
new user met gets one line with the fix, the exit code docs/cli.md lists, and
a JSON document under `-o json`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from solders.keypair import Keypair

from amplify_sdk.cli._outcomes import PARTIAL
from amplify_sdk.protocol._idl import load_idl

from .conftest import ROOT, Node, amplify, parallel, start_node, stop_node

U64_MAX = 2**64 - 1


def keypair_file(path: Path) -> str:
    kp = Keypair()
    path.write_text(json.dumps(list(bytes(kp))))
    return str(kp.pubkey())


def test_usage_errors_are_json_under_output_json() -> None:
    # Before: click's usage errors were caught before any settings existed,
    # so `-o json` got nothing on stdout.
    results = parallel(
        lambda: amplify("-o", "json", "batch", "create"),
        lambda: amplify("batch", "create", "--output", "json", "--price", "x"),
        lambda: amplify("batch", "create", "--output=json", "--bogus"),
    )
    for r in results:
        assert r.code == 2, r.stderr
        doc = r.json()["error"]
        assert doc["type"] == "usage" and doc["message"] in r.error


def test_integer_options_are_bounded_by_the_idl() -> None:
    # Before: exit 1, "internal error ... int too big to convert" from the encoder.
    over, top = parallel(
        lambda: amplify("batch", "create", "--price", str(U64_MAX + 1), "-o", "json"),
        lambda: amplify("batch", "create", "--price", "1", "--per-worker-cap", str(2**32)),
    )
    assert over.code == 2 and "--price" in over.error and f"{U64_MAX}" in over.error
    assert over.json()["error"]["type"] == "usage"
    # per_worker_cap is a u32 in the IDL.
    assert top.code == 2 and "--per-worker-cap" in top.error and f"{2**32 - 1}" in top.error


def test_unfunded_wallet_is_told_to_fund_it(node: Node, tmp_path: Path) -> None:
    # Before: "transaction failed: TransactionErrorFieldless.AccountNotFound".
    address = keypair_file(tmp_path / "empty.json")
    register, create = parallel(
        lambda: node.cli("worker", "register", "-o", "json", keypair=tmp_path / "empty.json"),
        lambda: node.cli("batch", "create", "--price", "1000", keypair=tmp_path / "empty.json"),
    )
    for r in (register, create):
        assert r.code == 1, r.stderr
        assert address in r.error and "0 lamports" in r.error and "amplify airdrop" in r.error
    doc = register.json()["error"]
    assert doc["type"] == "funds" and doc["wallet"] == address and doc["available"] == 0


def test_missing_protocol_points_to_program_init(tmp_path: Path) -> None:
    # Before: "Config account … does not exist" (a restarted node keeps no state).
    bare = start_node(tmp_path / "bare")
    empty = start_node(tmp_path / "empty", "--no-program")
    try:
        no_init, no_program = parallel(
            lambda: bare.cli("batch", "create", "--price", "1000", "-o", "json"),
            lambda: empty.cli("batch", "create", "--price", "1000", "-o", "json"),
        )
    finally:
        stop_node(bare)
        stop_node(empty)
    assert no_init.code == 1 and "amplify program init" in no_init.error
    assert "program deploy" not in no_init.error
    assert no_init.json()["error"]["type"] == "not_initialized"
    assert no_program.code == 1 and "amplify program deploy" in no_program.error
    assert "amplify program init" in no_program.error


def test_long_csv_line_names_the_line_and_the_limit(node: Node, tmp_path: Path) -> None:
    # Before: "malformed CSV (field larger than field limit (131072))", no line.
    batch = node.ok("batch", "create", "--price", "1000")["address"]
    items = tmp_path / "items.csv"
    items.write_text("text\nshort\nalso short\n" + "x" * 200_000 + "\nfine\n")
    r = node.cli("batch", "upload", batch, items, "-o", "json")
    assert r.code == 2, r.stderr
    assert f"{items}:4" in r.error and "128 KiB" in r.error
    assert r.json()["error"]["type"] == "input"


def test_duplicate_items_are_refused_unless_allowed(node: Node, tmp_path: Path) -> None:
    # Before: accepted, and each copy paid for at full price.
    batch = node.ok("batch", "create", "--price", "1000")["address"]
    items = tmp_path / "items.csv"
    items.write_text("text,id\na,1\nb,2\na,3\nc,4\nb,5\na,6\n")
    r = node.cli("batch", "upload", batch, items, "-o", "json")
    assert r.code == 2, r.stderr
    assert f"{items}:4" in r.error and "line 2" in r.error and "--allow-duplicates" in r.error
    assert r.json()["error"]["type"] == "input"
    assert node.ok("batch", "status", batch)["items"] == 0
    up = node.ok("batch", "upload", batch, items, "--allow-duplicates")
    assert up["items"] == 6


def test_partial_accept_exits_3_with_a_summary(node: Node, tmp_path: Path) -> None:
    # Before: exit 0 with 2 of the 4 items asked for taken.
    batch = node.ok("batch", "create", "--price", "1000", "--max-active", "2")["address"]
    items = tmp_path / "items.csv"
    items.write_text("text\n" + "".join(f"item {i}\n" for i in range(4)))
    node.ok("batch", "upload", batch, items)
    w = tmp_path / "w.json"
    node.wallet(w, sol=1)
    node.ok("worker", "register", keypair=w)
    r = node.cli("worker", "accept", batch, "--count", "4", "-o", "json", keypair=w)
    assert r.code == PARTIAL == 3, r.stderr
    doc = r.json()
    assert doc["ok"] == [0, 1] and doc["requested"] == 4 and doc["not_done"] == 2
    assert "2 of 4" in r.error and "ActiveLimitReached" in r.error


def test_refused_upload_leaves_no_journal(node: Node, tmp_path: Path) -> None:
    # Before: the funds check refused, and the journal stayed, tied to the batch.
    poor = tmp_path / "poor.json"
    node.wallet(poor, sol=1)
    batch = node.ok("batch", "create", "--price", str(10**9), keypair=poor)["address"]
    items = tmp_path / "items.csv"
    items.write_text("text\na\nb\n")
    r = node.cli("batch", "upload", batch, items, "-o", "json", keypair=poor)
    assert r.code == 1 and r.json()["error"]["type"] == "funds", r.stderr
    assert list(tmp_path.glob("items.csv.amplify-journal*")) == []


def test_close_after_cancel_says_when(node: Node, tmp_path: Path) -> None:
    # Before: "ReservationsOutstanding (6061)" and no hint of when it will work.
    batch = node.ok(
        "batch", "create", "--price", "1000", "--reservation", "15s", "--expires-in", "1h"
    )["address"]
    items = tmp_path / "items.csv"
    items.write_text("text\na\nb\n")
    node.ok("batch", "upload", batch, items)
    w = tmp_path / "w.json"
    node.wallet(w, sol=1)
    node.ok("worker", "register", keypair=w)
    deadline = node.ok("worker", "accept", batch, "--items", "0", keypair=w)["deadline"]
    node.ok("batch", "cancel", batch)
    r = node.cli("batch", "close", batch, "-o", "json")
    assert r.code == 1, r.stderr
    assert "1 reservation " in r.error and "closable once" in r.error
    assert r.json()["error"]["closable_after"] == deadline
    node.wait_for_chain_time(deadline)
    closed = node.ok("batch", "close", batch)
    assert closed["status"] == "closed"


def test_docs_give_the_codes_and_limits_the_code_uses() -> None:
    text = " ".join((ROOT / "docs/cli.md").read_text().split())
    assert f"{PARTIAL} when a bulk command did part of what was asked" in text
    assert f"exit code {PARTIAL}`" in text
    limit = csv.field_size_limit()
    assert f"at most {limit // 1024} KiB ({limit:,} characters" in text
    assert f"`--price` is a u64: at most {U64_MAX})" in text
    code = next(e.code for e in load_idl().errors.values() if e.name == "ActiveLimitReached")
    assert f"ActiveLimitReached ({code})" in text


def test_a_gate_worth_forging_is_refused_unless_allowed(node: Node) -> None:
    # A 4-star gate on an uncapped batch: one identity a Sybil ring lifts past
    # it could take the whole batch. Refused (exit 2, both figures and the
    # fix), accepted with a cap the forge cost pays for or with the override;
    # the figures are printed on success too.
    refused, text, safe, allowed = parallel(
        lambda: node.cli("batch", "create", "--price", "100000", "--min-rating", "4", "-o", "json"),
        lambda: node.cli("batch", "create", "--price", "100000", "--min-rating", "4"),
        lambda: node.cli(
            "batch", "create", "--price", "100000", "--min-rating", "4", "--per-worker-cap", "3"
        ),
        lambda: node.cli(
            "batch", "create", "--price", "100000", "--min-rating", "4", "--allow-forgeable-gate"
        ),
    )
    assert refused.code == 2, refused.stderr
    doc = refused.json()["error"]
    assert doc["type"] == "forgeable_gate" and doc["prize"] is None
    cost = doc["forge_cost"]
    payout = 100_000 - 5_000  # price − the 5% fee
    assert doc["safe_per_worker_cap"] == cost // payout
    for words in (
        f"{cost:,} lamports",
        "whole batch",
        "--per-worker-cap",
        "--allow-forgeable-gate",
    ):
        assert words in refused.error and words in text.error, (words, text.error)
    assert safe.code == 0 and allowed.code == 0, (safe.stderr, allowed.stderr)
    assert f"forging it costs {cost:,} lamports" in safe.stderr
    assert f"take {3 * payout:,} lamports" in safe.stderr and "FORGEABLE" not in safe.stderr
    assert "FORGEABLE (allowed)" in allowed.stderr and "the whole batch" in allowed.stderr
    info = node.ok(
        "batch", "create", "--price", "100000", "--min-rating", "4", "--per-worker-cap", "3"
    )
    gate = info["gate"]
    assert (gate["min_rating"], gate["forge_cost"], gate["prize"]) == (4_000, cost, 3 * payout)
    assert gate["forgeable"] is False and gate["ring"]["requesters"] >= 2
    ungated = node.ok("batch", "create", "--price", "100000")
    assert "gate" not in ungated
    # docs/cli.md quotes these very lines and keys.
    docs = " ".join((ROOT / "docs/cli.md").read_text().split())
    assert refused.error.removeprefix("error: ") in docs
    note = next(line for line in safe.stderr.splitlines() if line.startswith("gate "))
    assert f"({note})" in docs.replace("`", "")
    keys = ", ".join(f"`{k}`" for k in gate if k != "ring") + " and the `ring`"
    assert keys in docs.replace(" (null: uncapped)", "")
    assert ", ".join(f"`{k}`" for k in gate["ring"]) in docs
