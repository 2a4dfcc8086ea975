// The worker's side, from the browser: open batches, registration, bulk
// acceptance and submission (the instructions amplify_sdk's WorkerClient
// sends, built from the IDL with Anchor's methods builder and signed by the
// wallet), the worker's reservations, items checked against the chain, and
// earnings. No DOM here.
import { BN, EventParser, utils, type IdlEvents, type Program } from "@coral-xyz/anchor";
import { PublicKey, SYSVAR_CLOCK_PUBKEY, Transaction, type TransactionInstruction } from "@solana/web3.js";
import type { Amplify } from "./generated/amplify";
import { constant, fieldOffset, idl, PROGRAM_ID, standingOf, tableAddress, type Batch, type Standing, type TaskTable } from "./market";
import { loadBlob, HttpStore } from "./store";
import type { Manifest } from "./commit";
import type { ConnectedWallet } from "./wallet";
import { skillGate } from "./skills";
import { decryptItem, ENCRYPTION_KEY_MESSAGE, keyFromSignature, openSealed, type X25519Key } from "./sealed";
import { hex } from "./commit";

export type ResultsSubmitted = IdlEvents<Amplify>["resultsSubmitted"];
export type TasksAccepted = IdlEvents<Amplify>["tasksAccepted"];

/** Slot.worker: roster index + 1 in SLOT_HOLDER's bits, SLOT_DONE once
 *  completed, and a flag (IDL: Slot). */
const SLOT_HOLDER = constant("SLOT_HOLDER");
const SLOT_DONE = constant("SLOT_DONE");

/** The most bytes a transaction may take (PACKET_DATA_SIZE). */
const PACKET_DATA_SIZE = 1232;

export const pda = (...seeds: (Buffer | Uint8Array)[]) =>
  PublicKey.findProgramAddressSync(seeds, PROGRAM_ID)[0];
export const profileAddress = (worker: PublicKey) => pda(Buffer.from("worker"), worker.toBuffer());
export const configAddress = () => pda(Buffer.from("config"));

/** Chain time (the Clock sysvar's unix_timestamp): what the program compares deadlines with. */
export async function chainNow(program: Program<Amplify>): Promise<number> {
  const info = await program.provider.connection.getAccountInfo(SYSVAR_CLOCK_PUBKEY);
  if (!info) throw new Error("no Clock sysvar");
  return Number(info.data.readBigInt64LE(32));
}

export type Table = { address: PublicKey; table: TaskTable };

export async function tablesOf(program: Program<Amplify>, batch: Batch): Promise<Table[]> {
  const addresses = await Promise.all(Array.from({ length: batch.tableCount }, (_, i) => tableAddress(batch, i)));
  const infos = await program.provider.connection.getMultipleAccountsInfo(addresses);
  return infos.flatMap((info, i) =>
    info ? [{ address: addresses[i], table: program.coder.accounts.decode<TaskTable>("taskTable", info.data) }] : [],
  );
}

/** The worker's roster index + 1 in the batch (0: not on its roster). */
export function holderOf(batch: Batch, worker: PublicKey): number {
  const i = batch.workers.slice(0, batch.rosterLen).findIndex((e) => e.worker.equals(worker));
  return i + 1;
}

export type BatchView = {
  address: PublicKey;
  batch: Batch;
  tables: Table[];
  /** Items with an open slot the worker does not hold. */
  open: number[];
  /** Items the worker holds reserved, with their deadline (unix s). */
  reserved: { item: number; deadline: number }[];
  /** Items the worker completed. */
  completed: number[];
  /** Skills required (BatchSkills): name and minimum. */
  skills: { name: string; minimum: number }[];
};

export function viewOf(address: PublicKey, batch: Batch, tables: Table[], worker: PublicKey | null): BatchView {
  const holder = worker ? holderOf(batch, worker) : 0;
  const view: BatchView = { address, batch, tables, open: [], reserved: [], completed: [], skills: [] };
  for (const { table: t } of tables) {
    for (let row = 0; row < t.count; row++) {
      const slots = t.slots.slice(row * t.redundancy, (row + 1) * t.redundancy);
      const item = t.firstItem + row;
      const mine = holder ? slots.find((s) => (s.worker & SLOT_HOLDER) === holder) : undefined;
      // Open: no holder and not settled (worker field 0, flag clear).
      if (!mine && slots.some((s) => s.worker === 0)) view.open.push(item);
      // Reserved: tick is the deadline. Completed: tick keeps the answer's code.
      if (mine && !(mine.worker & SLOT_DONE)) {
        const deadline = batch.createdAt.toNumber() + mine.tick * batch.tickSecs;
        view.reserved.push({ item, deadline });
      }
      if (mine && mine.worker & SLOT_DONE) view.completed.push(item);
    }
  }
  return view;
}

