"""`register_worker`: a worker's one rent-bearing account, with its X25519 key."""

from __future__ import annotations

import nacl.bindings
import pytest
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from adversarial import Attack, non_canonical_pda
from amplify_sdk import (
    PROGRAM_ID,
    AlreadyExists,
    InvalidPda,
    MissingSigner,
    config_pda,
    instructions,
    treasury_pda,
    worker_profile_pda,
)
from market import SIGNATURE_FEE, Market, swap


async def test_register_worker_creates_the_profile(market: Market) -> None:
    w = await market.worker(register=False)
    before = await w.balance()
    p = await w.register()
    assert p.address == worker_profile_pda(w.address)[0] and p.worker == w.address
    # The X25519 key is the wallet's ed25519 key converted (libsodium's mapping).
    expected = nacl.bindings.crypto_sign_ed25519_pk_to_curve25519(bytes(w.address))
    assert p.encryption_key == expected
    assert (p.rating, p.rating_count, p.score_sum, p.weight) == (0, 0, 0, 0)
    rent = await market.rent(p.address)
    assert before - await w.balance() == rent + SIGNATURE_FEE
    with pytest.raises(AlreadyExists):
        await w.register()


async def test_fail_register_worker_with_forged_accounts(market: Market) -> None:
    # Bug class: missing signer and fake PDA.
    w = await market.worker(register=False)
    other = Keypair().pubkey()
    # Bug class: missing signer (registering someone else's profile).
    forged = swap(instructions.register_worker(other, bytes(32)), "worker", signer=False)
    with pytest.raises(MissingSigner):
        await w.send([forged])
    # Bug class: fake PDA (another worker's profile address for this signer).
    ix = swap(
        instructions.register_worker(w.address, bytes(32)), "profile", worker_profile_pda(other)[0]
    )
    with pytest.raises(InvalidPda):
        await w.send([ix])


# -- adversarial ---------------------------------------------------------------


@pytest.fixture
async def attack(market: Market) -> Attack:
    w = await market.worker(register=False)
    await market.worker()  # someone registered already
    payer = await market.other_requester()
    ix = instructions.register_worker(w.address, bytes(range(32)))
    return Attack(market, ix, [w.wallet], payer, [], {"w": w})


async def test_fail_register_worker_with_a_profile_that_exists(attack: Attack) -> None:
    # Bug class: re-initialization (a second profile would reset its rating).
    await attack.expect_ok()
    await attack.refused(attack.with_args(encryption_key=bytes(32)), AlreadyExists)


async def test_fail_register_worker_with_the_profile_at_another_address(attack: Attack) -> None:
    # Bug class: fake PDA (another worker's seeds, other seeds, a non-canonical
    # bump, any address, an existing account).
    w = attack.key("worker")
    await attack.substituted(
        [
            ("profile", worker_profile_pda(Keypair().pubkey())[0], InvalidPda),
            ("profile", Pubkey.find_program_address([b"worker"], PROGRAM_ID)[0], InvalidPda),
            ("profile", non_canonical_pda([b"worker", bytes(w)]), InvalidPda),
            ("profile", Keypair().pubkey(), InvalidPda),
            ("profile", config_pda()[0], AlreadyExists),
        ]
    )


async def test_fail_register_worker_with_the_same_account_in_two_roles(attack: Attack) -> None:
    # Bug class: duplicate accounts (the wallet as its own profile).
    await attack.twice([("worker", "profile", InvalidPda)])


async def test_fail_register_worker_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer (an authority named but not signing).
    await attack.missing_signers()
    await attack.expect_ok()


async def test_fail_register_worker_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags (every account it writes, passed read-only).
    await attack.read_only()


async def test_fail_register_worker_with_substituted_programs(attack: Attack) -> None:
    # Bug class: substituted program or sysvar (a CPI target or clock the attacker chose).
    await attack.substituted_programs()


async def test_fail_register_worker_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_register_worker_with_truncated_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (truncated).
    await attack.truncated_data()


async def test_fail_register_worker_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()


async def test_fail_register_worker_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_register_worker_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion (another type's discriminator).
    await attack.unknown_discriminators()


async def test_fail_register_worker_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion (a live program account of another type where
    # the new profile goes: never overwritten).
    await attack.substituted(
        [("profile", config_pda()[0], AlreadyExists), ("profile", treasury_pda()[0], AlreadyExists)]
    )
