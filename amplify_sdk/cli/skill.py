"""`amplify skill`: skills an issuer sets for many workers at once (a value
0-100 each, committed on chain as one Merkle root; the leaf list in a store),
and the batches that require them.

    amplify skill create NAME
    amplify skill set SKILL VALUES.csv|.json --store DIR
    amplify skill show SKILL [--store DIR]
    amplify skill revoke SKILL WORKER... --store DIR
    amplify skill require BATCH SKILL:MIN...

Values from a grading are set by `amplify batch grade BATCH --skill SKILL
--store DIR` (batch_grade.py), where the grading's options are.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import click
from solders.pubkey import Pubkey

from ..protocol._idl import constant
from ..protocol._skill import Skill
from ._context import Out, Settings, UserError, command, connect
from ._params import ADDRESS
from ._store import open_store

STORE_HELP = (
    "Where the skill's leaf list is published (a folder, file:// or http(s):// URL, or "
    "ipfs+http://): workers build their proofs from it."
)


@click.group("skill")
def skill() -> None:
    """Issue skills (values 0-100 per worker) and require them of batches."""


def register(cli: click.Group) -> None:
    cli.add_command(skill)


def read_values(path: Path) -> dict[Pubkey, int]:
    """worker,value rows of a CSV, or a JSON object {worker: value} or list of
    {"worker", "value"}; every row checked first."""
    rows: list[tuple[str, Any, Any]] = []
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            rows = [(f"{path}:{reader.line_num}", r.get("worker"), r.get("value")) for r in reader]
    elif path.suffix.lower() == ".json":
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            raise UserError(f"{path}: invalid JSON ({e.msg})") from None
        if isinstance(doc, dict):
            rows = [(f"{path}: {k}", k, v) for k, v in doc.items()]
        elif isinstance(doc, list):
            rows = [
                (f"{path}[{i}]", r.get("worker"), r.get("value"))
                for i, r in enumerate(doc)
                if isinstance(r, dict)
            ]
        else:
            raise UserError(f"{path}: give an object {{worker: value}} or a list of rows")
    else:
        raise UserError(f"{path}: give a .csv (worker,value) or .json file")
    top = int(constant("MAX_SKILL_VALUE"))
    out: dict[Pubkey, int] = {}
    for where, worker, value in rows:
        try:
            w, v = Pubkey.from_string(str(worker)), int(value)
        except (ValueError, TypeError):
            raise UserError(f"{where}: need a 'worker' address and an integer 'value'") from None
        if not 0 <= v <= top:
            raise UserError(f"{where}: a skill value is 0 to {top}, not {v}")
        if w in out:
            raise UserError(f"{where}: worker {w} appears twice")
        out[w] = v
    return out


def parse_requirement(spec: str) -> tuple[Pubkey, int]:
    """SKILL:MIN."""
    skill_s, _, min_s = spec.rpartition(":")
    try:
        skill_key, minimum = Pubkey.from_string(skill_s), int(min_s)
    except ValueError:
        raise UserError(f"{spec!r}: give SKILL:MIN (a skill address, a minimum 1-100)") from None
    if not 1 <= minimum <= int(constant("MAX_SKILL_VALUE")):
        raise UserError(f"{spec!r}: a minimum is 1 to 100")
    return skill_key, minimum


def skill_info(s: Skill) -> dict[str, Any]:
    return {
        "skill": s.address,
        "name": s.name,
        "issuer": s.issuer,
        "authority": s.authority,
        "epoch": s.epoch,
        "workers": s.worker_count,
        "root": s.root.hex(),
        "leaves_uri": s.leaves_uri,
    }


@command(skill, "create")
@click.argument("name")
@click.option(
    "--skill-id", type=click.IntRange(0, 2**64 - 1), default=None, help="[default: random]"
)
async def create(settings: Settings, out: Out, name: str, skill_id: int | None) -> None:
    """Create a skill the wallet issues (no worker holds it yet). Prints its address."""
    async with connect(settings, settings.wallet()) as amp:
        s = await amp.requester().create_skill(name, skill_id=skill_id)
    out.result(skill_info(s), f"{s.address}")


@command(skill, "set")
@click.argument("skill_key", metavar="SKILL", type=ADDRESS)
@click.argument("values", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--store", "store_spec", required=True, help=STORE_HELP)
@click.option("--replace", is_flag=True, help="VALUES become the whole set (others lose it).")
async def set_cmd(
    settings: Settings, out: Out, skill_key: Pubkey, values: Path, store_spec: str, replace: bool
) -> None:
    """Set many workers' values at once (one transaction): a new root over the
    published values updated by VALUES (worker,value rows). From a grading:
    `amplify batch grade BATCH --skill SKILL --store DIR`."""
    table = read_values(values)
    async with connect(settings, settings.wallet()) as amp, open_store(store_spec) as store:
        s = await amp.requester().set_skill(skill_key, table, store, replace=replace)
    out.result(skill_info(s), f"{s.address}: {s.worker_count:,} workers, epoch {s.epoch}")


@command(skill, "revoke")
@click.argument("skill_key", metavar="SKILL", type=ADDRESS)
@click.argument("workers", nargs=-1, required=True, type=ADDRESS)
@click.option("--store", "store_spec", required=True, help=STORE_HELP)
async def revoke(
    settings: Settings, out: Out, skill_key: Pubkey, workers: tuple[Pubkey, ...], store_spec: str
) -> None:
    """Take the skill from WORKERS (a new root without them)."""
    async with connect(settings, settings.wallet()) as amp, open_store(store_spec) as store:
        s = await amp.requester().revoke_skill(skill_key, list(workers), store)
    out.result(skill_info(s), f"{s.address}: {s.worker_count:,} workers, epoch {s.epoch}")


@command(skill, "show")
@click.argument("skill_key", metavar="SKILL", type=ADDRESS)
@click.option("--store", "store_spec", default=None, help="Also list the values (from the store).")
async def show(settings: Settings, out: Out, skill_key: Pubkey, store_spec: str | None) -> None:
    """A skill's issuer, authority, root and, with --store, every worker's value."""
    async with connect(settings) as amp:
        reader = amp.worker()
        s = await reader.get_skill(skill_key)
        info = skill_info(s)
        if store_spec is not None:
            async with open_store(store_spec, create=False) as store:
                tree = await reader.skill_tree(s, store)
            info["values"] = {str(w): v for w, v in tree.values}
    text = (
        f"{s.name} ({s.address}): issuer {s.issuer}, authority {s.authority}, "
        f"{s.worker_count:,} workers, epoch {s.epoch}"
    )
    out.result(info, text)


@command(skill, "require")
@click.argument("batch", type=ADDRESS)
@click.argument("requirements", nargs=-1, metavar="SKILL:MIN...")
async def require(
    settings: Settings, out: Out, batch: Pubkey, requirements: tuple[str, ...]
) -> None:
    """Require skills of every worker that accepts items of BATCH from now on
    (up to 3; none lifts the requirement)."""
    wanted = [parse_requirement(r) for r in requirements]
    async with connect(settings, settings.wallet()) as amp:
        req = await amp.requester().require_skills(batch, wanted)
    required = [] if req is None else [{"skill": s, "minimum": m} for s, m in req.required]
    out.result(
        {"batch": batch, "required": required},
        f"{batch}: " + (", ".join(f"{s}≥{m}" for s, m in wanted) or "no skill required"),
    )
