// The whole marketplace through @coral-xyz/anchor's `Program`, built from
// idl/amplify.json and nothing else, against the local node over HTTP.
//
// Every instruction uses `.accounts({...})` (not `.accountsPartial`): the
// compiler accepts only what the IDL cannot resolve (signers default to the
// provider's wallet; PDAs, fixed addresses and `relations` are resolved by
// Anchor), so `tsc --noEmit` over this file is itself a check of the IDL.
//
// Prints one JSON line: every event (decoded by Anchor, with its raw
// payload), every account type (decoded by Anchor, with its raw bytes) and
// every error read, for the Python test to compare with amplify_sdk.
//
// Usage: tsx src/anchor_flow.ts <run-config.json>
import {
  AnchorProvider,
  EventParser,
  Program,
  ProgramError,
  Wallet,
  type IdlEvents,
} from "@coral-xyz/anchor";
import {
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  PublicKey,
  SystemProgram,
  Transaction,
} from "@solana/web3.js";
import BN from "bn.js";
import type { Amplify } from "../generated/amplify.js";
import {
  chainManifest,
  check,
  contentHash,
  eq,
  loadConfig,
  merkleRoot,
  plain,
  PROGRAM_ID,
  tableAddress,
  tableSeed,
  tableSize,
} from "./common.js";
import { rawIdl } from "./idl.js";

const cfg = loadConfig();
const connection = new Connection(cfg.url, "confirmed");
const authority = Keypair.fromSecretKey(Uint8Array.from(cfg.authority));

/** One `Program` per wallet: Anchor signs with (and defaults signers to) the provider's wallet. */
function programFor(kp: Keypair): Program<Amplify> {
  const provider = new AnchorProvider(connection, new Wallet(kp), { commitment: "confirmed" });
  return new Program(rawIdl as Amplify, provider);
}

const admin = programFor(authority);
check(admin.programId.equals(PROGRAM_ID), "Program takes its address from the IDL");

// -- what the run records for the Python side ---------------------------------

type Recorded = { name: string; data: unknown; raw: string };
const events: Recorded[] = [];
const accounts: Record<string, { raw: string; decoded: unknown }> = {};
const errors: { code: number; name: string; msg: string; logged: boolean }[] = [];

const parser = new EventParser(PROGRAM_ID, admin.coder);

/** Events of a landed transaction, decoded by Anchor's EventParser from its logs. */
async function eventsOf(sig: string) {
  const tx = await connection.getTransaction(sig, {
    commitment: "confirmed",
    maxSupportedTransactionVersion: 0,
  });
  check(tx?.meta?.logMessages, `logs of ${sig}`);
  const logs = tx.meta.logMessages;
  const raws = logs
    .filter((l) => l.startsWith("Program data: "))
    .map((l) => l.slice("Program data: ".length));
  const out = [...parser.parseLogs(logs, true)];
  eq(out.length, raws.length, `every Program data line of ${sig} is one of our events`);
  out.forEach((e, i) => events.push({ name: e.name, data: plain(e.data), raw: raws[i] }));
  return out;
}

/** The single event of `sig`, which must be `name`. */
async function eventOf<N extends keyof IdlEvents<Amplify>>(
  sig: string,
  name: N,
): Promise<IdlEvents<Amplify>[N]> {
  const evs = await eventsOf(sig);
  eq(
    evs.map((e) => e.name),
    [name],
    `events of ${name}'s transaction`,
  );
  return evs[0].data as IdlEvents<Amplify>[N];
}

/** The program error behind a failed `.rpc()`, by code, named from the IDL.
 *  Anchor translates errors two ways: `AnchorError` from an Anchor program's
 *  "AnchorError occurred" log (this program does not spend compute units on
 *  that line), and `ProgramError` from the code in the error message — which
 *  current web3.js 1.x (1.99 here) follows with the logs, where the code
 *  appears again, so Anchor 0.31 gives up and rethrows the SendTransactionError. Its logs end
 *  with the runtime's line "Program <id> failed: custom program error: 0x..",
 *  which names the code exactly as a validator reports it. */
function programErrorOf(e: unknown): ProgramError | null {
  if (e instanceof ProgramError) return e;
  const logs: string[] = (e as { logs?: string[] }).logs ?? [];
  const prefix = `Program ${PROGRAM_ID.toBase58()} failed: custom program error: `;
  const line = logs.findLast((l) => l.startsWith(prefix));
  if (line === undefined) return null;
  const code = parseInt(line.slice(prefix.length), 16);
  const idlError = rawIdl.errors?.find((x) => x.code === code);
  return idlError ? new ProgramError(code, idlError.msg ?? idlError.name, logs) : null;
}

