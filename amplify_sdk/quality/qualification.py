"""Skill values from grading (docs/reputation.md, "Standing"): a requester's
grading of a batch (`agreement.grade`, `grading.grade_batch`) turned into a
value 0–100 per worker, what a requester-issued skill holds.

A worker's value is its skill κ on the batch, in percent: `κ = (q − 1/K) /
(1 − 1/K)` for K labels, `q` its accuracy as graded (gold accuracy where it
answered gold items, combined with its agreement with the consensus: `q =
(gold right + 2·agreement) / (gold answered + 2)`; agreement alone without
gold), clipped to 0–100 and floored. 0 is chance, 100 always right. A worker
with fewer than `min_evidence` graded answers (answers on items someone else
answered too, plus gold answers) gets no value: a handful of lucky answers
says little.

`skill_values(grades)` is a mapping worker → int 0..100, the input of a skill
set call; `qualifications(grades)` keeps the evidence behind each value.
"""

from __future__ import annotations

from dataclasses import dataclass

from solders.pubkey import Pubkey

from .agreement import Grades

#: Graded answers (shared with another worker, or on gold) a worker needs
#: for a skill value.
MIN_QUALIFICATION_EVIDENCE = 20
#: The largest skill value.
MAX_SKILL_VALUE = 100


@dataclass(frozen=True)
class Qualification:
    worker: Pubkey
    #: Graded answers: on items someone else answered too, plus gold answers.
    evidence: int
    gold_answered: int
    #: The graded accuracy `q` the value comes from.
    accuracy: float
    #: 0–100, or None: fewer than the minimum evidence.
    value: int | None


def skill_value(accuracy: float, n_labels: int) -> int:
    """`⌊100 · κ⌋` clipped to 0–100, κ = (accuracy − 1/K) / (1 − 1/K)."""
    chance = 1 / max(n_labels, 2)
    kappa = (accuracy - chance) / (1 - chance)
    # The epsilon keeps float error from flooring an exact value one below
    # (0.7 with two labels: κ = 0.4, computed as 0.3999…).
    return max(0, min(MAX_SKILL_VALUE, int(kappa * MAX_SKILL_VALUE + 1e-9)))


def qualifications(
    grades: Grades, *, min_evidence: int = MIN_QUALIFICATION_EVIDENCE
) -> dict[Pubkey, Qualification]:
    """Every graded worker's qualification (value None below `min_evidence`)."""
    if min_evidence < 1:
        raise ValueError("min_evidence is at least 1")
    c = grades.consensus
    out: dict[Pubkey, Qualification] = {}
    for i, w in enumerate(c.workers):
        g = grades.workers[w]
        evidence = int(c.overlap[i]) + g.gold_answered
        value = skill_value(g.accuracy, len(c.labels)) if evidence >= min_evidence else None
        out[w] = Qualification(w, evidence, g.gold_answered, g.accuracy, value)
    return out


def skill_values(
    grades: Grades, *, min_evidence: int = MIN_QUALIFICATION_EVIDENCE
) -> dict[Pubkey, int]:
    """worker → skill value 0..100, for the workers with enough evidence."""
    return {
        w: q.value
        for w, q in qualifications(grades, min_evidence=min_evidence).items()
        if q.value is not None
    }


__all__ = [
    "MAX_SKILL_VALUE",
    "MIN_QUALIFICATION_EVIDENCE",
    "Qualification",
    "qualifications",
    "skill_value",
    "skill_values",
]
