"""`stake(amount)`: AMP from the owner's token account into the vault, the
stake account created the first time; and every way to pass it the wrong
accounts or data."""

from __future__ import annotations

import pytest
from governance import earn_fees, make_dao
from solders.pubkey import Pubkey

from adversarial import Attack, non_canonical_pda
from amplify_sdk import PROGRAM_ID, TransactionError, instructions
from amplify_sdk.clients._admin import AMP
from amplify_sdk.errors import (
    DuplicateAccount,
    InsufficientStake,
    InvalidAccountData,
    InvalidOwner,
    InvalidPda,
    Unauthorized,
)
from amplify_sdk.protocol import config_pda, treasury_pda
from amplify_sdk.protocol._pda import governance_pda, stake_pda, vault_pda
from amplify_sdk.protocol._token import associated_token_address
from market import Market

#: SPL Token's own errors, as a failed transfer CPI reports them.
TOKEN_INSUFFICIENT_FUNDS, TOKEN_OWNER_MISMATCH = 1, 4


@pytest.fixture
async def attack(market: Market) -> Attack:
    await earn_fees(market, 3)  # a treasury with fees in it
    dao = await make_dao(market, [100 * AMP, 100 * AMP])
    a, b = dao.voters
    await b.stake(30 * AMP)  # another staker, with its own stake account
    ix = instructions.stake(a.address, await a.amp_tokens(), 10 * AMP)
    payer = await market.other_requester()
    scene = {"other": b, "other_tokens": await b.amp_tokens()}
    return Attack(market, ix, [a.wallet], payer, [stake_pda(b.address)[0]], scene)


async def test_stake_moves_tokens_and_counts_them(market: Market, attack: Attack) -> None:
    dao_voter = attack.signers[0].pubkey()
    vault = vault_pda()[0]
    before = await attack.snapshot([vault, attack.key("owner_tokens")])
    await attack.expect_ok()
    after = await attack.snapshot([vault, attack.key("owner_tokens")])
    amount = 10 * AMP
    assert int.from_bytes(after[vault][2][64:72], "little") == (
        int.from_bytes(before[vault][2][64:72], "little") + amount
    )
    assert int.from_bytes(after[attack.key("owner_tokens")][2][64:72], "little") == 90 * AMP
    acc = await market.backend.get_account(stake_pda(dao_voter)[0])
    assert acc is not None and acc.owner == PROGRAM_ID


async def test_fail_stake_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer. The owner is named but does not sign.
    await attack.missing_signers()
    await attack.expect_ok()


async def test_fail_stake_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags. Every account the instruction writes, read-only.
    await attack.read_only()


async def test_fail_stake_with_substituted_programs(attack: Attack) -> None:
    # Bug class: substituted program (a CPI target the attacker chose).
    await attack.substituted_programs()


async def test_fail_stake_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_stake_with_truncated_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (truncated).
    await attack.truncated_data()


async def test_fail_stake_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()


async def test_fail_stake_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_stake_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion (another type's discriminator).
    await attack.unknown_discriminators()


async def test_fail_stake_with_another_owners_stake_account(market: Market, attack: Attack) -> None:
    # Bug class: substituted account of the right type (another staker's).
    await attack.substituted([("stake_account", attack.watch[0], Unauthorized)])
    await attack.expect_ok()


async def test_fail_stake_with_fake_stake_pdas(attack: Attack) -> None:
    # Bug class: fake PDA. An address off the seeds, the seeds of another
    # role, and the owner's seeds with a non-canonical bump.
    owner = attack.key("owner")
    await attack.substituted(
        [
            ("stake_account", Pubkey.find_program_address([b"stake"], PROGRAM_ID)[0], InvalidPda),
            ("stake_account", stake_pda(Pubkey.default())[0], InvalidPda),
            ("stake_account", non_canonical_pda([b"stake", bytes(owner)]), InvalidPda),
        ]
    )


async def test_fail_stake_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion (a program account of another type).
    await attack.substituted(
        [
            ("stake_account", config_pda()[0], InvalidAccountData),
            ("governance", treasury_pda()[0], InvalidAccountData),
            ("treasury", config_pda()[0], InvalidAccountData),
        ]
    )


async def test_fail_stake_with_accounts_of_another_owner(attack: Attack) -> None:
    # Bug class: wrong owner. Copies of the real accounts owned by another program.
    await attack.other_owner(["governance", "treasury"], InvalidOwner)


async def test_fail_stake_with_a_vault_that_is_not_the_governance_vault(
    market: Market, attack: Attack
) -> None:
    # Bug class: substituted token account (tokens sent where governance cannot
    # count or return them).
    g = governance_pda()[0]
    mint = (await market.admin.get_config()).amp_mint
    await attack.substituted(
        [
            ("vault", attack.key("owner_tokens"), InvalidPda),
            ("vault", associated_token_address(g, mint), InvalidPda),
        ]
    )


async def test_fail_stake_with_tokens_it_does_not_own(attack: Attack) -> None:
    # Bug class: spending another holder's tokens. Only a token account's owner
    # can move its tokens: the token program refuses the transfer.
    await attack.refused(
        attack.swap("owner_tokens", attack.scene["other_tokens"]),
        TransactionError,
        code=TOKEN_OWNER_MISMATCH,
    )
    await attack.refused(
        attack.swap("owner_tokens", vault_pda()[0]), TransactionError, code=TOKEN_OWNER_MISMATCH
    )


async def test_fail_stake_with_the_same_account_in_two_roles(attack: Attack) -> None:
    # Bug class: duplicate accounts (aliasing of mutable data).
    await attack.twice(
        [
            ("governance", "stake_account", DuplicateAccount),
            ("governance", "treasury", DuplicateAccount),
        ]
    )


async def test_fail_stake_with_extreme_amounts(attack: Attack) -> None:
    # Bug class: integer extremes.
    await attack.arguments([({"amount": 0}, InsufficientStake)])
    await attack.refused(
        attack.with_args(amount=2**64 - 1), TransactionError, code=TOKEN_INSUFFICIENT_FUNDS
    )
    await attack.refused(
        attack.with_args(amount=100 * AMP + 1), TransactionError, code=TOKEN_INSUFFICIENT_FUNDS
    )
    await attack.expect_ok(attack.with_args(amount=100 * AMP))
