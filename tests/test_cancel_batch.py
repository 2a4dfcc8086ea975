"""`cancel_batch`: refunds every open slot and any uncommitted deposit at once;
reserved slots stay payable."""

from __future__ import annotations

import pytest
from solders.keypair import Keypair

from adversarial import Attack
from amplify_sdk import BatchStatus, instructions
from amplify_sdk.errors import BatchCancelled, InvalidAccountData, InvalidOwner, Unauthorized
from amplify_sdk.protocol import config_pda
from market import SIGNATURE_FEE, Market


async def test_cancel_batch_refunds_open_slots_only(market: Market) -> None:
    price, bond, redundancy, n = 20_000, 1_000, 2, 5
    b = await market.batch(n_items=n, price=price, bond=bond, redundancy=redundancy)
    w = await market.worker()
    await w.accept_tasks(b.address, [0, 1, 2])
    await w.submit_results(b.address, [(0, b"\x01")])
    req = market.requester
    before = await req.balance()
    await req.cancel_batch(b.address)
    assert req.last_receipt is not None and req.last_receipt.fee == SIGNATURE_FEE
    fee = SIGNATURE_FEE  # one signature (the receipt says so too)
    # 10 slots: 1 completed, 2 reserved, 7 open -> 7 refunded.
    assert await req.balance() - before == 7 * price - fee
    b = await req.get_batch(b.address)
    assert b.status == BatchStatus.CANCELLED and b.cancelled_slots == 7
    assert b.cancelled_at == await req.now()
    (event,) = [e for e in req.last_receipt.events if e.name == "BatchCancelled"]  # type: ignore[union-attr]
    assert event.fields == {"batch": b.address, "slots": 7, "refunded": 7 * price}
    # Reserved work is still paid.
    out = await w.submit_results(b.address, [(1, b"\x01"), (2, b"\x01")])
    assert all(o.ok for o in out)
    await market.assert_escrow_invariant(b.address)
    with pytest.raises(BatchCancelled):
        await req.cancel_batch(b.address)


async def test_cancel_batch_returns_an_uncommitted_deposit(market: Market) -> None:
    b = await market.batch(n_items=2, price=1_000)
    await market.backend.airdrop(b.address, 12_345)
    before = await market.requester.balance()
    await market.requester.cancel_batch(b.address)
    assert (
        market.requester.last_receipt is not None
        and market.requester.last_receipt.fee == SIGNATURE_FEE
    )
    fee = SIGNATURE_FEE  # one signature (the receipt says so too)
    assert await market.requester.balance() - before == 2 * 1_000 + 12_345 - fee


# -- adversarial ---------------------------------------------------------------


@pytest.fixture
async def attack(market: Market) -> Attack:
    b = await market.batch(n_items=4, redundancy=2)
    w = await market.worker()
    await w.accept_tasks(b.address, [0])
    other = await market.batch(n_items=1, salt=b"other", requester=await market.other_requester())
    payer = await market.other_requester()
    ix = instructions.cancel_batch(market.requester.address, b.address)
    return Attack(
        market, ix, [market.requester.wallet], payer, [w.address], {"b": b, "other": other}
    )


async def test_fail_cancel_batch_with_another_signer(attack: Attack) -> None:
    # Bug class: missing authority (refunds sent to whoever cancels).
    stranger = Keypair()
    await attack.market.backend.airdrop(stranger.pubkey(), 10**9)
    await attack.refused(attack.swap("requester", stranger.pubkey()), Unauthorized, [stranger])
    await attack.substituted([("batch", attack.scene["other"].address, Unauthorized)])
    await attack.expect_ok()


async def test_fail_cancel_batch_with_a_second_cancel(attack: Attack) -> None:
    # Bug class: replay (a second refund of the same slots).
    await attack.expect_ok()
    await attack.refused(attack.ix, BatchCancelled)


async def test_fail_cancel_batch_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion.
    await attack.substituted(
        [
            ("batch", config_pda()[0], InvalidAccountData),
            ("batch", attack.market.table(attack.scene["b"]), InvalidAccountData),
        ]
    )


async def test_fail_cancel_batch_with_accounts_of_another_owner(attack: Attack) -> None:
    # Bug class: wrong owner (a forged batch whose lamports are not escrow).
    await attack.other_owner(["batch"], InvalidOwner)


async def test_fail_cancel_batch_with_the_same_account_in_two_roles(attack: Attack) -> None:
    # Bug class: duplicate accounts.
    await attack.twice([("requester", "batch", InvalidOwner)])


async def test_fail_cancel_batch_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer (an authority named but not signing).
    await attack.missing_signers()
    await attack.expect_ok()


async def test_fail_cancel_batch_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags (every account it writes, passed read-only).
    await attack.read_only()


async def test_fail_cancel_batch_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_cancel_batch_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()
    await attack.truncated_data()


async def test_fail_cancel_batch_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_cancel_batch_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion (another type's discriminator).
    await attack.unknown_discriminators()
