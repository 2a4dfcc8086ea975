"""`amplify demo`: the main job runs end to end and reports (smaller here)."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import numpy.typing as npt

from amplify_sdk.cli._crowd import CLASSES

from .conftest import ROOT, amplify, cli_env


def average_ranks(x: list[float]) -> npt.NDArray[np.float64]:
    """Ranks from 1; tied values share the mean of their ranks."""
    v = np.asarray(x, dtype=float)
    r = np.empty(len(v))
    r[np.argsort(v, kind="stable")] = np.arange(1, len(v) + 1)
    for value in set(v.tolist()):
        r[v == value] = r[v == value].mean()
    return r


def spearman(x: list[float], y: list[float]) -> float:
    return float(np.corrcoef(average_ranks(x), average_ranks(y))[0, 1])


def test_spearman_helper() -> None:
    # The test's own rank correlation, on cases with known answers.
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == 1.0
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == -1.0
    # Ties: ranks (1.5, 1.5, 3) against (1, 2, 3): rho = 0.866...
    assert abs(spearman([0, 0, 1], [1, 2, 3]) - 3**0.5 / 2) < 1e-12


def test_demo_reports(tmp_path: Path) -> None:
    chart = tmp_path / "market.png"
    r = amplify(
        "demo",
        "--items",
        "90",
        "--premium-items",
        "30",
        "--workers",
        "3,2,1",
        "--plot",
        chart,
        "-o",
        "json",
    )
    assert r.code == 0, r.stderr
    report = r.json()
    assert report["assignments_done"] == 90 * 3
    # Rated by grading: every assignment of a worker with 3 or more answers
    # (every item has 3, so each is graded evidence); a worker who got fewer
    # in the rush is left unrated (docs/reputation.md, min_evidence).
    done = [w["assignments"] for w in report["workers"]]
    assert sum(done) == 90 * 3
    assert report["rated"] == sum(n for n in done if n >= 3)
    assert report["conserved"] is True
    assert {c["class"] for c in report["classes"]} == {"accurate", "careless", "spammer"}
    assert sum(c["assignments"] for c in report["classes"]) == 90 * 3
    assert report["lamports"]["requester"] < 0 < report["lamports"]["treasury"]
    assert chart.stat().st_size > 10_000
    # The qualification test: 30 items, every one gold, each answered by all
    # six workers; each answer's price went to its worker and the treasury,
    # and the requester paid that plus its own signature fees (5,000 each).
    test = report["qualification"]
    assert (test["items"], test["gold"], test["answers"]) == (30, 30, 30 * 6)
    assert test["paid"] + test["fees"] == 30 * 6 * test["price"]
    assert 0 < test["fees"] < test["paid"]
    network = test["cost"] - test["paid"] - test["fees"]
    assert network > 0 and network % 5_000 == 0, test
    assert all(w["gold_answered"] == 30 for w in report["workers"])
    # Dynamic overlap: the same 90 items again, every slot either completed
    # or settled (refunded at the price), the batch closed (nothing left in it).
    d = report["dynamic_overlap"]
    dyn, fixed = d["dynamic"], d["fixed"]
    assert fixed["assignments"] == 90 * 3 and fixed["lamports"] == 90 * 3 * 10_000
    assert dyn["assignments"] + dyn["settled_slots"] == 90 * 3
    assert dyn["refunded"] == dyn["settled_slots"] * 10_000
    assert dyn["lamports"] == dyn["assignments"] * 10_000
    assert d["assignments_saved"] == dyn["settled_slots"] > 0
    assert d["lamports_saved"] == fixed["lamports"] - dyn["lamports"]
    assert dyn["settled_items"] <= dyn["settled_slots"] <= 2 * dyn["settled_items"]
    assert report["lamports"]["dynamic_batch"] == 0

    # `python -m amplify_sdk.demo` (what ./scripts/demo runs) is the same command.
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "amplify_sdk.demo",
            "--items",
            "30",
            "--premium-items",
            "10",
            "--workers",
            "2,1,1",
            "--plot",
            str(chart),
        ],
        cwd=ROOT,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    text = proc.stdout
    for line in (
        "Qualification test: 30 items, all gold",
        "Items done: 30 items",
        "Dynamic overlap",
        "Lamports moved",
        "every lamport accounted for",
        "Worker classes",
        "Prices paid",
        "Open work",
        f"Market chart: {chart}",
        "Done in",
    ):
        assert line in text


def test_dataset_is_the_generators_output() -> None:
    """The shipped dataset is exactly what scripts/gen_moderation.py writes."""
    import gen_moderation  # scripts/ is on the path (tests/conftest.py)

    shipped = ROOT / "amplify_sdk/data/moderation.jsonl"
    assert shipped.read_text(encoding="utf-8") == gen_moderation.render()


def test_demo_standing_follows_true_accuracy(tmp_path: Path) -> None:
    # Bug class: a standing that hides honest work — every worker shown at the
    # prior, whatever its accuracy, and a market report with one tier. The
    # demo as shipped (its default crowd: 5 accurate, 4 careless, 3 spammers).
    r = amplify("demo", "--plot", tmp_path / "market.png", "-o", "json")
    assert r.code == 0, r.stderr
    report = r.json()
    workers = report["workers"]
    assert [w["class"] for w in workers] == ["accurate"] * 5 + ["careless"] * 4 + ["spammer"] * 3
    # True accuracy from the simulation's inputs: each class's chance of the
    # right label; a spammer picks one of the dataset's K labels at random.
    dataset = (ROOT / "amplify_sdk/data/moderation.jsonl").read_text().splitlines()
    labels = {json.loads(line)["label"] for line in dataset}
    truth = {k.name: k.accuracy if k.accuracy is not None else 1 / len(labels) for k in CLASSES}
    assert [w["true_accuracy"] for w in workers] == [truth[w["class"]] for w in workers]
    values = [w["skills"]["moderation"] for w in workers]
    assert all(isinstance(v, int) and 0 <= v <= 100 for v in values), values
    rho = spearman([w["true_accuracy"] for w in workers], [float(v) for v in values])
    assert rho >= 0.8, (rho, values)
    assert abs(report["rank_correlation"] - rho) < 1e-9
    # Bug class: a skill not earned on the test — values set from another
    # grading, or not from the gold. Each value is the test's: by
    # docs/reputation.md, q = (gold right + 2·agreement) / (gold answered + 2)
    # with agreement in [0, 1], so the value lies between ⌊100·κ⌋ at
    # agreement 0 and at agreement 1, κ = (q − 1/K) / (1 − 1/K).
    n_labels = len(labels)
    test = report["qualification"]
    assert test["items"] == test["gold"] == 30 and test["answers"] == 30 * len(workers)

    def value(q: float) -> int:
        return max(0, min(100, math.floor(100 * (q - 1 / n_labels) / (1 - 1 / n_labels) + 1e-9)))

    for w in workers:
        right, n = w["gold_right"], w["gold_answered"]
        assert n == 30
        low, high = value(right / (n + 2)), value((right + 2) / (n + 2))
        assert low <= w["skills"]["moderation"] <= high, (w, low, high)
        assert w["gold_accuracy"] == right / n
    # The values are on chain (read back from the skill's leaf list, checked
    # against its root): one root for every worker. The skilled batch
    # (moderation ≥ its minimum, the test's pass mark) took the workers at or
    # above the minimum and refused the others at its gate: the spammers.
    assert report["skill"]["workers"] == len(workers) and report["skill"]["epoch"] == 1
    skilled = report["skilled"]
    minimum = skilled["minimum"]
    below = [w for w in workers if w["skills"]["moderation"] < minimum]
    assert {w["class"] for w in below} == {"spammer"}
    assert [w["skilled_refused"] for w in below] == ["SkillTooLow"] * len(below)
    assert skilled["refused_workers"] == len(below) == 3
    assert skilled["refused_by_class"] == {"spammer": 3}
    above = [w for w in workers if w["skills"]["moderation"] >= minimum]
    assert all(w["skilled_refused"] is None and w["skilled_items"] > 0 for w in above)
    assert skilled["done"] == sum(w["skilled_items"] for w in workers) > 0
    assert test["minimum"] == minimum and test["passed"] == len(above)
    assert test["passed_by_class"] == dict(Counter(w["class"] for w in above))
    # Every worker's standing shows the evidence its score rests on: each
    # was rated on every assignment it delivered.
    for w in workers:
        s = w["standing"]
        assert s["ratings"] > 0 and s["weight"] > 0 and s["mean"] is not None
        assert w["mean_stars"] == s["mean"] / 1000
        assert f"{s['ratings']:,} ratings" in s["text"] and s["evidence"] in s["text"]
    # The market report: at least three tiers hold workers, and each tier's
    # count is the number of workers whose standing names it.
    tiers = report["market"]["tiers"]
    assert sum(t["workers"] > 0 for t in tiers) >= 3, tiers
    for t in tiers:
        assert t["workers"] == sum(w["standing"]["tier"] == t["name"] for w in workers), t
    # docs/reputation.md ("Qualification flow", "In the demo") quotes this run.
    doc = (ROOT / "docs/reputation.md").read_text()
    m = re.search(r"values\s+come\s+out\s+(\d+)–(\d+),\s+(\d+)–(\d+)\s+and\s+(\d+)–(\d+)", doc)
    assert m, "docs/reputation.md quotes the demo's values"
    for k, name in enumerate(("accurate", "careless", "spammer")):
        mine = [w["skills"]["moderation"] for w in workers if w["class"] == name]
        assert (min(mine), max(mine)) == (int(m.group(2 * k + 1)), int(m.group(2 * k + 2))), name
    assert f"value is **{rho:.3f}**" in doc
    means = sorted({w["mean_stars"] for w in workers}, reverse=True)
    assert f"as rated are {means[0]:.2f}, {means[1]:.2f} and {means[2]:.2f}" in doc
    # ... and the skilled batch's gate, as run.
    flat = " ".join(doc.split())
    assert (
        f"requiring `moderation` ≥ {minimum}: the {len(above)} accurate and careless workers "
        f"take items, the {len(below)} spammers are refused at the gate (`SkillTooLow`"
    ) in flat
    assert f"`moderation` ≥ {minimum}," in " ".join((ROOT / "docs/cli.md").read_text().split())
    # docs/cli.md ("The demo") quotes its dynamic overlap.
    d = report["dynamic_overlap"]
    dyn, fixed = d["dynamic"], d["fixed"]
    cli_doc = " ".join((ROOT / "docs/cli.md").read_text().split())
    assert fixed["accuracy"] == dyn["accuracy"], d  # "either way"
    assert (
        f"{dyn['assignments']:,} assignments instead of {fixed['assignments']:,} "
        f"({d['assignments_saved']:,} saved, {d['lamports_saved']:,} lamports refunded "
        f"instead of paid), the consensus right for {dyn['accuracy']:.1%} of items either way"
    ) in cli_doc
    scores = [w["score"] / 1000 for w in workers]
    assert f"all\nshow {min(scores):.2f}–{max(scores):.2f} stars" in doc
    # ... the test as run: what it cost, the gold each class got right.
    n = test["items"]
    assert (
        f"each of the {len(workers)} simulated workers (5 accurate, 4 careless, 3 spamming; "
        f"seed 7) answers all {n} at {test['price']:,} lamports an answer: "
        f"{test['answers']:,} answers, {test['paid']:,} lamports to the workers and "
        f"{test['fees']:,} of fees, {test['cost']:,} in all for the requester"
    ) in flat
    right = {c: [w["gold_right"] for w in workers if w["class"] == c] for c in truth}
    assert (
        f"the accurate workers get {min(right['accurate'])}–{max(right['accurate'])} of the "
        f"{n} right, the careless {min(right['careless'])}–{max(right['careless'])}, the "
        f"spammers {min(right['spammer'])}–{max(right['spammer'])};"
    ) in flat
    # ... and where its pass mark sits: binomial tails over the test's n
    # items, a value taken as the share right (q = r/n), worked out here.

    def right_for(mark: int) -> int:
        return math.ceil(n * (1 / n_labels + (1 - 1 / n_labels) * mark / 100) - 1e-9)

    def fewer(r: int, p: float) -> float:
        """P(fewer than r right of n), each right with probability p."""
        return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(r))

    careless, spammer = truth["careless"], truth["spammer"]
    sd = 100 * math.sqrt(careless * (1 - careless) / n) / (1 - 1 / n_labels)
    assert f"about ±{sd:.0f} points at {careless:.0%} accuracy" in flat.replace(" %", "%")
    mark = right_for(minimum)
    assert f"a mark of {minimum} is {mark} right of {n}" in flat
    assert f"reaches it with probability {100 * (1 - fewer(mark, spammer)):.2f} %" in flat
    assert f"misses it with {100 * fewer(mark, careless):.2f} %" in flat
    fifty = right_for(50)
    assert f"A mark of 50, {fifty} right," in flat
    assert f"true value of {value(careless)}" in flat
    assert f"({100 * fewer(fifty, careless):.0f} %) would miss it" in flat
    under = [w for w in workers if w["class"] == "careless" and w["skills"]["moderation"] < 50]
    assert len(under) == 1
    assert (
        f"scores one of its four careless workers at {under[0]['skills']['moderation']} "
        f"({under[0]['gold_right']} of {n} right)"
    ) in flat
