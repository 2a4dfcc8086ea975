"""`set_reputation_params(params)`: the admin (until governance) changes the
reputation formula's parameters within their bounds; and every way to pass
it the wrong accounts or data."""

from __future__ import annotations

import pytest
from solders.keypair import Keypair

from adversarial import Attack
from amplify_sdk import instructions
from amplify_sdk.errors import InvalidAccountData, InvalidOwner, InvalidParams, Unauthorized
from amplify_sdk.protocol import treasury_pda
from market import Market

PARAMS = {
    "prior_mean": 3_000,
    "neutral": 3_500,
    "distinct_cap": 3,
    "prior_weight": 5_000_000,
    "horizon": 20_000_000,
    "requester_horizon": 10_000_000,
    "max_weight_per_rating": 50_000,
    "max_weight_per_requester": 1_000_000,
    "qualifying_weight": 100_000,
}
U64 = 2**64 - 1


@pytest.fixture
async def attack(market: Market) -> Attack:
    payer = await market.other_requester()
    ix = instructions.set_reputation_params(market.admin.address, PARAMS)
    return Attack(market, ix, [market.admin.wallet], payer)


async def test_set_reputation_params_writes_them(market: Market, attack: Attack) -> None:
    await attack.expect_ok()
    got = (await market.admin.get_config()).reputation.model_dump()
    assert {k: got[k] for k in PARAMS} == PARAMS


async def test_fail_set_reputation_params_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer.
    await attack.missing_signers()
    await attack.expect_ok()


async def test_fail_set_reputation_params_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags.
    await attack.read_only()


async def test_fail_set_reputation_params_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_set_reputation_params_with_truncated_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (truncated).
    await attack.truncated_data()


async def test_fail_set_reputation_params_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()


async def test_fail_set_reputation_params_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_set_reputation_params_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion.
    await attack.unknown_discriminators()


async def test_fail_set_reputation_params_with_a_signer_other_than_the_admin(
    attack: Attack,
) -> None:
    # Bug class: missing authority.
    stranger = Keypair()
    await attack.market.backend.airdrop(stranger.pubkey(), 10**9)
    await attack.refused(attack.swap("admin", stranger.pubkey()), Unauthorized, [stranger])


@pytest.mark.parametrize(
    "bad",
    [
        {"prior_mean": 999},
        {"prior_mean": 5_001},
        {"prior_mean": 65_535},
        {"neutral": 0},
        {"neutral": 5_001},
        {"distinct_cap": 0},
        {"distinct_cap": 9},
        {"distinct_cap": 255},
        {"prior_weight": 0},
        {"prior_weight": 10**12 + 1},
        {"prior_weight": U64},
        {"horizon": 0},
        {"horizon": 25_000_001},
        {"horizon": U64},
        {"requester_horizon": 0},
        {"requester_horizon": U64},
        {"max_weight_per_rating": 0},
        {"max_weight_per_rating": 10_000_001},  # above the requester horizon
        {"max_weight_per_rating": U64},
        {"max_weight_per_requester": 0},
        {"max_weight_per_requester": 2**32},
        {"max_weight_per_requester": U64},
        {"qualifying_weight": 0},
    ],
    ids=lambda bad: "-".join(f"{k}={v}" for k, v in bad.items()),
)
async def test_fail_set_reputation_params_with_out_of_bounds_values(
    attack: Attack, bad: dict[str, int]
) -> None:
    # Bug class: out-of-range parameters (u64 extremes would overflow the formula).
    await attack.refused(
        instructions.set_reputation_params(attack.key("admin"), {**PARAMS, **bad}), InvalidParams
    )


async def test_set_reputation_params_accepts_its_bounds(attack: Attack) -> None:
    edges = {
        "prior_mean": 5_000,
        "neutral": 1_000,
        "distinct_cap": 8,
        "prior_weight": 10**12,
        "horizon": 25_000_000,
        "requester_horizon": 25_000_000,
        "max_weight_per_rating": 25_000_000,
        "max_weight_per_requester": 2**32 - 1,
        "qualifying_weight": U64,
    }
    await attack.expect_ok(instructions.set_reputation_params(attack.key("admin"), edges))


async def test_fail_set_reputation_params_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion.
    await attack.substituted([("config", treasury_pda()[0], InvalidAccountData)])


async def test_fail_set_reputation_params_with_accounts_of_another_owner(attack: Attack) -> None:
    # Bug class: wrong owner (a forged config naming the attacker as admin).
    await attack.other_owner(["config"], InvalidOwner)


async def test_fail_set_reputation_params_with_the_same_account_in_two_roles(
    attack: Attack,
) -> None:
    # Bug class: duplicate accounts.
    await attack.twice([("admin", "config", InvalidOwner)])
