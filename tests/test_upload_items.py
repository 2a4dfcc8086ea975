"""A plain batch's items in a store (`RequesterClient.upload_items`) and
fetched by any worker (`WorkerClient.fetch_items`), every blob checked
against the chain's commitment; what a dishonest storage host can do is
refused with its error."""

from __future__ import annotations

from pathlib import Path

import pytest

from amplify_sdk.clients import content_hash
from amplify_sdk.errors import ContentMismatchError, ManifestMismatchError
from amplify_sdk.storage import BatchManifest, LocalStore, manifest_name
from market import Market


def post(i: int) -> bytes:
    return f"post {i}: is it ok?".encode()


async def test_plain_items_stored_fetched_and_checked(market: Market, tmp_path: Path) -> None:
    req, store = market.requester, LocalStore(tmp_path / "s")
    b = await req.create_batch(price=100_000)
    items = [post(i) for i in range(12)]
    manifest = await req.upload_items(b.address, items, store)
    on_chain = await req.get_batch(b.address)
    assert on_chain.item_count == len(items) and not on_chain.encrypted
    assert list(manifest.content_hashes) == [content_hash(x) for x in items]
    # Any worker reads any item: a plain batch's items are public.
    w = await market.worker()
    assert await w.fetch_items(b.address, list(range(12)), store) == items
    # The same call again sends nothing and keeps the same commitment.
    again = await req.upload_items(b.address, items, store)
    assert again.uploads == manifest.uploads
    assert (await req.get_batch(b.address)).item_count == len(items)


async def test_upload_items_refuses_an_encrypted_batch(market: Market, tmp_path: Path) -> None:
    # Bug class: plaintext hashes on chain for an encrypted batch (anyone
    # could confirm a guess of an item).
    b = await market.requester.create_batch(price=100_000, encrypted=True)
    with pytest.raises(ValueError, match="upload_encrypted"):
        await market.requester.upload_items(b.address, [post(0)], LocalStore(tmp_path))
    assert (await market.requester.get_batch(b.address)).item_count == 0


async def test_a_dishonest_store_is_caught(market: Market, tmp_path: Path) -> None:
    # Bug class: a storage host serving other bytes than the chain commits.
    req, store = market.requester, LocalStore(tmp_path / "s")
    b = await req.create_batch(price=100_000)
    items = [post(i) for i in range(4)]
    manifest = await req.upload_items(b.address, items, store)
    w = await market.worker()
    path = [store._path(store.uri_of(h)) for h in manifest.content_hashes]
    # A changed item.
    path[0].write_bytes(b"post 0: buy cheap watches")
    with pytest.raises(ContentMismatchError):
        await w.fetch_item(b.address, 0, store)
    # Two items swapped, and the manifest rewritten to match.
    path[1].write_bytes(items[2])
    path[2].write_bytes(items[1])
    hashes = list(manifest.content_hashes)
    hashes[1], hashes[2] = hashes[2], hashes[1]
    forged = BatchManifest(b.address, manifest.uploads, tuple(hashes))
    await store.put_named(manifest_name(b.address), forged.to_json())
    with pytest.raises(ManifestMismatchError):
        await w.fetch_item(b.address, 1, store)
    # With the honest manifest back, an untouched item reads.
    await store.put_named(manifest_name(b.address), manifest.to_json())
    assert await w.fetch_item(b.address, 3, store) == items[3]
