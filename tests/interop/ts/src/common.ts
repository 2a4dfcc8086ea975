// What both flows share: the run's configuration, addresses the IDL cannot
// express (task tables), the content commitment, and small checks.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import BN from "bn.js";
import { PublicKey } from "@solana/web3.js";
import { rawIdl } from "./idl.js";

/** Written by the pytest test that starts the node. */
export type RunConfig = {
  /** HTTP JSON-RPC URL of the node (PubSub on the next port). */
  url: string;
  /** The node's default keypair (the program's upgrade authority), Solana CLI format. */
  authority: number[];
  /** An SPL mint to serve as AMP, for `initialize`. */
  ampMint: string;
};

export function loadConfig(): RunConfig {
  const path = process.argv[2];
  if (!path) throw new Error("usage: tsx src/<flow>.ts <run-config.json>");
  return JSON.parse(readFileSync(path, "utf8"));
}

export const PROGRAM_ID = new PublicKey(rawIdl.address);

/** The IDL's TABLE_SEED_PREFIX ("t"). */
const TABLE_SEED_PREFIX: string = JSON.parse(
  rawIdl.constants!.find((c) => c.name === "TABLE_SEED_PREFIX")!.value,
);

/** Seed of a batch's task table: "t" + hex16(batch_number) + hex4(index). */
export function tableSeed(batchNumber: bigint | number, index: number): string {
  return (
    TABLE_SEED_PREFIX +
    BigInt(batchNumber).toString(16).padStart(16, "0") +
    index.toString(16).padStart(4, "0")
  );
}

/** Task table `index` of a batch: not a PDA (the IDL cannot say it), so derived here. */
export function tableAddress(requester: PublicKey, batchNumber: bigint | number, index: number) {
  return PublicKey.createWithSeed(requester, tableSeed(batchNumber, index), PROGRAM_ID);
}

/** Bytes of a task table with room for `capacity` items: 96 fixed + 4 (vec length) + 4 per slot. */
export function tableSize(capacity: number, redundancy: number): number {
  return 100 + 4 * capacity * redundancy;
}

const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};

/** Merkle root over items start.. (docs/protocol.md, amplify_sdk/_manifest.py). */
export function merkleRoot(start: number, contentHashes: Uint8Array[]): Buffer {
  let level: Buffer[] = contentHashes.map((h, i) => sha256(Buffer.from([0]), u64(start + i), h));
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) {
      next.push(sha256(Buffer.from([1]), level[i], level[i + 1]));
    }
    if (level.length % 2) next.push(level[level.length - 1]);
    level = next;
  }
  return level[0];
}

/** The batch's manifest hash after one more upload. */
export function chainManifest(prev: Uint8Array, start: number, count: number, root: Uint8Array) {
  return sha256(prev, u32(start), u32(count), root);
}

export function contentHash(data: string): Buffer {
  return sha256(Buffer.from(data));
}

export function check(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`check failed: ${what}`);
}

/** Deep equality of plain forms, numbers and BNs compared as decimal strings. */
export function eq(actual: unknown, expected: unknown, what: string) {
  const str = (v: unknown) =>
    JSON.stringify(plain(v), (_, x) => (typeof x === "number" ? String(x) : x));
  const a = str(actual);
  const e = str(expected);
  if (a !== e) throw new Error(`check failed: ${what}: got ${a}, expected ${e}`);
}

/** JSON-safe form of decoded values (BN as a decimal string, keys in base58,
 *  Buffers as hex; number arrays stay arrays), for comparison here and by the
 *  Python test. */
export function plain(v: unknown): unknown {
  if (v === null || v === undefined || typeof v !== "object") {
    return typeof v === "bigint" ? v.toString() : v;
  }
  if (v instanceof PublicKey) return v.toBase58();
  if (v instanceof Uint8Array) return Buffer.from(v).toString("hex");
  if (BN.isBN(v)) return (v as BN).toString(10);
  if (Array.isArray(v)) return v.map(plain);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
}
