"""`initialize_governance(params, emission)`: the admin hands the protocol to
AMP holders once the program's upgrade authority and the AMP mint's mint
authority are the program's PDAs; and every way to pass it the wrong
accounts or data."""

from __future__ import annotations

import pytest
from governance import EMISSION, PARAMS
from solders.keypair import Keypair

from adversarial import Attack, non_canonical_pda
from amplify_sdk import instructions
from amplify_sdk.errors import (
    DuplicateAccount,
    InvalidAccountData,
    InvalidOwner,
    InvalidParams,
    InvalidPda,
    InvalidProgramAccount,
    NotAuthorityOfProgram,
    Unauthorized,
    WrongMint,
)
from amplify_sdk.protocol import treasury_pda
from amplify_sdk.protocol._models import Governance
from amplify_sdk.protocol._pda import governance_pda, mint_authority_pda, program_data_pda
from amplify_sdk.protocol._token import TOKEN_PROGRAM_ID, set_mint_authority, set_upgrade_authority
from market import Market

EMISSION_ARGS = {**EMISSION, "_pad": bytes(7)}


async def scene(market: Market, upgrade: bool = True, mint: bool = True) -> Attack:
    admin = market.admin
    amp_mint = (await admin.get_config()).amp_mint
    handover = []
    if upgrade:
        handover.append(set_upgrade_authority(admin.address, governance_pda()[0]))
    if mint:
        handover.append(set_mint_authority(amp_mint, admin.address, mint_authority_pda()[0]))
    if handover:
        await admin.send(handover)
    ix = instructions.initialize_governance(admin.address, amp_mint, PARAMS, EMISSION)
    payer = await market.other_requester()
    return Attack(market, ix, [admin.wallet], payer, [program_data_pda()], {"mint": amp_mint})


@pytest.fixture
async def attack(market: Market) -> Attack:
    return await scene(market)


async def test_initialize_governance_makes_governance_the_admin(
    market: Market, attack: Attack
) -> None:
    await attack.expect_ok()
    assert (await market.admin.get_config()).admin == governance_pda()[0]
    g = await market.admin.fetch(Governance, governance_pda()[0])
    assert (g.total_staked, g.held, g.amp_mint) == (0, 0, attack.scene["mint"])
    assert (g.params.model_dump(), g.emission.model_dump()) == (PARAMS, EMISSION)
    # Once: the old admin is no admin any more.
    await attack.refused(attack.ix, Unauthorized)


async def test_fail_initialize_governance_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer.
    await attack.missing_signers()
    await attack.expect_ok()


async def test_fail_initialize_governance_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags.
    await attack.read_only()


async def test_fail_initialize_governance_with_substituted_programs(attack: Attack) -> None:
    # Bug class: substituted program (this program, the token program, the system program).
    await attack.substituted_programs()


async def test_fail_initialize_governance_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_initialize_governance_with_truncated_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (truncated).
    await attack.truncated_data()


async def test_fail_initialize_governance_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()


async def test_fail_initialize_governance_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_initialize_governance_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion.
    await attack.unknown_discriminators()


async def test_fail_initialize_governance_with_a_signer_other_than_the_admin(
    attack: Attack,
) -> None:
    # Bug class: missing authority (a stranger taking the protocol over).
    stranger = Keypair()
    await attack.market.backend.airdrop(stranger.pubkey(), 10**9)
    ix = attack.swap("admin", stranger.pubkey())
    await attack.refused(ix, Unauthorized, [stranger])


async def test_fail_initialize_governance_with_the_hand_over_not_done(market: Market) -> None:
    # Bug class: half a hand-over (the admin would keep the upgrade key, or
    # emissions could not be minted).
    attack = await scene(market, upgrade=False, mint=False)
    await attack.refused(attack.ix, NotAuthorityOfProgram)
    admin = market.admin
    await admin.send([set_upgrade_authority(admin.address, governance_pda()[0])])
    await attack.refused(attack.ix, WrongMint)


async def test_fail_initialize_governance_with_invalid_parameters(attack: Attack) -> None:
    # Bug class: out-of-range parameters (a governance that can never pass
    # anything, or passes anything).
    await attack.arguments(
        [
            ({"params": {**PARAMS, "voting_period_secs": 0}}, InvalidParams),
            ({"params": {**PARAMS, "execution_window_secs": 0}}, InvalidParams),
            ({"params": {**PARAMS, "quorum_bps": 10_001}}, InvalidParams),
            ({"params": {**PARAMS, "threshold_bps": 0}}, InvalidParams),
            ({"params": {**PARAMS, "threshold_bps": 10_001}}, InvalidParams),
            ({"params": {**PARAMS, "quorum_bps": 65_535}}, InvalidParams),
            ({"emission": {**EMISSION_ARGS, "min_stars": 6}}, InvalidParams),
            ({"emission": {**EMISSION_ARGS, "min_stars": 255}}, InvalidParams),
        ]
    )


async def test_fail_initialize_governance_with_another_mint(market: Market, attack: Attack) -> None:
    # Bug class: substituted mint.
    other = await market.admin.create_amp_mint()
    await attack.substituted([("amp_mint", other, WrongMint)])


async def test_fail_initialize_governance_with_fake_pdas(attack: Attack) -> None:
    # Bug class: fake PDA (a governance, vault or mint authority elsewhere).
    await attack.substituted(
        [
            ("governance", Keypair().pubkey(), InvalidPda),
            ("governance", non_canonical_pda([b"governance"]), InvalidPda),
            ("vault", Keypair().pubkey(), InvalidPda),
            ("vault", non_canonical_pda([b"vault"]), InvalidPda),
            ("mint_authority", Keypair().pubkey(), InvalidPda),
            ("mint_authority", governance_pda()[0], InvalidPda),
        ]
    )


async def test_fail_initialize_governance_with_another_programs_data(attack: Attack) -> None:
    # Bug class: forged deployer proof.
    await attack.substituted(
        [("program_data", program_data_pda(TOKEN_PROGRAM_ID), InvalidProgramAccount)]
    )


async def test_fail_initialize_governance_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion.
    await attack.substituted([("config", treasury_pda()[0], InvalidAccountData)])


async def test_fail_initialize_governance_with_accounts_of_another_owner(attack: Attack) -> None:
    # Bug class: wrong owner.
    await attack.other_owner(["config", "treasury"], InvalidOwner)


async def test_fail_initialize_governance_with_the_same_account_in_two_roles(
    attack: Attack,
) -> None:
    # Bug class: duplicate accounts.
    await attack.twice(
        [
            ("config", "treasury", DuplicateAccount),
            ("governance", "vault", InvalidPda),
            ("treasury", "config", InvalidAccountData),
        ]
    )
