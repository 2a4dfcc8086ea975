"""Quality: what the answers and the ratings say.

`agreement` (plurality vote, Dawid-Skene, one-coin) and `gold` (known
answers) grade a batch's answers; `grading` does it from a batch's history;
`labels` turns the answers into a labelled dataset; `reputation` is the
program's rating rule in numpy, bit-exact with the chain, and `simulate` runs
it over populations of workers and raters; `forge` finds what a Sybil ring
pays to lift an identity past a rating gate (what `create_batch` weighs
against what the gate protects). `standing` shows a worker's score with the
evidence behind it; `qualification` turns grading into skill values.
"""

from . import agreement, forge, gold, grading, labels, qualification, reputation, standing

__all__ = [
    "agreement",
    "forge",
    "gold",
    "grading",
    "labels",
    "qualification",
    "reputation",
    "standing",
]
