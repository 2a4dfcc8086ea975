"""`register_worker`: a worker's one rent-bearing account, with its X25519 key."""

from __future__ import annotations

import nacl.bindings
import pytest
from solders.keypair import Keypair

from amplify_sdk import (
    AlreadyExists,
    InvalidPda,
    MissingSigner,
    instructions,
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


async def test_fail_register_worker_forged(market: Market) -> None:
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
