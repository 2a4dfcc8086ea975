"""`create_batch`: parameters, fee snapshot, and the ways to get it wrong."""

from __future__ import annotations

import pytest
from solders.keypair import Keypair

from amplify_sdk import (
    AlreadyExists,
    BatchStatus,
    InvalidAccountData,
    InvalidExpiry,
    InvalidMinRating,
    InvalidPda,
    InvalidPrice,
    InvalidRedundancy,
    InvalidReservation,
    MissingSigner,
    ProgramError,
    ProtocolPaused,
    UriTooLong,
    batch_pda,
    instructions,
    treasury_pda,
)
from conftest import report
from market import SOL, Market, swap


async def _ix(market: Market, batch_id: int, **overrides: object) -> object:
    args: dict[str, object] = {
        "price": 1_000,
        "redundancy": 1,
        "min_rating": 0,
        "per_worker_cap": 0,
        "reservation_secs": 60,
        "expires_at": await market.requester.now() + 3600,
        "encrypted": False,
        "instructions_hash": bytes(32),
        "base_uri": "",
    }
    args.update(overrides)
    return instructions.create_batch(market.requester.address, batch_id, **args)  # type: ignore[arg-type]


async def test_create_batch_records_parameters_and_snapshots_the_fee(market: Market) -> None:
    req = market.requester
    now = await req.now()
    b = await req.create_batch(
        price=123_457,
        redundancy=3,
        min_rating=3_500,
        per_worker_cap=7,
        reservation_secs=900,
        expires_at=now + 86_400,
        encrypted=True,
        instructions_hash=b"\x07" * 32,
        base_uri="ipfs://bafy/",
        batch_id=42,
    )
    report("create_batch CU", req.last_receipt.compute_units if req.last_receipt else None)
    assert b.address == batch_pda(req.address, 42)[0]
    assert (b.price, b.redundancy, b.min_rating, b.per_worker_cap) == (123_457, 3, 3_500, 7)
    assert (b.reservation_secs, b.expires_at, b.encrypted) == (900, now + 86_400, True)
    assert (b.instructions_hash, b.base_uri) == (b"\x07" * 32, "ipfs://bafy/")
    assert b.status == BatchStatus.OPEN and b.requester == req.address
    assert b.fee_bps == 500 and b.fee_per_item == 123_457 * 500 // 10_000 == 6_172
    assert b.payout + b.fee_per_item == b.price
    assert (b.item_count, b.escrow, b.page_count) == (0, 0, 0)
    assert b.batch_number == 0
    second = await req.create_batch(price=1, batch_id=43)
    assert second.batch_number == 1 and (await req.get_config()).batch_count == 2
    event = req.last_receipt.events[0] if req.last_receipt else None
    assert event is not None and event.name == "BatchCreated"
    assert event.fields["batch"] == second.address and event.fields["fee_bps"] == 500


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"price": 0}, InvalidPrice),
        ({"redundancy": 0}, InvalidRedundancy),
        ({"min_rating": 5_001}, InvalidMinRating),
        ({"reservation_secs": 0}, InvalidReservation),
        ({"base_uri": "x" * 201}, UriTooLong),
    ],
    ids=["zero-price", "zero-redundancy", "rating-above-5-stars", "zero-reservation", "long-uri"],
)
async def test_fail_create_batch_with_bad_parameters(
    market: Market, overrides: dict[str, object], error: type[ProgramError]
) -> None:
    req = market.requester
    async with market.lamports(req.address) as lamports:
        with pytest.raises(error):
            await req.send([await _ix(market, 1, **overrides)])  # type: ignore[list-item]
        await lamports.assert_unchanged(fee_payer=req.address)
    assert await market.backend.get_account(batch_pda(req.address, 1)[0]) is None


async def test_fail_create_batch_with_expiry_in_the_past(market: Market) -> None:
    now = await market.requester.now()
    with pytest.raises(InvalidExpiry):
        await market.requester.send([await _ix(market, 1, expires_at=now)])  # type: ignore[list-item]


async def test_fail_create_batch_twice_with_the_same_id(market: Market) -> None:
    await market.requester.create_batch(price=10, batch_id=9)
    with pytest.raises(AlreadyExists):
        await market.requester.create_batch(price=20, batch_id=9)
    assert (await market.requester.get_batch(batch_pda(market.requester.address, 9)[0])).price == 10


async def test_fail_create_batch_when_protocol_paused(market: Market) -> None:
    await market.requester.set_paused(True)
    with pytest.raises(ProtocolPaused):
        await market.requester.create_batch(price=10)
    await market.requester.set_paused(False)
    await market.requester.create_batch(price=10)


async def test_fail_create_batch_with_unsigned_requester(market: Market) -> None:
    # Bug class: missing signer. Someone creates a batch in another wallet's name.
    victim = Keypair()
    await market.backend.airdrop(victim.pubkey(), SOL)
    ix = instructions.create_batch(
        victim.pubkey(),
        5,
        price=1,
        redundancy=1,
        min_rating=0,
        per_worker_cap=0,
        reservation_secs=60,
        expires_at=await market.requester.now() + 60,
        encrypted=False,
        instructions_hash=bytes(32),
        base_uri="",
    )
    with pytest.raises(MissingSigner):
        await market.requester.send([swap(ix, "requester", signer=False)])


async def test_fail_create_batch_with_fake_pda(market: Market) -> None:
    # Bug class: fake PDA (a batch address not derived from requester + id).
    ix = await _ix(market, 1)
    wrong = batch_pda(market.requester.address, 2)[0]
    with pytest.raises(InvalidPda):
        await market.requester.send([swap(ix, "batch", wrong)])  # type: ignore[arg-type]


async def test_fail_create_batch_with_substituted_config(market: Market) -> None:
    # Bug class: account substitution. The treasury is program-owned but not a Config.
    ix = await _ix(market, 1)
    with pytest.raises(InvalidAccountData):
        await market.requester.send([swap(ix, "config", treasury_pda()[0])])  # type: ignore[arg-type]
