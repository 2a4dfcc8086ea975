"""`claim()`: a staker's share of the treasury's fees, in lamports, straight
from the treasury; and every way to pass it the wrong accounts or data."""

from __future__ import annotations

import pytest
from governance import earn_fees, make_dao
from solders.keypair import Keypair

from adversarial import Attack
from amplify_sdk import instructions
from amplify_sdk.clients._admin import AMP
from amplify_sdk.errors import (
    DuplicateAccount,
    InvalidAccountData,
    InvalidOwner,
    NothingToClaim,
    Unauthorized,
)
from amplify_sdk.protocol import config_pda, treasury_pda
from amplify_sdk.protocol._pda import stake_pda
from market import Market


@pytest.fixture
async def attack(market: Market) -> Attack:
    dao = await make_dao(market, [100 * AMP, 100 * AMP])
    a, b = dao.voters
    await a.stake(60 * AMP)
    await earn_fees(market, 4)  # 4 fees of 5,000: all a's
    await b.stake(20 * AMP)  # after the fees: nothing to claim yet
    payer = await market.other_requester()
    ix = instructions.claim(a.address)
    return Attack(market, ix, [a.wallet], payer, [stake_pda(b.address)[0]], {"a": a, "b": b})


async def test_claim_pays_the_share_from_the_treasury(market: Market, attack: Attack) -> None:
    a = attack.scene["a"]
    treasury = treasury_pda()[0]
    before = await attack.snapshot([a.address, treasury])
    receipt_count = len(attack.payer.receipts)
    await attack.expect_ok()
    # One transaction succeeded (before it, `expect_ok` sends refused ones).
    assert [r.failed for r in attack.payer.receipts[receipt_count:]][-1:] == [False]
    assert sum(not r.failed for r in attack.payer.receipts[receipt_count:]) == 1
    after = await attack.snapshot([a.address, treasury])
    paid = after[a.address][0] - before[a.address][0]
    # The sole staker when the four fees arrived: all of them, floored.
    assert 4 * 5_000 - 1 <= paid <= 4 * 5_000
    assert before[treasury][0] - after[treasury][0] == paid
    assert (await a.stake_account()).claimed == paid


async def test_fail_claim_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer.
    await attack.missing_signers()
    await attack.expect_ok()


async def test_fail_claim_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags.
    await attack.read_only()


async def test_fail_claim_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_claim_with_truncated_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (truncated).
    await attack.truncated_data()


async def test_fail_claim_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()


async def test_fail_claim_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_claim_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion.
    await attack.unknown_discriminators()


async def test_fail_claim_with_another_owners_rewards(attack: Attack) -> None:
    # Bug class: substituted account of the right type: claiming the rewards
    # of another stake account (paid to the signer).
    thief = Keypair()
    await attack.market.backend.airdrop(thief.pubkey(), 10**9)
    forged = attack.swap("owner", thief.pubkey())
    await attack.refused(forged, Unauthorized, [thief], "stranger with a's stake account")
    await attack.substituted([("stake_account", attack.watch[0], Unauthorized)])
    await attack.expect_ok()


async def test_fail_claim_with_nothing_to_claim(attack: Attack) -> None:
    # Bug class: empty payout (a claim that moves nothing must not pass).
    b = attack.scene["b"]
    await attack.refused(instructions.claim(b.address), NothingToClaim, [b.wallet])
    await attack.expect_ok()
    await attack.refused(attack.ix, NothingToClaim)  # claimed once: nothing left


async def test_fail_claim_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion.
    await attack.substituted(
        [
            ("stake_account", config_pda()[0], InvalidAccountData),
            ("governance", treasury_pda()[0], InvalidAccountData),
            ("treasury", config_pda()[0], InvalidAccountData),
        ]
    )


async def test_fail_claim_with_accounts_of_another_owner(attack: Attack) -> None:
    # Bug class: wrong owner (a forged treasury would pay from nowhere).
    await attack.other_owner(["stake_account", "governance", "treasury"], InvalidOwner)


async def test_fail_claim_with_the_same_account_in_two_roles(attack: Attack) -> None:
    # Bug class: duplicate accounts.
    await attack.twice(
        [
            ("governance", "stake_account", DuplicateAccount),
            ("governance", "treasury", DuplicateAccount),
            ("stake_account", "treasury", DuplicateAccount),
            # The treasury in the governance role is read first: not a Governance.
            ("treasury", "governance", InvalidAccountData),
        ]
    )
