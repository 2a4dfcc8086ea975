// The requester's side, from the browser: create a batch, upload a CSV's items
// to the batch's HTTP store and commit them on chain (as `amplify batch upload
// --store` does for a plain batch: blobs at base + hex(sha256), add_tasks with
// one Merkle root per task table, the manifest beside the items), watch
// completion, settle confident items (settle_items) and the labelled dataset
// (plurality vote, the columns of `amplify batch labels`). No DOM here.
import { BN, type IdlEvents, type Program } from "@coral-xyz/anchor";
import { PublicKey, SystemProgram, Transaction } from "@solana/web3.js";
import type { Amplify } from "./generated/amplify";
import { checkChain, hex, ManifestMismatch, manifestToJson, merkleRoot, sha256, type Upload } from "./commit";
import { fieldOffset, PROGRAM_ID, tableAddress, type Batch } from "./market";
import { HttpStore, manifestName } from "./store";
import type { ConnectedWallet } from "./wallet";
import { chainNow, configAddress, eventsIn, history, packed, pda, refusalText, tablesOf, type Outcome, type Table } from "./work";

export type ItemsSettled = IdlEvents<Amplify>["itemsSettled"];
export type ResultsSubmitted = IdlEvents<Amplify>["resultsSubmitted"];

export const batchAddress = (requester: PublicKey, batchId: BN) =>
  pda(Buffer.from("batch"), requester.toBuffer(), batchId.toArrayLike(Buffer, "le", 8));

export type NewBatch = {
  price: number;
  redundancy: number;
  bond?: number;
  minRating?: number;
  perWorkerCap?: number;
  maxActive?: number;
  reservationSecs?: number;
  expiresIn?: number;
  rosterCapacity?: number;
  storeUrl: string;
  instructions: string;
  labels: string[];
};

/** The instructions document a batch commits to: the text, then the label
 *  options on a line `amplify-labels: a, b, c` (what work.html offers). */
export function instructionsDoc(text: string, labels: string[]): Uint8Array {
  const body = text === "" || text.endsWith("\n") ? text : text + "\n";
  return new TextEncoder().encode(`${body}amplify-labels: ${labels.join(", ")}\n`);
}

/** create_batch with the SDK's defaults (BatchParams, bond a tenth of the
 *  price); the instructions document goes to the store first. */
export async function createBatch(program: Program<Amplify>, wallet: ConnectedWallet, p: NewBatch): Promise<PublicKey> {
  const store = new HttpStore(p.storeUrl);
  if (p.labels.length === 0) throw new Error("name at least one label");
  const doc = instructionsDoc(p.instructions, p.labels);
  await store.put(doc);
  const requester = wallet.publicKey;
  const id = crypto.getRandomValues(new Uint8Array(8));
  id[7] &= 0x7f; // a u63, as the SDK picks
  const batchId = new BN(id, "le");
  const now = await chainNow(program);
  const ix = await program.methods
    .createBatch(
      batchId,
      new BN(p.price),
      new BN(p.bond ?? Math.floor(p.price / 10)),
      p.redundancy,
      p.minRating ?? 0,
      p.perWorkerCap ?? 0,
      p.maxActive ?? 256,
      p.reservationSecs ?? 3600,
      new BN(now + (p.expiresIn ?? 7 * 24 * 3600)),
      false,
      p.rosterCapacity ?? 64,
      requester,
      Array.from(await sha256(doc)),
      store.base,
    )
    .accountsPartial({ requester, config: configAddress(), batch: batchAddress(requester, batchId) })
    .instruction();
  await wallet.signAndSend(program.provider.connection, [new Transaction().add(ix)]);
  return batchAddress(requester, batchId);
}

// -- CSV items, as `amplify batch upload` reads them --------------------------------

/** RFC 4180 records (Python's csv.reader, default dialect): fields, and the
 *  line each record starts on. */
export function parseCsv(text: string): { line: number; fields: string[] }[] {
  const out: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  let any = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === "\n") line++;
        field += c;
      }
    } else if (c === '"' && field === "") {
      quoted = any = true;
    } else if (c === ",") {
      fields.push(field);
      field = "";
      any = true;
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      if (any || field !== "") {
        fields.push(field);
        out.push({ line: start, fields });
      }
      fields = [];
      field = "";
      any = false;
      line++;
      start = line;
    } else {
      field += c;
      any = true;
    }
  }
  if (quoted) throw new Error(`line ${start}: malformed CSV (a quoted field does not end)`);
  if (any || field !== "") {
    fields.push(field);
    out.push({ line: start, fields });
  }
  return out;
}

