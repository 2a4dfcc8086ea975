// @solana/web3.js (the Connection Anchor uses) against the local node.
// Usage: node check.mjs RPC_URL WS_URL PROGRAM_ID CONFIG_ADDRESS CONFIG_SIZE [MINT HOLDER AMOUNT]
// With MINT (an SPL mint whose whole supply, AMOUNT base units, sits
// in HOLDER's associated token account) the token methods are checked too.
// Prints one JSON line with what it saw; exits non-zero on the first failure.
import assert from "node:assert/strict";
import {
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  PublicKey,
  SystemProgram,
  Transaction,
  sendAndConfirmTransaction,
} from "@solana/web3.js";

const [rpcUrl, wsUrl, programIdText, configText, configSizeText, mintText, holderText, amountText] =
  process.argv.slice(2);
const programId = new PublicKey(programIdText);
const config = new PublicKey(configText);
const conn = new Connection(rpcUrl, { commitment: "confirmed", wsEndpoint: wsUrl });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const payer = Keypair.generate();
  const airdrop = await conn.requestAirdrop(payer.publicKey, 2 * LAMPORTS_PER_SOL);
  const latest = await conn.getLatestBlockhash();
  await conn.confirmTransaction({ signature: airdrop, ...latest }, "confirmed");
  assert.equal(await conn.getBalance(payer.publicKey), 2 * LAMPORTS_PER_SOL);

  const dst = Keypair.generate().publicKey;
  let resolveLogs;
  const gotLogs = new Promise((resolve) => (resolveLogs = resolve));
  const subscription = conn.onLogs(dst, (logs) => resolveLogs(logs), "confirmed");

  // web3.js subscribes in the background: keep sending until the
  // subscription has seen one (every transfer mentions dst).
  const sent = [];
  let logs = null;
  for (let i = 0; i < 10 && logs === null; i++) {
    const tx = new Transaction().add(
      SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: dst, lamports: LAMPORTS_PER_SOL / 10 + i }),
    );
    sent.push(await sendAndConfirmTransaction(conn, tx, [payer], { commitment: "confirmed" }));
    logs = await Promise.race([gotLogs, sleep(1500).then(() => null)]);
  }
  assert.ok(logs !== null, "onLogs never fired");
  assert.ok(sent.includes(logs.signature), "onLogs reported an unknown signature");
  assert.equal(logs.err, null);
  assert.ok(logs.logs.includes("Program 11111111111111111111111111111111 success"));
  await conn.removeOnLogsListener(subscription);

  const account = await conn.getAccountInfo(dst);
  assert.ok(account !== null && account.owner.equals(SystemProgram.programId));
  assert.ok(account.lamports >= LAMPORTS_PER_SOL / 10);
  const program = await conn.getAccountInfo(programId);
  assert.ok(program !== null && program.executable, "program account is not executable");

  const accounts = await conn.getProgramAccounts(programId, {
    filters: [{ dataSize: Number(configSizeText) }],
  });
  assert.ok(accounts.some((a) => a.pubkey.equals(config)), "config not among the program's accounts");
  const withContext = await conn.getProgramAccounts(programId, { withContext: true });
  assert.ok(withContext.context.slot >= 0 && withContext.value.length >= 2);

  const tx = await conn.getTransaction(sent[0], { maxSupportedTransactionVersion: 0, commitment: "confirmed" });
  assert.ok(tx !== null && tx.meta.err === null && tx.meta.fee === 5000);
  const block = await conn.getBlock(tx.slot, { maxSupportedTransactionVersion: 0, commitment: "confirmed" });
  assert.ok(block.transactions.some((t) => t.transaction.signatures.includes(sent[0])), "getBlock lacks the transfer");
  assert.equal(block.blockTime, tx.blockTime);
  // (web3.js reads transactionDetails "signatures" with the full schema; "none" it knows.)
  const header = await conn.getBlock(tx.slot, { transactionDetails: "none", commitment: "confirmed" });
  assert.equal(header.blockhash, block.blockhash);
  assert.ok((await conn.getBlocks(Math.max(0, tx.slot - 2), tx.slot, "confirmed")).includes(tx.slot));
  // jsonParsed: web3.js's ParsedTransaction schema, and the transfer as Agave parses it.
  const parsed = await conn.getParsedTransaction(sent[0], { maxSupportedTransactionVersion: 0, commitment: "confirmed" });
  const [payerKey, dstKey] = parsed.transaction.message.accountKeys;
  assert.ok(payerKey.pubkey.equals(payer.publicKey) && payerKey.signer && payerKey.writable);
  assert.equal(payerKey.source, "transaction");
  assert.ok(dstKey.pubkey.equals(dst) && !dstKey.signer && dstKey.writable);
  const [parsedTransfer] = parsed.transaction.message.instructions;
  assert.equal(parsedTransfer.program, "system");
  assert.ok(parsedTransfer.programId.equals(SystemProgram.programId));
  assert.deepEqual(parsedTransfer.parsed, {
    type: "transfer",
    info: { source: payer.publicKey.toBase58(), destination: dst.toBase58(), lamports: LAMPORTS_PER_SOL / 10 },
  });
  assert.equal(parsed.meta.fee, 5000);
  const parsedBlock = await conn.getParsedBlock(tx.slot, { maxSupportedTransactionVersion: 0, commitment: "confirmed" });
  const inBlock = parsedBlock.transactions.find((t) => t.transaction.signatures.includes(sent[0]));
  assert.deepEqual(inBlock.transaction.message.instructions[0].parsed, parsedTransfer.parsed);
  const supply = await conn.getSupply({ commitment: "confirmed", excludeNonCirculatingAccountsList: true });
  assert.equal(supply.value.nonCirculating, 0);
  assert.equal(supply.value.circulating, supply.value.total);
  assert.ok(supply.value.total > 2 * LAMPORTS_PER_SOL);
  const history = await conn.getSignaturesForAddress(dst);
  assert.equal(history.length, sent.length);
  const status = await conn.getSignatureStatus(sent[0], { searchTransactionHistory: true });
  // Confirmed when sendAndConfirm returned; rooted some 32 slots later.
  assert.ok(["confirmed", "finalized"].includes(status.value.confirmationStatus));
  const epoch = await conn.getEpochInfo();
  const version = await conn.getVersion();
  const multiple = await conn.getMultipleAccountsInfo([dst, Keypair.generate().publicKey]);
  assert.ok(multiple[0] !== null && multiple[1] === null);
  const fees = await conn.getRecentPrioritizationFees();
  const rent = await conn.getMinimumBalanceForRentExemption(0);
  assert.ok(await conn.isBlockhashValid(latest.blockhash, { commitment: "confirmed" }).then((r) => r.value));

  const tokens = mintText ? await checkTokens(new PublicKey(mintText), new PublicKey(holderText), amountText) : null;

  console.log(
    JSON.stringify({
      tokens,
      transfers: sent.length,
      logsSignature: logs.signature,
      programAccounts: accounts.length,
      slot: epoch.absoluteSlot,
      version: version["solana-core"],
      fees: fees.length,
      rent,
      supply: supply.value.total,
    }),
  );
}

