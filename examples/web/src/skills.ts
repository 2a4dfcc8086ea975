// Skills from the browser (amplify_sdk/protocol/_skill.py): a skill's
// published leaf list, read from its leaves_uri, checked against the
// account's leaves_hash and root, gives each worker's value and the proofs
// accept_skilled_tasks takes.
//
//   leaf(skill, worker, value) = sha256(0x00 || skill || worker || value u8)[:20]
//   node(a, b)                 = sha256(min(a, b) || max(a, b))[:20]
//   leaf list: "AMPSKILL" || 1 || skill (32) || count u32 LE || count x (worker (32) || value u8)
import { utils, type IdlTypes, type Program } from "@coral-xyz/anchor";
import { PublicKey } from "@solana/web3.js";
import type { Amplify } from "./generated/amplify";
import { hex, sha256 } from "./commit";
import { idl, PROGRAM_ID } from "./market";
import { HttpStore } from "./store";
import { ProgramError, pda } from "./work";

export type SkillAccount = IdlTypes<Amplify>["skill"];

const NODE_BYTES = 20;
const MAGIC = new TextEncoder().encode("AMPSKILL");

const cmp = (a: Uint8Array, b: Uint8Array) => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
};
const cut = async (data: Uint8Array) => (await sha256(data)).slice(0, NODE_BYTES);

export const skillLeaf = (skill: PublicKey, worker: PublicKey, value: number) =>
  cut(Uint8Array.from([0, ...skill.toBytes(), ...worker.toBytes(), value]));
export const skillNode = (a: Uint8Array, b: Uint8Array) =>
  cmp(a, b) <= 0 ? cut(Uint8Array.from([...a, ...b])) : cut(Uint8Array.from([...b, ...a]));

export type SkillTree = { skill: PublicKey; values: [PublicKey, number][]; levels: Uint8Array[][] };

export async function decodeLeaves(data: Uint8Array): Promise<SkillTree> {
  const head = MAGIC.length + 1 + 32 + 4;
  if (data.length < head || cmp(data.slice(0, MAGIC.length), MAGIC) !== 0) throw new Error("not a skill leaf list");
  if (data[MAGIC.length] !== 1) throw new Error(`unknown skill leaf list version ${data[MAGIC.length]}`);
  const skill = new PublicKey(data.slice(MAGIC.length + 1, head - 4));
  const n = new DataView(data.buffer, data.byteOffset).getUint32(head - 4, true);
  if (data.length !== head + 33 * n) throw new Error(`skill leaf list of ${n} workers has ${data.length} bytes`);
  const values: [PublicKey, number][] = [];
  for (let i = 0; i < n; i++) values.push([new PublicKey(data.slice(head + 33 * i, head + 33 * i + 32)), data[head + 33 * i + 32]]);
  values.sort((a, b) => cmp(a[0].toBytes(), b[0].toBytes()));
  const levels: Uint8Array[][] = [await Promise.all(values.map(([w, v]) => skillLeaf(skill, w, v)))];
  while (levels[levels.length - 1].length > 1) {
    const prev = levels[levels.length - 1];
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < prev.length; i += 2) next.push(await skillNode(prev[i], prev[i + 1]));
    if (prev.length % 2) next.push(prev[prev.length - 1]);
    levels.push(next);
  }
  return { skill, values, levels };
}

export const rootOf = (t: SkillTree) => (t.values.length ? t.levels[t.levels.length - 1][0] : new Uint8Array(NODE_BYTES));

/** (value, siblings) of a worker's leaf, or null if it holds no value. */
export function proofOf(t: SkillTree, worker: PublicKey): { value: number; siblings: Uint8Array[] } | null {
  const start = t.values.findIndex(([w]) => w.equals(worker));
  if (start < 0) return null;
  const siblings: Uint8Array[] = [];
  let at = start;
  for (const level of t.levels.slice(0, -1)) {
    if ((at ^ 1) < level.length) siblings.push(level[at ^ 1]);
    at >>= 1;
  }
  return { value: t.values[start][1], siblings };
}

const text = (raw: number[], len = raw.length) =>
  new TextDecoder().decode(Uint8Array.from(raw.slice(0, len))).replace(/\0+$/, "");
export const skillName = (s: SkillAccount) => text(s.name);

/** The skill's values from its leaf list (an HTTP URL), checked against the
 *  account's leaves_hash and root. */
export async function skillTree(address: PublicKey, s: SkillAccount): Promise<SkillTree> {
  if (s.workerCount === 0) return { skill: address, values: [], levels: [[]] };
  const uri = text(s.leavesUri, s.leavesUriLen);
  const base = uri.slice(0, uri.lastIndexOf("/") + 1);
  const data = await new HttpStore(base).get(Uint8Array.from(s.leavesHash), uri);
  const tree = await decodeLeaves(data);
  if (!tree.skill.equals(address) || hex(rootOf(tree)) !== hex(Uint8Array.from(s.root))) {
    throw new ProgramError(code("InvalidSkillProof"), `the leaf list at ${uri} does not build skill ${address.toBase58()}'s root`);
  }
  return tree;
}

const code = (name: string) => idl.errors!.find((e) => e.name === name)!.code;

/** What accept_skilled_tasks needs of `worker` on a gated batch: the skill
 *  accounts (in the batch's order) and the encoded proofs, checked here
 *  first (SkillTooLow; InvalidSkillProof when it holds no value). */
export async function skillGate(program: Program<Amplify>, batch: PublicKey, worker: PublicKey) {
  const req = await program.account.batchSkills.fetch(pda(Buffer.from("batch_skills"), batch.toBuffer()));
  const skills = req.skills.slice(0, req.count);
  const proofs: number[] = [];
  for (const [i, address] of skills.entries()) {
    const s = await program.account.skill.fetch(address);
    const p = proofOf(await skillTree(address, s), worker);
    if (!p) throw new ProgramError(code("InvalidSkillProof"), `you hold no value of skill ${skillName(s)}`);
    if (p.value < req.minimums[i]) {
      throw new ProgramError(code("SkillTooLow"), `you hold ${p.value} of skill ${skillName(s)}; ${req.minimums[i]} needed`);
    }
    proofs.push(p.value, p.siblings.length, ...p.siblings.flatMap((x) => Array.from(x)));
  }
  return { skills, proofs: Buffer.from(proofs) };
}

/** The worker's value of every skill whose leaf list can be read (name, value, issuer). */
export async function skillsOf(program: Program<Amplify>, worker: PublicKey) {
  const disc = program.idl.accounts.find((a) => a.name === "skill")!.discriminator;
  const found = await program.provider.connection.getProgramAccounts(PROGRAM_ID, {
    filters: [{ memcmp: { offset: 0, bytes: utils.bytes.bs58.encode(Buffer.from(disc)) } }],
  });
  const out: { name: string; value: number; issuer: PublicKey }[] = [];
  for (const { pubkey, account } of found) {
    const s = program.coder.accounts.decode<SkillAccount>("skill", account.data);
    try {
      const p = proofOf(await skillTree(pubkey, s), worker);
      if (p) out.push({ name: skillName(s), value: p.value, issuer: s.issuer });
    } catch {
      // A leaf list this page cannot read (not HTTP, gone, or not the one committed): skipped.
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
