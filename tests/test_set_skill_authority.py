"""`set_skill_authority`: the authority hands the skill on."""

from __future__ import annotations

from pathlib import Path

import pytest
from solders.keypair import Keypair

from adversarial import Attack
from amplify_sdk import instructions
from amplify_sdk.errors import InvalidAccountData, InvalidOwner, Unauthorized
from amplify_sdk.protocol import config_pda
from amplify_sdk.storage import LocalStore
from market import Market


async def test_set_skill_authority_hands_the_skill_on(market: Market, tmp_path: Path) -> None:
    issuer = await market.other_requester()
    agency = await market.other_requester()
    skill = await issuer.create_skill("s")
    await issuer.set_skill_authority(skill.address, agency.address)
    s = await agency.get_skill(skill.address)
    assert (s.issuer, s.authority) == (issuer.address, agency.address)
    w = Keypair().pubkey()
    s = await agency.set_skill(skill.address, {w: 60}, LocalStore(tmp_path))
    assert s.worker_count == 1
    with pytest.raises(Unauthorized):
        await issuer.set_skill(skill.address, {w: 0}, LocalStore(tmp_path))


@pytest.fixture
async def attack(market: Market) -> Attack:
    issuer = await market.other_requester()
    skill = await issuer.create_skill("s")
    ix = instructions.set_skill_authority(issuer.address, skill.address, Keypair().pubkey())
    other = await (await market.other_requester()).create_skill("other")
    return Attack(market, ix, [issuer.wallet], market.requester, [], {"other": other})


async def test_fail_set_skill_authority_with_another_signer(attack: Attack) -> None:
    # Bug class: missing authority (taking over someone's skill).
    stranger = Keypair()
    await attack.market.backend.airdrop(stranger.pubkey(), 10**9)
    await attack.refused(attack.swap("authority", stranger.pubkey()), Unauthorized, [stranger])
    await attack.substituted([("skill", attack.scene["other"].address, Unauthorized)])
    await attack.expect_ok()


async def test_fail_set_skill_authority_with_the_old_authority(attack: Attack) -> None:
    # Bug class: stale authority (the key it was handed from keeps no power).
    await attack.expect_ok()
    await attack.refused(attack.ix, Unauthorized)


async def test_fail_set_skill_authority_with_accounts_of_another_owner(attack: Attack) -> None:
    # Bug class: wrong owner.
    await attack.other_owner(["skill"], InvalidOwner)


async def test_fail_set_skill_authority_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion.
    await attack.substituted([("skill", config_pda()[0], InvalidAccountData)])


async def test_fail_set_skill_authority_with_the_same_account_in_two_roles(
    attack: Attack,
) -> None:
    # Bug class: duplicate accounts.
    await attack.twice([("authority", "skill", InvalidOwner)])


async def test_fail_set_skill_authority_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer.
    await attack.missing_signers()
    await attack.expect_ok()


async def test_fail_set_skill_authority_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags.
    await attack.read_only()


async def test_fail_set_skill_authority_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_set_skill_authority_with_truncated_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (truncated).
    await attack.truncated_data()


async def test_fail_set_skill_authority_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()


async def test_fail_set_skill_authority_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_set_skill_authority_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion.
    await attack.unknown_discriminators()
