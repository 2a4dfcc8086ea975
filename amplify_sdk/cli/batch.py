"""`amplify batch create|upload|status|list|results|grade|cancel|close`."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from solders.pubkey import Pubkey

from ..chain._scan import batches
from ..clients._gate import GatePrice
from ..clients._requester import BatchParams, RequesterClient
from ..protocol._exceptions import ForgeableGateError
from ..protocol._idl import constant
from ..protocol._models import Batch, BatchStatus
from ._context import Out, Settings, UserError, command, connect, lamports
from ._groups import batch as group
from ._hints import NotYet
from ._idl_options import arg_range
from ._params import ADDRESS, DURATION, Duration, span, stars, when
from .skill import parse_requirement


def register(cli: click.Group) -> None:
    cli.add_command(group)


def batch_info(b: Batch, now: int, balance: int | None = None) -> dict[str, Any]:
    state = b.status.name.lower()
    if b.status == BatchStatus.OPEN and now >= b.expires_at:
        state = "expired"
    info: dict[str, Any] = {
        "address": b.address,
        "requester": b.requester,
        "status": state,
        "done": b.done(now),
        "price": b.price,
        "fee_per_item": b.fee_per_item,
        "payout": b.payout,
        "bond": b.bond,
        "redundancy": b.redundancy,
        "min_rating": b.min_rating,
        "skill_count": b.skill_count,
        "per_worker_cap": b.per_worker_cap,
        "max_active": b.max_active,
        "reservation_secs": b.reservation_secs,
        "items": b.item_count,
        "items_capacity": b.items_capacity,
        "slots": b.slots,
        "open_slots": b.open_slots,
        "reserved": b.reserved_count,
        "completed": b.completed_count,
        "cancelled_slots": b.cancelled_slots,
        "rated": b.rated_count,
        "escrow": b.escrow,
        "paid_total": b.paid_total,
        "fees_total": b.fees_total,
        "workers": b.roster_len,
        "roster_capacity": b.roster_capacity,
        "tables": b.table_count,
        "created_at": b.created_at,
        "expires_at": b.expires_at,
        "manifest_hash": b.manifest_hash,
        "base_uri": b.base_uri,
        "encrypted": b.encrypted,
    }
    if b.encrypted:
        info["key_agent"] = b.key_agent
    if balance is not None:
        info["lamports"] = balance
    return info


def _info_table(info: dict[str, Any]) -> Table:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    for key, value in info.items():
        if key in ("created_at", "expires_at"):
            value = when(value)
        elif key == "min_rating":
            value = stars(value) if value else "any"
        elif key in ("price", "fee_per_item", "payout", "bond", "escrow", "lamports"):
            value = lamports(value)
        elif isinstance(value, bytes):
            value = value.hex()
        elif isinstance(value, int) and not isinstance(value, bool):
            value = f"{value:,}"
        table.add_row(key.replace("_", " "), str(value))
    return table


@command(group, "create")
@click.option(
    "--price",
    type=arg_range("create_batch", "price", min=1),
    required=True,
    help="Lamports per item per worker, the 5% protocol fee included.",
)
@click.option(
    "--redundancy",
    type=arg_range("create_batch", "redundancy", 1, 64),
    default=1,
    show_default=True,
    help="Workers per item.",
)
@click.option(
    "--bond",
    type=arg_range("create_batch", "bond"),
    default=None,
    help="Lamports a worker deposits per reservation [default: price / 10].",
)
@click.option(
    "--min-rating",
    type=click.FloatRange(0, 5),
    default=0.0,
    help="Minimum worker rating in stars (0 = anyone; at most the ceiling, 4.584 by default).",
)
@click.option(
    "--per-worker-cap",
    type=arg_range("create_batch", "per_worker_cap"),
    default=0,
    help="Most items one worker may take (0 = no cap).",
)
@click.option(
    "--max-active",
    type=arg_range("create_batch", "max_active", min=1),
    default=BatchParams.max_active,
    show_default=True,
    help="Reservations one worker may hold at once.",
)
@click.option(
    "--reservation",
    type=Duration(2**32 - 1),  # reservation_secs: a u32
    default=f"{BatchParams.reservation_secs}",
    show_default=True,
    help="How long a reservation lasts (e.g. 30m, 2h).",
)
@click.option(
    "--expires-in",
    type=DURATION,
    default="7d",
    show_default=True,
    help="How long the batch stays open (e.g. 2h, 7d).",
)
@click.option(
    "--roster-capacity",
    type=arg_range("create_batch", "roster_capacity", 1, constant("MAX_ROSTER")),
    default=BatchParams.roster_capacity,
    show_default=True,
    help="Workers the batch has room for at first.",
)
@click.option("--base-uri", default="", help="Where the items are stored (≤ 200 bytes).")
@click.option(
    "--encrypted",
    is_flag=True,
    help="Items encrypted per item; each worker gets its items' keys from the key "
    "agent (batch upload --encrypt, agent run).",
)
@click.option(
    "--key-agent",
    type=ADDRESS,
    default=None,
    help="The wallet that delivers keys (--encrypted) [default: the requester].",
)
@click.option(
    "--instructions",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Instructions for workers: its sha256 is committed on chain.",
)
@click.option(
    "--batch-id",
    type=arg_range("create_batch", "batch_id"),
    default=None,
    help="The batch's id (with the requester, its address) [default: random].",
)
@click.option(
    "--allow-forgeable-gate",
    is_flag=True,
    help="Create the batch even if one identity past --min-rating could take more "
    "than a Sybil ring pays to forge the gate (docs/reputation.md).",
)
@click.option(
    "--require-skill",
    "require_skill",
    multiple=True,
    metavar="SKILL:MIN",
    help="Require a skill (any issuer's) at a minimum value 1-100; up to 3 (amplify skill).",
)
async def create(settings: Settings, out: Out, **opts: Any) -> None:
    """Open a batch; the wallet is the requester. Prints the batch's address."""
    if opts["key_agent"] is not None and not opts["encrypted"]:
        raise UserError("--key-agent goes with --encrypted")
    skills = [parse_requirement(r) for r in opts["require_skill"]]
    instructions_hash = bytes(32)
    if opts["instructions"] is not None:
        instructions_hash = hashlib.sha256(opts["instructions"].read_bytes()).digest()
    async with connect(settings, settings.wallet()) as amp:
        req = amp.requester()
        b = await req.create_batch(
            price=opts["price"],
            redundancy=opts["redundancy"],
            bond=opts["bond"],
            min_rating=round(opts["min_rating"] * 1000),
            per_worker_cap=opts["per_worker_cap"],
            max_active=opts["max_active"],
            reservation_secs=opts["reservation"],
            expires_in=opts["expires_in"],
            roster_capacity=opts["roster_capacity"],
            base_uri=opts["base_uri"],
            instructions_hash=instructions_hash,
            batch_id=opts["batch_id"],
            encrypted=opts["encrypted"],
            key_agent=opts["key_agent"],
            allow_forgeable_gate=opts["allow_forgeable_gate"],
        )
        if skills:
            await req.require_skills(b.address, skills)
            b = await req.get_batch(b.address)
        info = batch_info(b, await req.now())
    info["signature"] = req.last_receipt.signature if req.last_receipt else None
    gate = req.last_gate
    if gate is not None:
        info["gate"] = gate_info(gate)
    out.result(info, f"{b.address}")
    out.note(
        f"batch created: {b.redundancy} worker(s) per item at {lamports(b.price)}, "
        f"payout {b.payout:,}; expires {when(b.expires_at)}"
    )
    if gate is not None:
        out.note(gate_note(gate))


