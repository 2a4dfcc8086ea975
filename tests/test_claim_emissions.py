"""`claim_emissions()`: a worker mints the AMP its well-rated work earned,
whole assignments within the schedule's cap; and every way to pass it the
wrong accounts or data."""

from __future__ import annotations

import pytest
from governance import EMISSION, FULL_WEIGHT_PRICE, make_dao
from solders.keypair import Keypair

from adversarial import Attack
from amplify_sdk import TransactionError, WorkerClient, instructions
from amplify_sdk.clients._admin import AMP
from amplify_sdk.errors import (
    DuplicateAccount,
    InvalidAccountData,
    InvalidOwner,
    NothingToClaim,
    WrongMint,
    WrongWorker,
)
from amplify_sdk.protocol import config_pda, worker_profile_pda
from amplify_sdk.protocol._token import (
    associated_token_address,
    create_associated_token_account,
    token_balance,
)
from market import Market


@pytest.fixture
async def attack(market: Market) -> Attack:
    # Emission: 1,000 per full-weight rating of 4+ stars, cap 4,500.
    dao = await make_dao(market, [100 * AMP])
    b = await market.batch(n_items=3, price=FULL_WEIGHT_PRICE)
    w, idle = await market.worker(), await market.worker()
    await w.accept_tasks(b.address, range(3))
    await w.submit_results(b.address, [(i, b"\x01") for i in range(3)])
    await market.requester.rate_assignments(
        b.address, [(0, w.address, 5), (1, w.address, 4), (2, w.address, 3)]
    )
    payer = await market.other_requester()
    tokens = associated_token_address(w.address, dao.mint)
    idle_tokens = associated_token_address(idle.address, dao.mint)
    await payer.send(
        [
            create_associated_token_account(payer.address, w.address, dao.mint),
            create_associated_token_account(payer.address, idle.address, dao.mint),
        ]
    )
    ix = instructions.claim_emissions(w.address, tokens, dao.mint)
    scene = {"w": w, "idle": idle, "mint": dao.mint, "idle_tokens": idle_tokens}
    return Attack(market, ix, [w.wallet], payer, [worker_profile_pda(idle.address)[0]], scene)


async def test_claim_emissions_mints_per_well_rated_assignment(
    market: Market, attack: Attack
) -> None:
    await attack.expect_ok()
    acc = await market.backend.get_account(attack.key("worker_tokens"))
    assert acc is not None and token_balance(acc.data) == 2 * 1_000  # two ratings of 4+
    p = await attack.scene["w"].get_worker_profile(attack.scene["w"].address)
    assert (p.well_rated, p.emission_credit, p.emission_paid) == (2, 2_000, 2_000)
    await attack.refused(attack.ix, NothingToClaim)


async def test_fail_claim_emissions_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer (minting for a worker who did not ask).
    await attack.missing_signers()
    await attack.expect_ok()


async def test_fail_claim_emissions_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags.
    await attack.read_only()


async def test_fail_claim_emissions_with_substituted_programs(attack: Attack) -> None:
    # Bug class: substituted program (a fake token program would "mint" anything).
    await attack.substituted_programs()


async def test_fail_claim_emissions_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_claim_emissions_with_truncated_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (truncated).
    await attack.truncated_data()


async def test_fail_claim_emissions_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()


async def test_fail_claim_emissions_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_claim_emissions_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion.
    await attack.unknown_discriminators()


async def test_fail_claim_emissions_with_another_workers_profile(attack: Attack) -> None:
    # Bug class: substituted account of the right type (claiming another
    # worker's well-rated work), and a worker with nothing earned.
    idle = attack.scene["idle"]
    await attack.substituted([("profile", worker_profile_pda(idle.address)[0], WrongWorker)])
    nothing = instructions.claim_emissions(
        idle.address, attack.scene["idle_tokens"], attack.scene["mint"]
    )
    await attack.refused(nothing, NothingToClaim, [idle.wallet])


async def test_fail_claim_emissions_with_another_mint(market: Market, attack: Attack) -> None:
    # Bug class: substituted mint (emissions of a token governance does not govern).
    other = await market.admin.create_amp_mint()
    await attack.substituted([("amp_mint", other, WrongMint)])


async def test_fail_claim_emissions_with_a_fake_mint_authority(attack: Attack) -> None:
    # Bug class: fake PDA (the program signs only for its own mint authority).
    await attack.refused(
        attack.swap("mint_authority", Keypair().pubkey()),
        TransactionError,
        message="PrivilegeEscalation",
    )


async def test_fail_claim_emissions_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion.
    await attack.substituted(
        [
            ("profile", config_pda()[0], InvalidAccountData),
            ("governance", config_pda()[0], InvalidAccountData),
        ]
    )


async def test_fail_claim_emissions_with_accounts_of_another_owner(attack: Attack) -> None:
    # Bug class: wrong owner (a forged profile with many well-rated assignments).
    await attack.other_owner(["profile", "governance"], InvalidOwner)


async def test_fail_claim_emissions_with_the_same_account_in_two_roles(attack: Attack) -> None:
    # Bug class: duplicate accounts.
    await attack.twice(
        [
            ("governance", "profile", DuplicateAccount),
            ("profile", "governance", InvalidAccountData),
        ]
    )


async def rated_work(market: Market, price: int, n: int, stars: int = 5) -> WorkerClient:
    """A worker whose `n` items at `price` were done and rated `stars` by a
    requester of its own (another key: a self-dealing pair)."""
    requester = await market.other_requester()
    b = await market.batch(n_items=n, price=price, requester=requester)
    w = await market.worker()
    await w.accept_tasks(b.address, range(n))
    await w.submit_results(b.address, [(i, b"\x01") for i in range(n)])
    await requester.rate_assignments(b.address, [(i, w.address, stars) for i in range(n)])
    return w


async def test_fail_claim_emissions_with_a_farm_at_the_minimum_fee(market: Market) -> None:
    # Bug class: emission farm (minting the governance token for nothing).
    # Every rating of 4+ stars minted per_assignment AMP whatever fee it
    # paid: a self-dealing pair at price 2 (fee 1) minted 1 AMP per item,
    # about 184 lamports per AMP. Credit now follows the rating's weight.
    await make_dao(market, [100 * AMP])
    w = await rated_work(market, price=2, n=60)
    p = await w.get_worker_profile(w.address)
    assert (p.well_rated, p.emission_credit) == (60, 0)
    with pytest.raises(NothingToClaim):
        await w.claim_emissions()


async def test_emissions_follow_the_fee_each_rating_paid(market: Market) -> None:
    # Per rating: per_assignment x floor(1000 x min(fee, max_weight_per_rating)
    # / max_weight_per_rating) / 1000, from a requester at its neutral average.
    await make_dao(market, [100 * AMP])
    config = await market.admin.get_config()
    top = config.reputation.max_weight_per_rating
    per = EMISSION["per_assignment"]
    for price, n in ((100_000, 4), (FULL_WEIGHT_PRICE, 1)):
        fee = -(-price * config.fee_bps // 10_000)
        w = await rated_work(market, price=price, n=n)
        credit = n * (1_000 * min(fee, top) // top)
        p = await w.get_worker_profile(w.address)
        assert p.emission_credit == credit
        assert await w.claim_emissions() == credit * per // 1_000
    assert credit * per // 1_000 == per  # a full-weight rating: per_assignment
