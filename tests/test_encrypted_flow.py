"""Encrypted batches end to end on the embedded backend: browse → accept →
key → fetch → verify → decrypt → answer → submit, what each party can and
cannot read, and each way of cheating refused with its error."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from nacl.public import PrivateKey
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.signature import Signature

from amplify_sdk import PROGRAM_ID, KeyAgent, instructions
from amplify_sdk.chain import TransactionDetails
from amplify_sdk.chain._history import events, signatures
from amplify_sdk.chain._tx import decode_events
from amplify_sdk.clients import content_hash, encrypt_items
from amplify_sdk.clients._encrypted import sealed_keys
from amplify_sdk.errors import (
    ContentMismatchError,
    DecryptionError,
    KeyNotFoundError,
    ManifestMismatchError,
    Unauthorized,
    WorkerCapReached,
)
from amplify_sdk.protocol import (
    decrypt_item,
    item_key,
    new_master_key,
    open_result,
    open_sealed_key,
    seal_result,
    x25519_from_signature,
    x25519_secret,
)
from amplify_sdk.protocol._codecs import events_from_logs
from amplify_sdk.protocol._crypto import ENCRYPTION_KEY_MESSAGE
from amplify_sdk.storage import BatchManifest, LocalStore, manifest_name, proof_name
from market import Market

N_ITEMS, N_WORKERS = 50, 5


def plaintext(i: int) -> bytes:
    return f"PLAINTEXT item {i:03d}: the secret content of this task".encode()


async def test_full_encrypted_flow(market: Market, tmp_path: Path) -> None:
    req = market.requester
    store = LocalStore(tmp_path / "store")
    master = new_master_key()
    b = await req.create_batch(price=100_000, encrypted=True, roster_capacity=8)
    items = [plaintext(i) for i in range(N_ITEMS)]
    manifest = await req.upload_encrypted(b.address, items, store, master)
    assert len(manifest.content_hashes) == N_ITEMS and manifest.encrypted
    # Resuming the same upload sends nothing and commits nothing new.
    sent = len(req.receipts)
    assert await req.upload_encrypted(b.address, items, store, master) == manifest
    assert len(req.receipts) == sent

    agent = KeyAgent(req, {b.address: master})
    workers = [await market.worker() for _ in range(N_WORKERS)]
    mine: dict[Pubkey, list[int]] = {}
    for n, w in enumerate(workers):
        open_items = await w.open_items(b.address)  # browse
        want = open_items[:10]
        assert want == list(range(n * 10, n * 10 + 10))
        assert all(o.ok for o in await w.accept_tasks(b.address, want))
        mine[w.address] = want
    assert await agent.catch_up() == N_ITEMS  # every acceptance gets its key

    for w in workers:
        got = await w.fetch_items(b.address, mine[w.address], store)
        assert got == [items[i] for i in mine[w.address]]
        # Every other item: no key of its own, and nobody else's key opens.
        others = [i for i in range(N_ITEMS) if i not in mine[w.address]]
        for i in others[:: len(others) // 8]:
            with pytest.raises(KeyNotFoundError):
                await w.fetch_item(b.address, i, store)
        secret = x25519_secret(w.wallet)
        for other in workers:
            if other is w:
                continue
            for i, sealed in (await sealed_keys(req.backend, b.address, other.address)).items():
                with pytest.raises(DecryptionError):
                    open_sealed_key(sealed, secret)
                own = await w.receive_keys(b.address, mine[w.address][:1])
                with pytest.raises(DecryptionError):
                    blob = await store.get(manifest.content_hashes[i])
                    decrypt_item(next(iter(own.values())), b.address, i, blob)
                break
        # Answer, sealed to the requester, and be paid.
        answers = [
            (i, seal_result(bytes([got[k][-1] % 5]), req.address))
            for k, i in enumerate(mine[w.address])
        ]
        assert all(o.ok for o in await w.submit_results(b.address, answers))

    # The requester reads every result from chain data and opens it.
    results = {}
    for found in await events(req.backend, b.address, {"ResultsSubmitted"}):
        f = found.event.fields
        width = len(f["answers"]) // len(f["items"])
        for k, i in enumerate(f["items"]):
            results[i] = open_result(bytes(f["answers"][k * width : (k + 1) * width]), req.wallet)
    assert results == {i: bytes([items[i][-1] % 5]) for i in range(N_ITEMS)}

    await _a_third_party_learns_nothing(market, b.address, store, items, master, workers)


async def _a_third_party_learns_nothing(
    market: Market,
    batch: Pubkey,
    store: LocalStore,
    items: list[bytes],
    master: bytes,
    workers: list[object],
) -> None:
    """Everything public: every account of the program and of the parties,
    every transaction (instruction data, logs, events) and every stored file."""
    backend = market.backend
    parties = [market.requester.address, batch, *(w.address for w in workers)]  # type: ignore[attr-defined]
    accounts = [a.data for a in await backend.get_program_accounts(PROGRAM_ID)]
    accounts += [a.data for a in await backend.get_multiple_accounts(parties) if a is not None]
    sigs: set[Signature] = set()
    for p in parties:
        sigs.update(await signatures(backend, p))
    txs = [await backend.get_transaction(s) for s in sigs]
    chain: list[bytes] = list(accounts)
    for tx in txs:
        assert tx is not None
        chain += [bytes(ix.data) for ix in tx.instructions]
        chain += [line.encode() for line in tx.logs]
        chain += [
            base64.b64decode(line.removeprefix("Program data: "))
            for line in tx.logs
            if line.startswith("Program data: ")
        ]
    blobs = [p.read_bytes() for p in store.root.rglob("*") if p.is_file()]
    everything = chain + blobs
    # (It does hold it all: every blob, the manifest, and each party's history.)
    assert len(blobs) == N_ITEMS + 1 and len(txs) > 3 * N_WORKERS
    keys = [item_key(master, batch, i) for i in range(len(items))]
    for secret in [*items, *keys, master]:
        assert not any(secret in blob for blob in everything)
    # With all it holds, no decryption works: every 32-byte string it saw as
    # a key, and its own X25519 key on every sealed key.
    candidates = {data[i : i + 32] for data in chain for i in range(0, max(len(data) - 31, 0), 4)}
    manifest = BatchManifest.from_json(await store.get_named(manifest_name(batch)))
    ciphertexts = [await store.get(h) for h in manifest.content_hashes]
    assert len(candidates) > 1000
    for i in (0, 17, 49):
        for key in candidates:
            with pytest.raises(DecryptionError):
                decrypt_item(key, batch, i, ciphertexts[i])
    outsider = PrivateKey.generate()
    for tx in txs:
        for e in tx.events if tx else []:
            for sealed in e.fields.get("sealed_keys", []):
                with pytest.raises(DecryptionError):
                    open_sealed_key(bytes(sealed), outsider)


async def test_tampered_and_swapped_blobs_are_refused(market: Market, tmp_path: Path) -> None:
    req, store, master = market.requester, LocalStore(tmp_path / "s"), new_master_key()
    b = await req.create_batch(price=100_000, encrypted=True)
    items = [plaintext(i) for i in range(4)]
    manifest = await req.upload_encrypted(b.address, items, store, master)
    w = await market.worker()
    await w.accept_tasks(b.address, [0, 1, 2])
    await KeyAgent(req, {b.address: master}).catch_up()
    path = [store._path(store.uri_of(h)) for h in manifest.content_hashes]
    blob = [p.read_bytes() for p in path]

    # A flipped byte in a stored blob.
    path[0].write_bytes(blob[0][:-1] + bytes([blob[0][-1] ^ 1]))
    with pytest.raises(ContentMismatchError):
        await w.fetch_item(b.address, 0, store)
    # Ciphertexts of items 1 and 2 swapped by the host.
    path[1].write_bytes(blob[2])
    path[2].write_bytes(blob[1])
    with pytest.raises(ContentMismatchError):
        await w.fetch_item(b.address, 1, store)
    # ... with the manifest rewritten to match: the chain's commitment refuses it.
    hashes = list(manifest.content_hashes)
    hashes[1], hashes[2] = hashes[2], hashes[1]
    forged = BatchManifest(b.address, manifest.uploads, tuple(hashes), encrypted=True)
    await store.put_named(manifest_name(b.address), forged.to_json())
    with pytest.raises(ManifestMismatchError):
        await w.fetch_item(b.address, 1, store)
    # ... and even a swap committed on chain: the cipher binds each item's index.
    keys = await w.receive_keys(b.address, [1, 2])
    with pytest.raises(DecryptionError):
        decrypt_item(keys[1], b.address, 1, blob[2])


# Plants a forged transaction in the embedded history.
@pytest.mark.embedded_only
async def test_keys_only_from_the_authority_and_our_program(market: Market) -> None:
    req = market.requester
    b = await market.batch(n_items=2, encrypted=True)
    w = await market.worker()
    await w.accept_tasks(b.address, [0])
    key = item_key(new_master_key(), b.address, 0)
    from amplify_sdk.protocol._crypto import seal_key

    sealed = seal_key(key, (await w.profile()).encryption_key)
    stranger = await market.other_requester()
    ix = instructions.deliver_keys(
        stranger.address, b.address, market.table(b), w.address, [0], [sealed]
    )
    with pytest.raises(Unauthorized):
        await stranger.send([ix])
    with pytest.raises(KeyNotFoundError):
        await w.receive_keys(b.address, [0])

    # A KeysDelivered event logged by another program is not ours: not decoded.
    real = instructions.deliver_keys(
        req.address, b.address, market.table(b), w.address, [0], [sealed]
    )
    payload = _event_payload(b.address, w.address, sealed)
    impostor = Keypair().pubkey()
    forged_logs = [
        f"Program {impostor} invoke [1]",
        f"Program data: {base64.b64encode(payload).decode()}",
        f"Program {impostor} success",
    ]
    assert decode_events(forged_logs, PROGRAM_ID) == []
    ours = [line.replace(str(impostor), str(PROGRAM_ID)) for line in forged_logs]
    # The payload is valid: only where it was logged made it ignored.
    assert [e.name for e in decode_events(ours, PROGRAM_ID)] == ["KeysDelivered"]
    market.backend.history.add(
        TransactionDetails(Signature.new_unique(), 1, 0, 5000, 0, None, [real], forged_logs, []),
        [impostor, b.address, w.address],
    )
    with pytest.raises(KeyNotFoundError):
        await w.receive_keys(b.address, [0])
    assert events_from_logs(forged_logs) == []


def _event_payload(batch: Pubkey, worker: Pubkey, sealed: bytes) -> bytes:
    from amplify_sdk.protocol import load_idl

    disc = load_idl().event_discriminators["KeysDelivered"]
    body = bytes(batch) + bytes(worker)
    body += (1).to_bytes(4, "little") + (0).to_bytes(4, "little")  # items: [0]
    body += (1).to_bytes(4, "little") + sealed  # sealed_keys: [sealed]
    body += (0).to_bytes(4, "little")  # refused: []
    return disc + body


async def test_the_cap_stops_a_worker_on_chain(market: Market, tmp_path: Path) -> None:
    req, master = market.requester, new_master_key()
    b = await req.create_batch(price=100_000, encrypted=True, per_worker_cap=3)
    await req.upload_encrypted(
        b.address, [plaintext(i) for i in range(6)], LocalStore(tmp_path), master
    )
    w = await market.worker()
    out = await w.accept_tasks(b.address, range(5))
    assert [o.ok for o in out] == [True] * 3 + [False] * 2
    assert all(isinstance(o.error, WorkerCapReached) for o in out[3:])
    await KeyAgent(req, {b.address: master}).catch_up()
    got = await w.fetch_items(b.address, [0, 1, 2], LocalStore(tmp_path))
    assert got == [plaintext(i) for i in range(3)]
    assert all(o.ok for o in await w.submit_results(b.address, [(i, b"\x01") for i in range(3)]))
    # Done with its three, still capped: the roster counts every item taken.
    again = await w.accept_tasks(b.address, [3, 4, 5])
    assert all(isinstance(o.error, WorkerCapReached) for o in again)
    entry = (await req.get_batch(b.address)).roster[0]
    assert entry.taken == 3 and entry.active == 0


async def test_an_interrupted_upload_resumes_from_chain_data(
    market: Market, tmp_path: Path
) -> None:
    req, store, master = market.requester, LocalStore(tmp_path / "s"), new_master_key()
    b = await req.create_batch(price=100_000, encrypted=True)
    items = [plaintext(i) for i in range(50)]
    # A first run stored 10 blobs and committed 30 items, then died before
    # saving its manifest.
    blobs = encrypt_items(b.address, items, master)
    await store.put_many(blobs[:10])
    await req.add_tasks(b.address, [content_hash(x) for x in blobs[:30]])
    manifest = await req.upload_encrypted(b.address, items, store, master, proofs=True)
    assert [(u.start, u.count) for u in manifest.uploads] == [(0, 30), (30, 20)]
    manifest.verify(await req.get_batch(b.address))
    w = await market.worker()
    await w.accept_tasks(b.address, [5, 45])
    await KeyAgent(req, {b.address: master}).catch_up()
    # Without the manifest, each item's own proof document suffices.
    store._named(manifest_name(b.address)).unlink()
    assert await w.fetch_items(b.address, [5, 45], store) == [items[5], items[45]]
    # A proof document for another item is refused.
    await store.put_named(proof_name(b.address, 5), manifest.proof(6).to_json())
    with pytest.raises(ManifestMismatchError):
        await w.fetch_item(b.address, 5, store)


async def test_a_separately_registered_encryption_key(market: Market, tmp_path: Path) -> None:
    """A browser wallet exposes no secret key: the worker registers an X25519
    key derived from its signature of a fixed message."""
    req, store, master = market.requester, LocalStore(tmp_path), new_master_key()
    b = await req.create_batch(price=100_000, encrypted=True)
    await req.upload_encrypted(b.address, [plaintext(0)], store, master)
    w = await market.worker(register=False)
    secret = x25519_from_signature(bytes(w.wallet.sign_message(ENCRYPTION_KEY_MESSAGE)))
    await w.register(bytes(secret.public_key))
    await w.accept_tasks(b.address, [0])
    await KeyAgent(req, {b.address: master}).catch_up()
    with pytest.raises(DecryptionError):
        await w.fetch_item(b.address, 0, store)  # the wallet-derived key is not the one registered
    assert await w.fetch_item(b.address, 0, store, secret=secret) == plaintext(0)
