"""`amplify demo`: the marketplace end to end on the embedded chain (LiteSVM
running the shipped program), with a content-moderation dataset shipped in the
package and a crowd of simulated workers.

1. The requester uploads the first N texts of `data/moderation.jsonl` (the
   true labels stay hidden) to a batch with redundancy 3, through the same
   file/journal pipeline as `amplify batch upload`.
2. Accurate (~95%), careless (~70%) and spamming (random) workers accept,
   answer and are paid per delivery, round after round, until every slot is
   done.
3. The requester grades the answers (read back from chain history) by
   Dawid–Skene agreement (`amplify_sdk.quality.agreement`, what `amplify
   batch grade --apply` does), rates every result with its worker's stars,
   and closes the batch.
4. The same grades give each worker a qualification value 0–100
   (`amplify_sdk.quality.qualification`), the value a requester-issued
   skill holds.
5. A premium batch for the best-rated 40% of the crowd, partly taken: ratings now
   decide who may work, and what is left shows as open work.
6. The report: items done, lamports moved per party, each class's accuracy and
   earnings, each worker's true accuracy against its standing (score with its
   evidence, mean stars, qualification) and their rank correlation, the
   market view (table and chart), the time taken.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import click
import numpy as np
from rich.console import Console
from rich.table import Table
from solders.pubkey import Pubkey

from ..clients._market import MarketView, market_view, plot
from ..clients._requester import RequesterClient
from ..clients._session import Amplify
from ..protocol._pda import PROGRAM_ID, table_address, treasury_pda
from ..quality._results import batch_results, majority
from ..quality.agreement import grade
from ..quality.qualification import qualifications
from ..quality.standing import Standing
from ._context import Out, Settings, UserError, command
from ._crowd import CLASSES, Crowd
from ._inputs import read_hashes
from ._upload import upload
from .market import market_tables

PRICE = 10_000
PREMIUM_PRICE = 25_000
PREMIUM_QUANTILE = 0.6
WORKER_LAMPORTS = 2 * 10**9


def register(cli: click.Group) -> None:
    cli.add_command(demo)


def ranks(x: list[float]) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Ranks from 1, ties sharing their mean rank (as Spearman's rho takes them)."""
    v = np.asarray(x, dtype=np.float64)
    order = np.argsort(v, kind="stable")
    r = np.empty(len(v))
    r[order] = np.arange(1, len(v) + 1)
    for value in np.unique(v):
        tied = v == value
        r[tied] = r[tied].mean()
    return r


def spearman(x: list[float], y: list[float]) -> float | None:
    """Spearman's rank correlation (None: a constant side or fewer than 2)."""
    rx, ry = ranks(x), ranks(y)
    if len(rx) < 2 or rx.std() == 0 or ry.std() == 0:
        return None
    return float(np.corrcoef(rx, ry)[0, 1])


