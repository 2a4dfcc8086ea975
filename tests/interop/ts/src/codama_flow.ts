// One flow through the @solana/kit client Codama renders from the IDL
// (generated/codama, by src/gen.ts): initialize if needed, register a worker,
// create a batch, create + initialize a task table and add items, accept,
// read a refusal by its generated error code, submit, and rate the worker
// (register_requester + rate_worker). Account addresses the IDL
// declares (PDAs, fixed addresses) are filled in by the generated *Async
// builders; the table's create-with-seed address comes from kit.
//
// Prints one JSON line for the Python test (the table's and the rated worker
// profile's raw bytes and Codama's decoding of them, the error read, the
// rate_worker instruction data Codama encoded).
//
// Usage: tsx src/codama_flow.ts <run-config.json>
import {
  address,
  appendTransactionMessageInstructions,
  assertIsTransactionWithBlockhashLifetime,
  createAddressWithSeed,
  createKeyPairSignerFromBytes,
  createSolanaRpc,
  createSolanaRpcSubscriptions,
  createTransactionMessage,
  fetchEncodedAccount,
  generateKeyPairSigner,
  lamports,
  pipe,
  sendAndConfirmTransactionFactory,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
  type Instruction,
  type TransactionSigner,
} from "@solana/kit";
import {
  getCreateAccountWithSeedInstruction,
  getTransferSolInstruction,
} from "@solana-program/system";
import * as amplify from "../generated/codama/index.js";
import {
  check,
  contentHash,
  eq,
  loadConfig,
  merkleRoot,
  plain,
  tableSeed,
  tableSize,
} from "./common.js";

const cfg = loadConfig();
const wsUrl = new URL(cfg.url);
wsUrl.protocol = "ws:";
wsUrl.port = String(Number(wsUrl.port) + 1); // PubSub on the next port, as a validator
const rpc = createSolanaRpc(cfg.url);
const rpcSubscriptions = createSolanaRpcSubscriptions(wsUrl.toString());
const sendAndConfirm = sendAndConfirmTransactionFactory({ rpc, rpcSubscriptions });

async function send(payer: TransactionSigner, ...ixs: Instruction[]) {
  const { value: blockhash } = await rpc.getLatestBlockhash().send();
  const msg = pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayerSigner(payer, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash(blockhash, m),
    (m) => appendTransactionMessageInstructions(ixs, m),
  );
  const signed = await signTransactionMessageWithSigners(msg);
  assertIsTransactionWithBlockhashLifetime(signed);
  await sendAndConfirm(signed, { commitment: "confirmed" });
}

const authority = await createKeyPairSignerFromBytes(Uint8Array.from(cfg.authority));
const requester = await generateKeyPairSigner();
const worker = await generateKeyPairSigner();
await send(
  authority,
  ...[requester, worker].map((w) =>
    getTransferSolInstruction({
      source: authority,
      destination: w.address,
      amount: lamports(10n * 10n ** 9n),
    }),
  ),
);

const [configAddress] = await amplify.findConfigPda();
if (!(await fetchEncodedAccount(rpc, configAddress)).exists) {
  await send(
    authority,
    await amplify.getInitializeInstructionAsync({
      admin: authority,
      ampMint: address(cfg.ampMint),
      feeBps: 500,
    }),
  );
}
const config = await amplify.fetchConfig(rpc, configAddress);
eq(config.data.feeBps, 500, "Config.feeBps");

// register: the profile PDA from the worker
await send(
  worker,
  // Any X25519 point a sealed box can reach (the all-zero key is refused: InvalidEncryptionKey).
  await amplify.getRegisterWorkerInstructionAsync({
    worker,
    encryptionKey: Uint8Array.from({ length: 32 }, (_, i) => i + 1),
  }),
);
const [profileAddress] = await amplify.findProfilePda({ worker: worker.address });
eq((await amplify.fetchWorkerProfile(rpc, profileAddress)).data.worker, worker.address, "profile");

// create_batch: the batch PDA from the requester and batch_id
const batchId = BigInt(Date.now());
const now = Number(await rpc.getBlockTime(await rpc.getSlot().send()).send());
await send(
  requester,
  await amplify.getCreateBatchInstructionAsync({
    requester,
    batchId,
    price: 20_000n,
    bond: 0n,
    redundancy: 1,
    minRating: 0,
    perWorkerCap: 0,
    maxActive: 8,
    reservationSecs: 600,
    expiresAt: BigInt(now + 3600),
    encrypted: false,
    rosterCapacity: 4,
    keyAgent: requester.address,
    instructionsHash: new Uint8Array(32),
    baseUri: "https://example.org/codama/",
  }),
);
const [batch] = await amplify.findBatchPda({ requester: requester.address, batchId });
const b = (await amplify.fetchBatch(rpc, batch)).data;
eq([b.requester, b.price, b.feePerItem], [requester.address, 20_000n, 1_000n], "Batch");

