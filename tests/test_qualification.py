"""Skill values from grading (amplify_sdk/quality/qualification.py), against
values worked out by hand from docs/reputation.md ("Qualification from
grading"): κ = (q − 1/K) / (1 − 1/K) in percent, floored, clipped to 0–100;
q = (gold right + 2·agreement) / (gold answered + 2); no value under 20
graded answers. And the qualification flow on the program: a gold batch
graded, its values set on a skill (`set_skill_from_grades`), a batch gated
on it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from skills import expected_value, qualification_batch
from solders.pubkey import Pubkey

from amplify_sdk.errors import SkillTooLow
from amplify_sdk.quality.agreement import Answer, grade
from amplify_sdk.quality.grading import grade_batch
from amplify_sdk.quality.qualification import (
    MIN_QUALIFICATION_EVIDENCE,
    Qualification,
    qualifications,
    set_skill_from_grades,
    skill_changes,
    skill_value,
    skill_values,
)
from amplify_sdk.storage import LocalStore
from conftest import ROOT
from docs_examples import code_blocks
from market import Market

LABELS = [b"a", b"b", b"c", b"d"]  # K = 4: chance is 1/4


def gold_answers(worker: Pubkey, right: int, wrong: int, first: int = 0) -> list[Answer]:
    """`right` answers equal to the gold label (b"a"), then `wrong` ones (b"b")."""
    return [Answer(first + i, worker, b"a" if i < right else b"b") for i in range(right + wrong)]


def test_values_from_gold_by_hand() -> None:
    # Bug class: a skill value that does not follow the graded accuracy (a
    # worker always right not at 100, one at chance above 0), or one given
    # on too little evidence.
    perfect, seventy, never, few, enough = (Pubkey.new_unique() for _ in range(5))
    answers = [
        *gold_answers(perfect, 30, 0, first=0),
        *gold_answers(seventy, 14, 6, first=100),
        *gold_answers(never, 0, 25, first=200),
        *gold_answers(few, 19, 0, first=300),
        *gold_answers(enough, 20, 0, first=400),
    ]
    gold = {a.item: b"a" for a in answers}
    # Two more labels never answered, so K = 4 (the labels the grading knows).
    grades = grade(answers, gold={**gold, 900: b"c", 901: b"d"})
    assert len(grades.consensus.labels) == 4
    values = skill_values(grades)
    # Always right: q = 1, κ = 1 → 100. Right 14 of 20 gold items (agreement
    # 0.7 too): q = (14 + 1.4) / 22 = 0.7, κ = (0.7 − 0.25) / 0.75 = 0.6 → 60.
    # Never right: q = 0, κ < 0 → 0. 19 graded answers: no value; 20: 100.
    assert values == {perfect: 100, seventy: 60, never: 0, enough: 100}
    q = qualifications(grades)
    assert q[few].value is None and q[few].evidence == 19
    assert q[enough].evidence == MIN_QUALIFICATION_EVIDENCE == 20
    assert all(isinstance(v, int) for v in values.values())


def test_values_from_agreement_follow_accuracy() -> None:
    # Without gold: Dawid–Skene agreement. Workers of known accuracy on 300
    # items, 3 answers each; their values rank as their accuracies do, a
    # random one near 0, an exact one high (agreement is a posterior: short
    # of 100 where the consensus itself is unsure).
    rng = np.random.default_rng(3)
    accuracy = [1.0, 0.9, 0.75, 0.6, 0.25]
    workers = [Pubkey.new_unique() for _ in accuracy]
    truth = rng.integers(4, size=300)
    answers = []
    for item in range(300):
        for k in rng.choice(len(workers), size=3, replace=False):
            right = rng.random() < accuracy[k]
            label = truth[item] if right else (truth[item] + rng.integers(1, 4)) % 4
            answers.append(Answer(item, workers[k], LABELS[int(label)]))
    values = skill_values(grade(answers))
    got = [values[w] for w in workers]
    assert got == sorted(got, reverse=True), got
    assert got[0] >= 85 and got[-1] <= 15, got


def test_skill_value_bounds() -> None:
    assert skill_value(1.0, 4) == 100 and skill_value(0.25, 4) == 0 and skill_value(0.0, 4) == 0
    assert skill_value(0.7, 4) == 60  # 0.45 / 0.75 = 0.6 exactly, not 59
    assert skill_value(0.75, 2) == 50
    assert skill_value(0.7, 2) == 40  # 0.2 / 0.5 = 0.4 exactly, not 39
    with pytest.raises(ValueError):
        qualifications(grade([Answer(0, Pubkey.new_unique(), b"a")]), min_evidence=0)


def test_skill_changes_merge_or_replace() -> None:
    # Bug class: a re-grading that silently keeps a lowered value, drops a
    # value it had no evidence to judge, or (with replace) leaves an old one.
    a, b, c, d, e = (Pubkey.new_unique() for _ in range(5))
    current = {a: 50, b: 80, c: 70, e: 40}

    def q(w: Pubkey, value: int | None) -> Qualification:
        return Qualification(w, 40 if value is not None else 5, 0, 0.5, value)

    graded = {a: q(a, 90), b: q(b, 20), c: q(c, None), d: q(d, None)}
    merged = skill_changes(current, graded)
    assert [(x.worker, x.before, x.after, x.outcome) for x in merged] == [
        (a, 50, 90, "raised"),
        (b, 80, 20, "lowered"),
        (c, 70, 70, "kept"),  # too little evidence this time: keeps its 70
        (d, None, None, "none"),
    ]  # e, not graded, is not touched
    replaced = skill_changes(current, graded, replace=True)
    assert [(x.worker, x.before, x.after, x.outcome) for x in replaced] == [
        (a, 50, 90, "raised"),
        (b, 80, 20, "lowered"),
        (c, 70, None, "removed"),
        (d, None, None, "none"),
        (e, 40, None, "removed"),
    ]
    assert [x.outcome for x in skill_changes({a: 90}, {a: q(a, 90)})] == ["unchanged"]


def test_the_minimum_in_the_docs() -> None:
    text = (ROOT / "docs/reputation.md").read_text()
    m = re.search(r"`MIN_QUALIFICATION_EVIDENCE` = (\d+) graded answers", text)
    assert m and int(m.group(1)) == MIN_QUALIFICATION_EVIDENCE


# -- the qualification flow on the program -------------------------------------------------


async def test_set_skill_from_grades_qualifies_and_the_gate_follows(
    market: Market, tmp_path: Path
) -> None:
    req = market.requester
    store = LocalStore(tmp_path / "skills")
    right = [20, 18, 13, 10]
    workers = [await market.worker() for _ in right]
    batch, opening, doc = await qualification_batch(req, workers, right)
    grades = await grade_batch(req, batch, gold=opening, instructions=doc)
    skill = await req.create_skill("moderation")
    want = {w.address: expected_value(r) for w, r in zip(workers, right, strict=True)}
    assert list(want.values()) == [100, 80, 30, 0]
    # The preview changes nothing on chain and shows what a set would do.
    preview = await set_skill_from_grades(req, skill.address, grades, store, dry_run=True)
    assert not preview.sent and preview.skill.epoch == 0
    assert preview.values == want
    assert [(c.before, c.outcome) for c in preview.changes] == [(None, "granted")] * 4
    assert (await req.get_skill(skill.address)).worker_count == 0
    done = await set_skill_from_grades(req, skill.address, grades, store)
    assert done.sent and done.skill.epoch == 1 and done.skill.worker_count == 4
    assert dict((await req.skill_tree(skill.address, store)).values) == want
    # Set again from the same grading: nothing differs, nothing sent.
    again = await set_skill_from_grades(req, skill.address, grades, store)
    assert not again.sent and again.skill.epoch == 1
    assert {c.outcome for c in again.changes} == {"unchanged"}

    gated = await market.batch(n_items=8)
    await req.require_skills(gated.address, [(skill.address, 60)])
    for w, items in ((workers[0], [0, 1]), (workers[1], [2, 3])):
        got = await w.accept_tasks(gated.address, items, store=store)
        assert [o.ok for o in got] == [True, True]
    for w in workers[2:]:  # 30 and 0: below 60
        with pytest.raises(SkillTooLow):
            await w.accept_tasks(gated.address, [4], store=store)


def test_the_qualification_flow_in_the_docs_runs_as_written(tmp_path: Path) -> None:
    # docs/reputation.md, "Qualification flow": the example runs as written
    # (on the embedded chain) and prints the output the docs show; the values
    # there are the hand-worked ones for the gold items each worker got right.
    (example,) = [b for b in code_blocks("reputation.md", "python") if "RIGHT = {" in b]
    shown = next(b for b in code_blocks("reputation.md", "text") if b.startswith("ana "))
    script = tmp_path / "qualification_flow.py"
    script.write_text(example)
    run = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == shown
    right = {k: int(v) for k, v in re.findall(r'"(\w+)": (\d+)', example.split("RIGHT = ")[1])}
    assert set(right) == {"ana", "ben", "cy", "dot"}
    gate = {True: "accepted", False: "refused: SkillTooLow"}
    want = [f"{k} {expected_value(n)} {gate[expected_value(n) >= 60]}" for k, n in right.items()]
    want.append("eve - refused: InvalidSkillProof")
    assert run.stdout.splitlines() == want
    assert "[(skill.address, 60)]" in example