/** Every open, unexpired batch with work left (getProgramAccounts by the Batch
 *  discriminator and status), seen by `worker`. */
export async function openBatches(program: Program<Amplify>, worker: PublicKey | null): Promise<BatchView[]> {
  const disc = program.idl.accounts.find((a) => a.name === "batch")!.discriminator;
  const found = await program.provider.connection.getProgramAccounts(PROGRAM_ID, {
    filters: [
      { memcmp: { offset: 0, bytes: utils.bytes.bs58.encode(Buffer.from(disc)) } },
      { memcmp: { offset: fieldOffset("Batch", "status"), bytes: utils.bytes.bs58.encode(Buffer.from([0])) } },
    ],
  });
  const now = await chainNow(program);
  const views: BatchView[] = [];
  for (const { pubkey, account } of found) {
    const batch = program.coder.accounts.decode<Batch>("batch", account.data);
    const view = viewOf(pubkey, batch, await tablesOf(program, batch), worker);
    // An expired batch takes no acceptance: shown only while the worker
    // still holds reservations there to deliver.
    if (batch.expiresAt.toNumber() <= now) view.open = [];
    if (!view.open.length && !view.reserved.length) continue;
    if (batch.skillCount > 0) view.skills = await requiredSkills(program, pubkey);
    views.push(view);
  }
  return views.sort((a, b) => b.batch.price.cmp(a.batch.price));
}

async function requiredSkills(program: Program<Amplify>, batch: PublicKey) {
  const req = await program.account.batchSkills.fetchNullable(pda(Buffer.from("batch_skills"), batch.toBuffer()));
  if (!req) return [];
  const skills = await program.account.skill.fetchMultiple(req.skills.slice(0, req.count));
  return skills.map((s, i) => ({
    name: s ? new TextDecoder().decode(Uint8Array.from(s.name)).replace(/\0+$/, "") : req.skills[i].toBase58(),
    minimum: req.minimums[i],
  }));
}

// -- the worker's X25519 key: the Montgomery form of its ed25519 public key --------
// (crypto_sign_ed25519_pk_to_curve25519: u = (1 + y) / (1 - y) mod 2^255 - 19),
// so registering needs no key but the wallet's public one.

const P = 2n ** 255n - 19n;
function modPow(b: bigint, e: bigint): bigint {
  let r = 1n;
  for (b %= P; e > 0n; e >>= 1n, b = (b * b) % P) if (e & 1n) r = (r * b) % P;
  return r;
}
export function x25519PublicKey(ed25519: Uint8Array): Uint8Array {
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(i === 31 ? ed25519[i] & 0x7f : ed25519[i]);
  const u = (((1n + y) % P) * modPow((P + 1n - y) % P, P - 2n)) % P;
  return Uint8Array.from({ length: 32 }, (_, i) => Number((u >> BigInt(8 * i)) & 0xffn));
}

// -- transactions ------------------------------------------------------------------

const tx = (...ixs: TransactionInstruction[]) => new Transaction().add(...ixs);

/** register_worker. With a wallet that signs messages, the encryption key
 *  is the one derived from its signature (docs/privacy.md: a browser wallet
 *  exposes no secret key), kept in memory only to open this worker's item
 *  keys; else the X25519 form of the wallet key (plain batches only here). */
export async function register(program: Program<Amplify>, wallet: ConnectedWallet): Promise<X25519Key | null> {
  const worker = wallet.publicKey;
  const key = wallet.signsMessages ? keyFromSignature(worker, await wallet.signMessage(ENCRYPTION_KEY_MESSAGE)) : null;
  const ix = await program.methods
    .registerWorker(Array.from(key ? key.publicKey : x25519PublicKey(worker.toBytes())))
    .accountsPartial({ worker, profile: profileAddress(worker) })
    .instruction();
  await wallet.signAndSend(program.provider.connection, [tx(ix)]);
  return key;
}

/** The worker's encryption key: derived again from the wallet's signature
 *  (deterministic), and it must be the registered one. */
export async function encryptionKey(program: Program<Amplify>, wallet: ConnectedWallet): Promise<X25519Key> {
  const profile = await program.account.workerProfile.fetch(profileAddress(wallet.publicKey));
  const key = keyFromSignature(wallet.publicKey, await wallet.signMessage(ENCRYPTION_KEY_MESSAGE));
  if (hex(key.publicKey) !== hex(Uint8Array.from(profile.encryptionKey))) {
    throw new Error(
      "this worker registered another encryption key (the X25519 form of its wallet key, for the CLI): open its items with `amplify worker fetch`",
    );
  }
  return key;
}

