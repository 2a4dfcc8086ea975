"""`create_skill`: an issuer's skill, at its PDA, held by nobody yet."""

from __future__ import annotations

import pytest
from solders.keypair import Keypair

from adversarial import Attack
from amplify_sdk import instructions
from amplify_sdk.clients._skills import skill_name_bytes
from amplify_sdk.errors import AlreadyExists, InvalidArgumentError, InvalidPda
from amplify_sdk.protocol import Skill, config_pda, skill_pda
from market import Market


async def test_create_skill_starts_empty_with_the_issuer_as_authority(market: Market) -> None:
    issuer = await market.other_requester()
    skill = await issuer.create_skill("verified medical annotator", skill_id=7)
    assert skill.address == skill_pda(issuer.address, 7)[0]
    assert (skill.issuer, skill.authority) == (issuer.address, issuer.address)
    assert (skill.skill_id, skill.epoch, skill.worker_count) == (7, 0, 0)
    assert skill.root == bytes(20) and skill.name == "verified medical annotator"
    acc = await market.backend.get_account(skill.address)
    assert acc is not None and len(acc.data) == 8 + 456
    # The issuer pays its rent, once per skill however many workers hold it.
    assert acc.lamports == await market.backend.minimum_balance(len(acc.data))


async def test_fail_create_skill_with_a_name_too_long(market: Market) -> None:
    # Bug class: unchecked input (a name past the 32 bytes the account holds).
    with pytest.raises(InvalidArgumentError):
        skill_name_bytes("x" * 33)
    assert skill_name_bytes("é" * 16) == "é".encode() * 16


@pytest.fixture
async def attack(market: Market) -> Attack:
    issuer = await market.other_requester()
    ix = instructions.create_skill(issuer.address, 1, skill_name_bytes("s"))
    payer = await market.other_requester()
    return Attack(market, ix, [issuer.wallet], payer, [], {"issuer": issuer})


async def test_fail_create_skill_with_an_existing_skill(attack: Attack) -> None:
    # Bug class: re-initialisation (overwriting a skill's root and authority).
    await attack.expect_ok()
    await attack.refused(attack.ix, AlreadyExists)
    await attack.refused(attack.with_args(name=skill_name_bytes("other")), AlreadyExists)


async def test_fail_create_skill_with_a_fake_pda(attack: Attack) -> None:
    # Bug class: fake PDA (a skill at an address its seeds do not give, or
    # under another issuer's seeds).
    other = Keypair().pubkey()
    await attack.substituted(
        [
            ("skill", skill_pda(other, 1)[0], InvalidPda),
            ("skill", skill_pda(attack.key("issuer"), 2)[0], InvalidPda),
            ("skill", Keypair().pubkey(), InvalidPda),
        ]
    )


async def test_fail_create_skill_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion (an existing program account as the new skill).
    await attack.substituted([("skill", config_pda()[0], AlreadyExists)])


async def test_fail_create_skill_with_the_same_account_in_two_roles(attack: Attack) -> None:
    # Bug class: duplicate accounts.
    await attack.twice([("issuer", "skill", InvalidPda)])


async def test_fail_create_skill_with_a_skill_taken_by_a_prefunded_address(
    attack: Attack,
) -> None:
    # Bug class: denial by prefunding (lamports sent to the address first).
    backend = attack.market.backend
    await backend.airdrop(attack.key("skill"), await backend.minimum_balance(0))
    await attack.expect_ok()
    s = await attack.scene["issuer"].fetch(Skill, attack.key("skill"))
    assert s.epoch == 0


async def test_fail_create_skill_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer.
    await attack.missing_signers()
    await attack.expect_ok()


async def test_fail_create_skill_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags.
    await attack.read_only()


async def test_fail_create_skill_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_create_skill_with_truncated_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (truncated).
    await attack.truncated_data()


async def test_fail_create_skill_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()


async def test_fail_create_skill_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_create_skill_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion.
    await attack.unknown_discriminators()


async def test_fail_create_skill_with_substituted_programs(attack: Attack) -> None:
    # Bug class: fake system program.
    await attack.substituted_programs()
