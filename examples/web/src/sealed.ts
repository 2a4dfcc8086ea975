// Encrypted batches in the browser (amplify_sdk/protocol/_crypto.py,
// docs/privacy.md "Front-end handshake"): the worker's X25519 key derived
// from its wallet's signature of a fixed message (a wallet exposes no secret
// key; ed25519 signatures are deterministic, so the same wallet always
// derives the same key), item keys opened from libsodium sealed boxes, items
// decrypted with XChaCha20-Poly1305 (IETF) bound to batch and index.
import { hsalsa, xsalsa20poly1305 } from "@noble/ciphers/salsa";
import { xchacha20poly1305 } from "@noble/ciphers/chacha";
import { ed25519, x25519 } from "@noble/curves/ed25519";
import { blake2b } from "@noble/hashes/blake2b";
import { sha256 } from "@noble/hashes/sha256";
import type { PublicKey } from "@solana/web3.js";

/** What the wallet signs to derive the worker's encryption key (ENCRYPTION_KEY_MESSAGE). */
export const ENCRYPTION_KEY_MESSAGE = new TextEncoder().encode("Amplify encryption key v1");
const DERIVATION = new TextEncoder().encode("amplify/x25519/v1");
const NONCE_LEN = 24;

export class DecryptionError extends Error {
  override name = "DecryptionError";
}

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
};

export type X25519Key = { secret: Uint8Array; publicKey: Uint8Array };

/** x25519_from_signature: the secret is sha256("amplify/x25519/v1" || signature).
 *  The signature is checked first: a wallet that signed something else would
 *  derive a key no delivered item key opens with. */
export function keyFromSignature(wallet: PublicKey, signature: Uint8Array): X25519Key {
  if (!ed25519.verify(signature, ENCRYPTION_KEY_MESSAGE, wallet.toBytes())) {
    throw new Error("the wallet's signature of the encryption key message does not verify");
  }
  const secret = sha256(concat(DERIVATION, signature));
  return { secret, publicKey: x25519.getPublicKey(secret) };
}

// "expand 32-byte k" as four little-endian words: Salsa20's constant.
const SIGMA = new Uint32Array([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);
const words = (b: Uint8Array) => {
  const out = new Uint32Array(b.length / 4);
  const view = new DataView(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < out.length; i++) out[i] = view.getUint32(4 * i, true);
  return out;
};
const bytes = (w: Uint32Array) => {
  const out = new Uint8Array(4 * w.length);
  const view = new DataView(out.buffer);
  w.forEach((x, i) => view.setUint32(4 * i, x, true));
  return out;
};

/** libsodium's crypto_box_seal_open: the ephemeral key, then a crypto_box
 *  (XSalsa20-Poly1305 under HSalsa20 of the X25519 shared secret) with the
 *  nonce blake2b(ephemeral key || recipient key, 24 bytes). */
export function openSealed(sealed: Uint8Array, key: X25519Key): Uint8Array {
  if (sealed.length < 48) throw new DecryptionError("sealed key did not open: too short");
  const ephemeral = sealed.subarray(0, 32);
  const nonce = blake2b(concat(ephemeral, key.publicKey), { dkLen: NONCE_LEN });
  const shared = x25519.getSharedSecret(key.secret, ephemeral);
  const k = new Uint32Array(8);
  hsalsa(SIGMA, words(shared), new Uint32Array(4), k);
  try {
    return xsalsa20poly1305(bytes(k), nonce).decrypt(sealed.subarray(32));
  } catch (e) {
    throw new DecryptionError(`sealed key did not open: ${(e as Error).message}`);
  }
}

/** decrypt_item: blob = nonce (24) || XChaCha20-Poly1305 ciphertext, with
 *  associated data batch address || item index u32 LE. */
export function decryptItem(key: Uint8Array, batch: PublicKey, item: number, blob: Uint8Array): Uint8Array {
  const ad = new Uint8Array(36);
  ad.set(batch.toBytes());
  new DataView(ad.buffer).setUint32(32, item, true);
  try {
    return xchacha20poly1305(key, blob.subarray(0, NONCE_LEN), ad).decrypt(blob.subarray(NONCE_LEN));
  } catch (e) {
    throw new DecryptionError(`item ${item} did not decrypt: ${(e as Error).message}`);
  }
}
