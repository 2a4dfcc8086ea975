"""`register_requester()`: the signer's requester profile (its rating habits),
numbered from the config's counter, once; and every way to pass it the
wrong accounts or data."""

from __future__ import annotations

import pytest
from solders.keypair import Keypair

from adversarial import Attack, non_canonical_pda
from amplify_sdk import RequesterProfile, instructions
from amplify_sdk.errors import AlreadyExists, InvalidAccountData, InvalidOwner, InvalidPda
from amplify_sdk.protocol import config_pda, requester_profile_pda, treasury_pda
from market import Market


@pytest.fixture
async def attack(market: Market) -> Attack:
    await market.requester.register_requester()  # id 1 taken
    newcomer = await market.other_requester()
    payer = await market.other_requester()
    ix = instructions.register_requester(newcomer.address)
    return Attack(market, ix, [newcomer.wallet], payer, [], {"newcomer": newcomer})


async def test_register_requester_numbers_profiles(market: Market, attack: Attack) -> None:
    newcomer = attack.scene["newcomer"]
    before = await attack.snapshot([newcomer.address])
    await attack.expect_ok()
    p = await newcomer.fetch(RequesterProfile, requester_profile_pda(newcomer.address)[0])
    assert (p.id, p.requester, p.weight, p.stars_sum) == (2, newcomer.address, 0, 0)
    assert (await newcomer.get_config()).requester_count == 2
    rent = await market.rent(p.address)
    assert before[newcomer.address][0] - await newcomer.balance() == rent
    await attack.refused(attack.ix, AlreadyExists)


async def test_fail_register_requester_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer (a profile created, and paid for, in someone's name).
    await attack.missing_signers()
    await attack.expect_ok()


async def test_fail_register_requester_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags.
    await attack.read_only()


async def test_fail_register_requester_with_substituted_programs(attack: Attack) -> None:
    # Bug class: substituted program (the system program creates the profile).
    await attack.substituted_programs()


async def test_fail_register_requester_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_register_requester_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes; it takes none).
    await attack.extended_data()
    await attack.truncated_data()


async def test_fail_register_requester_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_register_requester_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion.
    await attack.unknown_discriminators()


async def test_fail_register_requester_with_the_profile_at_another_address(
    market: Market, attack: Attack
) -> None:
    # Bug class: fake PDA (another requester's seeds, other seeds, a
    # non-canonical bump, any address).
    newcomer = attack.key("requester")
    await attack.substituted(
        [
            ("profile", requester_profile_pda(Keypair().pubkey())[0], InvalidPda),
            ("profile", Keypair().pubkey(), InvalidPda),
            ("profile", non_canonical_pda([b"requester", bytes(newcomer)]), InvalidPda),
            ("profile", requester_profile_pda(market.requester.address)[0], AlreadyExists),
        ]
    )


async def test_fail_register_requester_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion.
    await attack.substituted([("config", treasury_pda()[0], InvalidAccountData)])


async def test_fail_register_requester_with_accounts_of_another_owner(attack: Attack) -> None:
    # Bug class: wrong owner.
    await attack.other_owner(["config"], InvalidOwner)


async def test_fail_register_requester_with_the_same_account_in_two_roles(
    attack: Attack,
) -> None:
    # Bug class: duplicate accounts.
    await attack.twice(
        [
            ("config", "profile", AlreadyExists),
            ("requester", "profile", InvalidPda),
            ("requester", "config", InvalidOwner),
        ]
    )
    assert attack.key("config") == config_pda()[0]


async def test_fail_register_requester_with_a_profile_that_exists(attack: Attack) -> None:
    # Bug class: re-initialization (a second profile would wipe its habits
    # and take a new id).
    await attack.expect_ok()
    await attack.refused(attack.ix, AlreadyExists)
