"""`amplify batch grade`: grade a batch's delivered answers by agreement
(`amplify_sdk.quality.grading`), optionally against gold answers, and rate;
with --skill, set a skill's values from the grading
(`amplify_sdk.quality.qualification.set_skill_from_grades`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

import click
from rich.console import Console
from rich.table import Table
from solders.pubkey import Pubkey

from ..quality.agreement import Method
from ..quality.grading import NO_GOLD, grade_batch, rate_batch
from ..quality.labels import label_text
from ..quality.qualification import (
    MIN_QUALIFICATION_EVIDENCE,
    SkillUpdate,
    qualifications,
    set_skill_from_grades,
)
from ._context import Out, Settings, UserError, command, connect, require_some
from ._gold import gold_options, read_gold
from ._groups import batch as group
from ._outcomes import finish, outcome_summary
from ._params import ADDRESS, standing_json, standing_text
from ._store import open_store
from .skill import STORE_HELP, skill_info

#: The SDK's methods, spelled as options are (dawid-skene, plurality-vote).
METHODS = {m.replace("_", "-"): m for m in get_args(Method)}


@command(group, "grade")
@click.argument("batch", type=ADDRESS)
@click.option(
    "--method",
    type=click.Choice(list(METHODS)),
    default="dawid-skene",
    show_default=True,
    help="Consensus: Dawid-Skene (learns each worker's reliability) or plurality vote.",
)
@gold_options
@click.option(
    "--min-evidence",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Answers on shared or gold items a worker needs to be rated.",
)
@click.option(
    "--skill",
    "skill_key",
    type=ADDRESS,
    default=None,
    help="Set this skill (the wallet its authority) from the grading: each worker's "
    "qualification, merged with the values it holds; previewed, sent with --apply.",
)
@click.option("--store", "store_spec", default=None, help=STORE_HELP + " With --skill.")
@click.option(
    "--replace",
    is_flag=True,
    help="With --skill: the grading's values become the whole set (others lose the skill).",
)
@click.option(
    "--apply", is_flag=True, help="Rate every unrated assignment on chain (and set --skill)."
)
@click.option(
    "--without-gold",
    is_flag=True,
    help="With --apply and no --gold: send stars from agreement alone (colluding "
    "workers can capture it).",
)
async def grade(
    settings: Settings,
    out: Out,
    batch: Pubkey,
    method: str,
    gold: Path | None,
    instructions: Path | None,
    min_evidence: int,
    skill_key: Pubkey | None,
    store_spec: str | None,
    replace: bool,
    apply: bool,
    without_gold: bool,
) -> int:
    """Grade BATCH's answers from chain history by agreement (and gold): each
    worker's agreement, accuracy, qualification and the stars it earns on
    every one of its assignments. With --apply, rate them (assignments
    already rated are left as they are). With --skill SKILL --store DIR, show
    what the grading does to each worker's value of SKILL; with --apply, set
    it on chain too (one transaction)."""
    opening, doc = read_gold(gold, instructions)
    if (skill_key is None) != (store_spec is None):
        raise UserError("--skill and --store go together")
    if replace and skill_key is None:
        raise UserError("--replace goes with --skill")
    if apply and opening is None and not without_gold:
        sdk_hint = "without_gold=True (CLI: --without-gold)"
        raise UserError(NO_GOLD.replace(sdk_hint, "--without-gold"))
    if without_gold and opening is not None:
        raise UserError("--without-gold and --gold contradict each other")
    kw: dict[str, Any] = {
        "gold": opening,
        "instructions": doc,
        "method": METHODS[method],
        "min_evidence": min_evidence,
    }
    async with connect(settings, settings.wallet() if apply else settings.wallet_or_none()) as amp:
        req = amp.requester()
        update: SkillUpdate | None = None
        # A preview reads the skill's published values: the store must exist
        # then, unless the skill holds none yet.
        create_store = apply
        if skill_key is not None and store_spec is not None:
            s = await req.get_skill(skill_key)
            create_store = apply or s.worker_count == 0
            if apply and s.authority != req.address:
                raise UserError(
                    f"skill {skill_key}'s authority is {s.authority}, not this wallet: nothing sent"
                )
        if apply:
            grades, outcomes = await rate_batch(req, batch, without_gold=without_gold, **kw)
            require_some(outcomes)
        else:
            grades, outcomes = await grade_batch(req, batch, **kw), []
        if skill_key is not None and store_spec is not None:
            async with open_store(store_spec, create=create_store) as store:
                update = await set_skill_from_grades(
                    req, skill_key, grades, store, replace=replace, dry_run=not apply
                )
        # Each worker's standing now (after the ratings, with --apply).
        standing = {w: await req.get_standing(w) for w in grades.workers}
    qualified = qualifications(grades)
    c = grades.consensus
    workers = sorted(grades.workers.values(), key=lambda g: (-g.accuracy, bytes(g.worker)))
    data: dict[str, Any] = {
        "batch": batch,
        "method": method,
        "items": len(c.items),
        "answers": sum(g.answers for g in workers),
        "labels": [label_text(label) for label in c.labels],
        "workers": [
            {
                "worker": g.worker,
                "answers": g.answers,
                "agreement": round(g.agreement, 4),
                "gold_answered": g.gold_answered,
                "gold_right": g.gold_right,
                "accuracy": round(g.accuracy, 4),
                "stars": g.stars,
                "qualification": qualified[g.worker].value,
                "standing": standing_json(standing[g.worker]),
            }
            for g in workers
        ],
        "ratings": len(grades.ratings),
        "gold": opening is not None,
    }
    status = 0
    if apply:
        summary = outcome_summary(outcomes)
        data |= {"rated": len(summary["ok"]), "refused": summary["refused"], "ok": summary["ok"]}
        data["signatures"] = summary["signatures"]
        # Some ratings refused: exit 3 with what was not done (as `rate`).
        status = finish(data, len(outcomes))
        del data["ok"]
    if update is not None:
        data["skill"] = skill_info(update.skill) | {
            "sent": update.sent,
            "replace": replace,
            "changes": [
                {"worker": c.worker, "before": c.before, "after": c.after, "outcome": c.outcome}
                for c in update.changes
            ],
        }

    def render(console: Console) -> None:
        table = Table(
            title=f"batch {batch}: {len(c.items):,} items, {data['answers']:,} answers, "
            f"{len(c.labels)} labels ({method})",
        )
        table.add_column("worker")
        for name in ("answers", "agreement", "gold", "accuracy"):
            table.add_column(name, justify="right")
        table.add_column("stars")
        table.add_column("qualification", justify="right")
        table.add_column("standing" + (" (after rating)" if apply else ""))
        for g in workers:
            value = qualified[g.worker].value
            s = standing[g.worker]
            table.add_row(
                str(g.worker),
                f"{g.answers:,}",
                f"{g.agreement:.1%}",
                f"{g.gold_right}/{g.gold_answered}" if g.gold_answered else "-",
                f"{g.accuracy:.1%}",
                "★" * g.stars if g.stars else "too little evidence",
                "too little evidence" if value is None else str(value),
                standing_text(s),
            )
        console.print(table)
        console.print(
            f"qualification: skill 0–100 from this grading, for workers with "
            f"{MIN_QUALIFICATION_EVIDENCE}+ graded answers (docs/reputation.md, Standing)"
        )
        if apply:
            refused = ", ".join(f"{n}× {k}" for k, n in data["refused"].items())
            why = ""
            if not data["rated"]:
                why = " (all were rated already)" if grades.ratings else " (none to rate)"
            console.print(
                f"rated {data['rated']:,} assignments"
                + (f"; refused {refused}" if refused else "")
                + why
            )
        else:
            how = "--apply sends them" if opening else "no gold: --apply --without-gold sends them"
            console.print(f"{len(grades.ratings):,} ratings proposed; {how}")
            if opening is None:
                console.print(
                    "[yellow]without gold, these stars come from agreement alone: workers who "
                    "agree with each other can outvote accurate ones (docs/reputation.md)[/]"
                )
        if update is not None:
            render_skill_update(console, update, apply)

    out.result(data, render)
    return status


def render_skill_update(console: Console, update: SkillUpdate, applied: bool) -> None:
    s = update.skill
    table = Table(title=f"skill {s.name} ({s.address}) from this grading")
    table.add_column("worker")
    table.add_column("before", justify="right")
    table.add_column("after", justify="right")
    table.add_column("outcome")
    for c in update.changes:
        table.add_row(
            str(c.worker),
            "-" if c.before is None else str(c.before),
            "-" if c.after is None else str(c.after),
            c.outcome,
        )
    console.print(table)
    if update.sent:
        console.print(f"skill set: {s.worker_count:,} workers hold it, epoch {s.epoch}")
    elif applied:
        console.print("skill unchanged: no value differs, nothing sent")
    else:
        console.print("skill changes previewed; --apply sets them (one transaction)")
