"""`amplify agent run`: the key agent of encrypted batches (`amplify_sdk.clients.agent`)."""

from __future__ import annotations

import asyncio
import logging
import signal
import statistics
from pathlib import Path
from typing import Any

import click
from solders.pubkey import Pubkey

from ..clients.agent import Delivery, run_agent
from ._context import Out, Settings, UserError, command, connect
from ._params import ADDRESS, DURATION
from ._store import DEFAULT_MASTER_KEY, read_master_key


@click.group("agent")
def group() -> None:
    """The key agent: delivers the item keys of encrypted batches, sealed to
    each worker that accepts an item."""


def register(cli: click.Group) -> None:
    cli.add_command(group)


def _log_to_stderr() -> None:
    # The agent reports failed deliveries (retried at the next resync) as
    # warnings: one line each on stderr, in the CLI's own error style.
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    log = logging.getLogger("amplify_sdk.clients.agent")
    log.addHandler(handler)
    log.setLevel(logging.WARNING)
    log.propagate = False


@command(group, "run")
@click.argument("batches", type=ADDRESS, nargs=-1)
@click.option(
    "--master-key",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_MASTER_KEY,
    show_default=True,
    help="The master key the batches' items were encrypted with (batch upload).",
)
@click.option(
    "--resync-interval",
    type=DURATION,
    default="30s",
    show_default=True,
    help="How often to re-read what is owed from the task tables (and, without "
    "BATCH, look for new batches).",
)
async def run(
    settings: Settings,
    out: Out,
    batches: tuple[Pubkey, ...],
    master_key: Path,
    resync_interval: int,
) -> None:
    """Deliver item keys to workers as they accept items, until Ctrl-C or
    SIGTERM (then exit 0). Serves BATCH...; without BATCH, every encrypted
    batch that names the wallet as its key agent, found as they appear.

    What is owed is read from the chain, so a restart neither misses nor
    repeats a delivery. Each delivery is printed as it lands."""
    key = read_master_key(master_key)
    wallet = settings.wallet()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        # A service stops on request: finish the round in flight, report, exit 0.
        loop.add_signal_handler(sig, stop.set)
    _log_to_stderr()
    deliveries: list[Delivery] = []

    def delivered(d: Delivery) -> None:
        deliveries.append(d)
        if settings.json:
            return
        items = d.failed if d.error is not None else d.items
        shown = ",".join(map(str, items[:20])) + ("…" if len(items) > 20 else "")
        if d.error is not None:
            # One worker's failure: reported, retried at the next resync; the
            # agent goes on serving everyone else.
            out.console.print(
                f"{len(items)} keys → {d.worker} (batch {d.batch}) NOT delivered: "
                f"items {shown}: {d.error}"
            )
            return
        refused = f" ({d.refused} refused)" if d.refused else ""
        out.console.print(
            f"{len(d.items)} keys → {d.worker} (batch {d.batch}): items {shown}{refused}"
        )

    def ready() -> None:
        what = (
            f"{len(batches)} batch(es)"
            if batches
            else f"every encrypted batch naming {wallet.pubkey()} as key agent"
        )
        out.note(f"key agent {wallet.pubkey()} ready, serving {what}; Ctrl-C stops it")

    async with connect(settings, wallet) as amp:
        client = amp.requester()
        for address in batches:
            b = await client.get_batch(address)
            if not b.encrypted:
                raise UserError(f"batch {address} is not encrypted: it has no keys to deliver")
            if wallet.pubkey() not in (b.requester, b.key_agent):
                raise UserError(
                    f"batch {address}'s keys are delivered by {b.key_agent}; "
                    f"--keypair is {wallet.pubkey()}"
                )
        stats = await run_agent(
            amp.backend,
            wallet,
            dict.fromkeys(batches, key) or None,
            master_key=None if batches else key,
            discover=not batches,
            stop=stop,
            resync_interval=resync_interval,
            on_delivery=delivered,
            on_ready=ready,
        )
    data: dict[str, Any] = {
        "agent": wallet.pubkey(),
        "keys": stats.keys,
        "transactions": stats.transactions,
        "refused": stats.refused,
        "failed": stats.failed,
        "catch_ups": stats.catch_ups,
        "median_latency_ms": (
            round(statistics.median(stats.latencies) * 1000) if stats.latencies else None
        ),
        "deliveries": [
            {
                "batch": d.batch,
                "worker": d.worker,
                "items": d.items,
                "refused": d.refused,
                "from_table": d.from_table,
                "failed": d.failed,
                "error": d.error,
            }
            for d in deliveries
        ],
    }
    out.result(
        data,
        f"key agent stopped: {stats.keys:,} keys delivered in {stats.transactions:,} "
        f"transactions"
        + (f", {stats.refused:,} refused" if stats.refused else "")
        + (f", {stats.failed:,} failed (see above)" if stats.failed else ""),
    )
