"""Per-worker key encryption (the paper's privacy design), with libsodium via
pynacl.

* One secret per batch: the requester's 32-byte master key.
* Item keys: `item_key = BLAKE2b-256(key=master, msg="amplify/item-key/v1" ||
  batch address || item index u32 LE)` — derived, never stored.
* Items: XChaCha20-Poly1305 (IETF) with the item key, a 24-byte nonce (random,
  or synthetic: keyed BLAKE2b of the plaintext, so that re-encrypting an item
  gives the same blob and an interrupted upload resumes), and associated data
  `batch address || item index u32 LE`, so a ciphertext cannot be moved to
  another item or batch. Blob = nonce || ciphertext.
* Delivery: the item key sealed to the accepting worker's X25519 key (a
  libsodium sealed box: 32-byte ephemeral key, 16-byte MAC, 80 bytes in all);
  only that worker can open it.
* Results (optional): sealed to the requester's X25519 key, derived from its
  wallet like a worker's (`seal_result` / `open_result`).
"""

from __future__ import annotations

import hashlib
import secrets

import nacl.bindings as sodium
from nacl.public import PrivateKey, PublicKey, SealedBox
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from ._exceptions import AmplifyError
from ._program_errors import InvalidEncryptionKey

ITEM_KEY_CONTEXT = b"amplify/item-key/v1"
#: BLAKE2b personalization of synthetic nonces (16 bytes, its maximum).
NONCE_PERSON = b"amplify-nonce-v1"
NONCE_LEN = 24


class DecryptionError(AmplifyError):
    """A ciphertext or sealed key did not open: wrong key, wrong item, or tampered."""


def new_master_key() -> bytes:
    """A fresh random 32-byte master key for a batch (kept by the requester)."""
    return secrets.token_bytes(32)


def _item_ad(batch: Pubkey, item: int) -> bytes:
    return bytes(batch) + item.to_bytes(4, "little")


def item_key(master: bytes, batch: Pubkey, item: int) -> bytes:
    """Item `item`'s key: keyed BLAKE2b of the master key over the batch and index."""
    return hashlib.blake2b(
        ITEM_KEY_CONTEXT + _item_ad(batch, item), key=master, digest_size=32
    ).digest()


def synthetic_nonce(key: bytes, plaintext: bytes) -> bytes:
    """A nonce that is a PRF of the plaintext under the item key: each key
    encrypts one item only, so the sole repeat is the same plaintext again,
    which then yields the same blob (deterministic, SIV-style)."""
    return hashlib.blake2b(plaintext, key=key, digest_size=NONCE_LEN, person=NONCE_PERSON).digest()


def encrypt_item(
    key: bytes, batch: Pubkey, item: int, plaintext: bytes, nonce: bytes | None = None
) -> bytes:
    """`nonce || XChaCha20-Poly1305(plaintext)`; a random nonce unless given."""
    nonce = secrets.token_bytes(NONCE_LEN) if nonce is None else nonce
    if len(nonce) != NONCE_LEN:
        raise ValueError(f"the nonce is {NONCE_LEN} bytes")
    ct = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        plaintext, _item_ad(batch, item), nonce, key
    )
    return nonce + ct


def decrypt_item(key: bytes, batch: Pubkey, item: int, blob: bytes) -> bytes:
    """Open `encrypt_item`'s blob; `DecryptionError` if the key, batch or index is wrong."""
    nonce, ct = blob[:NONCE_LEN], blob[NONCE_LEN:]
    try:
        return bytes(
            sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(ct, _item_ad(batch, item), nonce, key)
        )
    except Exception as e:  # nacl raises CryptoError; keep one SDK error type
        raise DecryptionError(f"item {item} did not decrypt: {e}") from e


def x25519_public(ed25519_public_key: bytes) -> bytes:
    """The X25519 form of an ed25519 wallet key (what `register` stores)."""
    return bytes(sodium.crypto_sign_ed25519_pk_to_curve25519(ed25519_public_key))


def x25519_secret(wallet: Keypair) -> PrivateKey:
    """The X25519 secret matching the public key `register` derives from the
    wallet (libsodium's ed25519 → curve25519 conversion)."""
    seed_and_pk = bytes(wallet)  # 64 bytes: secret seed || public key
    return PrivateKey(sodium.crypto_sign_ed25519_sk_to_curve25519(seed_and_pk))


#: What a browser wallet signs to derive a worker's encryption key: wallet
#: adapters expose no secret key, but ed25519 signatures are deterministic, so
#: the same wallet always derives the same X25519 secret from this message.
ENCRYPTION_KEY_MESSAGE = b"Amplify encryption key v1"


def x25519_from_signature(signature: bytes) -> PrivateKey:
    """The X25519 secret derived from the wallet's signature of
    `ENCRYPTION_KEY_MESSAGE` (register its public key with `register`)."""
    return PrivateKey(hashlib.sha256(b"amplify/x25519/v1" + signature).digest())


#: The field of Curve25519: X25519 reads a key as u modulo P, bit 255 ignored.
_P = 2**255 - 19
#: The u-coordinates of the points whose order divides 8 (curve and twist). A
#: sealed box multiplies the key by a clamped scalar (a multiple of 8), so to
#: these it always derives the all-zero secret, which libsodium refuses.
LOW_ORDER_U = (
    0,
    1,
    325606250916557431795983626356110631294008115727848805560023387167927233504,
    39382357235489614581723060781553021112529911719440698176882885853963445705823,
    _P - 1,
)


def sealable(key: bytes) -> bool:
    """Whether a sealed box can be addressed to this 32-byte X25519 key: it is
    not a low-order point in any encoding (the program refuses the same keys
    at registration: `InvalidEncryptionKey`)."""
    if len(key) != 32:
        return False
    u = int.from_bytes(key, "little") & ((1 << 255) - 1)
    return u % _P not in LOW_ORDER_U


def seal_key(key: bytes, worker_x25519: bytes) -> bytes:
    """`key` sealed to the worker's X25519 public key (80 bytes).
    `InvalidEncryptionKey` if no sealed box can be addressed to it."""
    if not sealable(worker_x25519):
        raise InvalidEncryptionKey()
    try:
        return bytes(SealedBox(PublicKey(worker_x25519)).encrypt(key))
    except Exception as e:  # libsodium refused the key: one typed error for it
        raise InvalidEncryptionKey(f"InvalidEncryptionKey: libsodium refused it: {e}") from e


def open_sealed_key(sealed: bytes, secret: PrivateKey) -> bytes:
    """Open an item key sealed to this X25519 secret (`seal_key`)."""
    try:
        return bytes(SealedBox(secret).decrypt(sealed))
    except Exception as e:
        raise DecryptionError(f"sealed key did not open: {e}") from e


def seal_result(result: bytes, requester: Pubkey) -> bytes:
    """A result only `requester`'s wallet can open (48 bytes of overhead: a
    one-byte label sealed is 49 bytes, within an inline answer's 64)."""
    return bytes(SealedBox(PublicKey(x25519_public(bytes(requester)))).encrypt(result))


def open_result(sealed: bytes, wallet: Keypair) -> bytes:
    """Open a result sealed to the requester's wallet (`seal_result`)."""
    try:
        return bytes(SealedBox(x25519_secret(wallet)).decrypt(sealed))
    except Exception as e:
        raise DecryptionError(f"sealed result did not open: {e}") from e
