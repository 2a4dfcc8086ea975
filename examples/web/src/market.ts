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

// -- the market: prices paid against worker ratings --------------------------------

export type Sale = {
  batch: PublicKey;
  worker: PublicKey;
  items: number;
  /** Lamports per item the requester paid: worker's share + protocol fee. */
  pricePerItem: number;
  /** The worker's rating now, in milli-stars (0 = unrated). */
  rating: number;
};

/** Recent ResultsSubmitted events (from the program's transactions' logs) with
 *  the rating of each worker. */
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
  const rating = new Map(workers.map((w, i) => [w.toBase58(), profiles[i]?.rating ?? 0]));
  return submitted
    .filter((e) => e.items.length > 0)
    .map((e) => ({
      batch: e.batch,
      worker: e.worker,
      items: e.items.length,
      pricePerItem: e.paid.add(e.fee).toNumber() / e.items.length,
      rating: rating.get(e.worker.toBase58()) ?? 0,
    }));
}

export const STATUS = ["open", "paused", "cancelled"];
