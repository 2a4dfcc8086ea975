"""Per-worker key encryption (the paper's privacy design), with libsodium via
pynacl.

* One secret per batch: the requester's 32-byte master key.
* Item keys: `item_key = BLAKE2b-256(key=master, msg="amplify/item-key/v1" ||
  batch address || item index u32 LE)` — derived, never stored.
* Items: XChaCha20-Poly1305 (IETF) with the item key, a random 24-byte nonce,
  and associated data `batch address || item index u32 LE`, so a ciphertext
  cannot be moved to another item or batch. Blob = nonce || ciphertext.
* Delivery: the item key sealed to the accepting worker's X25519 key (a
  libsodium sealed box: 32-byte ephemeral key, 16-byte MAC, 80 bytes in all);
  only that worker can open it.
"""

from __future__ import annotations

import hashlib
import secrets

import nacl.bindings as sodium
from nacl.public import PrivateKey, PublicKey, SealedBox
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from ._exceptions import AmplifyError

ITEM_KEY_CONTEXT = b"amplify/item-key/v1"
NONCE_LEN = 24


class DecryptionError(AmplifyError):
    """A ciphertext or sealed key did not open: wrong key, wrong item, or tampered."""


def new_master_key() -> bytes:
    return secrets.token_bytes(32)


def _item_ad(batch: Pubkey, item: int) -> bytes:
    return bytes(batch) + item.to_bytes(4, "little")


def item_key(master: bytes, batch: Pubkey, item: int) -> bytes:
    return hashlib.blake2b(
        ITEM_KEY_CONTEXT + _item_ad(batch, item), key=master, digest_size=32
    ).digest()


def encrypt_item(key: bytes, batch: Pubkey, item: int, plaintext: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE_LEN)
    ct = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        plaintext, _item_ad(batch, item), nonce, key
    )
    return nonce + ct


def decrypt_item(key: bytes, batch: Pubkey, item: int, blob: bytes) -> bytes:
    nonce, ct = blob[:NONCE_LEN], blob[NONCE_LEN:]
    try:
        return bytes(
            sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(ct, _item_ad(batch, item), nonce, key)
        )
    except Exception as e:  # nacl raises CryptoError; keep one SDK error type
        raise DecryptionError(f"item {item} did not decrypt: {e}") from e


def x25519_secret(wallet: Keypair) -> PrivateKey:
    """The X25519 secret matching the public key `register` derives from the
    wallet (libsodium's ed25519 → curve25519 conversion)."""
    seed_and_pk = bytes(wallet)  # 64 bytes: secret seed || public key
    return PrivateKey(sodium.crypto_sign_ed25519_sk_to_curve25519(seed_and_pk))


def seal_key(key: bytes, worker_x25519: bytes) -> bytes:
    """`key` sealed to the worker's X25519 public key (80 bytes)."""
    return bytes(SealedBox(PublicKey(worker_x25519)).encrypt(key))


def open_sealed_key(sealed: bytes, secret: PrivateKey) -> bytes:
    try:
        return bytes(SealedBox(secret).decrypt(sealed))
    except Exception as e:
        raise DecryptionError(f"sealed key did not open: {e}") from e