const FIELDS = ["text", "data", "path"];

/** Every item's bytes, checked as `amplify batch upload` checks them: a
 *  `text` or `data` (base64) column, no empty value, as many fields as the
 *  header, no duplicate unless allowed. Errors name the line. */
export function csvItems(text: string, allowDuplicates = false): Uint8Array[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) throw new Error("no items");
  const field = FIELDS.find((f) => header.fields.includes(f));
  if (!field) throw new Error(`line 1: the header has no column named ${FIELDS.join(", ")}`);
  if (field === "path") throw new Error("a 'path' column names files, which a browser cannot read: use 'text' or 'data'");
  const col = header.fields.indexOf(field);
  const items: Uint8Array[] = [];
  const first = new Map<string, number>();
  for (const { line, fields } of rows) {
    if (fields.length !== header.fields.length) {
      throw new Error(`line ${line}: ${fields.length} fields where the header has ${header.fields.length}; nothing was sent`);
    }
    const value = fields[col];
    if (value === "") throw new Error(`line ${line}: empty '${field}'; nothing was sent`);
    let bytes: Uint8Array;
    if (field === "text") bytes = new TextEncoder().encode(value);
    else {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4) throw new Error(`line ${line}: 'data' is not valid base64; nothing was sent`);
      bytes = Uint8Array.from(atob(value), (c) => c.charCodeAt(0));
    }
    const key = field === "text" ? value : value.replace(/=+$/, "");
    const seen = first.get(key);
    if (seen !== undefined && !allowDuplicates) {
      throw new Error(`line ${line}: the same item as line ${seen}: remove it (each copy would be paid for); nothing was sent`);
    }
    if (seen === undefined) first.set(key, line);
    items.push(bytes);
  }
  if (items.length === 0) throw new Error("no items");
  return items;
}

// -- upload ------------------------------------------------------------------------

const MAX_ACCOUNT_SIZE = 10 * 1024 * 1024;
const SLOT_SIZE = 4;
const tableHeader = () => fieldOffset("TaskTable", "slots") + 4;
const tableSize = (capacity: number, redundancy: number) => tableHeader() + capacity * redundancy * SLOT_SIZE;
const maxTableItems = (redundancy: number) => Math.floor((MAX_ACCOUNT_SIZE - tableHeader()) / (redundancy * SLOT_SIZE));

export type UploadProgress = (phase: "store" | "chain", done: number, total: number) => void;

export type TasksAdded = IdlEvents<Amplify>["tasksAdded"];

/** The uploads a batch committed, from its TasksAdded events (as the SDK's
 *  uploads_from_history), checked to chain to its manifest_hash. */
export async function committedUploads(program: Program<Amplify>, address: PublicKey, batch: Batch): Promise<Upload[]> {
  const found = await eventsIn<TasksAdded>(program, await history(program, address), "tasksAdded");
  const uploads = found
    .filter((e) => e.batch.equals(address))
    .map((e) => ({ start: e.startIndex, count: e.count, root: Uint8Array.from(e.root) }));
  await checkChain({ address: address.toBase58(), manifestHash: Uint8Array.from(batch.manifestHash) }, uploads);
  return uploads;
}

/** Store a plain batch's items, commit their hashes and save the manifest
 *  beside them. Resumable, and a longer file appends: items the batch already
 *  holds are skipped once they are checked to be the file's first items
 *  (ManifestMismatchError otherwise, nothing sent). On chain, items go into
 *  the last task table while it has room, then into new tables (allocated,
 *  init_table, add_tasks: one transaction each). */
