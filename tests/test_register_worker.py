"""`register_worker`: a worker's one rent-bearing account, with its X25519 key."""

from __future__ import annotations

import functools
import os

import nacl.bindings
import pytest
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from adversarial import Attack, non_canonical_pda
from amplify_sdk import PROGRAM_ID, instructions
from amplify_sdk.errors import AlreadyExists, InvalidEncryptionKey, InvalidPda, MissingSigner
from amplify_sdk.protocol import config_pda, treasury_pda, worker_profile_pda
from amplify_sdk.protocol._crypto import sealable
from market import SIGNATURE_FEE, Market, swap

#: A key a sealed box can be addressed to (any point not of low order).
KEY = bytes(range(32))


# -- the keys no sealed box can be addressed to, from the curve itself ------------------

P = 2**255 - 19
A = 486662  # Curve25519: v^2 = u^3 + A u^2 + u
Poly = list[int]  # coefficients mod P, lowest degree first


def _trim(a: Poly) -> Poly:
    while a and a[-1] == 0:
        a = a[:-1]
    return a


def _add(a: Poly, b: Poly) -> Poly:
    n = max(len(a), len(b))
    return _trim(
        [((a[i] if i < len(a) else 0) + (b[i] if i < len(b) else 0)) % P for i in range(n)]
    )


def _mul(a: Poly, b: Poly) -> Poly:
    out = [0] * (len(a) + len(b) - 1) if a and b else []
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            out[i + j] = (out[i + j] + x * y) % P
    return _trim(out)


def _divmod(a: Poly, m: Poly) -> tuple[Poly, Poly]:
    a, inv = list(a), pow(m[-1], -1, P)
    q = [0] * max(len(a) - len(m) + 1, 0)
    while len(a) >= len(m):
        c, shift = a[-1] * inv % P, len(a) - len(m)
        q[shift] = c
        for i, x in enumerate(m):
            a[shift + i] = (a[shift + i] - c * x) % P
        a = _trim(a)
    return _trim(q), a


def _powmod(base: Poly, e: int, m: Poly) -> Poly:
    out: Poly = [1]
    while e:
        if e & 1:
            out = _divmod(_mul(out, base), m)[1]
        base, e = _divmod(_mul(base, base), m)[1], e >> 1
    return out


def _gcd(a: Poly, b: Poly) -> Poly:
    while b:
        a, b = b, _divmod(a, b)[1]
    return a


def _roots(g: Poly, seed: int = 1) -> list[int]:
    """Roots of a product of distinct linear factors (Cantor-Zassenhaus)."""
    if len(g) <= 1:
        return []
    if len(g) == 2:
        return [(-g[0]) * pow(g[1], -1, P) % P]
    a = seed
    while True:
        f = _gcd(g, _add(_powmod([a, 1], (P - 1) // 2, g), [P - 1]))
        if 1 < len(f) < len(g):
            return _roots(f, a + 1) + _roots(_divmod(g, f)[0], a + 1)
        a += 1


@functools.cache
def low_order_u() -> list[int]:
    """Every u in F_p with [8]u = infinity, curve and twist alike: the roots
    in F_p of the Z of three x-only doublings (X, Z) -> ((X^2 - Z^2)^2,
    4XZ(X^2 + A X Z + Z^2)) from (u, 1), i.e. of gcd(Z, u^P - u). A sealed
    box multiplies by a multiple of 8, so to these it derives all zeros."""
    x, z = [0, 1], [1]
    for _ in range(3):
        xx, zz, xz = _mul(x, x), _mul(z, z), _mul(x, z)
        diff = _add(xx, [(-c) % P for c in zz])
        x, z = _mul(diff, diff), _mul(_mul([4], xz), _add(_add(xx, _mul([A], xz)), zz))
    in_field = _gcd(z, _add(_powmod([0, 1], P, z), [0, P - 1]))
    return sorted(_roots(in_field))


def low_order_encodings() -> list[bytes]:
    """Each low-order u as X25519 reads a key: bit 255 ignored, u modulo P."""
    out = []
    for u in low_order_u():
        for v in (u, u + P):
            if v < 2**255:
                out += [v.to_bytes(32, "little"), (v | 2**255).to_bytes(32, "little")]
    return out


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
    forged = swap(instructions.register_worker(other, KEY), "worker", signer=False)
    with pytest.raises(MissingSigner):
        await w.send([forged])
    # Bug class: fake PDA (another worker's profile address for this signer).
    ix = swap(instructions.register_worker(w.address, KEY), "profile", worker_profile_pda(other)[0])
    with pytest.raises(InvalidPda):
        await w.send([ix])


# -- adversarial ---------------------------------------------------------------


@pytest.fixture
async def attack(market: Market) -> Attack:
    w = await market.worker(register=False)
    await market.worker()  # someone registered already
    payer = await market.other_requester()
    ix = instructions.register_worker(w.address, KEY)
    return Attack(market, ix, [w.wallet], payer, [], {"w": w})


def test_the_refused_keys_are_exactly_those_libsodium_cannot_seal_to() -> None:
    # Bug class: bad-key squat (issue 16: a worker registered with the all-zero
    # key made SealedBox.encrypt raise in the key agent). The SDK's list is the
    # curve's own: every point whose order divides 8, in each of its encodings.
    from amplify_sdk.protocol._crypto import LOW_ORDER_U

    assert low_order_u() == sorted(LOW_ORDER_U)
    refused = low_order_encodings()
    assert len(refused) == 14 and bytes(32) in refused
    for key in refused:
        assert not sealable(key)
        with pytest.raises((RuntimeError, CryptoError)):  # libsodium refuses to seal to it
            SealedBox(PublicKey(key)).encrypt(bytes(32))
    # Every other key seals: random bytes, real keys, the refused ones' neighbours.
    others = [os.urandom(32) for _ in range(200)]
    others += [bytes(PrivateKey.generate().public_key) for _ in range(20)]
    others += [u.to_bytes(32, "little") for u in (2, P - 2, P + 2, 2**255 - 1)]
    for key in others:
        if key in refused:
            continue
        assert sealable(key)
        assert len(SealedBox(PublicKey(key)).encrypt(bytes(32))) == 80


async def test_fail_register_worker_with_a_key_no_sealed_box_can_reach(attack: Attack) -> None:
    # Bug class: bad-key squat (issue 16). Every low-order key in every
    # encoding is refused on chain, nothing created; so is it by the SDK,
    # before anything is sent. An ordinary key registers.
    for key in low_order_encodings():
        await attack.refused(
            attack.with_args(encryption_key=key), InvalidEncryptionKey, what=key.hex()
        )
    w = attack.scene["w"]
    before = await w.balance()
    with pytest.raises(InvalidEncryptionKey):
        await w.register(bytes(32))
    assert await w.balance() == before
    await attack.expect_ok()
    assert (await w.profile()).encryption_key == KEY


async def test_fail_register_worker_with_a_profile_that_exists(attack: Attack) -> None:
    # Bug class: re-initialization (a second profile would reset its rating).
    await attack.expect_ok()
    await attack.refused(attack.with_args(encryption_key=KEY), AlreadyExists)


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
