"""`claim()`: a staker's share of the treasury's fees, in lamports, straight
from the treasury; and every way to pass it the wrong accounts or data."""

from __future__ import annotations

import pytest
from governance import RELEASE, earn_fees, make_dao
from solders.keypair import Keypair
from solders.pubkey import Pubkey

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

FEE = 5_000  # per item: 5% of 100,000


@pytest.fixture
async def attack(market: Market) -> Attack:
    dao = await make_dao(market, [100 * AMP, 100 * AMP])
    a, b = dao.voters
    await a.stake(60 * AMP)
    await earn_fees(market, 4)  # 4 fees of 5,000: all a's
    market.backend.warp(RELEASE)  # paid out in full to a, the sole staker
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
    # The sole staker while the four fees paid out: all of them, floored.
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


async def unswept_fees(market: Market, items: int) -> Pubkey:
    """A batch whose work is paid and whose fees (5,000 an item) sit in it, unswept."""
    b = await market.batch(n_items=items, salt=bytes(Keypair().pubkey())[:8])
    w = await market.worker()
    await w.accept_tasks(b.address, range(items))
    await w.submit_results(b.address, [(i, b"\x01") for i in range(items)])
    return b.address


async def test_fail_claim_with_a_flash_stake(market: Market) -> None:
    # Bug class: flash stake (reward theft by timing). `[stake, sweep_fees,
    # claim, unstake]` in one transaction collected the staker's share of fees
    # it never held stake for (999,999 of 2,000,000 at a 50% share).
    dao = await make_dao(market, [100 * AMP, 100 * AMP, 100 * AMP])
    honest, x, y = dao.voters
    await honest.stake(100 * AMP)
    market.backend.warp(3_600)  # the honest stake has been in place an hour
    batch = await unswept_fees(market, 40)
    fees = 40 * FEE
    x_tokens, y_tokens = await x.amp_tokens(), await y.amp_tokens()
    # The sequence, in one transaction: the claim finds nothing.
    flash = [
        instructions.stake(x.address, x_tokens, 100 * AMP),
        instructions.sweep_fees(batch),
        instructions.claim(x.address),
        instructions.unstake(x.address, x_tokens, 100 * AMP),
    ]
    with pytest.raises(NothingToClaim):
        await x.send(flash)
    # Without the claim it goes through, split over two keys: neither earned
    # a lamport (their stake was never in place while any time passed).
    await x.send(
        [
            instructions.stake(x.address, x_tokens, 100 * AMP),
            instructions.stake(y.address, y_tokens, 100 * AMP),
            instructions.sweep_fees(batch),
            instructions.unstake(x.address, x_tokens, 100 * AMP),
            instructions.unstake(y.address, y_tokens, 50 * AMP),
        ],
        [y.wallet],
    )
    assert (await x.stake_account()).pending == 0
    assert (await y.stake_account()).pending == 0
    # In separate transactions, no time passing between them: still nothing.
    # (A live node's clock moves a few seconds between two sends: y's stake
    # then earns at most those seconds of payout, which the honest staker
    # does not get.)
    late = fees * market.clock_slack // RELEASE + 1 if market.clock_slack else 0
    if late:
        assert await y.pending_rewards() <= late
    else:
        with pytest.raises(NothingToClaim):
            await y.claim()
    await y.unstake(50 * AMP)
    assert (await y.stake_account()).pending <= late
    # The honest staker, alone in place while they pay out, gets them all
    # (less a lamport of rounding: shares are floored); a third of the way
    # through, a third of them.
    third = RELEASE // 3
    market.backend.warp(third)
    share = fees * third // RELEASE
    assert share - 1 - late <= await honest.pending_rewards() <= share + late
    market.backend.warp(RELEASE)
    before = await market.backend.get_balance(honest.address)
    receipt = await honest.claim()
    got = await market.backend.get_balance(honest.address) - before + receipt.fee
    assert fees - 1 - late <= got <= fees


async def test_a_stake_earns_only_for_the_time_it_is_in_place(market: Market) -> None:
    # Bug class: flash stake, stretched (stake, sweep, wait a little, leave).
    # A fee pays out evenly over RELEASE seconds, each second's part over the
    # stake in place then: a stake that stays a quarter of it, beside an equal
    # honest one, earns an eighth of the fee; the honest one the rest.
    dao = await make_dao(market, [100 * AMP, 100 * AMP])
    honest, x = dao.voters
    await honest.stake(100 * AMP)
    batch = await unswept_fees(market, 40)
    fees = 40 * FEE
    x_tokens = await x.amp_tokens()
    await x.send(
        [instructions.stake(x.address, x_tokens, 100 * AMP), instructions.sweep_fees(batch)]
    )
    market.backend.warp(RELEASE // 4)
    await x.unstake(100 * AMP)
    earned = (await x.stake_account()).pending
    # On a live node the clock also moves between the warp and the unstake:
    # each such second pays x half of that second's part.
    late = fees * market.clock_slack // (2 * RELEASE)
    assert fees // 8 - 1 <= earned <= fees // 8 + late
    market.backend.warp(RELEASE)
    predicted = await honest.pending_rewards()  # the SDK's off-chain arithmetic
    before = await market.backend.get_balance(honest.address)
    receipt = await honest.claim()
    got = await market.backend.get_balance(honest.address) - before + receipt.fee
    # What x earned in those late seconds is the honest stake's loss.
    assert fees - fees // 8 - late - 2 <= got <= fees - fees // 8 + 1
    assert got + earned in range(fees - 2, fees + 1)  # nothing lost or made
    assert predicted == got
