// Content commitments, checked in the browser as the SDK checks them
// (amplify_sdk/protocol/_manifest.py, amplify_sdk/storage/_manifest_doc.py):
//
//   leaf(i, h)   = sha256(0x00 || i as u64 LE || h)
//   node(l, r)   = sha256(0x01 || l || r)       (an odd node moves up unchanged)
//   chain(prev)  = sha256(prev || start u32 LE || count u32 LE || root), from 32 zero bytes
//
// A worker trusts nothing it reads from a store: the upload list must chain to
// the batch's manifest_hash, the item's hash must prove against its upload's
// root, and the blob's sha256 must be that hash.

export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", data as BufferSource));
}

export const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

export function fromHex(s: string): Uint8Array {
  if (!/^([0-9a-f]{2})*$/i.test(s)) throw new Error(`not hex: ${s.slice(0, 20)}`);
  return Uint8Array.from(s.match(/../g) ?? [], (x) => parseInt(x, 16));
}

const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function le(value: number, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  let v = BigInt(value);
  for (let i = 0; i < bytes; i++, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

export const leafHash = (index: number, contentHash: Uint8Array) =>
  sha256(concat(Uint8Array.of(0), le(index, 8), contentHash));
export const nodeHash = (l: Uint8Array, r: Uint8Array) => sha256(concat(Uint8Array.of(1), l, r));

export type Upload = { start: number; count: number; root: Uint8Array };

async function levels(leaves: Uint8Array[]): Promise<Uint8Array[][]> {
  const out = [leaves];
  while (out[out.length - 1].length > 1) {
    const prev = out[out.length - 1];
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < prev.length; i += 2) next.push(await nodeHash(prev[i], prev[i + 1]));
    if (prev.length % 2) next.push(prev[prev.length - 1]);
    out.push(next);
  }
  return out;
}

/** Root over items start, start+1, ... with these content hashes. */
export async function merkleRoot(start: number, hashes: Uint8Array[]): Promise<Uint8Array> {
  if (hashes.length === 0) throw new Error("an upload has at least one item");
  const leaves = await Promise.all(hashes.map((h, i) => leafHash(start + i, h)));
  const all = await levels(leaves);
  return all[all.length - 1][0];
}

/** Sibling hashes from item `index`'s leaf up to the root. */
export async function merkleProof(start: number, hashes: Uint8Array[], index: number) {
  const all = await levels(await Promise.all(hashes.map((h, i) => leafHash(start + i, h))));
  let pos = index - start;
  if (pos < 0 || pos >= hashes.length) throw new Error(`item ${index} is not in this upload`);
  const proof: Uint8Array[] = [];
  for (const level of all.slice(0, -1)) {
    if ((pos ^ 1) < level.length) proof.push(level[pos ^ 1]);
    pos >>= 1;
  }
  return proof;
}

export async function verifyProof(
  index: number,
  contentHash: Uint8Array,
  u: Upload,
  proof: Uint8Array[],
): Promise<boolean> {
  if (!(u.start <= index && index < u.start + u.count)) return false;
  let node = await leafHash(index, contentHash);
  let pos = index - u.start;
  let width = u.count;
  let at = 0;
  while (width > 1) {
    if ((pos ^ 1) < width) {
      const other = proof[at++];
      if (other === undefined) return false;
      node = pos % 2 === 0 ? await nodeHash(node, other) : await nodeHash(other, node);
    }
    pos >>= 1;
    width = (width + 1) >> 1;
  }
  return at === proof.length && equal(node, u.root);
}

/** The batch's manifest_hash after these uploads, in order. */
export async function manifestHash(uploads: Upload[]): Promise<Uint8Array> {
  let h: Uint8Array = new Uint8Array(32);
  let expected = 0;
  for (const u of uploads) {
    if (u.start !== expected) throw new ManifestMismatch(`upload at ${u.start} does not follow item ${expected}`);
    h = await sha256(concat(h, le(u.start, 4), le(u.count, 4), u.root));
    expected += u.count;
  }
  return h;
}

/** A store's document or blob that is not what the chain commits. */
export class ManifestMismatch extends Error {
  override name = "ManifestMismatchError";
}
export class ContentMismatch extends Error {
  override name = "ContentMismatchError";
}

export type CommittedBatch = { address: string; manifestHash: Uint8Array };

export async function checkChain(batch: CommittedBatch, uploads: Upload[]) {
  const chained = await manifestHash(uploads);
  if (!equal(chained, batch.manifestHash)) {
    throw new ManifestMismatch(
      `uploads chain to ${hex(chained)}, the batch commits ${hex(batch.manifestHash)}`,
    );
  }
}

export type ItemProof = {
  batch: string;
  item: number;
  contentHash: Uint8Array;
  uploads: Upload[];
  proof: Uint8Array[];
  uri: string | null;
};

type Json = Record<string, unknown>;
const uploadsFrom = (raw: unknown): Upload[] =>
  (raw as Json[]).map((u) => ({
    start: Number(u.start),
    count: Number(u.count),
    root: fromHex(String(u.root)),
  }));

export function proofFromJson(text: string): ItemProof {
  try {
    const raw = JSON.parse(text) as Json;
    return {
      batch: String(raw.batch),
      item: Number(raw.item),
      contentHash: fromHex(String(raw.content_hash)),
      uploads: uploadsFrom(raw.uploads),
      proof: (raw.proof as string[]).map(fromHex),
      uri: typeof raw.uri === "string" ? raw.uri : null,
    };
  } catch (e) {
    throw new ManifestMismatch(`not an item proof: ${(e as Error).message}`);
  }
}

export type Manifest = {
  batch: string;
  uploads: Upload[];
  contentHashes: Uint8Array[];
  uris: string[] | null;
  encrypted: boolean;
};

export function manifestFromJson(text: string): Manifest {
  try {
    const raw = JSON.parse(text) as Json;
    return {
      batch: String(raw.batch),
      uploads: uploadsFrom(raw.uploads),
      contentHashes: (raw.content_hashes as string[]).map(fromHex),
      uris: Array.isArray(raw.uris) ? raw.uris.map(String) : null,
      encrypted: Boolean(raw.encrypted),
    };
  } catch (e) {
    throw new ManifestMismatch(`not a batch manifest: ${(e as Error).message}`);
  }
}

export function manifestToJson(m: Manifest): string {
  // Python's json.dumps separators (", ", ": "): the same document byte for byte.
  const uploads = m.uploads.map(
    (u) => `{"start": ${u.start}, "count": ${u.count}, "root": "${hex(u.root)}"}`,
  );
  const hashes = m.contentHashes.map((h) => `"${hex(h)}"`);
  const uris = m.uris === null ? "null" : `[${m.uris.map((u) => JSON.stringify(u)).join(", ")}]`;
  return (
    `{"version": 1, "batch": "${m.batch}", "encrypted": ${m.encrypted}, ` +
    `"uploads": [${uploads.join(", ")}], "content_hashes": [${hashes.join(", ")}], "uris": ${uris}}`
  );
}

/** The manifest's proof of one item. */
export async function proofOf(m: Manifest, item: number): Promise<ItemProof> {
  for (const u of m.uploads) {
    if (u.start <= item && item < u.start + u.count) {
      const hashes = m.contentHashes.slice(u.start, u.start + u.count);
      return {
        batch: m.batch,
        item,
        contentHash: m.contentHashes[item],
        uploads: m.uploads,
        proof: await merkleProof(u.start, hashes, item),
        uri: m.uris ? m.uris[item] : null,
      };
    }
  }
  throw new ManifestMismatch(`item ${item} is in no upload of this manifest`);
}

/** ManifestMismatch unless the chain commits this hash for this item. */
export async function verifyItemProof(p: ItemProof, batch: CommittedBatch) {
  if (p.batch !== batch.address) throw new ManifestMismatch(`proof for batch ${p.batch}, not ${batch.address}`);
  await checkChain(batch, p.uploads);
  for (const u of p.uploads) {
    if (u.start <= p.item && p.item < u.start + u.count) {
      if (await verifyProof(p.item, p.contentHash, u, p.proof)) return;
      break;
    }
  }
  throw new ManifestMismatch(`item ${p.item}'s hash is not the one the batch committed`);
}

/** `data` if its sha256 is `contentHash`, else ContentMismatch. */
export async function checkContent(contentHash: Uint8Array, data: Uint8Array, where: string) {
  const got = await sha256(data);
  if (!equal(got, contentHash)) {
    throw new ContentMismatch(
      `${where}: content hash ${hex(got)} differs from the committed ${hex(contentHash)}`,
    );
  }
  return data;
}
