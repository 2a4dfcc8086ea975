// The worker app (work.html): connect a wallet (wallet-standard), browse open
// batches, accept in bulk, see each item (fetched from the batch's store and
// checked against the chain), label with clicks or keys 1-9, submit in bulk,
// and see earnings, standing and skills. ?cluster=URL picks the cluster.
import type { Wallet } from "@wallet-standard/base";
import type { Program } from "@coral-xyz/anchor";
import { PublicKey } from "@solana/web3.js";
import type { Amplify } from "./generated/amplify";
import { connect, listBatches, standingText, type Batch } from "./market";
import {
  batchAnswers,
  completion,
  confidentItems,
  createBatch,
  csvItems,
  labelsCsv,
  pluralityLabels,
  settleItems,
  uploadItems,
} from "./request";
import type { Manifest } from "./commit";
import { chainOf, ConnectedWallet, watchWallets } from "./wallet";
import { skillsOf } from "./skills";
import type { X25519Key } from "./sealed";

/** How long to wait for the key agent to deliver an encrypted batch's item keys. */
const KEY_WAIT_MS = 30_000;
import {
  accept,
  earnings,
  encryptionKey,
  explain,
  receiveKeys,
  fetchItems,
  instructionsOf,
  openBatches,
  register,
  standing,
  submit,
  tablesOf,
  type BatchView,
} from "./work";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const SOL = 1_000_000_000;
const sol = (lamports: number) => `${(lamports / SOL).toFixed(6)} SOL`;
const short = (key: PublicKey) => `${key.toBase58().slice(0, 4)}…${key.toBase58().slice(-4)}`;
const message = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

type ItemState = { data?: Uint8Array; error?: string; label?: string };

const state = {
  program: null as Program<Amplify> | null,
  wallet: null as ConnectedWallet | null,
  views: [] as BatchView[],
  open: null as BatchView | null,
  labels: [] as string[],
  items: new Map<number, ItemState>(),
  order: [] as number[],
  current: 0,
  manifests: new Map<string, Promise<Manifest>>(),
  /** The worker's encryption key, derived from a wallet signature when first
   *  needed; in memory only. */
  x25519: null as X25519Key | null,
};

function status(text: string, error = false) {
  const el = $("status");
  el.textContent = text;
  el.className = error ? "error" : "";
}

let busy = 0;

/** Run an action; its error goes to the status line (and body[data-error] for tests). */
async function act(what: string, fn: () => Promise<void>) {
  status(`${what}…`);
  delete document.body.dataset.error;
  // Actions may overlap (a refresh still running when a button is pressed):
  // busy counts them.
  document.body.dataset.busy = String(++busy);
  try {
    await fn();
    delete document.body.dataset.error;
  } catch (err) {
    const e = state.program ? explain(state.program, err) : err;
    status(`${what} failed: ${message(e)}`, true);
    document.body.dataset.error = message(e);
  } finally {
    if (--busy === 0) delete document.body.dataset.busy;
    else document.body.dataset.busy = String(busy);
  }
}

const program = () => state.program ?? (state.program = connect($<HTMLInputElement>("cluster").value));

// -- wallets -------------------------------------------------------------------

watchWallets((wallets: Wallet[]) => {
  const box = $("wallets");
  box.replaceChildren(
    ...wallets.map((w) => {
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.wallet = w.name;
      b.textContent = `Connect ${w.name}`;
      b.onclick = () =>
        act(`connecting ${w.name}`, async () => {
          state.wallet = await ConnectedWallet.connect(w, chainOf($<HTMLInputElement>("cluster").value));
          state.x25519 = null;
          document.body.dataset.wallet = state.wallet.publicKey.toBase58();
          await refresh();
        });
      return b;
    }),
  );
  if (wallets.length === 0) box.textContent = "no wallet found (install a Solana wallet-standard wallet)";
});

// -- who I am: profile, standing, earnings, skills -------------------------------

