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
set call; `qualifications(grades)` keeps the evidence behind each value;
`set_skill_from_grades` puts them on chain (or previews it), with the change
each worker's value goes through.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from solders.pubkey import Pubkey

from ..clients._skills import SkillIssuer
from ..protocol._skill import Skill
from ..storage import Store
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


#: What a skill update does to one worker's value: `granted` (it held none),
#: `raised`, `lowered`, `unchanged`; `kept` (graded on too little evidence, it
#: keeps the value it held), `removed` (with `replace`: not graded, or on too
#: little evidence, it loses the value it held), `none` (too little evidence
#: and no value before: it still holds none).
SkillOutcome = Literal["granted", "raised", "lowered", "unchanged", "kept", "removed", "none"]


@dataclass(frozen=True)
class SkillChange:
    """One worker's value before and after a skill update from grading."""

    worker: Pubkey
    #: The value published before (None: it held none).
    before: int | None
    #: The value after (None: it holds none).
    after: int | None
    #: Its qualification in this grading (None: not graded; only with `replace`).
    graded: Qualification | None

    @property
    def outcome(self) -> SkillOutcome:
        b, a = self.before, self.after
        if a is None:
            return "none" if b is None else "removed"
        if b is None:
            return "granted"
        if self.graded is None or self.graded.value is None:
            return "kept"
        return "raised" if a > b else "lowered" if a < b else "unchanged"


def skill_changes(
    current: Mapping[Pubkey, int],
    graded: Mapping[Pubkey, Qualification],
    *,
    replace: bool = False,
) -> list[SkillChange]:
    """What setting a skill from `graded` does to each worker, against the
    values `current`ly published: graded workers first (in grading order),
    then, with `replace`, the holders the grading did not cover. A graded
    value replaces the published one; too little evidence keeps it (merge)
    or removes it (`replace`), as `SkillIssuer.set_skill` does."""
    out = []
    for w, q in graded.items():
        before = current.get(w)
        after = q.value if q.value is not None else None if replace else before
        out.append(SkillChange(w, before, after, q))
    if replace:
        out += [SkillChange(w, v, None, None) for w, v in current.items() if w not in graded]
    return out


@dataclass(frozen=True)
class SkillUpdate:
    """A skill set from grading: the skill as it stands after (before, for a
    dry run or when nothing changed) and every worker's change."""

    skill: Skill
    changes: tuple[SkillChange, ...]
    #: Whether a new root went on chain (False: a dry run, or no value changed).
    sent: bool

    @property
    def values(self) -> dict[Pubkey, int]:
        """worker → value after the update, for every worker the update touched."""
        return {c.worker: c.after for c in self.changes if c.after is not None}


async def set_skill_from_grades(
    issuer: SkillIssuer,
    skill: Pubkey,
    grades: Grades,
    store: Store,
    *,
    replace: bool = False,
    min_evidence: int = MIN_QUALIFICATION_EVIDENCE,
    dry_run: bool = False,
) -> SkillUpdate:
    """Set `skill` (issued by, or handed to, `issuer`) from a grading: each
    graded worker's `skill_values` value, merged with the values published
    for the skill (`replace=True`: the grading's values become the whole
    set). One transaction, none when no value changes or with `dry_run`
    (which previews the same changes)."""
    before = await issuer.get_skill(skill)
    current = dict((await issuer.skill_tree(before, store)).values)
    changes = skill_changes(
        current, qualifications(grades, min_evidence=min_evidence), replace=replace
    )
    new = {c.worker: c.after for c in changes if c.after is not None}
    if not replace:
        new = {**current, **new}
    if dry_run or new == current:
        return SkillUpdate(before, tuple(changes), sent=False)
    after = await issuer.set_skill(skill, new, store, replace=True)
    return SkillUpdate(after, tuple(changes), sent=True)


__all__ = [
    "MAX_SKILL_VALUE",
    "MIN_QUALIFICATION_EVIDENCE",
    "Qualification",
    "SkillChange",
    "SkillOutcome",
    "SkillUpdate",
    "qualifications",
    "set_skill_from_grades",
    "skill_changes",
    "skill_value",
    "skill_values",
]
