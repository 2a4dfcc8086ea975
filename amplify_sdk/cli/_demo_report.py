"""`amplify demo`'s report for people: the tables and lines its text output
prints (`-o json` prints the report itself)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.table import Table

from ..clients._market import MarketView
from .market import market_tables


def render(report: dict[str, Any], view: MarketView) -> Callable[[Console], None]:
    skill = report["skill"]["name"]

    def show(c: Console) -> None:
        c.print(
            "[bold]Amplify demo[/bold]: content moderation on the embedded chain "
            "(LiteSVM running the shipped program)"
        )
        t = report["qualification"]
        by_class = ", ".join(f"{k} {v:.0%}" for k, v in t["gold_accuracy_by_class"].items())
        passed = ", ".join(f"{n} {k}" for k, n in t["passed_by_class"].items()) or "none"
        gold = "all" if t["gold"] == t["items"] else f"{t['gold']:,}"
        c.print(
            f"Qualification test: {t['items']:,} items, {gold} gold (the key committed "
            f"before it opened), {t['answers']:,} answers paid "
            f"{t['paid']:,} lamports (+{t['fees']:,} fees; {t['cost']:,} in all for the "
            f"requester); right on gold: {by_class}; {t['passed']} passed "
            f"({skill} ≥ {t['minimum']}: {passed})"
        )
        p = report["premium"]
        c.print(
            f"Items done: {report['items']:,} items × 3 workers = "
            f"{report['assignments_done']:,} assignments in {report['rounds']} rounds; "
            f"{report['rated']:,} rated by grading (Dawid–Skene); majority label correct for "
            f"{report['majority_accuracy']:.1%} of items; batch closed"
        )
        c.print(
            f"Premium batch (≥ {p['min_rating'] / 1000:.2f}★, the best 40% of the crowd; "
            f"{p['price']:,} lamports): {p['done']:,} of "
            f"{p['items']:,} items done, {p['open_slots']:,} slots open"
        )
        k, g = report["skill"], report["skilled"]
        refused = ", ".join(f"{n} {c}" for c, n in g["refused_by_class"].items()) or "none"
        c.print(
            f"Skill {k['name']} set from the test's grading: {k['workers']:,} workers hold it on "
            f"chain (one root, epoch {k['epoch']}). Skilled batch (≥ {g['minimum']}): "
            f"{g['done']:,} of {g['items'] * 2:,} slots done by {g['workers']} workers; "
            f"refused {g['refused_workers']} ({refused})"
        )
        d = report["dynamic_overlap"]
        fixed, dyn = d["fixed"], d["dynamic"]
        c.print(
            f"Dynamic overlap (the same items again, settled at posterior ≥ "
            f"{d['min_confidence']} on {d['min_answers']}+ answers): "
            f"{dyn['assignments']:,} assignments instead of {fixed['assignments']:,} "
            f"(−{d['assignments_saved']:,}, −{d['lamports_saved']:,} lamports: "
            f"{dyn['settled_slots']:,} slots of {dyn['settled_items']:,} items refunded); "
            f"consensus correct for {dyn['accuracy']:.1%} of items against "
            f"{fixed['accuracy']:.1%} with fixed overlap"
        )
        money = Table("party", "lamports moved", title="Lamports moved (balance changes)")
        for party, value in report["lamports"].items():
            money.add_row(party.replace("_", " "), f"{value:+,}")
            if party == "workers":
                for cls in report["classes"]:
                    money.add_row(f"  {cls['class']}", f"{cls['wallet_change']:+,}")
        money.add_row("sum", f"{sum(report['lamports'].values()):+,}")
        c.print(money)
        c.print(
            "every lamport accounted for"
            if report["conserved"]
            else "[red]lamports do not add up[/red]"
        )
        classes = Table(
            "class",
            "workers",
            "assignments",
            "accuracy",
            "paid (lamports)",
            "premium items",
            "rating now",
            "mean stars as rated",
            "refused",
            title="Worker classes (accuracy against the hidden true labels)",
        )
        for cls in report["classes"]:
            refused = ", ".join(f"{n}× {k}" for k, n in cls["refusals"].items()) or "–"
            acc = "–" if cls["accuracy"] is None else f"{cls['accuracy']:.1%}"
            classes.add_row(
                cls["class"],
                str(cls["workers"]),
                f"{cls['assignments']:,}",
                acc,
                f"{cls['paid']:,}",
                f"{cls['premium_items']:,}",
                f"{cls['mean_rating']:.2f}★",
                f"{cls['mean_stars']:.2f}★",
                refused,
            )
        c.print(classes)
        people = Table(
            "worker",
            "class",
            "true accuracy",
            "measured",
            "gold right",
            f"skill {skill}",
            "skilled batch",
            "standing",
            title="Workers: true accuracy against what the chain and the grading show",
            caption=f"gold right: on the qualification test; skill {skill}: value 0–100 "
            "from the test's grading against its gold, on chain; standing: the on-chain "
            "score with its evidence",
        )
        for w in report["workers"]:
            value = w["skills"][skill]
            measured = w["measured_accuracy"]
            people.add_row(
                str(w["worker"])[:8] + "…",
                w["class"],
                f"{w['true_accuracy']:.0%}",
                "–" if measured is None else f"{measured:.1%}",
                f"{w['gold_right']}/{w['gold_answered']}",
                "–" if value is None else str(value),
                w["skilled_refused"] or f"{w['skilled_items']} items",
                w["standing"]["text"],
            )
        c.print(people)
        rho = report["rank_correlation"]
        c.print(
            f"rank correlation (Spearman) of true accuracy with the skill {skill}: "
            + ("–" if rho is None else f"{rho:.3f}")
        )
        c.print(market_tables(view))
        c.print(f"Market chart: {report['plot']}")
        c.print(f"Done in {report['seconds']:.1f} s")

    return show