async function showMe() {
  const w = state.wallet;
  if (!w) return;
  const p = program();
  const me = w.publicKey;
  const balance = await p.provider.connection.getBalance(me, "confirmed");
  $("who").textContent = `${me.toBase58()} (${sol(balance)})`;
  const s = await standing(p, me);
  $("register").hidden = s !== null;
  $("registration").textContent = s ? "registered" : "not registered";
  document.body.dataset.registered = String(s !== null);
  $("standing").textContent = s ? standingText(s) : "–";
  const e = await earnings(p, me);
  const el = $("earnings");
  el.dataset.lamports = String(e.lamports);
  el.dataset.items = String(e.items);
  el.textContent =
    e.items === 0
      ? "nothing yet"
      : `${e.lamports.toLocaleString("en")} lamports (${sol(e.lamports)}) for ${e.items} items in ${e.batches} batch${e.batches === 1 ? "" : "es"}`;
  const mine = await skillsOf(p, me);
  const wanted = [...new Set(state.views.flatMap((v) => v.skills.map((s) => `${s.name} ≥ ${s.minimum}`)))];
  const skills = $("skills");
  skills.dataset.skills = JSON.stringify(Object.fromEntries(mine.map((s) => [s.name, s.value])));
  skills.textContent =
    (mine.length ? mine.map((s) => `${s.name} ${s.value} (by ${short(s.issuer)})`).join(", ") : "none yet") +
    (wanted.length ? ` · open batches require: ${wanted.join(", ")}` : "");
}

$("register").onclick = () =>
  act("registering", async () => {
    state.x25519 = await register(program(), state.wallet!);
    await refresh();
    status("registered");
  });

// -- batches ---------------------------------------------------------------------

function gate(v: BatchView) {
  const parts = [];
  if (v.batch.minRating > 0) parts.push(`rating ≥ ${(v.batch.minRating / 1000).toFixed(2)} ★`);
  for (const s of v.skills) parts.push(`${s.name} ≥ ${s.minimum}`);
  if (v.batch.skillCount > 0 && v.skills.length === 0) parts.push(`${v.batch.skillCount} skills`);
  return parts.length ? parts.join(", ") : "open to all";
}

function showBatches() {
  const body = $<HTMLTableElement>("batches").tBodies[0];
  body.replaceChildren();
  for (const v of state.views) {
    const row = body.insertRow();
    row.dataset.batch = v.address.toBase58();
    const cell = (text: string, title?: string) => {
      const td = row.insertCell();
      td.textContent = text;
      if (title) td.title = title;
      return td;
    };
    const price = v.batch.price.toNumber();
    cell(short(v.address), v.address.toBase58());
    cell(short(v.batch.requester), v.batch.requester.toBase58());
    cell(`${sol(price)}`, `${price.toLocaleString("en")} lamports, fee included`);
    cell(gate(v));
    cell(String(v.open.length));
    cell(`${v.reserved.length} / ${v.completed.length}`);
    const take = cell("");
    const count = document.createElement("input");
    count.type = "number";
    count.min = "1";
    count.className = "count";
    count.value = String(Math.min(v.open.length, 10));
    const go = document.createElement("button");
    go.type = "button";
    go.className = "accept";
    go.textContent = "Accept";
    go.disabled = !state.wallet || v.open.length === 0;
    go.onclick = () =>
      act("accepting", async () => {
        const n = Math.max(0, Math.floor(Number(count.value)));
        const out = await accept(program(), state.wallet!, v, v.open.slice(0, n));
        await refresh();
        const refused = out.refused.length ? `, ${out.refused.length} refused (${out.refused.map((r) => `${r.item}: ${r.reason}`).join(", ")})` : "";
        status(`accepted ${out.done.length} items${refused}`);
        document.body.dataset.accepted = String(out.done.length);
      });
    take.append(count, go);
    const work = document.createElement("button");
    work.type = "button";
    work.className = "work";
    work.textContent = "Work";
    work.disabled = v.reserved.length === 0;
    work.onclick = () => act("loading items", () => openWork(v.address.toBase58()));
    cell("").append(work);
  }
}

