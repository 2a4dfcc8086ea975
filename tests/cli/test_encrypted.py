"""Encrypted batches through the CLI: `batch create --encrypted`, `batch
upload --encrypt` into a folder store (resumed: nothing sent twice), the key
agent (`agent run`) as a process delivering keys as a worker accepts,
`worker fetch` (keys from chain data, blobs checked, decrypted), and the
agent stopped like a service: SIGTERM, then a restarted agent by SIGINT,
exit 0 both times and every key delivered exactly once."""

from __future__ import annotations

import json
import signal
from collections import Counter
from pathlib import Path

from solders.pubkey import Pubkey

from amplify_sdk import Amplify
from amplify_sdk.chain._history import events

from .conftest import Background, Node, load, parallel

ITEMS = [f"secret post {i}: only its worker reads this" for i in range(6)]
TAKEN = [1, 4]


async def _accept(amp: Amplify, batch: str) -> None:
    w = amp.worker()
    await w.register()
    assert all(o.ok for o in await w.accept_tasks(Pubkey.from_string(batch), TAKEN))


async def _keys_delivered(amp: Amplify, batch: str) -> Counter[tuple[str, int]]:
    """How many times each (worker, item) got a key, from the batch's history."""
    found = await events(amp.backend, Pubkey.from_string(batch), {"KeysDelivered"})
    return Counter(
        (str(e.event.fields["worker"]), int(i)) for e in found for i in e.event.fields["items"]
    )


def test_encrypted_batch_with_the_key_agent(node: Node, tmp_path: Path) -> None:
    store, key = tmp_path / "store", tmp_path / "master.key"
    source = tmp_path / "items.jsonl"
    source.write_text("".join(json.dumps({"text": t, "label": "ok"}) + "\n" for t in ITEMS))
    made = node.ok(
        "batch", "create", "--price", "10000", "--encrypted", "--base-uri", store.as_uri() + "/"
    )
    batch = made["address"]
    requester = str(load(node.authority).pubkey())
    assert made["encrypted"] is True and made["key_agent"] == requester

    encrypt = ("--encrypt", "--store", store, "--master-key", key)
    up, plain, no_store = parallel(
        lambda: node.cli("batch", "upload", batch, source, *encrypt, "-o", "json"),
        lambda: node.cli("batch", "upload", batch, source),
        lambda: node.cli("batch", "upload", batch, source, "--encrypt"),
    )
    assert up.code == 0, up.stderr
    done = up.json()
    assert done["sent"] == len(ITEMS) and done["master_key_created"] is True
    assert key.stat().st_mode & 0o777 == 0o600
    assert plain.code == 2 and "is encrypted" in plain.error and "--encrypt" in plain.error
    assert no_store.code == 2 and "--store" in no_store.error
    # The store holds the ciphertexts and the manifest, no plaintext.
    stored = [p.read_bytes() for p in store.rglob("*") if p.is_file()]
    assert len(stored) == len(ITEMS) + 1
    assert not any(t.encode() in blob for t in ITEMS for blob in stored)

    agent = Background("agent", "run", batch, "--master-key", key, *node.options())
    worker = tmp_path / "worker.json"
    node.wallet(worker)
    again = node.ok("batch", "upload", batch, source, *encrypt)
    assert again["sent"] == 0 and again["already_on_chain"] == len(ITEMS)
    agent.wait_for("stderr", "ready")
    # Accepted while the agent follows the batch: the keys come from the live event.
    node.run(lambda amp: _accept(amp, batch), worker)

    out = tmp_path / "fetched"
    fetched, foreign = parallel(
        lambda: node.cli("worker", "fetch", batch, "--out", out, "-o", "json", keypair=worker),
        lambda: node.cli("worker", "fetch", batch, "--items", "2", "--wait", "1", keypair=worker),
    )
    assert fetched.code == 0, fetched.stderr
    got = fetched.json()["items"]
    assert [r["item"] for r in got] == TAKEN
    assert [r["text"] for r in got] == [ITEMS[i] for i in TAKEN]
    assert [(out / str(i)).read_text() for i in TAKEN] == [ITEMS[i] for i in TAKEN]
    assert foreign.code == 1 and "no key delivered for items [2]" in foreign.error

    address = str(load(worker).pubkey())
    line = agent.wait_for("stdout", "keys →")
    assert line.startswith(f"{len(TAKEN)} keys → {address}") and "items 1,4" in line
    assert agent.stop(signal.SIGTERM) == 0
    assert any("2 keys delivered" in line for line in agent.lines["stdout"])

    # A new agent serving every batch of this key agent: nothing is owed, nothing sent.
    restarted = Background("agent", "run", "--master-key", key, *node.options())
    assert "every encrypted batch naming" in restarted.wait_for("stderr", "ready")
    assert restarted.stop(signal.SIGINT) == 0
    assert restarted.lines["stdout"] == ["key agent stopped: 0 keys delivered in 0 transactions"]
    counts = node.run(lambda amp: _keys_delivered(amp, batch))
    assert counts == {(address, i): 1 for i in TAKEN}