def gate_info(gate: GatePrice) -> dict[str, Any]:
    """The gate's forge cost and prize, for `-o json` (docs/cli.md)."""
    ring = gate.forge.cheapest
    return {
        "min_rating": gate.min_rating,
        "forge_cost": gate.forge_cost,
        "forge_cost_exact": gate.forge.exact,
        "prize": gate.prize,
        "forgeable": gate.forgeable,
        "safe_per_worker_cap": gate.safe_cap,
        "ring": None
        if ring is None
        else {
            "kind": ring.kind,
            "requesters": ring.requesters,
            "fee": ring.fee,
            "decoy_fee": ring.decoy_fee,
            "five_stars": ring.fives,
            "decoys": ring.decoys,
        },
    }


def gate_note(gate: GatePrice) -> str:
    cost = gate.forge_cost
    ring = gate.forge.cheapest
    forge = (
        "no Sybil ring reaches it"
        if cost is None
        else f"forging it costs {'at least ' if not gate.forge.exact else ''}"
        f"{cost:,} lamports of fees"
        + (f" ({ring.kind} of {ring.requesters} keys)" if ring is not None else "")
    )
    prize = "the whole batch (no cap)" if gate.prize is None else f"{gate.prize:,} lamports"
    warn = " — FORGEABLE (allowed)" if gate.forgeable else ""
    return f"gate {stars(gate.min_rating)}: {forge}; one identity past it can take {prize}{warn}"


def forgeable_message(e: ForgeableGateError) -> str:
    """`ForgeableGateError` in the command line's terms."""
    took = "the whole batch (no --per-worker-cap)" if e.prize is None else f"{e.prize:,} lamports"
    cap = f"set --per-worker-cap {e.safe_cap:,} or less, " if e.safe_cap else "no cap helps: "
    return (
        f"--min-rating {stars(e.min_rating)} costs {'' if e.exact else 'at least '}"
        f"{e.forge_cost:,} lamports of fees to forge "
        f"but one identity past it can take {took}: {cap}raise --min-rating, or pass "
        "--allow-forgeable-gate"
    )


