"""`sweep_fees`: anyone moves a batch's accrued fees to the treasury, once."""

from __future__ import annotations

import pytest
from solders.keypair import Keypair

from adversarial import Attack
from amplify_sdk import instructions
from amplify_sdk.errors import DuplicateAccount, InvalidAccountData, InvalidOwner
from amplify_sdk.protocol import config_pda, treasury_pda
from market import Market


async def test_sweep_fees_moves_exactly_the_accrued_fees(market: Market) -> None:
    price = 12_345
    b = await market.batch(n_items=4, price=price)
    w = await market.worker()
    await w.accept_tasks(b.address, range(4))
    await w.submit_results(b.address, [(i, b"\x01") for i in range(4)])
    treasury = treasury_pda()[0]
    before = await market.backend.get_balance(treasury)
    stranger = await market.worker(register=False)
    await stranger.sweep_fees(b.address)
    fee = -(-price * 500 // 10_000)  # 617.25 -> 618
    assert await market.backend.get_balance(treasury) - before == 4 * fee
    t = await market.requester.get_treasury()
    assert t.total_collected == 4 * fee
    await stranger.sweep_fees(b.address)  # nothing left: a no-op
    assert await market.backend.get_balance(treasury) - before == 4 * fee
    await market.assert_escrow_invariant(b.address)


# -- adversarial ---------------------------------------------------------------


@pytest.fixture
async def attack(market: Market) -> Attack:
    b = await market.batch(n_items=3)
    w = await market.worker()
    await w.accept_tasks(b.address, range(3))
    await w.submit_results(b.address, [(i, b"\x01") for i in range(3)])
    payer = await market.other_requester()  # anyone sweeps
    return Attack(market, instructions.sweep_fees(b.address), [], payer, [], {"b": b})


async def test_fail_sweep_fees_with_a_destination_that_is_not_the_treasury(attack: Attack) -> None:
    # Bug class: substituted destination (fees swept to an account the
    # attacker controls, or to another program account).
    thief = Keypair().pubkey()
    await attack.market.backend.airdrop(thief, 10**9)
    await attack.substituted(
        [
            ("treasury", thief, InvalidOwner),
            ("treasury", config_pda()[0], InvalidAccountData),
            ("treasury", attack.market.table(attack.scene["b"]), InvalidAccountData),
        ]
    )
    await attack.expect_ok()


async def test_fail_sweep_fees_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion.
    await attack.substituted([("batch", config_pda()[0], InvalidAccountData)])


async def test_fail_sweep_fees_with_accounts_of_another_owner(attack: Attack) -> None:
    # Bug class: wrong owner (a forged batch "owing" fees, a forged treasury).
    await attack.other_owner(["batch", "treasury"], InvalidOwner)


async def test_fail_sweep_fees_with_the_same_account_in_two_roles(attack: Attack) -> None:
    # Bug class: duplicate accounts (the batch as its own treasury).
    await attack.twice(
        [("batch", "treasury", DuplicateAccount), ("treasury", "batch", InvalidAccountData)]
    )


async def test_fail_sweep_fees_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags (every account it writes, passed read-only).
    await attack.read_only()


async def test_fail_sweep_fees_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_sweep_fees_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()
    await attack.truncated_data()


async def test_fail_sweep_fees_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_sweep_fees_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion (another type's discriminator).
    await attack.unknown_discriminators()


async def test_fail_sweep_fees_with_a_closed_batch(market: Market, attack: Attack) -> None:
    # Bug class: use after close (the address of a closed batch holds nothing
    # the program owns; its fees went with the close).
    b = attack.scene["b"]
    await market.requester.close_batch(b.address)
    await attack.refused(attack.ix, InvalidOwner)
