"""`set_paused`: only the admin pauses the protocol."""

from __future__ import annotations

import pytest

from amplify_sdk import MissingSigner, Unauthorized, instructions
from market import Market, swap


async def test_set_paused_by_the_admin(market: Market) -> None:
    await market.admin.set_paused(True)
    assert (await market.admin.get_config()).paused is True
    assert [e.fields for e in market.admin.last_receipt.events] == [  # type: ignore[union-attr]
        {"paused": True}
    ]
    await market.admin.set_paused(False)
    assert (await market.admin.get_config()).paused is False


async def test_fail_set_paused_by_anyone_else(market: Market) -> None:
    stranger = await market.other_requester()
    with pytest.raises(Unauthorized):
        await stranger.send([instructions.set_paused(stranger.address, True)])
    forged = swap(instructions.set_paused(market.admin.address, True), "admin", signer=False)
    with pytest.raises(MissingSigner):
        await stranger.send([forged])
    assert (await market.admin.get_config()).paused is False