def dataset() -> list[dict[str, str]]:
    text = resources.files("amplify_sdk").joinpath("data/moderation.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


async def _post(
    req: RequesterClient, rows: list[dict[str, str]], workdir: Path, name: str, **params: Any
) -> Pubkey:
    """Create a batch and upload `rows` through the CLI's file pipeline."""
    source = workdir / f"{name}.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    batch = await req.create_batch(**params)
    await upload(
        req,
        batch.address,
        read_hashes(source),
        source=str(source),
        journal_file=workdir / f"{name}.journal.sqlite",
        manifest_file=workdir / f"{name}.manifest.json",
    )
    return batch.address


async def _accounts(req: RequesterClient, batch: Pubkey) -> list[Pubkey]:
    b = await req.get_batch(batch)
    return [batch, *(table_address(b.requester, b.batch_number, i) for i in range(b.table_count))]


async def _balances(amp: Amplify, wallets: list[Pubkey]) -> dict[Pubkey, int]:
    """Lamports of the wallets and of every program account: what the run
    moves money between (network fees aside)."""
    out = {a: await amp.backend.get_balance(a) for a in wallets}
    for acc in await amp.backend.get_program_accounts(PROGRAM_ID):
        out[acc.address] = acc.lamports
    return out


async def run_demo(
    n_items: int, n_premium: int, seed: int, counts: dict[str, int], plot_path: Path
) -> tuple[dict[str, Any], MarketView]:
    t0 = time.perf_counter()
    rows = dataset()
    if n_items + n_premium > len(rows):
        raise UserError(f"--items + --premium-items is at most {len(rows)} (the dataset)")
    labels = sorted({r["label"] for r in rows})
    truth = [labels.index(r["label"]) for r in rows]
    rng = np.random.default_rng(seed)
    async with await Amplify.embedded() as amp:
        admin = amp.admin()
        await admin.initialize(await admin.create_amp_mint())
        req = amp.requester()
        crowd = Crowd(amp, rng, len(labels))
        await crowd.hire(counts, WORKER_LAMPORTS)
        wallets = [req.address, *(w.address for w in crowd.workers)]
        before = await _balances(amp, wallets)
        clients = [req, *(w.client for w in crowd.workers)]
        for c in clients:
            c.receipts.clear()  # count the fees of what follows only

        with tempfile.TemporaryDirectory(prefix="amplify-demo-") as tmp:
            main = await _post(
                req,
                rows[:n_items],
                Path(tmp),
                "moderation",
                price=PRICE,
                redundancy=3,
                max_active=1_000,
                base_uri="ipfs://amplify-demo/moderation/",
            )
            main_accounts = await _accounts(req, main)
            rounds = 0
            while (await req.get_batch(main)).open_slots and rounds < 50:
                rounds += 1
                if not await crowd.round(main, truth[:n_items]):
                    break
            results = await batch_results(amp.backend, main)
            grades = grade([row.as_answer for row in results])
            rated = sum(o.ok for o in await req.rate_assignments(main, grades.ratings))
            qualified = qualifications(grades)
            main_batch = await req.get_batch(main)
            await req.close_batch(main)

            # The premium bar: the rating the best 40% of the crowd reach now
            # (relative, so it holds whatever the reputation formula).
            now_rated = [(await w.client.profile()).rating for w in crowd.workers]
            bar = max(1, min(5_000, int(np.quantile(now_rated, PREMIUM_QUANTILE))))
            premium = await _post(
                req,
                rows[n_items : n_items + n_premium],
                Path(tmp),
                "premium",
                price=PREMIUM_PRICE,
                redundancy=1,
                min_rating=bar,
                base_uri="ipfs://amplify-demo/premium/",
                # The bar is the crowd's own 60th percentile, near the prior:
                # a filter among rated workers, not a Sybil barrier (a few
                # lamports of ratings pass it), so it is allowed knowingly.
                allow_forgeable_gate=True,
            )
            premium_accounts = await _accounts(req, premium)
            await crowd.round(premium, truth[n_items:], share=0.25)
            await req.sweep_fees(premium)
            premium_batch = await req.get_batch(premium)

        view = await market_view(amp.backend, limit=None)
        plot(view, plot_path)
        after = await _balances(amp, wallets)
        profiles = {w.address: await w.client.profile() for w in crowd.workers}
        params = (await req.get_config()).reputation
        standings = {a: p.standing(params) for a, p in profiles.items()}
        top = majority(results)

    fees = sum(r.fee for c in clients for r in c.receipts)
    change = {a: after.get(a, 0) - before.get(a, 0) for a in {*before, *after}}
    treasury = treasury_pda()[0]
    named = {
        req.address,
        treasury,
        *main_accounts,
        *premium_accounts,
        *(w.address for w in crowd.workers),
    }
    classes = []
    for kind in CLASSES:
        members = [w for w in crowd.workers if w.kind is kind]
        if not members:
            continue
        answers = [
            (item, label) for w in members for (b, item), label in w.answers.items() if b == main
        ]
        correct = sum(truth[item] == label for item, label in answers)
        paid = sum(
            e.fields["paid"]
            for w in members
            for r in w.client.receipts
            for e in r.events
            if e.name == "ResultsSubmitted"
        )
        premium_done = sum(1 for w in members for (b, _) in w.answers if b == premium)
        classes.append(
            {
                "class": kind.name,
                "workers": len(members),
                "assignments": len(answers),
                "premium_items": premium_done,
                "accuracy": correct / len(answers) if answers else None,
                "paid": paid,
                "wallet_change": sum(change[w.address] for w in members),
                "mean_rating": float(np.mean([profiles[w.address].rating for w in members])) / 1000,
                "mean_stars": float(np.mean([standings[w.address].mean or 0 for w in members]))
                / 1000,
                "refusals": dict(sum((Counter(w.refusals) for w in members), Counter())),
            }
        )
    workers: list[dict[str, Any]] = []
    shown: list[tuple[float, int]] = []
    for w in crowd.workers:
        answers = [(item, label) for (b, item), label in w.answers.items() if b == main]
        q = qualified.get(w.address)
        workers.append(
            {
                "worker": w.address,
                "class": w.kind.name,
                "assignments": len(answers),
                # The simulation's input: its chance of answering right (a
                # spammer's random label is right one time in K).
                "true_accuracy": w.kind.accuracy or 1 / len(labels),
                "measured_accuracy": (
                    sum(truth[item] == label for item, label in answers) / len(answers)
                    if answers
                    else None
                ),
                "score": standings[w.address].score,
                "mean_stars": _stars(standings[w.address]),
                "skills": {"qualification": None if q is None else q.value},
                "graded_answers": 0 if q is None else q.evidence,
                "standing": standings[w.address].as_dict(),
            }
        )
        if q is not None and q.value is not None:
            shown.append((workers[-1]["true_accuracy"], q.value))
    majority_correct = sum(
        answer is not None and truth[item] == int(answer) for item, answer in top.items()
    )
    report = {
        "items": n_items,
        "assignments_done": main_batch.completed_count,
        "rounds": rounds,
        "rated": rated,
        "majority_accuracy": majority_correct / max(len(top), 1),
        "premium": {
            "items": n_premium,
            "min_rating": bar,
            "done": premium_batch.completed_count,
            "open_slots": premium_batch.open_slots,
        },
        "lamports": {
            "requester": change[req.address],
            "workers": sum(c["wallet_change"] for c in classes),
            "treasury": change[treasury],
            "closed_batch": sum(change.get(a, 0) for a in main_accounts),
            "premium_batch": sum(change.get(a, 0) for a in premium_accounts),
            # Rent of any other program account the run created (profiles...).
            "other_accounts": sum(v for a, v in change.items() if a not in named),
            "network_fees": fees,
        },
        "classes": classes,
        "workers": workers,
        # Spearman's rho, true accuracy against the qualification value.
        "rank_correlation": spearman([t for t, _ in shown], [float(v) for _, v in shown]),
        "market": view.as_dict(),
        "plot": plot_path,
        "seconds": time.perf_counter() - t0,
        "conserved": sum(change.values()) + fees == 0,
    }
    return report, view


def _stars(s: Standing) -> float | None:
    return None if s.mean is None else s.mean / 1000


def render(report: dict[str, Any], view: MarketView) -> Callable[[Console], None]:
    def show(c: Console) -> None:
        c.print(
            "[bold]Amplify demo[/bold]: content moderation on the embedded chain "
            "(LiteSVM running the shipped program)"
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
            f"{PREMIUM_PRICE:,} lamports): {p['done']:,} of "
            f"{p['items']:,} items done, {p['open_slots']:,} slots open"
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
            "qualification",
            "standing",
            title="Workers: true accuracy against what the chain and the grading show",
            caption="qualification: skill 0–100 from the requester's grading "
            "(Dawid–Skene agreement); standing: the on-chain score with its evidence",
        )
        for w in report["workers"]:
            value = w["skills"]["qualification"]
            measured = w["measured_accuracy"]
            people.add_row(
                str(w["worker"])[:8] + "…",
                w["class"],
                f"{w['true_accuracy']:.0%}",
                "–" if measured is None else f"{measured:.1%}",
                "–" if value is None else str(value),
                w["standing"]["text"],
            )
        c.print(people)
        rho = report["rank_correlation"]
        c.print(
            "rank correlation (Spearman) of true accuracy with the qualification: "
            + ("–" if rho is None else f"{rho:.3f}")
        )
        c.print(market_tables(view))
        c.print(f"Market chart: {report['plot']}")
        c.print(f"Done in {report['seconds']:.1f} s")

    return show


def absolute(path: Path) -> Path:
    return path.resolve()


@command(click.Group(), "demo")
@click.option(
    "--items",
    type=click.IntRange(10, 1200),
    default=1_000,
    show_default=True,
    help="Items of the main batch (redundancy 3).",
)
@click.option(
    "--premium-items",
    type=click.IntRange(1, 1190),
    default=200,
    show_default=True,
    help="Items of the premium batch (for the best-rated 40% of workers).",
)
@click.option(
    "--workers",
    default="5,4,3",
    show_default=True,
    help="How many accurate, careless and spammer workers.",
)
@click.option("--seed", type=int, default=7, show_default=True, help="The crowd's randomness.")
@click.option(
    "--plot",
    "plot_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("amplify-demo-market.png"),
    show_default=True,
    help="Where to write the market chart.",
)
async def demo(
    settings: Settings,
    out: Out,
    items: int,
    premium_items: int,
    workers: str,
    seed: int,
    plot_path: Path,
) -> None:
    """Run the marketplace end to end on an embedded chain and report
    (--url and --keypair do not apply: everything runs in process)."""
    try:
        numbers = [int(x) for x in workers.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) != 3 or min(numbers) < 0 or sum(numbers) < 3:
        raise UserError(
            "--workers: three counts, accurate,careless,spammer, "
            "at least 3 workers in all (e.g. 5,4,3)"
        )
    counts = dict(zip((k.name for k in CLASSES), numbers, strict=True))
    report, view = await run_demo(items, premium_items, seed, counts, absolute(plot_path))
    out.result(report, render(report, view))
