// A wallet-standard wallet for tests, injected into the page before its
// scripts run (Playwright's addInitScript) after a line that sets
// globalThis.__amplifyTestWallet = { name, secretKey: [64 bytes: seed || public key] }.
// It registers itself through the wallet-standard register event, connects
// its one account and signs legacy or v0 transactions (solana:signTransaction)
// and messages (solana:signMessage) with WebCrypto's Ed25519. The key lives
// here, never in the page.
(() => {
  const { name, secretKey } = globalThis.__amplifyTestWallet;
  delete globalThis.__amplifyTestWallet;
  const seed = Uint8Array.from(secretKey.slice(0, 32));
  const publicKey = Uint8Array.from(secretKey.slice(32, 64));
  const b64url = (b) => btoa(String.fromCharCode(...b)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const keyPromise = crypto.subtle.importKey(
    "jwk",
    { kty: "OKP", crv: "Ed25519", d: b64url(seed), x: b64url(publicKey) },
    { name: "Ed25519" },
    false,
    ["sign"],
  );
  const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  const base58 = (bytes) => {
    let n = bytes.reduce((acc, b) => acc * 256n + BigInt(b), 0n);
    let out = "";
    for (; n > 0n; n /= 58n) out = ALPHABET[Number(n % 58n)] + out;
    for (const b of bytes) {
      if (b !== 0) break;
      out = "1" + out;
    }
    return out;
  };
  const chains = ["solana:localnet", "solana:devnet", "solana:testnet"];
  const account = {
    address: base58(publicKey),
    publicKey,
    chains,
    features: ["solana:signTransaction", "solana:signMessage"],
  };
  // compact-u16 (shortvec): its value and the bytes it took.
  const shortvec = (bytes, at) => {
    let value = 0;
    for (let i = 0; ; i++) {
      const b = bytes[at + i];
      value |= (b & 0x7f) << (7 * i);
      if ((b & 0x80) === 0) return [value, i + 1];
    }
  };
  async function sign(transaction) {
    const tx = Uint8Array.from(transaction);
    const [sigCount, sigLen] = shortvec(tx, 0);
    const messageAt = sigLen + 64 * sigCount;
    const message = tx.subarray(messageAt);
    const headerAt = message[0] & 0x80 ? 1 : 0; // v0 messages start with a version byte
    const required = message[headerAt];
    const [keyCount, keyLen] = shortvec(message, headerAt + 3);
    const keysAt = headerAt + 3 + keyLen;
    for (let i = 0; i < Math.min(required, keyCount); i++) {
      const key = message.subarray(keysAt + 32 * i, keysAt + 32 * (i + 1));
      if (key.every((b, j) => b === publicKey[j])) {
        const sig = new Uint8Array(await crypto.subtle.sign("Ed25519", await keyPromise, message));
        tx.set(sig, sigLen + 64 * i);
        return tx;
      }
    }
    throw new Error(`${name}: this transaction needs no signature of ${account.address}`);
  }
  const wallet = {
    version: "1.0.0",
    name,
    icon: "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCAxIDEiLz4=",
    chains,
    accounts: [],
    features: {
      "standard:connect": {
        version: "1.0.0",
        connect: async () => {
          wallet.accounts = [account];
          return { accounts: wallet.accounts };
        },
      },
      "standard:events": { version: "1.0.0", on: () => () => {} },
      "solana:signMessage": {
        version: "1.0.0",
        signMessage: async (...inputs) => {
          const seen = (globalThis.__amplifyTestWalletSigned ??= { prompts: 0, transactions: 0, messages: 0 });
          seen.messages += inputs.length;
          return Promise.all(
            inputs.map(async ({ message }) => ({
              signedMessage: message,
              signature: new Uint8Array(await crypto.subtle.sign("Ed25519", await keyPromise, message)),
            })),
          );
        },
      },
      "solana:signTransaction": {
        version: "1.0.0",
        supportedTransactionVersions: ["legacy", 0],
        signTransaction: async (...inputs) => {
          const seen = (globalThis.__amplifyTestWalletSigned ??= { prompts: 0, transactions: 0, messages: 0 });
          seen.prompts += 1;
          seen.transactions += inputs.length;
          return Promise.all(inputs.map(async (i) => ({ signedTransaction: await sign(i.transaction) })));
        },
      },
    },
  };
  const callback = ({ register }) => register(wallet);
  try {
    window.dispatchEvent(
      new (class extends Event {
        constructor() {
          super("wallet-standard:register-wallet", { bubbles: false, cancelable: false, composed: false });
        }
        get detail() {
          return callback;
        }
      })(),
    );
  } catch (e) {
    console.error("wallet-standard:register-wallet event could not be dispatched", e);
  }
  window.addEventListener("wallet-standard:app-ready", ({ detail: api }) => callback(api));
})();
