// @solana/kit's RPC client against the node: getSupply, getTransaction and
// getBlock with jsonParsed, getTokenAccountBalance, getProgramAccounts with
// jsonParsed. Prints one JSON line with what kit decoded (bigints as strings);
// tests/interop/test_kit_rpc.py checks it against what the test sent.
// Usage: tsx src/kit_rpc.ts <config.json> with {url, transfer, mintTx, tokenAccount, holder}.
import { readFileSync } from "node:fs";
import { address, createSolanaRpc, signature, type Base58EncodedBytes } from "@solana/kit";

type Config = {
  url: string;
  /** A system transfer (the faucet's airdrop). */
  transfer: string;
  /** The transaction that created the holder's token account and minted to it. */
  mintTx: string;
  tokenAccount: string;
  holder: string;
};

const cfg: Config = JSON.parse(readFileSync(process.argv[2]!, "utf8"));
const rpc = createSolanaRpc(cfg.url);
const TOKEN = address("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
const commitment = "confirmed" as const;

const supply = await rpc.getSupply({ commitment, excludeNonCirculatingAccountsList: true }).send();
const transfer = await rpc
  .getTransaction(signature(cfg.transfer), { commitment, encoding: "jsonParsed", maxSupportedTransactionVersion: 0 })
  .send();
const minted = await rpc
  .getTransaction(signature(cfg.mintTx), { commitment, encoding: "jsonParsed", maxSupportedTransactionVersion: 0 })
  .send();
if (transfer === null || minted === null) throw new Error("transaction not found");
const block = await rpc
  .getBlock(transfer.slot, {
    commitment,
    encoding: "jsonParsed",
    maxSupportedTransactionVersion: 0,
    transactionDetails: "full",
    rewards: false,
  })
  .send();
const balance = await rpc.getTokenAccountBalance(address(cfg.tokenAccount), { commitment }).send();
const accounts = await rpc
  .getProgramAccounts(TOKEN, {
    commitment,
    encoding: "jsonParsed",
    filters: [
      { dataSize: 165n },
      { memcmp: { offset: 32n, bytes: cfg.holder as Base58EncodedBytes, encoding: "base58" } },
    ],
  })
  .send();

const inBlock = block?.transactions.find((t) => t.transaction.signatures.some((s) => s === cfg.transfer));
console.log(
  JSON.stringify(
    {
      supply: supply.value,
      transfer: {
        accountKeys: transfer.transaction.message.accountKeys,
        instructions: transfer.transaction.message.instructions,
        fee: transfer.meta?.fee,
      },
      minted: {
        instructions: minted.transaction.message.instructions,
        inner: minted.meta?.innerInstructions,
      },
      blockHasTransfer: inBlock?.transaction.message.instructions ?? null,
      balance: balance.value,
      programAccounts: accounts.map((a) => ({ pubkey: a.pubkey, data: a.account.data })),
    },
    (_, v) => (typeof v === "bigint" ? v.toString() : v),
  ),
);