/** Run `send`, which must fail with the program error `name`. */
async function expectError(name: string, send: () => Promise<unknown>) {
  try {
    await send();
  } catch (e) {
    const err = programErrorOf(e);
    check(err, `${name}: a program error (${e})`);
    const idlError = rawIdl.errors!.find((x) => x.code === err.code);
    check(idlError, `error code ${err.code} is in the IDL`);
    const logged = (err.logs ?? []).some((l) =>
      l.endsWith(`failed: custom program error: 0x${err.code.toString(16)}`),
    );
    errors.push({ code: err.code, name: idlError.name, msg: err.msg, logged });
    eq(idlError.name, name, "error name");
    return;
  }
  throw new Error(`expected ${name}`);
}

async function record(name: string, address: PublicKey, decoded: unknown) {
  const info = await connection.getAccountInfo(address);
  check(info, `${name} exists`);
  accounts[name] = { raw: info.data.toString("base64"), decoded: plain(decoded) };
}

async function fund(...to: PublicKey[]) {
  const tx = new Transaction();
  for (const pk of to) {
    tx.add(
      SystemProgram.transfer({
        fromPubkey: authority.publicKey,
        toPubkey: pk,
        lamports: 10 * LAMPORTS_PER_SOL,
      }),
    );
  }
  await admin.provider.sendAndConfirm!(tx);
}

