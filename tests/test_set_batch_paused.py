"""`set_batch_paused`: the requester stops and resumes acceptances."""

from __future__ import annotations

import pytest
from solders.keypair import Keypair

from adversarial import Attack
from amplify_sdk import BatchStatus, instructions
from amplify_sdk.errors import (
    BatchCancelled,
    BatchPaused,
    InvalidAccountData,
    InvalidOwner,
    Unauthorized,
)
from amplify_sdk.protocol import config_pda
from market import Market


async def test_pause_stops_acceptances_not_payments(market: Market) -> None:
    b = await market.batch(n_items=3)
    w = await market.worker()
    await w.accept_tasks(b.address, [0])
    req = market.requester
    await req.set_batch_paused(b.address, True)
    assert [e.fields for e in req.last_receipt.events] == [  # type: ignore[union-attr]
        {"batch": b.address, "paused": True}
    ]
    assert (await req.get_batch(b.address)).status == BatchStatus.PAUSED
    with pytest.raises(BatchPaused):
        await w.accept_tasks(b.address, [1])
    assert (await w.submit_results(b.address, [(0, b"\x01")]))[0].ok
    await req.set_batch_paused(b.address, False)
    assert (await w.accept_tasks(b.address, [1]))[0].ok


# -- adversarial ---------------------------------------------------------------


@pytest.fixture
async def attack(market: Market) -> Attack:
    b = await market.batch(n_items=2)
    other = await market.batch(n_items=1, salt=b"other", requester=await market.other_requester())
    payer = await market.other_requester()
    ix = instructions.set_batch_paused(market.requester.address, b.address, True)
    return Attack(market, ix, [market.requester.wallet], payer, [], {"b": b, "other": other})


async def test_fail_set_batch_paused_with_another_signer(attack: Attack) -> None:
    # Bug class: missing authority (a stranger pausing someone's batch, and a
    # requester pausing another requester's).
    stranger = Keypair()
    await attack.market.backend.airdrop(stranger.pubkey(), 10**9)
    await attack.refused(attack.swap("requester", stranger.pubkey()), Unauthorized, [stranger])
    await attack.substituted([("batch", attack.scene["other"].address, Unauthorized)])
    await attack.expect_ok()


async def test_fail_set_batch_paused_with_a_cancelled_batch(market: Market, attack: Attack) -> None:
    # Bug class: state-machine bypass (un-pausing reopens a cancelled batch).
    await market.requester.cancel_batch(attack.key("batch"))
    await attack.refused(attack.ix, BatchCancelled)
    await attack.refused(attack.with_args(paused=False), BatchCancelled)


async def test_fail_set_batch_paused_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion.
    await attack.substituted(
        [
            ("batch", config_pda()[0], InvalidAccountData),
            ("batch", attack.market.table(attack.scene["b"]), InvalidAccountData),
        ]
    )


async def test_fail_set_batch_paused_with_accounts_of_another_owner(attack: Attack) -> None:
    # Bug class: wrong owner (a forged batch naming the attacker as requester).
    await attack.other_owner(["batch"], InvalidOwner)


async def test_fail_set_batch_paused_with_the_same_account_in_two_roles(attack: Attack) -> None:
    # Bug class: duplicate accounts.
    await attack.twice([("requester", "batch", InvalidOwner)])


async def test_fail_set_batch_paused_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer (an authority named but not signing).
    await attack.missing_signers()
    await attack.expect_ok()


async def test_fail_set_batch_paused_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags (every account it writes, passed read-only).
    await attack.read_only()


async def test_fail_set_batch_paused_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_set_batch_paused_with_truncated_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (truncated).
    await attack.truncated_data()


async def test_fail_set_batch_paused_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()


async def test_fail_set_batch_paused_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_set_batch_paused_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion (another type's discriminator).
    await attack.unknown_discriminators()