async function refresh() {
  state.views = await openBatches(program(), state.wallet?.publicKey ?? null);
  showBatches();
  await showMe();
  await showMine();
  status(`${state.views.length} open batches`);
  document.body.dataset.loaded = "true";
}

// -- labelling -------------------------------------------------------------------

async function openWork(batch: string) {
  const v = state.views.find((x) => x.address.toBase58() === batch);
  if (!v) throw new Error(`batch ${batch} is not open`);
  state.open = v;
  state.items = new Map(v.reserved.map((r) => [r.item, {}]));
  state.order = v.reserved.map((r) => r.item).sort((a, b) => a - b);
  state.current = 0;
  $("work").hidden = false;
  $("work-batch").textContent = batch;
  const due = Math.min(...v.reserved.map((r) => r.deadline));
  $("work-due").textContent = Number.isFinite(due) ? ` · first reservation lapses at ${new Date(due * 1000).toISOString().replace(".000Z", "Z")}` : "";
  const doc = await instructionsOf(v);
  state.labels = doc.labels;
  $("instructions").textContent = doc.text.split("\n").filter((l) => !l.startsWith("amplify-")).join("\n") || "(no instructions)";
  if (state.labels.length === 0) throw new Error("the batch's instructions name no labels (a line `amplify-labels: a, b, c`)");
  $("options").replaceChildren(
    ...state.labels.map((l, i) => {
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.label = l;
      b.innerHTML = i < 9 ? `<kbd>${i + 1}</kbd>` : "";
      b.append(l);
      b.onclick = () => label(l);
      return b;
    }),
  );
  showItems();
  const keys = async () => {
    state.x25519 ??= await encryptionKey(program(), state.wallet!);
    return receiveKeys(program(), state.wallet!.publicKey, state.x25519, v.address, state.order, KEY_WAIT_MS);
  };
  await fetchItems(
    v,
    state.order,
    state.manifests,
    (item, r) => {
      const s = state.items.get(item)!;
      if ("data" in r) s.data = r.data;
      else s.error = message(r.error);
      showItems();
    },
    keys,
  );
  const ok = [...state.items.values()].filter((s) => s.data).length;
  const bad = state.order.length - ok;
  status(`${ok} items ready${bad ? `, ${bad} refused (not what the chain commits)` : ""}`, bad > 0);
  document.body.dataset.items = String(ok);
  document.body.dataset.badItems = String(bad);
}

function showItems() {
  const list = $("items");
  list.replaceChildren(
    ...state.order.map((item, i) => {
      const s = state.items.get(item)!;
      const li = document.createElement("li");
      li.dataset.item = String(item);
      li.dataset.state = s.error ? "error" : s.data ? "ok" : "loading";
      if (s.label !== undefined) li.dataset.label = s.label;
      if (i === state.current) li.className = "current";
      li.textContent = `#${item}${s.label !== undefined ? ` ${s.label}` : ""}${s.error ? " ✗" : ""}`;
      li.title = s.error ?? "";
      li.onclick = () => {
        state.current = i;
        showItems();
      };
      return li;
    }),
  );
  const item = state.order[state.current];
  const s = item === undefined ? undefined : state.items.get(item);
  const view = $("item");
  view.dataset.item = item === undefined ? "" : String(item);
  view.className = s?.error ? "error" : "";
  view.textContent =
    item === undefined ? "no reserved items" : s?.error ? `item ${item} refused: ${s.error}` : s?.data ? new TextDecoder().decode(s.data) : "loading…";
  const labelled = [...state.items.values()].filter((x) => x.label !== undefined).length;
  const submit = $<HTMLButtonElement>("submit");
  submit.disabled = labelled === 0;
  submit.textContent = `Submit ${labelled} label${labelled === 1 ? "" : "s"}`;
}

