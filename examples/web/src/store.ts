// The batch's HTTP store, read and written from the browser as
// amplify_sdk.storage.HttpStore does: blobs at base + hex(sha256), documents
// (manifests/<batch>.json, proofs/<batch>/<item>.json) at base + name. Nothing
// read here is trusted: every blob is checked against the chain's commitment
// (loadBlob, as WorkerClient.fetch_items / load_blob).
import {
  checkContent,
  hex,
  ManifestMismatch,
  manifestFromJson,
  proofFromJson,
  proofOf,
  sha256,
  verifyItemProof,
  type CommittedBatch,
  type ItemProof,
  type Manifest,
} from "./commit";

export class StorageError extends Error {
  override name = "StorageError";
}
export class BlobNotFound extends StorageError {
  override name = "BlobNotFoundError";
}

export class HttpStore {
  readonly base: string;
  constructor(base: string) {
    if (!/^https?:\/\//.test(base)) {
      throw new StorageError(`${base || "(empty base_uri)"} is not an HTTP store: the page reads items over HTTP`);
    }
    this.base = base.endsWith("/") ? base : base + "/";
  }

  uriOf(contentHash: Uint8Array) {
    return this.base + hex(contentHash);
  }

  async fetch(url: string): Promise<Uint8Array> {
    let resp: Response;
    try {
      resp = await fetch(url, { cache: "no-store" });
    } catch (e) {
      throw new StorageError(`GET ${url}: ${(e as Error).message}`);
    }
    if (resp.status === 404) throw new BlobNotFound(`GET ${url}: 404`);
    if (resp.status >= 300) throw new StorageError(`GET ${url}: HTTP ${resp.status}`);
    return new Uint8Array(await resp.arrayBuffer());
  }

  async put(data: Uint8Array): Promise<string> {
    const url = this.uriOf(await sha256(data));
    await this.putAt(url, data);
    return url;
  }

  async has(url: string): Promise<boolean> {
    try {
      return (await fetch(url, { method: "HEAD", cache: "no-store" })).status === 200;
    } catch (e) {
      throw new StorageError(`HEAD ${url}: ${(e as Error).message}`);
    }
  }

  async putAt(url: string, data: Uint8Array) {
    let resp: Response;
    try {
      resp = await fetch(url, { method: "PUT", body: data as BodyInit });
    } catch (e) {
      throw new StorageError(`PUT ${url}: ${(e as Error).message}`);
    }
    if (resp.status >= 300) throw new StorageError(`PUT ${url}: HTTP ${resp.status}`);
  }

  putNamed(name: string, data: string) {
    return this.putAt(this.base + name, new TextEncoder().encode(data));
  }

  async getNamed(name: string): Promise<string> {
    return new TextDecoder().decode(await this.fetch(this.base + name));
  }

  /** The blob committed by `contentHash`, checked against it. */
  async get(contentHash: Uint8Array, uri: string | null): Promise<Uint8Array> {
    const where = uri ?? this.uriOf(contentHash);
    return checkContent(contentHash, await this.fetch(where), where);
  }
}

export const manifestName = (batch: string) => `manifests/${batch}.json`;
export const proofName = (batch: string, item: number) => `proofs/${batch}/${item}.json`;

/** Item `item`'s proof, verified against the batch account: its own proof
 *  document if the store has one, else derived from the manifest (read once
 *  per batch and kept in `manifests`). */
export async function loadItemProof(
  store: HttpStore,
  batch: CommittedBatch,
  item: number,
  manifests: Map<string, Promise<Manifest>> = new Map(),
): Promise<ItemProof> {
  let proof: ItemProof;
  try {
    proof = proofFromJson(await store.getNamed(proofName(batch.address, item)));
  } catch (e) {
    if (!(e instanceof StorageError)) throw e;
    const key = batch.address;
    if (!manifests.has(key)) {
      manifests.set(key, store.getNamed(manifestName(key)).then(manifestFromJson));
    }
    const manifest = await manifests.get(key)!;
    if (!(0 <= item && item < manifest.contentHashes.length)) {
      throw new ManifestMismatch(`the manifest has no item ${item}`);
    }
    proof = await proofOf(manifest, item);
  }
  if (proof.item !== item) throw new ManifestMismatch(`asked for item ${item}'s proof, got item ${proof.item}'s`);
  await verifyItemProof(proof, batch);
  return proof;
}

/** Item `item`'s blob, checked against the chain's commitment. */
export async function loadBlob(
  store: HttpStore,
  batch: CommittedBatch,
  item: number,
  manifests?: Map<string, Promise<Manifest>>,
): Promise<Uint8Array> {
  const proof = await loadItemProof(store, batch, item, manifests);
  return store.get(proof.contentHash, proof.uri);
}
