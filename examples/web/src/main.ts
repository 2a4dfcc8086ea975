// The page: connect to a cluster, show a requester's batches with their open
// work, and the market (price paid per item against the worker's standing:
// its score with the evidence behind it).
// ?cluster=URL&requester=ADDRESS fills the form and loads at once.
import { PublicKey } from "@solana/web3.js";
import {
  connect,
  listBatches,
  openWork,
  recentSales,
  standingText,
  STATUS,
  type Batch,
  type OpenWork,
} from "./market";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const SOL = 1_000_000_000;

const stars = (milli: number) => (milli === 0 ? "unrated" : `${(milli / 1000).toFixed(2)} ★`);
const sol = (lamports: number) => `${(lamports / SOL).toFixed(6)} SOL`;
const short = (key: PublicKey) => `${key.toBase58().slice(0, 4)}…${key.toBase58().slice(-4)}`;

function cell(row: HTMLTableRowElement, text: string, title?: string) {
  const td = row.insertCell();
  td.textContent = text;
  if (title) td.title = title;
}

function batchRow(address: PublicKey, b: Batch, work: OpenWork) {
  const row = $<HTMLTableElement>("batches").tBodies[0].insertRow();
  row.dataset.batch = address.toBase58();
  const price = b.price.toNumber();
  cell(row, short(address), address.toBase58());
  cell(row, STATUS[b.status] ?? String(b.status));
  cell(row, `${price.toLocaleString("en")} lamports`, sol(price));
  cell(row, b.minRating === 0 ? "any" : `≥ ${stars(b.minRating)}`);
  cell(row, String(b.redundancy));
  cell(row, b.itemCount.toString());
  cell(
    row,
    String(work.openItems.length),
    work.openItems.slice(0, 50).join(", ") + (work.openItems.length > 50 ? ", …" : ""),
  );
  cell(row, String(work.openSlots));
  cell(row, sol(work.openSlots * price));
  cell(row, new Date(b.expiresAt.toNumber() * 1000).toISOString().replace(".000Z", "Z"));
}

async function load(cluster: string, requester: string) {
  const status = $("status");
  status.textContent = "loading…";
  for (const id of ["batches", "market"]) $<HTMLTableElement>(id).tBodies[0].replaceChildren();
  const program = connect(cluster);
  const batches = await listBatches(program, new PublicKey(requester));
  for (const { address, batch } of batches) batchRow(address, batch, await openWork(program, batch));
  const sales = await recentSales(program);
  for (const s of sales.sort((a, b) => b.rating - a.rating)) {
    const row = $<HTMLTableElement>("market").tBodies[0].insertRow();
    cell(row, short(s.worker), s.worker.toBase58());
    cell(row, s.standing ? standingText(s.standing) : stars(s.rating), `${s.rating} milli-stars`);
    cell(row, String(s.items));
    cell(row, `${s.pricePerItem.toLocaleString("en")} lamports`);
    cell(row, short(s.batch), s.batch.toBase58());
  }
  status.textContent = `${batches.length} batches, ${sales.length} recent deliveries`;
  document.body.dataset.loaded = "true";
}

const form = $<HTMLFormElement>("connect");
const params = new URLSearchParams(location.search);
$<HTMLInputElement>("cluster").value = params.get("cluster") ?? "http://127.0.0.1:8899";
$<HTMLInputElement>("requester").value = params.get("requester") ?? "";
form.addEventListener("submit", (e) => {
  e.preventDefault();
  const cluster = $<HTMLInputElement>("cluster").value;
  const requester = $<HTMLInputElement>("requester").value;
  history.replaceState(null, "", `?${new URLSearchParams({ cluster, requester })}`);
  load(cluster, requester).catch(showError);
});
function showError(err: unknown) {
  $("status").textContent = `error: ${err instanceof Error ? err.message : String(err)}`;
  document.body.dataset.loaded = "error";
}
if (params.get("requester")) load($<HTMLInputElement>("cluster").value, params.get("requester")!).catch(showError);
