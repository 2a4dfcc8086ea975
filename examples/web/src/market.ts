// Reading the marketplace from a cluster with @coral-xyz/anchor and the IDL
// only: a requester's batches, their open work, and recent prices paid.
// Nothing here knows a byte offset the IDL does not give.
import {
  EventParser,
  Program,
  utils,
  type Idl,
  type IdlEvents,
  type IdlTypes,
} from "@coral-xyz/anchor";
import { Connection, PublicKey } from "@solana/web3.js";
import rawIdl from "../../../idl/amplify.json";
import type { Amplify } from "./generated/amplify";

export type Batch = IdlTypes<Amplify>["batch"];
export type TaskTable = IdlTypes<Amplify>["taskTable"];
export type ResultsSubmitted = IdlEvents<Amplify>["resultsSubmitted"];

export const idl = rawIdl as Idl;
export const PROGRAM_ID = new PublicKey(idl.address);

/** An integer constant of the IDL (`SLOT_HOLDER`, `MAX_ROSTER`, ...). */
export function constant(name: string): number {
  const c = (idl.constants ?? []).find((x) => x.name === name);
  if (!c) throw new Error(`no constant ${name} in the IDL`);
  return Number(c.value);
}

/** A read-only client: Anchor needs only a connection to fetch and decode. */
export function connect(url: string): Program<Amplify> {
  return new Program(idl as unknown as Amplify, { connection: new Connection(url, "confirmed") });
}

// -- offsets from the IDL ----------------------------------------------------------

const SIZES: Record<string, number> = { u8: 1, i8: 1, bool: 1, u16: 2, i16: 2, u32: 4, i32: 4 };
Object.assign(SIZES, { u64: 8, i64: 8, u128: 16, i128: 16, pubkey: 32 });

type IdlTypeExpr = string | { array?: [IdlTypeExpr, number]; defined?: { name: string } };

function sizeOf(ty: IdlTypeExpr): number {
  if (typeof ty === "string") {
    const size = SIZES[ty];
    if (size === undefined) throw new Error(`${ty} has no fixed size`);
    return size;
  }
  if (ty.array) return sizeOf(ty.array[0]) * ty.array[1];
  if (ty.defined) return fieldsOf(ty.defined.name).reduce((n, f) => n + sizeOf(f.type), 0);
  throw new Error(`no fixed size for ${JSON.stringify(ty)}`);
}

function fieldsOf(typeName: string): { name: string; type: IdlTypeExpr }[] {
  const t = idl.types?.find((x) => x.name === typeName);
  if (!t || t.type.kind !== "struct") throw new Error(`no struct ${typeName} in the IDL`);
  return t.type.fields as unknown as { name: string; type: IdlTypeExpr }[];
}

/** Byte offset of an account field: the 8-byte discriminator, then the fields before it. */
export function fieldOffset(account: string, field: string): number {
  let at = 8;
  for (const f of fieldsOf(account)) {
    if (f.name === field) return at;
    at += sizeOf(f.type);
  }
  throw new Error(`${account} has no field ${field}`);
}

function discriminator(account: string): Buffer {
  const acc = idl.accounts?.find((a) => a.name === account);
  if (!acc) throw new Error(`no account ${account} in the IDL`);
  return Buffer.from(acc.discriminator);
}

// -- batches and their open work ---------------------------------------------------

/** Every batch of `requester`: getProgramAccounts filtered by the Batch
 *  discriminator and by the requester field. */
export async function listBatches(program: Program<Amplify>, requester: PublicKey) {
  const found = await program.provider.connection.getProgramAccounts(PROGRAM_ID, {
    filters: [
      { memcmp: { offset: 0, bytes: utils.bytes.bs58.encode(discriminator("Batch")) } },
      { memcmp: { offset: fieldOffset("Batch", "requester"), bytes: requester.toBase58() } },
    ],
  });
  return found.map(({ pubkey, account }) => ({
    address: pubkey,
    batch: program.coder.accounts.decode<Batch>("batch", account.data),
  }));
}

/** Task table `index` of a batch: createWithSeed(requester, "t" + hex16(batch_number) + hex4(index), program). */
export function tableAddress(batch: Batch, index: number): Promise<PublicKey> {
  const seed =
    "t" + batch.batchNumber.toString(16).padStart(16, "0") + index.toString(16).padStart(4, "0");
  return PublicKey.createWithSeed(batch.requester, seed, PROGRAM_ID);
}

export type OpenWork = {
  /** Items with at least one free slot (no worker holds it). */
  openItems: number[];
  /** Free slots over all items: what can still be accepted and paid. */
  openSlots: number;
};

/** A batch's open work, from its task tables (one getMultipleAccounts call). */
export async function openWork(program: Program<Amplify>, batch: Batch): Promise<OpenWork> {
  const addresses = await Promise.all(
    Array.from({ length: batch.tableCount }, (_, i) => tableAddress(batch, i)),
  );
  const infos = await program.provider.connection.getMultipleAccountsInfo(addresses);
  const work: OpenWork = { openItems: [], openSlots: 0 };
  for (const info of infos) {
    if (!info) continue;
    const t = program.coder.accounts.decode<TaskTable>("taskTable", info.data);
    for (let row = 0; row < t.count; row++) {
      const free = t.slots
        .slice(row * t.redundancy, (row + 1) * t.redundancy)
        .filter((s) => s.worker === 0).length;
      if (free > 0) work.openItems.push(t.firstItem + row);
      work.openSlots += free;
    }
  }
  return work;
}