function label(value: string) {
  const item = state.order[state.current];
  const s = item === undefined ? undefined : state.items.get(item);
  if (!s?.data) return; // an item not checked against the chain is never labelled
  s.label = value;
  // On to the next item still to label.
  const next = state.order.findIndex((i, at) => at > state.current && state.items.get(i)!.data && state.items.get(i)!.label === undefined);
  if (next >= 0) state.current = next;
  showItems();
}

document.addEventListener("keydown", (e) => {
  if ($("work").hidden || e.target instanceof HTMLInputElement) return;
  if (/^[1-9]$/.test(e.key)) {
    const l = state.labels[Number(e.key) - 1];
    if (l !== undefined) label(l);
  } else if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
    state.current = Math.max(0, Math.min(state.order.length - 1, state.current + (e.key === "ArrowRight" ? 1 : -1)));
    showItems();
  }
});

$("submit").onclick = () =>
  act("submitting", async () => {
    const v = state.open!;
    const enc = new TextEncoder();
    const answers = new Map<number, Uint8Array>();
    for (const [item, s] of state.items) if (s.label !== undefined) answers.set(item, enc.encode(s.label));
    const out = await submit(program(), state.wallet!, v, answers);
    for (const i of out.done) state.items.delete(i);
    state.order = state.order.filter((i) => state.items.has(i));
    state.current = 0;
    showItems();
    await refresh();
    const refused = out.refused.length ? `, ${out.refused.length} refused` : "";
    $("work-status").textContent = `submitted ${out.done.length} items, paid ${out.paid.toLocaleString("en")} lamports${refused}`;
    status($("work-status").textContent!);
    document.body.dataset.submitted = String(out.done.length);
  });

// -- requester: create, upload, watch, settle, labels ------------------------------

const num = (id: string) => Number($<HTMLInputElement>(id).value);

$<HTMLFormElement>("create").onsubmit = (e) => {
  e.preventDefault();
  act("creating a batch", async () => {
    const address = await createBatch(program(), state.wallet!, {
      price: num("price"),
      redundancy: num("redundancy"),
      storeUrl: $<HTMLInputElement>("store").value,
      instructions: $<HTMLInputElement>("task").value,
      labels: $<HTMLInputElement>("labels").value.split(",").map((l) => l.trim()).filter(Boolean),
    });
    await refresh();
    status(`created batch ${address.toBase58()}`);
    document.body.dataset.created = address.toBase58();
  });
};

function completionText(b: Batch) {
  const c = completion(b);
  const pct = c.slots ? Math.floor((100 * c.completed) / (c.slots - c.settled || 1)) : 0;
  return `${c.completed} of ${c.slots - c.settled} answers (${pct}%), ${c.reserved} reserved, ${c.settled} slots settled`;
}

