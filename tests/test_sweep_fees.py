"""`sweep_fees`: anyone moves a batch's accrued fees to the treasury, once."""

from __future__ import annotations

import pytest

from amplify_sdk import InvalidAccountData, instructions, treasury_pda
from market import Market, swap


async def test_sweep_fees_moves_exactly_the_accrued_fees(market: Market) -> None:
    price = 12_345
    b = await market.batch(n_items=4, price=price)
    w = await market.worker()
    await w.accept_tasks(b.address, range(4))
    await w.submit_results(b.address, [(i, b"\x01") for i in range(4)])
    treasury = treasury_pda()[0]
    before = await market.backend.get_balance(treasury)
    stranger = await market.worker(register=False)
    await stranger.sweep_fees(b.address)
    fee = -(-price * 500 // 10_000)  # 617.25 -> 618
    assert await market.backend.get_balance(treasury) - before == 4 * fee
    t = await market.requester.get_treasury()
    assert t.total_collected == 4 * fee
    await stranger.sweep_fees(b.address)  # nothing left: a no-op
    assert await market.backend.get_balance(treasury) - before == 4 * fee
    await market.assert_escrow_invariant(b.address)


async def test_fail_sweep_fees_into_another_account(market: Market) -> None:
    b = await market.batch(n_items=1)
    # Bug class: substituted destination. A program account that is not the treasury.
    ix = swap(instructions.sweep_fees(b.address), "treasury", market.table(b))
    with pytest.raises(InvalidAccountData):
        await market.requester.send([ix])
