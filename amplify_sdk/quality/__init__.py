"""Quality: what the answers and the ratings say.

`agreement` (plurality vote, Dawid-Skene) and `gold` (known answers) grade a
batch's answers; `grading` does it from a batch's history; `reputation` is the
program's rating rule in numpy, bit-exact with the chain, and `simulate` runs
it over populations of workers and raters. `standing` shows a worker's score
with the evidence behind it; `qualification` turns grading into skill values.
"""

from . import agreement, gold, grading, qualification, reputation, standing

__all__ = ["agreement", "gold", "grading", "qualification", "reputation", "standing"]
