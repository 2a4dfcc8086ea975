"""The protocol fee as the program charges it: rounded up, whole lamports, the
SDK's `fee_of` equal to the chain's `fee_per_item` (split from
test_create_batch.py, whose failure tests stay there)."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from amplify_sdk.errors import (
    PriceBelowFee,
)
from amplify_sdk.protocol._fee import DEFAULT_FEE_BPS, fee_of
from market import Market


async def test_fee_rounding_keeps_every_payment_whole(market: Market) -> None:
    # price 1 at 5%: a fee of 1 would leave the worker nothing.
    with pytest.raises(PriceBelowFee):
        await market.requester.create_batch(price=1)
    b = await market.requester.create_batch(price=2)
    assert (b.fee_per_item, b.payout) == (1, 1)


async def test_create_batch_refuses_a_price_its_fee_swallows_before_sending(
    market: Market,
) -> None:
    # The SDK's pre-check is the program's rule (docs/protocol.md: the fee is
    # the price at the config's rate rounded up, and must leave the worker
    # something): a price it fails is refused with the program's error
    # before anything is sent, not by a transaction that costs a fee.
    req = market.requester
    bps = (await req.get_config()).fee_bps
    prices = range(1, 41)
    swallowed = [p for p in prices if math.ceil(Fraction(p * bps, 10_000)) >= p]
    assert swallowed == [1]  # at 5%: only a one-lamport price
    for price in prices:
        receipts, balance = len(req.receipts), await req.balance()
        if price in swallowed:
            with pytest.raises(PriceBelowFee):
                await req.create_batch(price=price)
            assert len(req.receipts) == receipts, "a transaction was sent"
            assert await req.balance() == balance
        else:
            b = await req.create_batch(price=price, roster_capacity=1)
            assert b.payout == price - math.ceil(Fraction(price * bps, 10_000)) > 0


async def test_the_sdk_fee_is_what_the_program_charges(market: Market) -> None:
    # The SDK's one fee function (used by the pre-checks, the simulation and
    # the CLI) against the program's charge in real transactions, both against
    # the spec: 5% of the price, rounded up to a whole lamport.
    req = market.requester
    assert (await req.get_config()).fee_bps == DEFAULT_FEE_BPS == 500
    for price in (2, 19, 20, 21, 39, 41, 9_999, 10_001, 123_456_789, 2**50 + 1):
        spec = math.ceil(Fraction(price * 5, 100))
        b = await req.create_batch(price=price, bond=0, roster_capacity=1)
        assert (b.fee_per_item, fee_of(price, b.fee_bps)) == (spec, spec), price
        assert b.payout == price - spec