async function now(): Promise<number> {
  const slot = await connection.getSlot();
  return (await connection.getBlockTime(slot)) ?? Math.floor(Date.now() / 1000);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// -- the protocol ---------------------------------------------------------------

const [configPda] = PublicKey.findProgramAddressSync([Buffer.from("config")], PROGRAM_ID);
const [treasuryPda] = PublicKey.findProgramAddressSync([Buffer.from("treasury")], PROGRAM_ID);
const profileOf = (w: PublicKey) =>
  PublicKey.findProgramAddressSync([Buffer.from("worker"), w.toBuffer()], PROGRAM_ID)[0];

if ((await connection.getAccountInfo(configPda)) === null) {
  // admin (signer) = the provider's wallet; config, treasury and program_data
  // are PDAs; program and system_program fixed addresses: only the mint is input.
  const sig = await admin.methods
    .initialize(500)
    .accounts({ ampMint: new PublicKey(cfg.ampMint) })
    .rpc();
  const ev = await eventOf(sig, "protocolInitialized");
  eq(ev.admin, authority.publicKey, "ProtocolInitialized.admin");
  eq(ev.feeBps, 500, "ProtocolInitialized.feeBps");
}
const config = await admin.account.config.fetch(configPda);
await record("Config", configPda, config);
eq(config.admin, authority.publicKey, "Config.admin");

const requesterKp = Keypair.generate();
const workerKp = Keypair.generate();
const worker2Kp = Keypair.generate();
await fund(requesterKp.publicKey, workerKp.publicKey, worker2Kp.publicKey);
const requester = programFor(requesterKp);
const worker = programFor(workerKp);
const worker2 = programFor(worker2Kp);

// Events as they happen (logsSubscribe over the websocket), compared at the end
// with those read from the transactions.
const live: unknown[] = [];
const listener = worker.addEventListener("tasksAccepted", (ev) => live.push(plain(ev)));

// -- workers register: the profile PDA comes from the signer --------------------

for (const [w, kp] of [
  [worker, workerKp],
  [worker2, worker2Kp],
] as const) {
  const key = Array.from(kp.publicKey.toBytes()); // any 32 bytes: an X25519 key in practice
  const sig = await w.methods.registerWorker(key).accounts({}).rpc();
  const ev = await eventOf(sig, "workerRegistered");
  eq(ev.worker, kp.publicKey, "WorkerRegistered.worker");
}
const profile = await worker.account.workerProfile.fetch(profileOf(workerKp.publicKey));
eq([profile.worker, profile.rating, profile.ratingCount], [workerKp.publicKey, 0, 0], "new profile");

// -- a batch: the batch PDA from the requester and the batch_id argument --------

const PRICE = 10_000;
const BOND = 1_000;
const REDUNDANCY = 2;
const ITEMS = 4;
const expiresAt = (await now()) + 3600;

function createBatchArgs(batchId: BN, over: { price?: number; reservationSecs?: number } = {}) {
  return [
    batchId,
    new BN(over.price ?? PRICE),
    new BN(BOND),
    REDUNDANCY,
    0, // min_rating, milli-stars
    0, // per_worker_cap: no cap
    16, // max_active
    over.reservationSecs ?? 3600,
    new BN(expiresAt),
    false, // encrypted
    1, // roster_capacity: room for one worker (grow_roster adds more)
    requesterKp.publicKey, // key_agent
    Array.from(contentHash("label cats and dogs")), // instructions_hash
    "https://example.org/items/",
  ] as const;
}

await expectError("InvalidPrice", () =>
  requester.methods
    .createBatch(...createBatchArgs(new BN(1), { price: 0 }))
    .accounts({})
    .rpc(),
);

const batchId = new BN(Date.now());
const create = requester.methods.createBatch(...createBatchArgs(batchId)).accounts({});
const { batch } = await create.pubkeys();
check(batch, "batch resolved from seeds");
const [expectBatch] = PublicKey.findProgramAddressSync(
  [Buffer.from("batch"), requesterKp.publicKey.toBuffer(), batchId.toArrayLike(Buffer, "le", 8)],
  PROGRAM_ID,
);
eq(batch, expectBatch, "batch PDA [batch, requester, batch_id u64 LE]");
const created = await eventOf(await create.rpc(), "batchCreated");
eq([created.batch, created.requester, created.feeBps], [batch, requesterKp.publicKey, 500], "BatchCreated");

let b = await requester.account.batch.fetch(batch);
eq([b.requester, b.price, b.feePerItem, b.redundancy], [requesterKp.publicKey, PRICE, 500, REDUNDANCY], "Batch");

// -- a task table: a top-level createAccountWithSeed, then init_table -----------

const seed = tableSeed(BigInt(b.batchNumber.toString()), 0);
const table = await tableAddress(requesterKp.publicKey, BigInt(b.batchNumber.toString()), 0);
const space = tableSize(ITEMS, REDUNDANCY);
const sigTable = await requester.methods
  .initTable(0)
  .accounts({ batch, table })
  .preInstructions([
    SystemProgram.createAccountWithSeed({
      fromPubkey: requesterKp.publicKey,
      newAccountPubkey: table,
      basePubkey: requesterKp.publicKey,
      seed,
      lamports: await connection.getMinimumBalanceForRentExemption(space),
      space,
      programId: PROGRAM_ID,
    }),
  ])
  .rpc();
const tableEv = await eventOf(sigTable, "tableInitialized");
eq([tableEv.table, tableEv.index, tableEv.firstItem, tableEv.capacity], [table, 0, 0, ITEMS], "TableInitialized");

// -- items: committed by their Merkle root, escrowed ----------------------------

const hashes = Array.from({ length: ITEMS }, (_, i) => contentHash(`image-${i}`));
const root = merkleRoot(0, hashes);
const added = await eventOf(
  await requester.methods
    .addTasks(0, ITEMS, Array.from(root))
    .accounts({ batch, table })
    .rpc(),
  "tasksAdded",
);
eq(added.escrowAdded, PRICE * ITEMS * REDUNDANCY, "escrow = price x items x redundancy");
b = await requester.account.batch.fetch(batch);
eq(b.manifestHash, Array.from(chainManifest(Buffer.alloc(32), 0, ITEMS, root)), "manifest hash chain");
eq(b.itemCount, ITEMS, "Batch.itemCount");
await expectError("IndexMismatch", () =>
  requester.methods
    .addTasks(0, 1, Array.from(root))
    .accounts({ batch, table })
    .rpc(),
);

// -- pauses: the protocol's (admin) and the batch's (requester) -----------------

eq((await eventOf(await admin.methods.setPaused(true).accounts({}).rpc(), "pauseChanged")).paused, true, "paused");
await expectError("ProtocolPaused", () =>
  worker.methods.acceptTasks([0]).accounts({ batch, table }).rpc(),
);
await admin.methods.setPaused(false).accounts({}).rpc();
const paused = await eventOf(
  await requester.methods.setBatchPaused(true).accounts({ batch }).rpc(),
  "batchPauseChanged",
);
eq([paused.batch, paused.paused], [batch, true], "BatchPauseChanged");
await expectError("BatchPaused", () =>
  worker.methods.acceptTasks([0]).accounts({ batch, table }).rpc(),
);
await requester.methods.setBatchPaused(false).accounts({ batch }).rpc();

// -- workers accept: config, clock, profile (from the signer), system program resolved

const accept = worker.methods.acceptTasks([0, 1, 2, 3]).accounts({ batch, table });
const acceptKeys = await accept.pubkeys();
eq(acceptKeys.profile, profileOf(workerKp.publicKey), "accept_tasks.profile = PDA [worker, worker]");
eq(acceptKeys.config, configPda, "accept_tasks.config");
const accepted = await eventOf(await accept.rpc(), "tasksAccepted");
eq([accepted.accepted, accepted.refused], [[0, 1, 2, 3], []], "TasksAccepted");

const again = await eventOf(
  await worker.methods.acceptTasks([0]).accounts({ batch, table }).rpc(),
  "tasksAccepted",
);
const alreadyAccepted = rawIdl.errors!.find((e) => e.name === "AlreadyAccepted")!.code;
eq(again.refused, [{ item: 0, code: alreadyAccepted }], "a held item is refused in the event");

await expectError("RosterFull", () =>
  worker2.methods.acceptTasks([0]).accounts({ batch, table }).rpc(),
);
await requester.methods.growRoster(1).accounts({ batch }).rpc();
await expectError("ItemNotFound", () =>
  worker2.methods.acceptTasks([ITEMS]).accounts({ batch, table }).rpc(),
);
await eventOf(await worker2.methods.acceptTasks([0, 1]).accounts({ batch, table }).rpc(), "tasksAccepted");

// -- results: paid at once -----------------------------------------------------------

const paid = await eventOf(
  await worker.methods
    .submitResults([0, 1, 2, 3], Buffer.from([1, 0, 1, 1]), "ipfs://results/")
    .accounts({ batch, table })
    .rpc(),
  "resultsSubmitted",
);
eq([paid.paid, paid.fee, paid.bond], [(PRICE - 500) * ITEMS, 500 * ITEMS, BOND * ITEMS], "ResultsSubmitted");
await eventOf(
  await worker2.methods
    .submitResults([0, 1], Buffer.from([1, 0]), "")
    .accounts({ batch, table })
    .rpc(),
  "resultsSubmitted",
);

// -- ratings: the requester's profile (its rating habits) first, then worker profiles
//    as remaining accounts ---------------------------------------------------------

await requester.methods.registerRequester().accounts({}).rpc();
const requesterProfile = PublicKey.findProgramAddressSync(
  [Buffer.from("requester"), requesterKp.publicKey.toBuffer()],
  requester.programId,
)[0];
const rp = await requester.account.requesterProfile.fetch(requesterProfile);
eq([rp.requester, rp.ratingsGiven.toNumber()], [requesterKp.publicKey, 0], "new requester profile");

b = await requester.account.batch.fetch(batch);
const rosterIndex = (w: PublicKey) => b.workers.findIndex((e) => e.worker.equals(w));
const rate = await eventsOf(
  await requester.methods
    .rateAssignments([
      { item: 0, worker: rosterIndex(workerKp.publicKey), stars: 5, profile: 0 },
      { item: 0, worker: rosterIndex(worker2Kp.publicKey), stars: 3, profile: 1 },
    ])
    .accounts({ batch, table })
    .remainingAccounts(
      [workerKp, worker2Kp].map((kp) => ({
        pubkey: profileOf(kp.publicKey),
        isSigner: false,
        isWritable: true,
      })),
    )
    .rpc(),
);
eq(
  rate.map((e) => [e.name, e.data.stars]),
  [
    ["assignmentRated", 5],
    ["assignmentRated", 3],
  ],
  "AssignmentRated x2",
);
const rated = await worker.account.workerProfile.fetch(profileOf(workerKp.publicKey));
eq(rated.ratingCount, 1, "WorkerProfile.ratingCount");
await record("WorkerProfile", profileOf(workerKp.publicKey), rated);
await expectError("AlreadyRated", () =>
  requester.methods
    .rateAssignments([{ item: 0, worker: rosterIndex(workerKp.publicKey), stars: 4, profile: 0 }])
    .accounts({ batch, table })
    .remainingAccounts([{ pubkey: profileOf(workerKp.publicKey), isSigner: false, isWritable: true }])
    .rpc(),
);

// -- fees: anyone sweeps them to the treasury PDA --------------------------------------

const swept = await eventOf(await worker2.methods.sweepFees().accounts({ batch }).rpc(), "feesSwept");
eq(swept.amount, 500 * 6, "FeesSwept.amount = fee x completed slots");
const treasury = await admin.account.treasury.fetch(treasuryPda);
await record("Treasury", treasuryPda, treasury);

// -- every account type decoded (the TaskTable small enough for fetch) ---------

b = await requester.account.batch.fetch(batch);
await record("Batch", batch, b);
const t = await requester.account.taskTable.fetch(table);
eq([t.batch, t.count, t.capacity, t.slots.length], [batch, ITEMS, ITEMS, ITEMS * REDUNDANCY], "TaskTable");
const tableInfo = await connection.getAccountInfo(table);
eq(requester.coder.accounts.decode("taskTable", tableInfo!.data), t, "coder decodes what fetch returns");
await record("TaskTable", table, t);

// -- cancel and close: the requester resolved from the batch where it does not sign

await expectError("BatchNotDone", () =>
  requester.methods
    .closeBatch()
    .accounts({ batch })
    .remainingAccounts([{ pubkey: table, isSigner: false, isWritable: true }])
    .rpc(),
);
const cancelled = await eventOf(await requester.methods.cancelBatch().accounts({ batch }).rpc(), "batchCancelled");
eq([cancelled.slots, cancelled.refunded], [2, 2 * PRICE], "BatchCancelled: items 2 and 3 had one open slot each");
const closedEvents = await eventsOf(
  await requester.methods
    .closeBatch()
    .accounts({ batch })
    .remainingAccounts([{ pubkey: table, isSigner: false, isWritable: true }])
    .rpc(),
);
eq(closedEvents.map((e) => e.name), ["batchClosed"], "BatchClosed (fees were swept already)");
eq(await connection.getAccountInfo(batch), null, "batch closed");
eq(await connection.getAccountInfo(table), null, "table closed with it");

// -- an expired reservation released by anyone: release_expired's requester
//    (not a signer there) is resolved through `relations` from the batch

const batchId2 = batchId.addn(1);
const create2 = requester.methods
  .createBatch(...createBatchArgs(batchId2, { reservationSecs: 1 }))
  .accounts({});
const batch2 = (await create2.pubkeys()).batch!;
await create2.rpc();
const b2 = await requester.account.batch.fetch(batch2);
const table2 = await tableAddress(requesterKp.publicKey, BigInt(b2.batchNumber.toString()), 0);
const space2 = tableSize(1, REDUNDANCY);
await requester.methods
  .addTasks(0, 1, Array.from(merkleRoot(0, [hashes[0]])))
  .accounts({ batch: batch2, table: table2 })
  .preInstructions([
    SystemProgram.createAccountWithSeed({
      fromPubkey: requesterKp.publicKey,
      newAccountPubkey: table2,
      basePubkey: requesterKp.publicKey,
      seed: tableSeed(BigInt(b2.batchNumber.toString()), 0),
      lamports: await connection.getMinimumBalanceForRentExemption(space2),
      space: space2,
      programId: PROGRAM_ID,
    }),
    await requester.methods.initTable(0).accounts({ batch: batch2, table: table2 }).instruction(),
  ])
  .rpc();
await eventOf(
  await worker.methods.acceptTasks([0]).accounts({ batch: batch2, table: table2 }).rpc(),
  "tasksAccepted",
);

const release = worker2.methods
  .releaseExpired([0])
  .accounts({ batch: batch2, table: table2, worker: workerKp.publicKey });
const releaseKeys = await release.pubkeys();
eq(releaseKeys.requester, requesterKp.publicKey, "release_expired.requester = batch.requester (relations)");
// Releasable once the Clock passes the slot's deadline: created_at + tick x tick_secs.
const slot = (await requester.account.taskTable.fetch(table2)).slots[0];
const deadline = b2.createdAt.toNumber() + slot.tick * b2.tickSecs;
while ((await now()) <= deadline) await sleep(200);
const released = await eventOf(await release.rpc(), "tasksReleased");
eq([released.items, released.refused], [[0], []], "TasksReleased.items");
eq([released.forfeited, released.refunded], [BOND, 0], "TasksReleased: the bond goes to the requester");
await requester.methods.cancelBatch().accounts({ batch: batch2 }).rpc();
await requester.methods
  .closeBatch()
  .accounts({ batch: batch2 })
  .remainingAccounts([{ pubkey: table2, isSigner: false, isWritable: true }])
  .rpc();

const fromLogs = events.filter((e) => e.name === "tasksAccepted").map((e) => e.data);
for (let i = 0; i < 50 && live.length < fromLogs.length; i++) await sleep(100);
await worker.removeEventListener(listener);
eq(live, fromLogs, "addEventListener delivered every TasksAccepted");

console.log(JSON.stringify({ events, accounts, errors }));