export type KeysDelivered = IdlEvents<Amplify>["keysDelivered"];

/** Item keys delivered to `worker` for `items` of `batch` (KeysDelivered
 *  events of its own history, newest delivery winning), opened with its
 *  key; waits up to `waitMs` for missing ones (the key agent delivers after
 *  the acceptance confirms). */
export async function receiveKeys(
  program: Program<Amplify>,
  worker: PublicKey,
  key: X25519Key,
  batch: PublicKey,
  items: number[],
  waitMs: number,
): Promise<Map<number, Uint8Array>> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    // Oldest first: a later delivery of the same item replaces an earlier one.
    const sealed = new Map<number, Uint8Array>();
    for (const e of await eventsIn<KeysDelivered>(program, await history(program, worker), "keysDelivered")) {
      if (!e.batch.equals(batch) || !e.worker.equals(worker)) continue;
      e.items.forEach((item, k) => sealed.set(item, Uint8Array.from(e.sealedKeys[k])));
    }
    const missing = items.filter((i) => !sealed.has(i));
    if (missing.length === 0 || Date.now() >= deadline) {
      if (missing.length) throw new Error(`KeyNotFoundError: no key delivered for items ${missing.slice(0, 10).join(", ")}`);
      return new Map(items.map((i) => [i, openSealed(sealed.get(i)!, key)]));
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The serialized size of a transaction of this one instruction, signed by `payer`. */
function txSize(ix: TransactionInstruction, payer: PublicKey): number {
  const t = new Transaction({ feePayer: payer, recentBlockhash: PublicKey.default.toBase58() }).add(ix);
  try {
    return t.serialize({ requireAllSignatures: false, verifySignatures: false }).length;
  } catch {
    return Infinity; // web3.js refuses to serialize past the limit
  }
}

/** Items grouped by the task table holding them, each group in as few
 *  transactions as fit (as the SDK's max_items: the largest chunk whose
 *  transaction stays within PACKET_DATA_SIZE). */
export async function packed(
  items: number[],
  tables: Table[],
  payer: PublicKey,
  build: (table: Table, chunk: number[]) => Promise<TransactionInstruction>,
): Promise<Transaction[]> {
  const out: Transaction[] = [];
  for (const t of tables) {
    let rest = items.filter((i) => t.table.firstItem <= i && i < t.table.firstItem + t.table.count);
    while (rest.length) {
      const fits = async (n: number) => {
        try {
          return txSize(await build(t, rest.slice(0, n)), payer) <= PACKET_DATA_SIZE;
        } catch (e) {
          // Anchor encodes instruction data into a fixed buffer: too many
          // items overflow it long before a transaction would be too big.
          if (e instanceof RangeError) return false;
          throw e;
        }
      };
      let n = rest.length;
      if (!(await fits(n))) {
        let lo = 0;
        let hi = n; // fits(lo) (or lo = 0), !fits(hi)
        while (hi - lo > 1) {
          const mid = (lo + hi) >> 1;
          if (await fits(mid)) lo = mid;
          else hi = mid;
        }
        if (lo === 0) throw new Error("not even one item fits a transaction");
        n = lo;
      }
      out.push(tx(await build(t, rest.slice(0, n))));
      rest = rest.slice(n);
    }
  }
  return out;
}

/** Signatures of every successful transaction that mentions `address`, oldest first (all pages). */
export async function history(program: Program<Amplify>, address: PublicKey): Promise<string[]> {
  const out: string[] = [];
  let before: string | undefined;
  for (;;) {
    const page = await program.provider.connection.getSignaturesForAddress(address, { before, limit: 1000 }, "confirmed");
    out.push(...page.filter((s) => s.err === null).map((s) => s.signature));
    if (page.length < 1000) return out.reverse();
    before = page[page.length - 1].signature;
  }
}

/** The program's events called `name` in these transactions, in order (each
 *  transaction's logs parsed on their own: the parser follows the invoke stack). */
export async function eventsIn<T>(program: Program<Amplify>, signatures: string[], name: string): Promise<T[]> {
  const parser = new EventParser(PROGRAM_ID, program.coder);
  const out: T[] = [];
  for (let at = 0; at < signatures.length; at += 100) {
    const txs = await program.provider.connection.getTransactions(signatures.slice(at, at + 100), {
      maxSupportedTransactionVersion: 0,
      commitment: "confirmed",
    });
    for (const tx of txs) {
      if (!tx || tx.meta?.err) continue;
      for (const e of parser.parseLogs(tx.meta?.logMessages ?? [])) if (e.name === name) out.push(e.data as T);
    }
  }
  return out;
}

export type Outcome = { done: number[]; refused: { item: number; reason: string }[] };

/** A program error by name, as the SDK raises it (name "RatingTooLow",
 *  message "Worker rating is below the batch minimum (6029)"). */
export class ProgramError extends Error {
  constructor(
    readonly code: number,
    detail?: string,
  ) {
    const e = idl.errors?.find((x) => x.code === code);
    super(e ? `${detail ?? e.msg} (${code})` : `program error ${code}`);
    this.name = e?.name ?? "ProgramError";
  }
}

/** The program error a failed send or confirmation carries (its logs or
 *  message name the custom error code), else the error as it is. */
export function explain(program: Program<Amplify>, err: unknown): unknown {
  const text = [err instanceof Error ? err.message : String(err), ...(((err as { logs?: string[] })?.logs) ?? [])].join("\n");
  const hexCode = /custom program error: 0x([0-9a-f]+)/i.exec(text);
  const decCode = /"Custom":\s*(\d+)/.exec(text);
  const code = hexCode ? parseInt(hexCode[1], 16) : decCode ? Number(decCode[1]) : null;
  return code === null ? err : new ProgramError(code);
}

const errorCode = (name: string) => {
  const e = idl.errors?.find((x) => x.name === name);
  if (!e) throw new Error(`no error ${name} in the IDL`);
  return e.code;
};

/** What the SDK checks before accepting (WorkerClient._check_open): refused
 *  here, nothing is sent and no fee is paid. */
async function checkOpen(program: Program<Amplify>, view: BatchView, worker: PublicKey) {
  const profile = await program.account.workerProfile.fetchNullable(profileAddress(worker));
  if (!profile) throw new Error(`NotRegisteredError: ${worker.toBase58()} has no worker profile: register first`);
  const config = await program.account.config.fetch(configAddress());
  const b = view.batch;
  const refuse = (name: string) => new ProgramError(errorCode(name));
  if (config.paused) throw refuse("ProtocolPaused");
  if (b.status === 2) throw refuse("BatchCancelled");
  if (b.status === 1) throw refuse("BatchPaused");
  if ((await chainNow(program)) >= b.expiresAt.toNumber()) throw refuse("BatchExpired");
  if (profile.rating < b.minRating) throw refuse("RatingTooLow");
}

/** An error's name as the IDL (and the SDK's exception) spells it: the
 *  Program's own copy of the IDL has camelCase names. */
export const refusalText = (code: number) =>
  idl.errors?.find((e) => e.code === code)?.name ?? `error ${code}`;

/** accept_tasks for these items (one wallet prompt; as few transactions as fit). */
export async function accept(program: Program<Amplify>, wallet: ConnectedWallet, view: BatchView, items: number[]): Promise<Outcome> {
  const worker = wallet.publicKey;
  await checkOpen(program, view, worker);
  // A batch that requires skills takes proofs of this worker's values.
  const gate = view.batch.skillCount > 0 ? await skillGate(program, view.address, worker) : null;
  const txs = await packed(items, view.tables, worker, (table, chunk) => {
    const accounts = {
      worker,
      config: configAddress(),
      profile: profileAddress(worker),
      batch: view.address,
      table: table.address,
    };
    return gate
      ? program.methods
          .acceptSkilledTasks(chunk, gate.proofs)
          .accountsPartial({ ...accounts, batchSkills: pda(Buffer.from("batch_skills"), view.address.toBuffer()) })
          .remainingAccounts(gate.skills.map((pubkey) => ({ pubkey, isSigner: false, isWritable: false })))
          .instruction()
      : program.methods.acceptTasks(chunk).accountsPartial(accounts).instruction();
  });
  const sigs = await wallet.signAndSend(program.provider.connection, txs);
  const found = await eventsIn<TasksAccepted>(program, sigs, "tasksAccepted");
  return {
    done: found.flatMap((e) => e.accepted),
    refused: found.flatMap((e) => e.refused.map((r) => ({ item: r.item, reason: refusalText(r.code) }))),
  };
}

/** submit_results: an answer (1-64 bytes) per item, paid at once; one
 *  transaction per answer width per table chunk (a transaction's answers
 *  share one width), all signed at one wallet prompt. */
export async function submit(
  program: Program<Amplify>,
  wallet: ConnectedWallet,
  view: BatchView,
  answers: Map<number, Uint8Array>,
): Promise<Outcome & { paid: number }> {
  const txs: Transaction[] = [];
  const widths = [...new Set([...answers.values()].map((a) => a.length))].sort((a, b) => a - b);
  for (const width of widths) {
    if (width < 1 || width > 64) throw new Error(`an answer is 1-64 bytes, not ${width}`);
    const items = [...answers.keys()].filter((i) => answers.get(i)!.length === width).sort((a, b) => a - b);
    const build = (table: Table, chunk: number[]) =>
      program.methods
        .submitResults(chunk, Buffer.concat(chunk.map((i) => answers.get(i)!)), "")
        .accountsPartial({ worker: wallet.publicKey, batch: view.address, table: table.address })
        .instruction();
    txs.push(...(await packed(items, view.tables, wallet.publicKey, build)));
  }
  const sigs = await wallet.signAndSend(program.provider.connection, txs);
  const found = await eventsIn<ResultsSubmitted>(program, sigs, "resultsSubmitted");
  return {
    done: found.flatMap((e) => e.items),
    refused: found.flatMap((e) => e.refused.map((r) => ({ item: r.item, reason: refusalText(r.code) }))),
    paid: found.reduce((n, e) => n + e.paid.toNumber(), 0),
  };
}

// -- what the worker has: items, earnings, standing --------------------------------

export type Item = { item: number; data: Uint8Array };

/** A batch's items from its store (base_uri), each blob checked against the
 *  chain's commitment, an encrypted batch's decrypted with the item keys
 *  `keys` gives; an item that fails is reported with its error, never shown. */
export async function fetchItems(
  view: BatchView,
  items: number[],
  manifests: Map<string, Promise<Manifest>>,
  onItem: (item: number, result: { data: Uint8Array } | { error: Error }) => void,
  keys: () => Promise<Map<number, Uint8Array>>,
) {
  let itemKeys: Map<number, Uint8Array> | null = null;
  if (view.batch.encrypted) {
    try {
      itemKeys = await keys();
    } catch (e) {
      for (const i of items) onItem(i, { error: e as Error });
      return;
    }
  }
  let store: HttpStore;
  try {
    store = new HttpStore(view.batch.baseUri);
  } catch (e) {
    for (const i of items) onItem(i, { error: e as Error });
    return;
  }
  const committed = { address: view.address.toBase58(), manifestHash: Uint8Array.from(view.batch.manifestHash) };
  await Promise.all(
    items.map(async (i) => {
      try {
        const blob = await loadBlob(store, committed, i, manifests);
        onItem(i, { data: itemKeys ? decryptItem(itemKeys.get(i)!, view.address, i, blob) : blob });
      } catch (e) {
        onItem(i, { error: e as Error });
      }
    }),
  );
}

export type Earnings = { lamports: number; items: number; fees: number; batches: number };

/** Lamports paid to the worker: the ResultsSubmitted events of its own history. */
export async function earnings(program: Program<Amplify>, worker: PublicKey): Promise<Earnings> {
  const all = await eventsIn<ResultsSubmitted>(program, await history(program, worker), "resultsSubmitted");
  const mine = all.filter((e) => e.worker.equals(worker));
  return {
    lamports: mine.reduce((n, e) => n + e.paid.toNumber(), 0),
    fees: mine.reduce((n, e) => n + e.fee.toNumber(), 0),
    items: mine.reduce((n, e) => n + e.items.length, 0),
    batches: new Set(mine.map((e) => e.batch.toBase58())).size,
  };
}

/** The worker's standing (null: not registered). */
export async function standing(program: Program<Amplify>, worker: PublicKey): Promise<Standing | null> {
  const profile = await program.account.workerProfile.fetchNullable(profileAddress(worker));
  if (!profile) return null;
  const config = await program.account.config.fetch(configAddress());
  return standingOf(profile, config.reputation);
}

/** The batch's instructions document (base_uri + hex(instructions_hash),
 *  checked against that hash) and the label options it names on a line
 *  `amplify-labels: a, b, c` (answers are the label's UTF-8 bytes). */
export async function instructionsOf(view: BatchView): Promise<{ text: string; labels: string[] }> {
  const hash = Uint8Array.from(view.batch.instructionsHash);
  if (hash.every((b) => b === 0)) return { text: "", labels: [] };
  const store = new HttpStore(view.batch.baseUri);
  const text = new TextDecoder().decode(await store.get(hash, null));
  const line = text.split("\n").find((l) => l.startsWith(LABELS_LINE));
  const labels = line ? line.slice(LABELS_LINE.length).split(",").map((l) => l.trim()).filter(Boolean) : [];
  return { text, labels };
}
export const LABELS_LINE = "amplify-labels:";

export { BN };
