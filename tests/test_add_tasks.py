"""`create_page` and `add_tasks`: bulk items, escrow, exactly-once uploads."""

from __future__ import annotations

import pytest
from solders.keypair import Keypair

from amplify_sdk import (
    AlreadyExists,
    BatchCancelled,
    EmptyTaskList,
    IndexMismatch,
    InsufficientDeposit,
    MissingSigner,
    PageFull,
    TransactionTooLargeError,
    Unauthorized,
    WrongPage,
    instructions,
    page_pda,
)
from conftest import report
from market import SOL, Market, item_hashes, swap


async def test_add_tasks_escrows_and_stores_hashes(market: Market) -> None:
    req = market.requester
    b = await req.create_batch(price=1_000, redundancy=3)
    hashes = item_hashes(300)
    before = await market.backend.get_balance(req.address)
    req.receipts.clear()
    assert await req.add_tasks(b.address, hashes) == 300
    b = await req.get_batch(b.address)
    assert (b.item_count, b.page_count, b.escrow) == (300, 2, 1_000 * 300 * 3)
    page0, page1 = await req.get_page(b.address, 0), await req.get_page(b.address, 1)
    assert [r.content_hash for r in page0.filled + page1.filled] == hashes
    assert (page0.count, page1.count) == (256, 44)
    await market.assert_escrow_invariant(b.address)
    # The requester paid the escrow, two pages' rent and the network fees: no more.
    spent = before - await market.backend.get_balance(req.address)
    pages_rent = await market.rent(page_pda(b.address, 0)[0]) * 2
    assert spent == 1_000 * 300 * 3 + pages_rent + sum(r.fee for r in req.receipts)
    sizes = [e.fields["count"] for r in req.receipts for e in r.events if e.name == "TasksAdded"]
    assert sum(sizes) == 300 and max(sizes) == 30
    report("add_tasks transactions for 300 items", len(sizes))


async def test_thirty_hashes_fit_one_transaction_and_thirty_one_do_not(market: Market) -> None:
    req = market.requester
    b = await req.create_batch(price=1)
    await req.fund_batch(b.address, 10**6)
    await req.send([instructions.create_page(req.address, b.address, 0)])
    with pytest.raises(TransactionTooLargeError):
        await req.send([instructions.add_tasks(req.address, b.address, 0, item_hashes(31))])
    receipt = await req.send([instructions.add_tasks(req.address, b.address, 0, item_hashes(30))])
    assert receipt.events[0].fields["count"] == 30


async def test_interrupted_upload_resumes_with_every_item_exactly_once(market: Market) -> None:
    req = market.requester
    b = await req.create_batch(price=10, redundancy=2)
    hashes = item_hashes(100)
    await req.add_tasks(b.address, hashes[:45])  # the "crash": only 45 landed
    assert await req.add_tasks(b.address, hashes) == 55
    assert await req.add_tasks(b.address, hashes) == 0  # a third run adds nothing
    page = await req.get_page(b.address, 0)
    assert [r.content_hash for r in page.filled] == hashes
    assert (await req.get_batch(b.address)).escrow == 10 * 100 * 2
    with pytest.raises(ValueError, match="differ"):
        await req.add_tasks(b.address, item_hashes(120, salt=b"other file"))


async def test_fail_add_tasks_with_replayed_start_index(market: Market) -> None:
    # Bug class: replay. Re-sending an add_tasks that already landed must not
    # append duplicates or take escrow twice.
    req = market.requester
    b = await market.batch(n_items=10)
    ix = instructions.add_tasks(req.address, b.address, 0, item_hashes(10))
    await req.fund_batch(b.address, 10**7)
    async with market.lamports(b.address) as lamports:
        with pytest.raises(IndexMismatch):
            await req.send([ix])
        await lamports.assert_unchanged()
    assert (await req.get_batch(b.address)).item_count == 10


async def test_fail_add_tasks_without_deposit(market: Market) -> None:
    req = market.requester
    b = await req.create_batch(price=1_000, redundancy=2)
    await req.send([instructions.create_page(req.address, b.address, 0)])
    await req.fund_batch(b.address, 1_000 * 2 * 3 - 1)  # one lamport short of 3 items
    with pytest.raises(InsufficientDeposit):
        await req.send([instructions.add_tasks(req.address, b.address, 0, item_hashes(3))])
    await req.send([instructions.add_tasks(req.address, b.address, 0, item_hashes(2))])


async def test_fail_add_tasks_by_another_signer(market: Market) -> None:
    # Bug class: wrong signer. A stranger appends items to someone's batch.
    b = await market.batch(n_items=1)
    stranger = Keypair()
    await market.backend.airdrop(stranger.pubkey(), SOL)
    ix = instructions.add_tasks(stranger.pubkey(), b.address, 1, item_hashes(1))
    with pytest.raises(Unauthorized):
        await market.requester.with_wallet(stranger).send([ix])
    unsigned = swap(
        instructions.add_tasks(market.requester.address, b.address, 1, item_hashes(1)),
        "requester",
        signer=False,
    )
    with pytest.raises(MissingSigner):
        await market.requester.with_wallet(stranger).send([unsigned])


async def test_fail_add_tasks_into_another_batchs_page(market: Market) -> None:
    # Bug class: account substitution (a page of another batch).
    req = market.requester
    a = await market.batch(n_items=1)
    b = await market.batch(n_items=1, salt=b"b")
    await req.fund_batch(a.address, 10**6)
    ix = instructions.add_tasks(req.address, a.address, 1, item_hashes(1, b"x"))
    with pytest.raises(WrongPage):
        await req.send([swap(ix, "page", page_pda(b.address, 0)[0])])


async def test_fail_add_tasks_past_the_end_of_a_page(market: Market) -> None:
    req = market.requester
    b = await market.batch(n_items=250)
    await req.fund_batch(b.address, 10**8)
    with pytest.raises(PageFull):
        await req.send([instructions.add_tasks(req.address, b.address, 250, item_hashes(7))])
    with pytest.raises(EmptyTaskList):
        await req.send([instructions.add_tasks(req.address, b.address, 250, [])])


async def test_fail_add_tasks_to_a_cancelled_batch(market: Market) -> None:
    b = await market.batch(n_items=1)
    await market.requester.cancel_batch(b.address)
    with pytest.raises(BatchCancelled):
        await market.requester.add_tasks(b.address, item_hashes(2))


async def test_fail_create_page_out_of_order_or_twice(market: Market) -> None:
    req = market.requester
    b = await req.create_batch(price=1)
    with pytest.raises(WrongPage):
        await req.send([instructions.create_page(req.address, b.address, 1)])
    await req.send([instructions.create_page(req.address, b.address, 0)])
    with pytest.raises((WrongPage, AlreadyExists)):
        await req.send([instructions.create_page(req.address, b.address, 0)])
