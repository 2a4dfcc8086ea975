// The whole marketplace through @coral-xyz/anchor's `Program`, built from
// idl/amplify.json and nothing else, against the local node over HTTP.
//
// Every instruction of the IDL runs, each with `.accounts({...})` (not
// `.accountsPartial`): the compiler accepts only what the IDL cannot resolve
// (signers default to the provider's wallet; PDAs — including one seeded by a
// field of another account, `governance.proposal_count` —, fixed addresses and
// `relations` are resolved by Anchor), so `tsc --noEmit` over this file is
// itself a check of the IDL.
//
// The run: the admin initializes and sets the reputation parameters; workers
// and a requester register; an encrypted batch is filled, worked (item keys
// delivered first) and paid; then the admin hands the protocol to AMP
// holders (upgrade authority, mint authority, admin seat), who stake, propose
// a fee change and vote; meanwhile the work is rated, assignment by assignment
// (rate_assignments) and worker by worker (rate_worker) (the 5-star assignment
// earns its worker AMP), fees swept and shared with the stakers, the batch
// closed; the proposal executes after its (short) vote and time lock, and the
// next batch is created at the new fee and has a reservation released.
//
// Prints one JSON line: every event (decoded by Anchor, with its raw
// payload), every account type (decoded by Anchor, with its raw bytes) and
// every error read, for the Python test to compare with amplify_sdk.
//
// Usage: tsx src/anchor_flow.ts <run-config.json>
import {
  AnchorProvider,
  BorshInstructionCoder,
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
  SYSVAR_CLOCK_PUBKEY,
  Transaction,
} from "@solana/web3.js";
import { createHash } from "node:crypto";

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
import {
  associatedTokenAddress,
  createAssociatedTokenAccount,
  mintAuthorityOf,
  mintTo,
  programDataAddress,
  setMintAuthority,
  setUpgradeAuthority,
  tokenAmount,
  upgradeAuthorityOf,
} from "./spl.js";

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

/** The chain's time as the program reads it: the Clock sysvar's unix_timestamp. */
async function now(): Promise<number> {
  const clock = await connection.getAccountInfo(SYSVAR_CLOCK_PUBKEY);
  check(clock, "the Clock sysvar");
  return Number(clock.data.readBigInt64LE(32));
}

/** The IDL's code of error `name`. */
const errorCode = (name: string) => rawIdl.errors!.find((e) => e.name === name)!.code;