export async function uploadItems(
  program: Program<Amplify>,
  wallet: ConnectedWallet,
  address: PublicKey,
  items: Uint8Array[],
  progress: UploadProgress,
): Promise<Upload[]> {
  const connection = program.provider.connection;
  const batch = (await program.account.batch.fetch(address)) as Batch;
  if (batch.encrypted) throw new Error("an encrypted batch's items are encrypted first: upload them with `amplify batch upload`");
  const store = new HttpStore(batch.baseUri);
  const hashes = await Promise.all(items.map(sha256));
  const held = batch.itemCount.toNumber();
  const uploads = held ? await committedUploads(program, address, batch) : [];
  if (held > items.length) throw new ManifestMismatch(`the batch already holds ${held} items, the file has ${items.length}`);
  for (const u of uploads) {
    if (hex(await merkleRoot(u.start, hashes.slice(u.start, u.start + u.count))) !== hex(u.root)) {
      throw new ManifestMismatch(`items ${u.start}.. differ from those on chain; nothing was sent`);
    }
  }
  // Blobs first (8 in flight; one the store holds is not sent again).
  let stored = 0;
  progress("store", 0, items.length);
  const queue = items.map((data, i) => ({ data, i }));
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const url = store.uriOf(hashes[next.i]);
        if (!(await store.has(url))) await store.putAt(url, next.data);
        progress("store", ++stored, items.length);
      }
    }),
  );
  // Then the chain, from the first item the batch does not hold.
  const requester = wallet.publicKey;
  const per = maxTableItems(batch.redundancy);
  const txs: Transaction[] = [];
  const added: Upload[] = [];
  const last = (await tablesOf(program, batch)).at(-1);
  let start = held;
  let index = batch.tableCount;
  if (last && last.table.count < last.table.capacity && start < items.length) {
    const count = Math.min(last.table.firstItem + last.table.capacity, items.length) - start;
    const root = await merkleRoot(start, hashes.slice(start, start + count));
    added.push({ start, count, root });
    const ix = await program.methods
      .addTasks(start, count, Array.from(root))
      .accountsPartial({ requester, batch: address, table: last.address })
      .instruction();
    txs.push(new Transaction().add(ix));
    start += count;
  }
  for (; start < items.length; index++) {
    const count = Math.min(per, items.length - start);
    const size = tableSize(count, batch.redundancy);
    const seed = "t" + batch.batchNumber.toString(16).padStart(16, "0") + index.toString(16).padStart(4, "0");
    const table = await tableAddress(batch, index);
    const root = await merkleRoot(start, hashes.slice(start, start + count));
    added.push({ start, count, root });
    txs.push(
      new Transaction().add(
        SystemProgram.createAccountWithSeed({
          fromPubkey: requester,
          newAccountPubkey: table,
          basePubkey: requester,
          seed,
          lamports: await connection.getMinimumBalanceForRentExemption(size),
          space: size,
          programId: PROGRAM_ID,
        }),
        await program.methods.initTable(index).accountsPartial({ requester, batch: address, table }).instruction(),
        await program.methods
          .addTasks(start, count, Array.from(root))
          .accountsPartial({ requester, batch: address, table })
          .instruction(),
      ),
    );
    start += count;
  }
  let committed = held;
  progress("chain", committed, items.length);
  // One wallet prompt; each transaction confirmed in turn.
  if (txs.length) {
    await wallet.signAndSend(connection, txs, (i) => progress("chain", (committed += added[i].count), items.length));
  }
  const all = [...uploads, ...added];
  const manifest = { batch: address.toBase58(), uploads: all, contentHashes: hashes, uris: null, encrypted: false };
  await store.putNamed(manifestName(address.toBase58()), manifestToJson(manifest));
  return all;
}

// -- completion, settling, labels --------------------------------------------------

export type Completion = { slots: number; completed: number; reserved: number; settled: number; items: number };

export function completion(b: Batch): Completion {
  const slots = b.itemCount.toNumber() * b.redundancy;
  return {
    items: b.itemCount.toNumber(),
    slots,
    completed: b.completedCount.toNumber(),
    reserved: b.reservedCount.toNumber(),
    settled: b.cancelledSlots.toNumber(),
  };
}

/** Every answer delivered to the batch: its ResultsSubmitted events. */
export async function batchAnswers(program: Program<Amplify>, batch: PublicKey) {
  const out: { item: number; worker: string; answer: Uint8Array }[] = [];
  for (const d of await eventsIn<ResultsSubmitted>(program, await history(program, batch), "resultsSubmitted")) {
    if (!d.batch.equals(batch) || d.items.length === 0) continue;
    const width = d.answers.length / d.items.length;
    d.items.forEach((item, i) =>
      out.push({ item, worker: d.worker.toBase58(), answer: Uint8Array.from(d.answers.subarray(i * width, (i + 1) * width)) }),
    );
  }
  return out;
}

