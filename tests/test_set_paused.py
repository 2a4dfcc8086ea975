"""`set_paused`: only the admin pauses the protocol."""

from __future__ import annotations

import pytest
from governance import make_dao
from solders.keypair import Keypair

from adversarial import Attack
from amplify_sdk import instructions
from amplify_sdk.errors import InvalidAccountData, InvalidOwner, Unauthorized
from amplify_sdk.protocol import treasury_pda
from market import Market


async def test_set_paused_by_the_admin(market: Market) -> None:
    await market.admin.set_paused(True)
    assert (await market.admin.get_config()).paused is True
    assert [e.fields for e in market.admin.last_receipt.events] == [  # type: ignore[union-attr]
        {"paused": True}
    ]
    await market.admin.set_paused(False)
    assert (await market.admin.get_config()).paused is False


# -- adversarial ---------------------------------------------------------------


@pytest.fixture
async def attack(market: Market) -> Attack:
    payer = await market.other_requester()
    ix = instructions.set_paused(market.admin.address, True)
    return Attack(market, ix, [market.admin.wallet], payer)


async def test_fail_set_paused_with_another_signer(attack: Attack) -> None:
    # Bug class: missing authority (a stranger signing as the admin).
    stranger = Keypair()
    await attack.market.backend.airdrop(stranger.pubkey(), 10**9)
    await attack.refused(attack.swap("admin", stranger.pubkey()), Unauthorized, [stranger])
    await attack.expect_ok()


async def test_fail_set_paused_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion (the treasury where the config goes).
    await attack.substituted([("config", treasury_pda()[0], InvalidAccountData)])


async def test_fail_set_paused_with_accounts_of_another_owner(attack: Attack) -> None:
    # Bug class: wrong owner (a forged config naming the attacker as admin).
    await attack.other_owner(["config"], InvalidOwner)


async def test_fail_set_paused_with_the_same_account_in_two_roles(attack: Attack) -> None:
    # Bug class: duplicate accounts.
    await attack.twice([("admin", "config", InvalidOwner)])


async def test_fail_set_paused_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer (an authority named but not signing).
    await attack.missing_signers()
    await attack.expect_ok()


async def test_fail_set_paused_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags (every account it writes, passed read-only).
    await attack.read_only()


async def test_fail_set_paused_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_set_paused_with_truncated_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (truncated).
    await attack.truncated_data()


async def test_fail_set_paused_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()


async def test_fail_set_paused_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_set_paused_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion (another type's discriminator).
    await attack.unknown_discriminators()


async def test_fail_set_paused_with_the_admin_handed_to_governance(
    market: Market, attack: Attack
) -> None:
    # Bug class: stale authority (the admin key after governance took over).
    await make_dao(market, [])
    await attack.refused(attack.ix, Unauthorized)
    await attack.refused(attack.with_args(paused=False), Unauthorized)