// -- a worker's standing: the score with its evidence ------------------------------
// As amplify_sdk.quality.standing (docs/reputation.md, "Standing"): the score
// sits near the prior until millions of lamports of fee weight, so the page
// shows what stands behind it.

export type WorkerProfile = IdlTypes<Amplify>["workerProfile"];
export type ReputationParams = IdlTypes<Amplify>["reputationParams"];

export type Standing = {
  /** Milli-stars (0 = no rating yet). */
  score: number;
  ratings: number;
  /** Fee weight W of its ratings (lamports of fee, faded). */
  weight: number;
  /** The prior's weight P = prior_weight / clamp(q, 1, distinct_cap). */
  priorWeight: number;
  /** Mean adjusted rating, score_sum / weight, milli-stars (null: no weight). */
  mean: number | null;
  raters: number;
  qualifiedRaters: number;
};

export function standingOf(p: WorkerProfile, params: ReputationParams): Standing {
  const tracked = p.raters.filter((r) => r.requesterId !== 0);
  const qualifying = params.qualifyingWeight.toNumber();
  const qualified = tracked.filter((r) => r.weight >= qualifying).length;
  const divisor = Math.min(Math.max(qualified, 1), params.distinctCap);
  const weight = p.weight.toNumber();
  return {
    score: p.rating,
    ratings: p.ratingCount,
    weight,
    priorWeight: Math.floor(params.priorWeight.toNumber() / divisor),
    mean: weight === 0 ? null : p.scoreSum.div(p.weight).toNumber(),
    raters: tracked.length,
    qualifiedRaters: qualified,
  };
}

/** Milli-stars to two decimals, truncated: 4,999 → "4.99". */
export function starsText(milli: number): string {
  return `${Math.floor(milli / 1000)}.${String(Math.floor((milli % 1000) / 10)).padStart(2, "0")}`;
}

/** How much of the score the worker's own ratings make, W / (P + W), in words. */
export function evidence(s: Standing): string {
  if (s.ratings === 0) return "unrated";
  const share = s.weight === 0 ? 0 : s.weight / (s.priorWeight + s.weight);
  return share < 0.25 ? "prior-bound" : share < 0.5 ? "evidence building" : "evidence-led";
}

const plural = (n: number, word: string) => `${n.toLocaleString("en")} ${word}${n === 1 ? "" : "s"}`;

/** The SDK's one line (Standing.text): "2.51★ (prior-bound) · 100 ratings · …". */
export function standingText(s: Standing): string {
  if (s.ratings === 0) return "unrated · no ratings yet";
  const mean = s.mean === null ? "–" : `${starsText(s.mean)}★`;
  return (
    `${starsText(s.score)}★ (${evidence(s)}) · ${plural(s.ratings, "rating")} · mean ${mean} · ` +
    `weight ${s.weight.toLocaleString("en")} of ${s.priorWeight.toLocaleString("en")} prior · ` +
    `${plural(s.raters, "rater")}, ${s.qualifiedRaters} qualifying`
  );
}

// -- the market: prices paid against worker standings -------------------------------

export type Sale = {
  batch: PublicKey;
  worker: PublicKey;
  items: number;
  /** Lamports per item the requester paid: worker's share + protocol fee. */
  pricePerItem: number;
  /** The worker's rating now, in milli-stars (0 = unrated). */
  rating: number;
  /** The worker's standing now (null: no profile). */
  standing: Standing | null;
};

/** Recent ResultsSubmitted events (from the program's transactions' logs) with
 *  the rating and standing of each worker. */
export async function recentSales(program: Program<Amplify>, limit = 100): Promise<Sale[]> {
  const connection = program.provider.connection;
  const signatures = await connection.getSignaturesForAddress(PROGRAM_ID, { limit });
  const txs = await connection.getTransactions(
    signatures.filter((s) => s.err === null).map((s) => s.signature),
    { maxSupportedTransactionVersion: 0, commitment: "confirmed" },
  );
  const parser = new EventParser(PROGRAM_ID, program.coder);
  const submitted: ResultsSubmitted[] = [];
  for (const tx of txs) {
    for (const ev of parser.parseLogs(tx?.meta?.logMessages ?? [])) {
      if (ev.name === "resultsSubmitted") submitted.push(ev.data as ResultsSubmitted);
    }
  }
  const workers = [...new Set(submitted.map((e) => e.worker.toBase58()))].map(
    (w) => new PublicKey(w),
  );
  const profiles = await program.account.workerProfile.fetchMultiple(
    workers.map(
      (w) => PublicKey.findProgramAddressSync([Buffer.from("worker"), w.toBuffer()], PROGRAM_ID)[0],
    ),
  );
  const config = PublicKey.findProgramAddressSync([Buffer.from("config")], PROGRAM_ID)[0];
  const params = (await program.account.config.fetch(config)).reputation;
  const rating = new Map(workers.map((w, i) => [w.toBase58(), profiles[i]?.rating ?? 0]));
  const standing = new Map(
    workers.map((w, i) => {
      const p = profiles[i];
      return [w.toBase58(), p ? standingOf(p, params) : null];
    }),
  );
  return submitted
    .filter((e) => e.items.length > 0)
    .map((e) => ({
      batch: e.batch,
      worker: e.worker,
      items: e.items.length,
      pricePerItem: e.paid.add(e.fee).toNumber() / e.items.length,
      rating: rating.get(e.worker.toBase58()) ?? 0,
      standing: standing.get(e.worker.toBase58()) ?? null,
    }));
}

export const STATUS = ["open", "paused", "cancelled"];