/** AMP (base units) in token account `address`; 0 if it does not exist. */
async function tokensIn(address: PublicKey): Promise<BN> {
  const info = await connection.getAccountInfo(address);
  return info === null ? new BN(0) : tokenAmount(info.data);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// -- the protocol ---------------------------------------------------------------

const [configPda] = PublicKey.findProgramAddressSync([Buffer.from("config")], PROGRAM_ID);
const [treasuryPda] = PublicKey.findProgramAddressSync([Buffer.from("treasury")], PROGRAM_ID);
const pda = (...seeds: (string | Buffer)[]) =>
  PublicKey.findProgramAddressSync(
    seeds.map((s) => (typeof s === "string" ? Buffer.from(s) : s)),
    PROGRAM_ID,
  )[0];
const profileOf = (w: PublicKey) => pda("worker", w.toBuffer());
const [governancePda, vaultPda, mintAuthorityPda] = [
  pda("governance"),
  pda("vault"),
  pda("mint_authority"),
];
const stakeOf = (owner: PublicKey) => pda("stake", owner.toBuffer());
const proposalPda = (id: number) => pda("proposal", new BN(id).toArrayLike(Buffer, "le", 8));
const ampMint = new PublicKey(cfg.ampMint);

if ((await connection.getAccountInfo(configPda)) === null) {
  // admin (signer) = the provider's wallet; config, treasury and program_data
  // are PDAs; program and system_program fixed addresses: only the mint is input.
  const sig = await admin.methods.initialize(500).accounts({ ampMint }).rpc();
  const ev = await eventOf(sig, "protocolInitialized");
  eq(ev.admin, authority.publicKey, "ProtocolInitialized.admin");
  eq(ev.feeBps, 500, "ProtocolInitialized.feeBps");
}
let config = await admin.account.config.fetch(configPda);
eq([config.admin, config.ampMint], [authority.publicKey, ampMint], "Config.admin, ampMint");

// -- the reputation formula's parameters: the admin's until governance takes over

const reputation = {
  ...config.reputation,
  distinctCap: 6,
  qualifyingWeight: config.reputation.qualifyingWeight.muln(2),
};
await admin.methods.setReputationParams(reputation).accounts({}).rpc();
config = await admin.account.config.fetch(configPda);
eq(config.reputation, reputation, "Config.reputation = set_reputation_params' params");

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

function createBatchArgs(
  batchId: BN,
  over: { price?: number; reservationSecs?: number; encrypted?: boolean } = {},
) {
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
    over.encrypted ?? false, // encrypted: item keys are delivered to each accepting worker
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
const create = requester.methods
  .createBatch(...createBatchArgs(batchId, { encrypted: true }))
  .accounts({});
const { batch } = await create.pubkeys();
check(batch, "batch resolved from seeds");
const [expectBatch] = PublicKey.findProgramAddressSync(
  [Buffer.from("batch"), requesterKp.publicKey.toBuffer(), batchId.toArrayLike(Buffer, "le", 8)],
  PROGRAM_ID,
);
eq(batch, expectBatch, "batch PDA [batch, requester, batch_id u64 LE]");
const created = await eventOf(await create.rpc(), "batchCreated");
eq(
  [created.batch, created.requester, created.feeBps, created.encrypted],
  [batch, requesterKp.publicKey, 500, true],
  "BatchCreated",
);

let b = await requester.account.batch.fetch(batch);
eq(
  [b.requester, b.price, b.feePerItem, b.redundancy, b.encrypted, b.keyAgent],
  [requesterKp.publicKey, PRICE, 500, REDUNDANCY, true, requesterKp.publicKey],
  "Batch",
);

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
eq(again.refused, [{ item: 0, code: errorCode("AlreadyAccepted") }], "a held item is refused in the event");

await expectError("RosterFull", () =>
  worker2.methods.acceptTasks([0]).accounts({ batch, table }).rpc(),
);
await requester.methods.growRoster(1).accounts({ batch }).rpc();
await expectError("ItemNotFound", () =>
  worker2.methods.acceptTasks([ITEMS]).accounts({ batch, table }).rpc(),
);
await eventOf(await worker2.methods.acceptTasks([0, 1]).accounts({ batch, table }).rpc(), "tasksAccepted");

// -- item keys: in an encrypted batch a worker submits once its keys came -----------

const early = await eventOf(
  await worker.methods
    .submitResults([0], Buffer.from([1]), "")
    .accounts({ batch, table })
    .rpc(),
  "resultsSubmitted",
);
eq(
  [early.items, early.paid, early.refused],
  [[], 0, [{ item: 0, code: errorCode("KeyNotDelivered") }]],
  "no key yet: the item is refused, nothing paid",
);

// Stand-ins for libsodium sealed boxes of the item keys (32-byte ephemeral key,
// 16-byte MAC, the 32-byte key; amplify_sdk/_crypto.py): the program keeps
// none of it, the worker reads its keys from the event.
const sealedKey = (w: PublicKey, item: number) =>
  Array.from(Buffer.concat([w.toBuffer(), contentHash(`item key ${item}`), Buffer.alloc(16, item)]));
// authority (signer) = the provider's wallet, the requester here (or the batch's
// key_agent); batch, table and the worker whose reservations these are: inputs.
for (const [kp, items, delivered, refused] of [
  [workerKp, [0, 1, 2, 3], [0, 1, 2, 3], []],
  [worker2Kp, [0, 1, 2], [0, 1], [{ item: 2, code: errorCode("NotReserved") }]],
] as const) {
  const keys = items.map((i) => sealedKey(kp.publicKey, i));
  const ev = await eventOf(
    await requester.methods
      .deliverKeys([...items], keys)
      .accounts({ batch, table, worker: kp.publicKey })
      .rpc(),
    "keysDelivered",
  );
  eq(
    [ev.batch, ev.worker, ev.items, ev.sealedKeys, ev.refused],
    [batch, kp.publicKey, delivered, delivered.map((i) => sealedKey(kp.publicKey, i)), refused],
    "KeysDelivered: the keys of the worker's reservations, in order; the others refused",
  );
}
const flagged = (await requester.account.taskTable.fetch(table)).slots.filter(
  (s) => s.worker & 0x8000,
);
eq(flagged.length, 6, "every reservation's slot flags its key as delivered");

// -- results: paid at once -----------------------------------------------------------

const paid = await eventOf(
  await worker.methods
    .submitResults([0, 1, 2, 3], Buffer.from([1, 0, 1, 1]), "ipfs://results/")
    .accounts({ batch, table })
    .rpc(),
  "resultsSubmitted",
);
eq([paid.paid, paid.fee, paid.bond], [(PRICE - 500) * ITEMS, 500 * ITEMS, BOND * ITEMS], "ResultsSubmitted");
// Readable from the account too: a completed slot (bit 14) keeps a one-byte answer as tick = answer + 1.
const kept = (await requester.account.taskTable.fetch(table)).slots.filter((s) => s.worker & 0x4000);
eq(
  kept.map((s) => s.tick - 1),
  [1, 0, 1, 1],
  "completed slots keep their answers (IDL: Slot)",
);
await eventOf(
  await worker2.methods
    .submitResults([0, 1], Buffer.from([1, 0]), "")
    .accounts({ batch, table })
    .rpc(),
  "resultsSubmitted",
);

// -- governance: the admin hands the protocol to AMP holders ------------------------

const AMP = 10 ** 6; // base units (6 decimals)
const voterKp = Keypair.generate();
const voter2Kp = Keypair.generate();
await fund(voterKp.publicKey, voter2Kp.publicKey);
const voter = programFor(voterKp);
const voter2 = programFor(voter2Kp);
const tokensOf = (kp: Keypair) => associatedTokenAddress(kp.publicKey, ampMint);
const HOLDINGS = [
  [voter, voterKp, 100 * AMP],
  [voter2, voter2Kp, 5 * AMP],
] as const;
// Minted while the admin is still the mint authority.
await admin.provider.sendAndConfirm!(
  new Transaction().add(
    ...HOLDINGS.flatMap(([, kp, amount]) => [
      createAssociatedTokenAccount(authority.publicKey, kp.publicKey, ampMint),
      mintTo(ampMint, tokensOf(kp), authority.publicKey, new BN(amount)),
    ]),
  ),
);

// Short periods (the program accepts a 1-second vote and no time lock): the
// node's Clock follows the wall clock, and its test-only warp (Chain.warp) is
// out of reach of this separate process. The flow goes on while the vote and
// time lock run, then waits out the rest (about 4 s).
const GOVERNANCE = {
  votingPeriodSecs: 4,
  timelockSecs: 1,
  executionWindowSecs: 3600,
  quorumBps: 2_000,
  thresholdBps: 5_001,
  minStakeToPropose: new BN(10 * AMP),
};
// AMP per assignment rated 4 stars or more, up to a cap.
const EMISSION = {
  perAssignment: new BN(1_000),
  cap: new BN(4_500),
  minStars: 4,
  pad: Array<number>(7).fill(0),
};
// One transaction, as the SDK's AdminClient.initialize_governance: the upgrade
// authority and the mint authority move to the program's PDAs first (the
// program checks both). admin signs; config, treasury, governance, vault,
// mint_authority and program_data are PDAs; the mint is read from the config
// (its `relations`): nothing is input.
const handover = admin.methods
  .initializeGovernance(GOVERNANCE, EMISSION)
  .preInstructions([
    setUpgradeAuthority(PROGRAM_ID, authority.publicKey, governancePda),
    setMintAuthority(ampMint, authority.publicKey, mintAuthorityPda),
  ]);
const handoverKeys = await handover.pubkeys();
eq(
  [
    handoverKeys.governance,
    handoverKeys.vault,
    handoverKeys.mintAuthority,
    handoverKeys.programData,
    handoverKeys.ampMint,
  ],
  [governancePda, vaultPda, mintAuthorityPda, programDataAddress(PROGRAM_ID), ampMint],
  "initialize_governance: governance, vault, mint_authority, program_data resolved; amp_mint from the config",
);
const govInit = await eventOf(await handover.rpc(), "governanceInitialized");
eq([govInit.governance, govInit.vault], [governancePda, vaultPda], "GovernanceInitialized");
let gov = await voter.account.governance.fetch(governancePda);
eq(
  [gov.ampMint, gov.vault, gov.totalStaked, gov.held, gov.proposalCount, gov.params, gov.emission],
  [ampMint, vaultPda, 0, 0, 0, GOVERNANCE, EMISSION],
  "Governance: its parameters, nothing staked, no fees swept yet (none held)",
);
config = await admin.account.config.fetch(configPda);
eq([config.admin, config.emissionMinStars], [governancePda, 4], "Config.admin = the governance PDA");
const programData = await connection.getAccountInfo(programDataAddress(PROGRAM_ID));
eq(upgradeAuthorityOf(programData!.data), governancePda, "upgrade authority = the governance PDA");
const mintInfo = await connection.getAccountInfo(ampMint);
eq(mintAuthorityOf(mintInfo!.data), mintAuthorityPda, "AMP mint authority = the mint-authority PDA");
// The admin key no longer governs. (Another change than the admin's earlier
// ones: the same transaction again within one blockhash would be "already
// processed", not refused.)
await expectError("Unauthorized", () =>
  admin.methods
    .setReputationParams({ ...reputation, distinctCap: 5 })
    .accounts({})
    .rpc(),
);

// -- stake: the stake account PDA from the owner; vault and treasury resolved ----------

let staked = 0;
for (const [v, kp, amount] of HOLDINGS) {
  const ev = await eventOf(
    await v.methods
      .stake(new BN(amount))
      .accounts({ ownerTokens: tokensOf(kp) })
      .rpc(),
    "staked",
  );
  staked += amount;
  eq([ev.owner, ev.amount, ev.unstake, ev.totalStaked], [kp.publicKey, amount, false, staked], "Staked");
  eq(await tokensIn(tokensOf(kp)), 0, "the holder's AMP moved to the vault");
}
eq(await tokensIn(vaultPda), staked, "vault holds the stake");

// -- a proposal: its PDA [proposal, id u64 LE] from governance.proposal_count, which
//    Anchor reads from the Governance account ---------------------------------------

await expectError("InsufficientStake", () =>
  voter2.methods
    .createProposal({ setPaused: { paused: true } })
    .accounts({})
    .rpc(),
);
const NEW_FEE_BPS = 300;
const action = { setFee: { feeBps: NEW_FEE_BPS } };
const propose = voter.methods.createProposal(action).accounts({});
const { proposal } = await propose.pubkeys();
check(proposal, "proposal resolved");
eq(proposal, proposalPda(0), "create_proposal.proposal = PDA [proposal, governance.proposal_count]");
const before = await now();
const proposed = await eventOf(await propose.rpc(), "proposalCreated");
let p = await voter.account.proposal.fetch(proposal);
const createdAt = p.createdAt.toNumber();
check(before <= createdAt && createdAt <= (await now()), "Proposal.createdAt: the Clock's time");
eq(
  [proposed.proposal, proposed.id, proposed.proposer, proposed.votingEndsAt, proposed.action],
  [proposal, 0, voterKp.publicKey, p.votingEndsAt, voter.coder.types.encode("proposalAction", action)],
  "ProposalCreated: the action borsh-encoded as Anchor encodes ProposalAction",
);
eq(
  [p.status, p.votingEndsAt, p.executableAt, p.expiresAt, p.stakedAtCreation, p.quorumBps, p.thresholdBps],
  [
    0,
    p.createdAt.addn(GOVERNANCE.votingPeriodSecs),
    p.createdAt.addn(GOVERNANCE.votingPeriodSecs + GOVERNANCE.timelockSecs),
    p.createdAt.addn(
      GOVERNANCE.votingPeriodSecs + GOVERNANCE.timelockSecs + GOVERNANCE.executionWindowSecs,
    ),
    staked,
    GOVERNANCE.quorumBps,
    GOVERNANCE.thresholdBps,
  ],
  "Proposal: its periods, quorum and threshold fixed when made",
);
eq(
  voter.coder.types.decode("proposalAction", Buffer.from(p.action)),
  action,
  "Proposal.action (zero-padded) decodes to the action",
);

// -- votes: the vote record PDA [vote, proposal, voter]; the stake account from the voter

const [FOR, AGAINST] = [0, 1];
for (const [v, kp, amount, choice] of [
  [voter, voterKp, HOLDINGS[0][2], FOR],
  [voter2, voter2Kp, HOLDINGS[1][2], AGAINST],
] as const) {
  const vote = v.methods.castVote(choice).accounts({ proposal });
  eq(
    (await vote.pubkeys()).voteRecord,
    pda("vote", proposal.toBuffer(), kp.publicKey.toBuffer()),
    "cast_vote.vote_record",
  );
  const ev = await eventOf(await vote.rpc(), "voteCast");
  eq([ev.proposal, ev.voter, ev.choice, ev.weight], [proposal, kp.publicKey, choice, amount], "VoteCast");
}
// Still in its vote (these run well within its 4 s): not executable yet, and the
// voters' stake is locked until it ends.
await expectError("VotingActive", () =>
  voter2.methods.executeProposal().accounts({ proposal }).rpc(),
);
await expectError("StakeLocked", () =>
  voter.methods
    .unstake(new BN(HOLDINGS[0][2]))
    .accounts({ ownerTokens: tokensOf(voterKp) })
    .rpc(),
);

// -- ratings: the requester's profile (its rating habits) first, then worker profiles
//    as remaining accounts ---------------------------------------------------------

// requester (signer) = the wallet; profile PDA [requester, requester] and config resolved.
const register = requester.methods.registerRequester().accounts({});
const requesterProfile = pda("requester", requesterKp.publicKey.toBuffer());
eq((await register.pubkeys()).profile, requesterProfile, "register_requester.profile");
// Ids count from 1: the profile's id is Config.requesterCount after it.
const requesterId = (await admin.account.config.fetch(configPda)).requesterCount.addn(1);
await register.rpc();
const rp = await requester.account.requesterProfile.fetch(requesterProfile);
eq(
  [rp.requester, rp.id, rp.ratingsGiven],
  [requesterKp.publicKey, requesterId, 0],
  "new requester profile: the next id",
);

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
const rated2 = await worker.account.workerProfile.fetch(profileOf(worker2Kp.publicKey));
eq(
  [rated.ratingCount, rated.wellRated, rated2.wellRated],
  [1, 1, 0],
  "5 stars count towards emissions (min_stars 4), 3 do not",
);
await expectError("AlreadyRated", () =>
  requester.methods
    .rateAssignments([{ item: 0, worker: rosterIndex(workerKp.publicKey), stars: 4, profile: 0 }])
    .accounts({ batch, table })
    .remainingAccounts([{ pubkey: profileOf(workerKp.publicKey), isSigner: false, isWritable: true }])
    .rpc(),
);

// rate_worker: one worker named once (its roster index), its profile passed as
// an account (not a PDA Anchor can derive: the worker is known by its index),
// a list of (item, stars), one WorkerRated event for them all. Stars below
// min_stars (4): the emission credit asserted below stays that of item 0.
const workerProfile = profileOf(workerKp.publicKey);
const rateWorker = (items: { item: number; stars: number }[], profile = workerProfile) =>
  requester.methods
    .rateWorker(rosterIndex(workerKp.publicKey), items)
    .accounts({ batch, table, workerProfile: profile });
const rateWorkerKeys = await rateWorker([]).pubkeys();
eq(
  [rateWorkerKeys.requesterProfile, rateWorkerKeys.config],
  [requesterProfile, configPda],
  "rate_worker: requester_profile and config resolved",
);
// Bug class: substituted account. Another worker's profile for this worker's ratings.
await expectError("WrongWorker", () =>
  rateWorker([{ item: 1, stars: 3 }], profileOf(worker2Kp.publicKey)).rpc(),
);
// Item 0 was rated by rate_assignments: the two instructions share the mark.
await expectError("AlreadyRated", () => rateWorker([{ item: 0, stars: 3 }]).rpc());
// Bug class: duplicates. One item twice in one list counts once, not twice.
await expectError("AlreadyRated", () =>
  rateWorker([
    { item: 3, stars: 3 },
    { item: 3, stars: 3 },
  ]).rpc(),
);
const byWorker = [
  { item: 1, stars: 3 },
  { item: 2, stars: 2 },
];
const workerRated = await eventOf(await rateWorker(byWorker).rpc(), "workerRated");
const ratedByWorker = await worker.account.workerProfile.fetch(workerProfile);
// A rating weighs at most the fee its work paid (500, under max_weight_per_rating),
// less only for a requester rating below neutral: some weight, at most 2 x 500.
const weight = workerRated.weight.toNumber();
check(0 < weight && weight <= 2 * 500, `WorkerRated.weight ${weight} in (0, 1000]`);
eq(
  [workerRated.batch, workerRated.worker, workerRated.ratings, workerRated.rating],
  [batch, workerKp.publicKey, byWorker, ratedByWorker.rating],
  "WorkerRated: the batch, the worker's key, the ratings in order, the score it now has",
);
eq(
  [ratedByWorker.ratingCount, ratedByWorker.wellRated],
  [rated.ratingCount + 2, rated.wellRated],
  "rate_worker: two more ratings, none well rated (the refused ones left nothing)",
);

// -- emissions: AMP minted to the worker for its well-rated assignment ------------------
//    (worker signs; profile and mint_authority are PDAs; the mint is read from the
//    governance account (its `relations`); its token account is the input)

const workerTokens = associatedTokenAddress(workerKp.publicKey, ampMint);
const claimEmissions = worker.methods
  .claimEmissions()
  .accounts({ workerTokens })
  .preInstructions([createAssociatedTokenAccount(workerKp.publicKey, workerKp.publicKey, ampMint)]);
eq((await claimEmissions.pubkeys()).ampMint, ampMint, "claim_emissions: amp_mint from the governance account");
// Emission credit follows the rating's weight: 1,000 for a full-weight rating
// (a fee of max_weight_per_rating, 100,000), so this 500-lamport fee earns 5,
// and per_assignment x 5 / 1,000 AMP.
const CREDIT = Math.floor((1_000 * 500) / 100_000);
const EMITTED = EMISSION.perAssignment.muln(CREDIT).divn(1_000);
const emitted = await eventOf(await claimEmissions.rpc(), "emissionsClaimed");
eq([emitted.worker, emitted.amount], [workerKp.publicKey, EMITTED], "EmissionsClaimed");
eq(await tokensIn(workerTokens), EMITTED, "the worker holds its AMP");
await expectError("NothingToClaim", () =>
  worker2.methods
    .claimEmissions()
    .accounts({ workerTokens: associatedTokenAddress(worker2Kp.publicKey, ampMint) })
    .rpc(),
);
const claimedProfile = await worker.account.workerProfile.fetch(profileOf(workerKp.publicKey));
eq(
  [claimedProfile.wellRated, claimedProfile.emissionCredit, claimedProfile.emissionPaid],
  [1, CREDIT, CREDIT],
  "WorkerProfile: emission paid",
);
await record("WorkerProfile", profileOf(workerKp.publicKey), claimedProfile);
const rpRated = await requester.account.requesterProfile.fetch(requesterProfile);
eq(rpRated.ratingsGiven, 4, "RequesterProfile.ratingsGiven: two by rate_assignments, two by rate_worker");
await record("RequesterProfile", requesterProfile, rpRated);

// -- fees: anyone sweeps them to the treasury PDA; stakers share them ------------------

const swept = await eventOf(await worker2.methods.sweepFees().accounts({ batch }).rpc(), "feesSwept");
const FEES = 500 * 6;
eq(swept.amount, FEES, "FeesSwept.amount = fee x completed slots");
const treasury = await admin.account.treasury.fetch(treasuryPda);
eq(treasury.totalCollected, FEES, "Treasury.totalCollected");
await record("Treasury", treasuryPda, treasury);
// The program's arithmetic: reward per staked unit in 64.64 fixed point, floored twice.
const rewardPerShare = (BigInt(FEES) << 64n) / BigInt(staked);
const reward = (BigInt(HOLDINGS[0][2]) * rewardPerShare) >> 64n;
// Fees pay out over a voting period from the last governance update before
// they arrived: wait it out, and the claim pays the whole share.
const releasing = await voter.account.governance.fetch(governancePda);
while ((await now()) < releasing.releasedAt.toNumber() + GOVERNANCE.votingPeriodSecs) await sleep(200);
const rewarded = await eventOf(await voter.methods.claim().accounts({}).rpc(), "rewardsClaimed");
eq([rewarded.owner, rewarded.lamports], [voterKp.publicKey, reward], "RewardsClaimed: the staker's share");

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
// Dynamic overlap: item 2 settled (its open slot refunded, no worker can take it);
// item 2 again and item 0 (no open slot) are refused in the event.
const settled = await eventOf(
  await requester.methods.settleItems([2]).accounts({ batch, table }).rpc(),
  "itemsSettled",
);
eq([settled.items, settled.slots, settled.refunded, settled.refused], [[2], 1, PRICE, []], "ItemsSettled");
const settledAgain = await eventOf(
  await requester.methods.settleItems([2, 0]).accounts({ batch, table }).rpc(),
  "itemsSettled",
);
eq(
  settledAgain.refused,
  [
    { item: 2, code: errorCode("ItemSettled") },
    { item: 0, code: errorCode("ItemFull") },
  ],
  "ItemsSettled: refusals",
);
const late = await eventOf(
  await worker2.methods.acceptTasks([2]).accounts({ batch, table }).rpc(),
  "tasksAccepted",
);
eq([late.accepted, late.refused], [[], [{ item: 2, code: errorCode("ItemSettled") }]], "a settled item is refused at accept");
const cancelled = await eventOf(await requester.methods.cancelBatch().accounts({ batch }).rpc(), "batchCancelled");
eq([cancelled.slots, cancelled.refunded], [1, PRICE], "BatchCancelled: item 3's one open slot (item 2's was settled)");
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

// -- the proposal executes once its vote and time lock are over (anyone may) ----------

while ((await now()) < p.executableAt.toNumber()) await sleep(200);
const executed = await eventOf(
  await voter2.methods.executeProposal().accounts({ proposal }).rpc(),
  "proposalExecuted",
);
eq([executed.proposal, executed.id], [proposal, 0], "ProposalExecuted");
p = await voter.account.proposal.fetch(proposal);
eq(
  [p.status, p.votesFor, p.votesAgainst, p.votesAbstain],
  [1, HOLDINGS[0][2], HOLDINGS[1][2], 0],
  "Proposal executed with its tally",
);
await record("Proposal", proposal, p);
const voteRecord = pda("vote", proposal.toBuffer(), voterKp.publicKey.toBuffer());
const vr = await voter.account.voteRecord.fetch(voteRecord);
eq([vr.proposal, vr.voter, vr.choice, vr.weight], [proposal, voterKp.publicKey, FOR, HOLDINGS[0][2]], "VoteRecord");
await record("VoteRecord", voteRecord, vr);
config = await admin.account.config.fetch(configPda);
eq([config.feeBps, config.admin], [NEW_FEE_BPS, governancePda], "Config.feeBps set by the proposal");
await record("Config", configPda, config);

// -- unstake: free again once the vote is over ------------------------------------------

const unstaked = await eventOf(
  await voter.methods
    .unstake(new BN(HOLDINGS[0][2]))
    .accounts({ ownerTokens: tokensOf(voterKp) })
    .rpc(),
  "staked",
);
eq(
  [unstaked.owner, unstaked.amount, unstaked.unstake, unstaked.totalStaked],
  [voterKp.publicKey, HOLDINGS[0][2], true, HOLDINGS[1][2]],
  "Staked (unstake)",
);
eq(await tokensIn(tokensOf(voterKp)), HOLDINGS[0][2], "the AMP is back");
const stakeAccount = await voter.account.stakeAccount.fetch(stakeOf(voterKp.publicKey));
eq(
  [stakeAccount.owner, stakeAccount.amount, stakeAccount.pending, stakeAccount.claimed, stakeAccount.lockedUntil],
  [voterKp.publicKey, 0, 0, reward, p.votingEndsAt],
  "StakeAccount: unstaked, rewards claimed, locked until the vote's end",
);
await record("StakeAccount", stakeOf(voterKp.publicKey), stakeAccount);
gov = await voter.account.governance.fetch(governancePda);
eq(
  [gov.totalStaked, gov.proposalCount, gov.distributed, gov.claimed, gov.held, gov.emitted],
  [HOLDINGS[1][2], 1, FEES, reward, 0, EMITTED],
  "Governance totals",
);
await record("Governance", governancePda, gov);

// -- an expired reservation released by anyone: release_expired's requester
//    (not a signer there) is resolved through `relations` from the batch

const batchId2 = batchId.addn(1);
const create2 = requester.methods
  .createBatch(...createBatchArgs(batchId2, { reservationSecs: 1 }))
  .accounts({});
const batch2 = (await create2.pubkeys()).batch!;
const created2 = await eventOf(await create2.rpc(), "batchCreated");
eq(created2.feeBps, NEW_FEE_BPS, "a new batch is created at the fee the proposal set");
const b2 = await requester.account.batch.fetch(batch2);
eq(b2.feePerItem, (PRICE * NEW_FEE_BPS) / 10_000, "fee_per_item at the new fee");
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
// The roster's one place: its worker now holds nothing, so a newcomer takes it.
const reuse = await eventsOf(
  await worker2.methods.acceptTasks([0]).accounts({ batch: batch2, table: table2 }).rpc(),
);
eq(reuse.map((e) => e.name), ["rosterPlaceReused", "tasksAccepted"], "a newcomer to a full roster");
const reused = reuse[0].data as IdlEvents<Amplify>["rosterPlaceReused"];
eq(
  [reused.batch, reused.index, reused.previous, reused.worker],
  [batch2, 0, workerKp.publicKey, worker2Kp.publicKey],
  "RosterPlaceReused",
);
const entry = (await requester.account.batch.fetch(batch2)).workers[0];
eq([entry.worker, entry.taken, entry.active, entry.pending], [worker2Kp.publicKey, 1, 1, 0], "the place's new worker");
await worker2.methods
  .submitResults([0], Buffer.from([1]), "")
  .accounts({ batch: batch2, table: table2 })
  .rpc();
await requester.methods.cancelBatch().accounts({ batch: batch2 }).rpc();
await requester.methods
  .closeBatch()
  .accounts({ batch: batch2 })
  .remainingAccounts([{ pubkey: table2, isSigner: false, isWritable: true }])
  .rpc();

// -- skills: an issuer's values as a Merkle root, proven at acceptance ----------------
//    (one worker: the root is its leaf, and its proof has no siblings)

const skillName = Buffer.alloc(32);
skillName.write("anchor flow");
const createSkill = requester.methods.createSkill(new BN(7), Array.from(skillName)).accounts({});
const skill = (await createSkill.pubkeys()).skill!;
await createSkill.rpc();
const SKILL_VALUE = 80;
const leaf = createHash("sha256")
  .update(Buffer.concat([Buffer.from([0]), skill.toBuffer(), workerKp.publicKey.toBuffer(), Buffer.from([SKILL_VALUE])]))
  .digest()
  .subarray(0, 20); // a node is the first SKILL_NODE_BYTES (20) of its hash
const skillSet = await eventOf(
  await requester.methods
    .setSkill(Array.from(leaf), 1, Array.from(Buffer.alloc(32, 1)), "file:///leaves")
    .accounts({ skill })
    .rpc(),
  "skillSet",
);
eq([skillSet.skill, skillSet.epoch, skillSet.workerCount], [skill, 1, 1], "SkillSet");
// Handed on and back: the authority is whoever the issuer names.
await requester.methods.setSkillAuthority(workerKp.publicKey).accounts({ skill }).rpc();
await worker.methods.setSkillAuthority(requesterKp.publicKey).accounts({ skill }).rpc();
const skillAccount = await requester.account.skill.fetch(skill);
eq([skillAccount.authority, skillAccount.epoch], [requesterKp.publicKey, 1], "Skill");
await record("Skill", skill, skillAccount);

const batchId3 = batchId.addn(2);
const create3 = requester.methods.createBatch(...createBatchArgs(batchId3)).accounts({});
const batch3 = (await create3.pubkeys()).batch!;
await create3.rpc();
const b3 = await requester.account.batch.fetch(batch3);
const table3 = await tableAddress(requesterKp.publicKey, BigInt(b3.batchNumber.toString()), 0);
const space3 = tableSize(1, REDUNDANCY);
await requester.methods
  .addTasks(0, 1, Array.from(merkleRoot(0, [hashes[0]])))
  .accounts({ batch: batch3, table: table3 })
  .preInstructions([
    SystemProgram.createAccountWithSeed({
      fromPubkey: requesterKp.publicKey,
      newAccountPubkey: table3,
      basePubkey: requesterKp.publicKey,
      seed: tableSeed(BigInt(b3.batchNumber.toString()), 0),
      lamports: await connection.getMinimumBalanceForRentExemption(space3),
      space: space3,
      programId: PROGRAM_ID,
    }),
    await requester.methods.initTable(0).accounts({ batch: batch3, table: table3 }).instruction(),
  ])
  .rpc();
const skillMeta = [{ pubkey: skill, isSigner: false, isWritable: false }];
const required = await eventOf(
  await requester.methods
    .requireSkills(Buffer.from([50]))
    .accounts({ batch: batch3 })
    .remainingAccounts(skillMeta)
    .rpc(),
  "skillsRequired",
);
eq([required.batch, required.count], [batch3, 1], "SkillsRequired");
const batchSkills = (
  await requester.methods.requireSkills(Buffer.from([50])).accounts({ batch: batch3 }).pubkeys()
).batchSkills!;
await record("BatchSkills", batchSkills, await requester.account.batchSkills.fetch(batchSkills));
await expectError("SkillProofRequired", () =>
  worker.methods.acceptTasks([0]).accounts({ batch: batch3, table: table3 }).rpc(),
);
// worker2 was never given a value: the worker's leaf is not in the tree.
await expectError("InvalidSkillProof", () =>
  worker2.methods
    .acceptSkilledTasks([0], Buffer.from([SKILL_VALUE, 0]))
    .accounts({ batch: batch3, table: table3 })
    .remainingAccounts(skillMeta)
    .rpc(),
);
await eventOf(
  await worker.methods
    .acceptSkilledTasks([0], Buffer.from([SKILL_VALUE, 0]))
    .accounts({ batch: batch3, table: table3 })
    .remainingAccounts(skillMeta)
    .rpc(),
  "tasksAccepted",
);

const fromLogs = events.filter((e) => e.name === "tasksAccepted").map((e) => e.data);
for (let i = 0; i < 50 && live.length < fromLogs.length; i++) await sleep(100);
await worker.removeEventListener(listener);
eq(live, fromLogs, "addEventListener delivered every TasksAccepted");

// -- every instruction that landed, named by Anchor's instruction coder ------------------

const instructionCoder = new BorshInstructionCoder(admin.idl);
const instructions = new Set<string>();
const sigs = await connection.getSignaturesForAddress(PROGRAM_ID, { limit: 1000 });
for (const { signature, err } of sigs) {
  if (err !== null) continue;
  const tx = await connection.getTransaction(signature, {
    commitment: "confirmed",
    maxSupportedTransactionVersion: 0,
  });
  const msg = tx!.transaction.message;
  for (const ix of msg.compiledInstructions) {
    if (!msg.staticAccountKeys[ix.programIdIndex].equals(PROGRAM_ID)) continue;
    const decoded = instructionCoder.decode(Buffer.from(ix.data));
    check(decoded, `an instruction of ${signature} decodes`);
    instructions.add(decoded.name);
  }
}

console.log(JSON.stringify({ instructions: [...instructions].sort(), events, accounts, errors }));