async function showMine() {
  const me = state.wallet?.publicKey;
  const body = $<HTMLTableElement>("mine").tBodies[0];
  if (!me) return;
  const mine = await listBatches(program(), me);
  const seen = new Set<string>();
  for (const { address, batch } of mine) {
    const key = address.toBase58();
    seen.add(key);
    let row = body.querySelector<HTMLTableRowElement>(`tr[data-batch="${key}"]`);
    if (row) {
      // Watching: only the counts change (the row's inputs keep what was typed).
      row.cells[2].textContent = batch.itemCount.toString();
      row.cells[3].textContent = completionText(batch);
      row.dataset.completed = batch.completedCount.toString();
      continue;
    }
    row = body.insertRow();
    row.dataset.batch = key;
    row.dataset.completed = batch.completedCount.toString();
    const cell = (text = "") => {
      const td = row!.insertCell();
      td.textContent = text;
      return td;
    };
    cell(short(address)).title = key;
    cell(sol(batch.price.toNumber()));
    cell(batch.itemCount.toString());
    cell(completionText(batch));
    const file = Object.assign(document.createElement("input"), { type: "file", accept: ".csv,text/csv", className: "csv" });
    const upload = Object.assign(document.createElement("button"), { type: "button", className: "upload", textContent: "Upload" });
    upload.onclick = () => act("uploading", () => uploadCsv(address, file));
    cell().append(file, upload);
    const conf = Object.assign(document.createElement("input"), { type: "number", step: "0.01", min: "0", max: "1", value: "0.9", className: "min-confidence", title: "minimum confidence" });
    const answers = Object.assign(document.createElement("input"), { type: "number", min: "1", value: "2", className: "min-answers", title: "minimum answers" });
    conf.style.width = answers.style.width = "4rem";
    const settle = Object.assign(document.createElement("button"), { type: "button", className: "settle", textContent: "Settle" });
    settle.onclick = () => act("settling", () => settle_(address, Number(conf.value), Number(answers.value)));
    cell().append(conf, answers, settle);
    const download = Object.assign(document.createElement("button"), { type: "button", className: "labels", textContent: "Download labels.csv" });
    download.onclick = () => act("reading answers", () => downloadLabels(address));
    cell().append(download);
  }
  for (const row of Array.from(body.rows)) if (!seen.has(row.dataset.batch!)) row.remove();
}

async function uploadCsv(address: PublicKey, file: HTMLInputElement) {
  const f = file.files?.[0];
  if (!f) throw new Error("choose a CSV file first");
  const items = csvItems(await f.text());
  const bar = $<HTMLProgressElement>("upload-progress");
  const text = $("upload-status");
  await uploadItems(program(), state.wallet!, address, items, (phase, done, total) => {
    // Half the bar for the store, half for the chain.
    bar.max = 2 * total;
    bar.value = (phase === "chain" ? total : 0) + done;
    text.textContent = phase === "store" ? `stored ${done} of ${total} items` : `committed ${done} of ${total} items on chain`;
  });
  text.textContent = `uploaded ${items.length} items`;
  await refresh();
  status(`uploaded ${items.length} items`);
  document.body.dataset.uploaded = String(items.length);
}

async function settle_(address: PublicKey, minConfidence: number, minAnswers: number) {
  const p = program();
  const rows = pluralityLabels(await batchAnswers(p, address));
  const batch = (await p.account.batch.fetch(address)) as Batch;
  const picks = confidentItems(rows, await tablesOf(p, batch), minConfidence, minAnswers);
  if (picks.length === 0) {
    status("no item is confident enough with open slots left");
    document.body.dataset.settled = "0";
    return;
  }
  const out = await settleItems(p, state.wallet!, address, picks);
  await refresh();
  status(`settled ${out.done.length} items: ${out.slots} open slots refunded, ${out.refunded.toLocaleString("en")} lamports`);
  document.body.dataset.settled = String(out.done.length);
  document.body.dataset.refunded = String(out.refunded);
}

async function downloadLabels(address: PublicKey) {
  const rows = pluralityLabels(await batchAnswers(program(), address));
  const csv = labelsCsv(rows);
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
  a.download = `labels-${address.toBase58()}.csv`;
  a.click();
  const ties = rows.filter((r) => r.tied).length;
  status(`${rows.length} items labelled (plurality vote)${ties ? `, ${ties} tie${ties === 1 ? "" : "s"} (the first label in byte order)` : ""}`);
}

// Watch completion while a wallet is connected.
setInterval(() => {
  if (state.wallet && !document.body.dataset.busy) showMine().catch(() => {});
}, 2000);

// -- start -------------------------------------------------------------------------

const params = new URLSearchParams(location.search);
$<HTMLInputElement>("cluster").value = params.get("cluster") ?? "http://127.0.0.1:8899";
$<HTMLInputElement>("store").value = params.get("store") ?? "";
$<HTMLInputElement>("cluster").onchange = () => {
  state.program = null;
  act("loading", refresh);
};
$("refresh").onclick = () => act("loading", refresh);
act("loading", refresh);