// a task table: createAccountWithSeed + init_table + add_tasks in one transaction
const ITEMS = 3;
const seed = tableSeed(b.batchNumber, 0);
const table = await createAddressWithSeed({
  baseAddress: requester.address,
  programAddress: amplify.AMPLIFY_PROGRAM_ADDRESS,
  seed,
});
const space = tableSize(ITEMS, 1);
const rent = await rpc.getMinimumBalanceForRentExemption(BigInt(space)).send();
const hashes = Array.from({ length: ITEMS }, (_, i) => contentHash(`codama-${i}`));
await send(
  requester,
  getCreateAccountWithSeedInstruction({
    payer: requester,
    newAccount: table,
    baseAccount: requester,
    base: requester.address,
    seed,
    amount: rent,
    space: BigInt(space),
    programAddress: amplify.AMPLIFY_PROGRAM_ADDRESS,
  }),
  amplify.getInitTableInstruction({ requester, batch, table, index: 0 }),
  amplify.getAddTasksInstruction({
    requester,
    batch,
    table,
    startIndex: 0,
    count: ITEMS,
    root: merkleRoot(0, hashes),
  }),
);

// accept: config, clock, profile and system program filled in by the builder
await send(
  worker,
  await amplify.getAcceptTasksInstructionAsync({ worker, batch, table, items: [0, 2] }),
);

// a refusal, read by the generated error code
const bad = await amplify.getAcceptTasksInstructionAsync({ worker, batch, table, items: [ITEMS] });
let refused: { code: number; message: string } | undefined;
try {
  await send(worker, bad);
} catch (e) {
  // The preflight failure wraps the instruction error as its cause; the
  // message's instructions say which program raised it.
  const cause = (e as { cause?: unknown }).cause;
  check(
    amplify.isAmplifyError(cause, { instructions: [bad] }, amplify.AMPLIFY_ERROR__ITEM_NOT_FOUND),
    `ItemNotFound expected, got ${e}`,
  );
  refused = {
    code: cause.context.code,
    message: amplify.getAmplifyErrorMessage(cause.context.code),
  };
}
check(refused, "accepting a missing item fails");

const t = await amplify.fetchTaskTable(rpc, table);
const holders = t.data.slots.map((s) => s.worker);
eq(holders, [1, 0, 1], "items 0 and 2 held by roster index 0 (+1)");
const raw = await fetchEncodedAccount(rpc, table);
check(raw.exists, "table exists");

// results, then the requester registers and rates the worker in one
// transaction: rate_worker (the worker by its roster index, its profile
// passed; requester_profile, config and clock filled in by the builder)
await send(
  worker,
  amplify.getSubmitResultsInstruction({
    worker,
    batch,
    table,
    items: [0, 2],
    answers: new Uint8Array([1, 0]),
    resultUri: "",
  }),
);
const ratings = [
  { item: 2, stars: 2 },
  { item: 0, stars: 5 },
];
const rateWorker = await amplify.getRateWorkerInstructionAsync({
  requester,
  batch,
  table,
  workerProfile: profileAddress,
  worker: 0,
  ratings,
});
const [requesterProfile] = await amplify.findRegisterRequesterProfilePda({
  requester: requester.address,
});
eq(
  rateWorker.accounts.map((a) => a.address),
  [
    requester.address,
    requesterProfile,
    configAddress,
    batch,
    table,
    profileAddress,
    address("SysvarC1ock11111111111111111111111111111111"),
  ],
  "rate_worker's accounts: the requester profile and config PDAs, the Clock sysvar",
);
await send(requester, await amplify.getRegisterRequesterInstructionAsync({ requester }), rateWorker);
const rated = await amplify.fetchWorkerProfile(rpc, profileAddress);
eq([rated.data.ratingCount, rated.data.wellRated], [2, 0], "two ratings, no emission schedule");
const rawProfile = await fetchEncodedAccount(rpc, profileAddress);
check(rawProfile.exists, "profile exists");

console.log(
  JSON.stringify({
    table: { raw: Buffer.from(raw.data).toString("base64"), decoded: plain(t.data) },
    refused,
    rateWorker: { data: Buffer.from(rateWorker.data).toString("hex"), ratings },
    profile: { raw: Buffer.from(rawProfile.data).toString("base64"), decoded: plain(rated.data) },
  }),
);
