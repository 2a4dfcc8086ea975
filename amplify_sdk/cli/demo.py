"""`amplify demo`: the marketplace end to end on the embedded chain (LiteSVM
running the shipped program), with a content-moderation dataset shipped in the
package and a crowd of simulated workers.

1. A qualification test: the requester commits its own labels of 30 texts
   as gold (`amplify_sdk.quality.gold`: the root in the instructions
   document, whose hash is on chain from `create_batch`), and every worker —
   accurate (~95%), careless (~70%), spamming (random) — answers all 30 and
   is paid per delivery. The requester grades the test against the opened
   key (`grading.grade_batch`) and sets each worker's value 0–100 from that
   grading as a skill it issues, `moderation` (`set_skill_from_grades`: one
   transaction, the leaf list in a store); the test batch is closed.
2. The requester uploads the first N texts of `data/moderation.jsonl` (the
   true labels stay hidden) to a batch with redundancy 3, through the same
   file/journal pipeline as `amplify batch upload`.
3. The workers accept, answer and are paid per delivery, round after round,
   until every slot is done.
4. The requester grades the answers (read back from chain history) by
   Dawid–Skene agreement (`amplify_sdk.quality.agreement`, what `amplify
   batch grade --apply` does), rates every result with its worker's stars,
   and closes the batch.
5. A premium batch for the best-rated 40% of the crowd, partly taken: ratings now
   decide who may work, and what is left shows as open work.
6. A skilled batch requiring `moderation` ≥ 30: every worker tries to take
   some of it with a proof of its value; the spammers are refused.
7. The report: items done, lamports moved per party, each class's accuracy and
   earnings, each worker's true accuracy against its standing (score with its
   evidence, mean stars, its skill value as read back from chain, its
   accuracy on the test's gold) and their rank correlation, what the test
   cost, who the skilled batch took and refused, the market view
   (table and chart), the time taken.
"""

from __future__ import annotations

import copy
import json
import tempfile
import time
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

import click
import numpy as np
from solders.pubkey import Pubkey

from ..clients._market import MarketView, market_view, plot
from ..clients._requester import RequesterClient
from ..clients._session import Amplify
from ..protocol._pda import PROGRAM_ID, table_address, treasury_pda
from ..quality._results import batch_results, majority
from ..quality.agreement import grade
from ..quality.qualification import qualifications, set_skill_from_grades
from ..quality.standing import Standing
from ..storage import LocalStore
from ._context import Out, Settings, UserError, command
from ._crowd import CLASSES, Crowd
from ._demo_overlap import dynamic_overlap, saving
from ._demo_qualification import gold_of, post_rows, qualification_report, run_qualification
from ._demo_report import render

