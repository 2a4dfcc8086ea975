// A wallet through the Solana wallet-standard: the page discovers wallets with
// getWallets(), connects with `standard:connect` and has transactions signed
// with `solana:signTransaction` (or, from a wallet that only sends,
// `solana:signAndSendTransaction`). The page never holds a key.
import { getWallets } from "@wallet-standard/app";
import type { Wallet, WalletAccount } from "@wallet-standard/base";
import { utils } from "@coral-xyz/anchor";
import { Connection, PublicKey, Transaction } from "@solana/web3.js";

type ConnectFeature = {
  "standard:connect": {
    version: string;
    connect(input?: { silent?: boolean }): Promise<{ accounts: readonly WalletAccount[] }>;
  };
};
type SignInput = { account: WalletAccount; transaction: Uint8Array; chain?: string };
type SignFeature = {
  "solana:signTransaction": {
    version: string;
    signTransaction(...inputs: SignInput[]): Promise<{ signedTransaction: Uint8Array }[]>;
  };
};
type SignAndSendFeature = {
  "solana:signAndSendTransaction": {
    version: string;
    signAndSendTransaction(
      ...inputs: (SignInput & { chain: string })[]
    ): Promise<{ signature: Uint8Array }[]>;
  };
};

type SignMessageFeature = {
  "solana:signMessage": {
    version: string;
    signMessage(
      ...inputs: { account: WalletAccount; message: Uint8Array }[]
    ): Promise<{ signedMessage: Uint8Array; signature: Uint8Array }[]>;
  };
};

const canSign = (w: Wallet) =>
  "standard:connect" in w.features &&
  ("solana:signTransaction" in w.features || "solana:signAndSendTransaction" in w.features);

/** Wallets that can connect and sign Solana transactions, now and as they register. */
export function watchWallets(onChange: (wallets: Wallet[]) => void): () => void {
  const api = getWallets();
  const emit = () => onChange(api.get().filter(canSign));
  const off = [api.on("register", emit), api.on("unregister", emit)];
  emit();
  return () => off.forEach((f) => f());
}

/** The chain id wallets know a cluster by. */
export function chainOf(url: string): string {
  if (url.includes("devnet")) return "solana:devnet";
  if (url.includes("testnet")) return "solana:testnet";
  if (url.includes("mainnet")) return "solana:mainnet";
  return "solana:localnet";
}

export class ConnectedWallet {
  constructor(
    readonly wallet: Wallet,
    readonly account: WalletAccount,
    readonly chain: string,
  ) {}

  get publicKey() {
    return new PublicKey(this.account.publicKey);
  }

  static async connect(wallet: Wallet, chain: string): Promise<ConnectedWallet> {
    const { accounts } = await (wallet.features as unknown as ConnectFeature)["standard:connect"].connect();
    if (accounts.length === 0) throw new Error(`${wallet.name} connected no account`);
    return new ConnectedWallet(wallet, accounts[0], chain);
  }

  /** Whether the wallet signs messages (solana:signMessage). */
  get signsMessages() {
    return "solana:signMessage" in this.wallet.features;
  }

  /** The wallet's signature of `message` (solana:signMessage). */
  async signMessage(message: Uint8Array): Promise<Uint8Array> {
    const feature = (this.wallet.features as unknown as Partial<SignMessageFeature>)["solana:signMessage"];
    if (!feature) throw new Error(`${this.wallet.name} does not sign messages (solana:signMessage)`);
    const [{ signature }] = await feature.signMessage({ account: this.account, message });
    return signature;
  }

  /** Sign (one wallet prompt for all) and send each transaction, in order,
   *  each confirmed before the next is sent; their signatures. */
  async signAndSend(connection: Connection, txs: Transaction[], onSent?: (i: number) => void): Promise<string[]> {
    const { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash("confirmed");
    for (const tx of txs) {
      tx.feePayer = this.publicKey;
      tx.recentBlockhash = blockhash;
    }
    const unsigned = txs.map(
      (tx) => new Uint8Array(tx.serialize({ requireAllSignatures: false, verifySignatures: false })),
    );
    const features = this.wallet.features as unknown as Partial<SignFeature & SignAndSendFeature>;
    const signatures: string[] = [];
    const sign = features["solana:signTransaction"];
    if (sign) {
      const signed = await sign.signTransaction(
        ...unsigned.map((transaction) => ({ account: this.account, transaction, chain: this.chain })),
      );
      for (const [i, { signedTransaction }] of signed.entries()) {
        const tx = Transaction.from(signedTransaction);
        // What the wallet signed must be what the page built.
        if (!tx.serializeMessage().equals(txs[i].serializeMessage())) {
          throw new Error(`${this.wallet.name} returned a different transaction`);
        }
        const sig = await connection.sendRawTransaction(signedTransaction, { skipPreflight: false });
        await confirm(connection, sig, blockhash, lastValidBlockHeight);
        signatures.push(sig);
        onSent?.(i);
      }
      return signatures;
    }
    const send = features["solana:signAndSendTransaction"]!;
    for (const [i, transaction] of unsigned.entries()) {
      const [{ signature }] = await send.signAndSendTransaction({
        account: this.account,
        transaction,
        chain: this.chain,
      });
      const sig = utils.bytes.bs58.encode(signature);
      await confirm(connection, sig, blockhash, lastValidBlockHeight);
      signatures.push(sig);
      onSent?.(i);
    }
    return signatures;
  }
}

async function confirm(connection: Connection, signature: string, blockhash: string, lastValidBlockHeight: number) {
  const { value } = await connection.confirmTransaction({ signature, blockhash, lastValidBlockHeight }, "confirmed");
  if (value.err) throw new Error(`transaction ${signature} failed: ${JSON.stringify(value.err)}`);
}