export type LabelRow = { item: number; label: Uint8Array; confidence: number; answers: number; agreement: number; tied: boolean };

const compareBytes = (a: Uint8Array, b: Uint8Array) => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
};

/** Plurality vote per item: the most frequent answer, its share of the
 *  item's answers (the posterior of `agreement.plurality_vote`, and the
 *  agreement). A tie goes to the tied answer first in byte order and is
 *  flagged (the SDK draws one at random from a numpy seed instead). */
export function pluralityLabels(answers: { item: number; answer: Uint8Array }[]): LabelRow[] {
  const byItem = new Map<number, Map<string, { answer: Uint8Array; n: number }>>();
  for (const a of answers) {
    const counts = byItem.get(a.item) ?? new Map();
    byItem.set(a.item, counts);
    const key = hex(a.answer);
    const c = counts.get(key) ?? { answer: a.answer, n: 0 };
    c.n++;
    counts.set(key, c);
  }
  return [...byItem.keys()]
    .sort((a, b) => a - b)
    .map((item) => {
      const counts = [...byItem.get(item)!.values()].sort((a, b) => b.n - a.n || compareBytes(a.answer, b.answer));
      const total = counts.reduce((n, c) => n + c.n, 0);
      const share = counts[0].n / total;
      return { item, label: counts[0].answer, confidence: share, answers: total, agreement: share, tied: counts.length > 1 && counts[1].n === counts[0].n };
    });
}

/** A label as people read it (`label_text`): UTF-8 text when printable, else hex. */
export function labelText(label: Uint8Array): string {
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(label);
    // Python's str.isprintable: no control, separator-other or unassigned characters.
    if (!/[\p{C}\p{Zl}\p{Zp}]|[^\S ]/u.test(text)) return text;
  } catch {
    // not UTF-8
  }
  return hex(label);
}

/** A float as Python's repr writes it after round(x, 6). */
const py = (x: number) => {
  const r = Math.round(x * 1e6) / 1e6;
  return Number.isInteger(r) ? `${r}.0` : String(r);
};
const csvCell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const inert = (s: string) => (/^[=+\-@\t\r]/.test(s) ? "'" + s : s);

/** The rows as `Labels.write` writes labels.csv (item, label, confidence, answers, agreement). */
export function labelsCsv(rows: LabelRow[]): string {
  const lines = ["item,label,confidence,answers,agreement"];
  for (const r of rows) {
    lines.push([String(r.item), csvCell(inert(labelText(r.label))), py(r.confidence), String(r.answers), py(r.agreement)].join(","));
  }
  return lines.join("\r\n") + "\r\n";
}

/** Items worth settling: confident labels on enough answers, with open slots. */
export function confidentItems(rows: LabelRow[], tables: Table[], minConfidence: number, minAnswers: number): number[] {
  const open = new Set<number>();
  for (const { table: t } of tables) {
    for (let row = 0; row < t.count; row++) {
      if (t.slots.slice(row * t.redundancy, (row + 1) * t.redundancy).some((s) => s.worker === 0)) open.add(t.firstItem + row);
    }
  }
  return rows.filter((r) => r.confidence >= minConfidence && r.answers >= minAnswers && !r.tied && open.has(r.item)).map((r) => r.item);
}

/** settle_items, as few transactions as fit, one wallet prompt. */
export async function settleItems(
  program: Program<Amplify>,
  wallet: ConnectedWallet,
  address: PublicKey,
  items: number[],
): Promise<Outcome & { slots: number; refunded: number }> {
  const batch = (await program.account.batch.fetch(address)) as Batch;
  const tables = await tablesOf(program, batch);
  const txs = await packed(items, tables, wallet.publicKey, (t, chunk) =>
    program.methods
      .settleItems(chunk)
      .accountsPartial({ requester: wallet.publicKey, batch: address, table: t.address })
      .instruction(),
  );
  const sigs = await wallet.signAndSend(program.provider.connection, txs);
  const found = await eventsIn<ItemsSettled>(program, sigs, "itemsSettled");
  return {
    done: found.flatMap((e) => e.items),
    refused: found.flatMap((e) => e.refused.map((r) => ({ item: r.item, reason: refusalText(r.code) }))),
    slots: found.reduce((n, e) => n + e.slots.toNumber(), 0),
    refunded: found.reduce((n, e) => n + e.refunded.toNumber(), 0),
  };
}