// web3.js checks each response's shape (superstruct): a wrong field fails here.
async function checkTokens(mint, holder, amount) {
  const supply = await conn.getTokenSupply(mint);
  assert.equal(supply.value.amount, amount);
  const parsedMint = await conn.getParsedAccountInfo(mint);
  const decimals = parsedMint.value.data.parsed.info.decimals;
  assert.equal(supply.value.decimals, decimals);
  const ui = (Number(amount) / 10 ** decimals).toString();
  assert.equal(parsedMint.value.data.program, "spl-token");
  assert.equal(parsedMint.value.data.parsed.type, "mint");
  assert.equal(parsedMint.value.data.parsed.info.supply, amount);
  const byOwner = await conn.getParsedTokenAccountsByOwner(holder, { mint });
  assert.equal(byOwner.value.length, 1);
  const info = byOwner.value[0].account.data.parsed.info;
  assert.equal(info.mint, mint.toBase58());
  assert.equal(info.owner, holder.toBase58());
  assert.equal(info.state, "initialized");
  assert.equal(info.tokenAmount.amount, amount);
  assert.equal(info.tokenAmount.uiAmountString, ui);
  const raw = await conn.getTokenAccountsByOwner(holder, { programId: byOwner.value[0].account.owner });
  assert.equal(raw.value.length, 1);
  assert.ok(raw.value[0].account.data.length === 165, "raw token account data is not 165 bytes");
  const balance = await conn.getTokenAccountBalance(byOwner.value[0].pubkey);
  assert.equal(balance.value.amount, amount);
  const parsedMany = await conn.getMultipleParsedAccounts([mint, byOwner.value[0].pubkey, holder]);
  assert.deepEqual(
    parsedMany.value.map((a) => (a && a.data.parsed ? a.data.parsed.type : "raw")),
    ["mint", "account", "raw"],
  );
  const none = await conn.getParsedTokenAccountsByOwner(Keypair.generate().publicKey, { mint });
  assert.equal(none.value.length, 0);
  const programAccounts = await conn.getParsedProgramAccounts(byOwner.value[0].account.owner, {
    filters: [{ dataSize: 165 }, { memcmp: { offset: 32, bytes: holder.toBase58() } }],
  });
  assert.equal(programAccounts.length, 1);
  assert.equal(programAccounts[0].account.data.parsed.info.tokenAmount.amount, amount);
  // The mint's transactions, parsed: the mintTo that put the supply in the account.
  const minted = [];
  for (const { signature } of await conn.getSignaturesForAddress(byOwner.value[0].pubkey)) {
    const t = await conn.getParsedTransaction(signature, { maxSupportedTransactionVersion: 0 });
    for (const ix of t.transaction.message.instructions) {
      if (ix.program === "spl-token" && ix.parsed.type === "mintTo") minted.push(ix.parsed.info);
    }
  }
  assert.equal(minted.length, 1);
  assert.equal(minted[0].amount, amount);
  assert.equal(minted[0].account, byOwner.value[0].pubkey.toBase58());
  assert.equal(minted[0].mint, mint.toBase58());
  return { supply: supply.value.uiAmountString, account: byOwner.value[0].pubkey.toBase58() };
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
