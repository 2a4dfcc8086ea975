"""`amplify worker fetch`: a batch's items from its store, each checked
against the chain; an encrypted batch's (reserved ones) decrypted with keys
from chain data."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from solders.pubkey import Pubkey

from ._context import Out, Settings, UserError, command, connect
from ._groups import worker as group
from ._params import ADDRESS, DURATION, ITEMS
from ._store import STORE_HELP, open_store


def text_of(data: bytes) -> str | None:
    try:
        text = data.decode()
    except UnicodeDecodeError:
        return None
    return text if all(ch.isprintable() or ch in "\n\t\r" for ch in text) else None


def _rows(items: list[int], plain: list[bytes], out_dir: Path | None) -> list[dict[str, Any]]:
    """One row per item: its text if it is text, and its file under
    `out_dir` (written) or its bytes in base64."""
    rows: list[dict[str, Any]] = []
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
    for item, data in zip(items, plain, strict=True):
        row: dict[str, Any] = {"item": item, "bytes": len(data), "text": text_of(data)}
        if out_dir is not None:
            path = out_dir / str(item)
            path.write_bytes(data)
            row["path"] = path
        else:
            row["data_base64"] = base64.b64encode(data).decode()
        rows.append(row)
    return rows


@command(group, "fetch")
@click.argument("batch", type=ADDRESS)
@click.option("--items", type=ITEMS, default=None, help="Items: 0,5,7-9 [default: yours].")
@click.option("--store", default=None, help=f"{STORE_HELP} [default: the batch's base URI]")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write each item to OUT/<item> [default: print them].",
)
@click.option(
    "--wait",
    type=DURATION,
    default="30s",
    show_default=True,
    help="How long to wait for keys the key agent has not delivered yet.",
)
async def fetch(
    settings: Settings,
    out: Out,
    batch: Pubkey,
    items: list[int] | None,
    store: str | None,
    out_dir: Path | None,
    wait: int,
) -> None:
    """Fetch BATCH's items from its store (WorkerClient.fetch_items), each
    blob checked against the batch's on-chain commitment. For an encrypted
    batch, the items you reserved, decrypted with keys read from chain data
    (sealed to your key by the requester's key agent)."""
    async with connect(settings, settings.wallet()) as amp:
        w = amp.worker()
        b = await w.get_batch(batch)
        if items is None:
            items = sorted(i for i, _ in await w.reservations(batch))
            if not items:
                raise UserError(f"you hold no reservation in batch {batch} (worker accept first)")
        spec = store or b.base_uri
        if not spec:
            raise UserError(f"batch {batch} names no base URI: pass --store")
        async with open_store(spec, create=False) as source:
            plain = await w.fetch_items(batch, items, source, wait=wait)
    rows = _rows(items, plain, out_dir)

    def render(c: Console) -> None:
        for row in rows:
            if "path" in row:
                c.print(f"item {row['item']}: {row['bytes']:,} bytes → {row['path']}")
            elif row["text"] is not None:
                c.print(f"item {row['item']}: {escape(row['text'])}")
            else:
                c.print(f"item {row['item']}: {row['bytes']:,} bytes of binary (use --out DIR)")

    out.result({"batch": batch, "items": rows}, render)