PRICE = 10_000
PREMIUM_PRICE = 25_000
PREMIUM_QUANTILE = 0.6
WORKER_LAMPORTS = 2 * 10**9
#: The skill the demo's requester issues from its qualification test, and
#: the skilled batch's minimum (the test's pass mark): between the spammers'
#: values (0 on average) and the careless workers' (60), where a 30-item test
#: rarely errs on either side; nearer the careless workers' mean, sampling
#: error alone would fail one in six of them (docs/reputation.md).
SKILL = "moderation"
SKILL_MIN = 30
#: The skilled batch: items (the main batch's first, posted again), redundancy,
#: and the share of a round each worker tries to take.
SKILLED_ITEMS = 30
SKILLED_SHARE = 0.05
#: The errors of a skill gate refusing a worker.
GATE_ERRORS = ("SkillTooLow", "InvalidSkillProof")


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
            # The same workers with randomness of their own, so that the test
            # leaves the rest of the run as it would be without it.
            tested = copy.copy(crowd)
            tested.rng = rng.spawn(1)[0]
            test = await run_qualification(req, tested, rows, truth, labels, Path(tmp), PRICE)
            # The test's values on chain: a skill this requester issues.
            store = LocalStore(Path(tmp) / "skills")
            skill = (await req.create_skill(SKILL)).address
            update = await set_skill_from_grades(req, skill, test.grades, store)
            qualified = qualifications(test.grades)

            main = await post_rows(
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
            # Delivery order (the history): a rating is weighed against the
            # requester's running average, so the order ratings are sent in
            # is part of what they do, and the report quotes this order's.
            results = await batch_results(amp.backend, main, source="history")
            grades = grade([row.as_answer for row in results])
            rated = sum(o.ok for o in await req.rate_assignments(main, grades.ratings))
            main_batch = await req.get_batch(main)
            await req.close_batch(main)

            # The premium bar: the rating the best 40% of the crowd reach now
            # (relative, so it holds whatever the reputation formula).
            now_rated = [(await w.client.profile()).rating for w in crowd.workers]
            bar = max(1, min(5_000, int(np.quantile(now_rated, PREMIUM_QUANTILE))))
            premium = await post_rows(
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

            # The skilled batch: open to workers whose value of the skill,
            # proved against its root on chain, is at least SKILL_MIN.
            skilled_n = min(SKILLED_ITEMS, n_items)
            skilled = await post_rows(
                req,
                rows[:skilled_n],
                Path(tmp),
                "skilled",
                price=PRICE,
                redundancy=2,
                base_uri="ipfs://amplify-demo/skilled/",
            )
            await req.require_skills(skilled, [(skill, SKILL_MIN)])
            skilled_accounts = await _accounts(req, skilled)
            refused_before = {w.address: dict(w.refusals) for w in crowd.workers}
            await crowd.round(skilled, truth[:skilled_n], share=SKILLED_SHARE, store=store)
            skilled_batch = await req.get_batch(skilled)
            on_chain = await req.get_skill(skill)
            held = dict((await req.skill_tree(on_chain, store)).values)

            # Dynamic overlap: the main batch's items again, settled as soon
            # as their consensus is confident (last: the steps above and the
            # values the docs quote draw the crowd's randomness first).
            dynamic = await dynamic_overlap(
                req,
                crowd,
                truth[:n_items],
                lambda: post_rows(
                    req,
                    rows[:n_items],
                    Path(tmp),
                    "dynamic",
                    price=PRICE,
                    redundancy=3,
                    max_active=1_000,
                    base_uri="ipfs://amplify-demo/moderation/",
                ),
            )
            dynamic_accounts = dynamic.accounts

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
        *skilled_accounts,
        *dynamic_accounts,
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
    gate: dict[Pubkey, str | None] = {}
    for w in crowd.workers:
        answers = [(item, label) for (b, item), label in w.answers.items() if b == main]
        q = qualified.get(w.address)
        refused = [
            e for e in GATE_ERRORS if w.refusals.get(e, 0) > refused_before[w.address].get(e, 0)
        ]
        gate[w.address] = refused[0] if refused else None
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
                # The value on chain (read back from the skill's leaf list,
                # checked against its root); None: it holds none.
                "skills": {SKILL: held.get(w.address)},
                # The evidence behind the value, and the test's gold.
                "graded_answers": 0 if q is None else q.evidence,
                **gold_of(test, w.address),
                "skilled_items": sum(1 for b, _ in w.answers if b == skilled),
                "skilled_refused": gate[w.address],
                "standing": standings[w.address].as_dict(),
            }
        )
        if w.address in held:
            shown.append((workers[-1]["true_accuracy"], held[w.address]))
    majority_correct = sum(
        answer is not None and truth[item] == int(answer) for item, answer in top.items()
    )
    report = {
        "qualification": qualification_report(test, crowd.workers, held, SKILL_MIN),
        "items": n_items,
        "assignments_done": main_batch.completed_count,
        "rounds": rounds,
        "rated": rated,
        "majority_accuracy": majority_correct / max(len(top), 1),
        "premium": {
            "items": n_premium,
            "price": PREMIUM_PRICE,
            "min_rating": bar,
            "done": premium_batch.completed_count,
            "open_slots": premium_batch.open_slots,
        },
        "skill": {
            "skill": skill,
            "name": SKILL,
            "epoch": on_chain.epoch,
            "workers": on_chain.worker_count,
            "changes": dict(Counter(c.outcome for c in update.changes)),
        },
        "skilled": {
            "items": skilled_n,
            "minimum": SKILL_MIN,
            "done": skilled_batch.completed_count,
            "workers": sum(w["skilled_items"] > 0 for w in workers),
            "refused_workers": sum(gate[w.address] is not None for w in crowd.workers),
            "refused_by_class": dict(
                Counter(w.kind.name for w in crowd.workers if gate[w.address] is not None)
            ),
        },
        "lamports": {
            "requester": change[req.address],
            "workers": sum(c["wallet_change"] for c in classes),
            "treasury": change[treasury],
            "closed_batch": sum(change.get(a, 0) for a in main_accounts),
            "premium_batch": sum(change.get(a, 0) for a in premium_accounts),
            "skilled_batch": sum(change.get(a, 0) for a in skilled_accounts),
            "dynamic_batch": sum(change.get(a, 0) for a in dynamic_accounts),
            # Rent of any other program account the run created (profiles...).
            "other_accounts": sum(v for a, v in change.items() if a not in named),
            "network_fees": fees,
        },
        "dynamic_overlap": saving(results, PRICE, dynamic, truth[:n_items]),
        "classes": classes,
        "workers": workers,
        # Spearman's rho, true accuracy against the skill value on chain.
        "rank_correlation": spearman([t for t, _ in shown], [float(v) for _, v in shown]),
        "market": view.as_dict(),
        "plot": plot_path,
        "seconds": time.perf_counter() - t0,
        "conserved": sum(change.values()) + fees == 0,
    }
    return report, view


def _stars(s: Standing) -> float | None:
    return None if s.mean is None else s.mean / 1000


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