@command(group, "status")
@click.argument("batch", type=ADDRESS)
async def status(settings: Settings, out: Out, batch: Pubkey) -> None:
    """A batch's parameters, counters and money."""
    async with connect(settings) as amp:
        client = amp.requester()
        b = await client.get_batch(batch)
        info = batch_info(b, await client.now(), await client.balance(batch))
    out.result(info, lambda c: c.print(_info_table(info)))


@command(group, "list")
@click.option("--requester", type=ADDRESS, default=None, help="Only this requester's batches.")
@click.option("--mine", is_flag=True, help="Only the wallet's batches.")
@click.option("--open", "open_only", is_flag=True, help="Only batches with open slots.")
async def list_cmd(
    settings: Settings, out: Out, requester: Pubkey | None, mine: bool, open_only: bool
) -> None:
    """Batches on the cluster (from the program's accounts)."""
    if mine:
        requester = settings.wallet().pubkey()
    async with connect(settings) as amp:
        client = amp.requester()
        found = await batches(amp.backend, requester=requester)
        now = await client.now()
    infos = [batch_info(b, now) for b in sorted(found, key=lambda b: b.created_at)]
    if open_only:
        infos = [i for i in infos if i["status"] == "open" and i["open_slots"] > 0]

    def render(c: Console) -> None:
        table = Table("batch", "status", "price", "redundancy", "items", "open", "done", "expires")
        for i in infos:
            table.add_row(
                str(i["address"]),
                i["status"],
                f"{i['price']:,}",
                str(i["redundancy"]),
                f"{i['items']:,}",
                f"{i['open_slots']:,}",
                f"{i['completed']:,}",
                when(i["expires_at"]),
            )
        c.print(table if infos else "no batches")

    out.result({"batches": infos}, render)


@command(group, "cancel")
@click.argument("batch", type=ADDRESS)
async def cancel(settings: Settings, out: Out, batch: Pubkey) -> None:
    """Cancel a batch: open slots are refunded at once; reserved work may
    still be delivered."""
    async with connect(settings, settings.wallet()) as amp:
        req = amp.requester()
        before = await req.balance()
        await req.cancel_batch(batch)
        b = await req.get_batch(batch)
        refunded = await req.balance() - before
    out.result(
        {
            "batch": batch,
            "status": "cancelled",
            "wallet_change": refunded,
            "reserved": b.reserved_count,
        },
        f"batch {batch} cancelled; wallet {refunded:+,} lamports; "
        f"{b.reserved_count:,} reservations outstanding",
    )


async def _release_lapsed(req: RequesterClient, b: Batch) -> None:
    """A cancelled or expired batch closes once no reservation is left: each
    is delivered or lapses at its deadline. Release the lapsed ones (anyone
    may); while some run, say when the last lapses."""
    now = await req.now()
    if not b.reserved_count or (b.status != BatchStatus.CANCELLED and now < b.expires_at):
        return  # nothing held, or still open: the program's own refusal says what to do
    held: dict[Pubkey, int] = {}
    for t in await req.get_tables(b):
        reserved = t.reserved()
        for holder, tick in zip(t.holders[reserved], t.ticks[reserved], strict=True):
            worker = b.roster[int(holder) - 1].worker
            held[worker] = max(held.get(worker, 0), b.deadline(int(tick)))
    last = max(held.values(), default=0)
    if now <= last:
        n = b.reserved_count
        raise NotYet(
            f"batch {b.address} has {n:,} reservation{'s' * (n != 1)} outstanding: closable "
            f"once delivered or once the cluster's clock is past {when(last)} (in "
            f"{span(last - now)}); run batch close again then",
            closable_after=last,
            reserved=n,
        )
    for worker in held:
        await req.release_expired(b.address, worker)


@command(group, "close")
@click.argument("batch", type=ADDRESS)
async def close(settings: Settings, out: Out, batch: Pubkey) -> None:
    """Close a done batch and its task tables: fees to the treasury, rent and
    unspent escrow back to the wallet."""
    async with connect(settings, settings.wallet()) as amp:
        req = amp.requester()
        b = await req.get_batch(batch)
        if b.requester != req.address:
            raise UserError(f"batch {batch} belongs to {b.requester}; --keypair is {req.address}")
        before = await req.balance()
        await _release_lapsed(req, b)
        await req.close_batch(batch)
        returned = await req.balance() - before
    out.result(
        {"batch": batch, "status": "closed", "wallet_change": returned},
        f"batch {batch} closed; {returned:+,} lamports back to the wallet",
    )
