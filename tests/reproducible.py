"""Hypothesis draws that depend on the seed alone, whatever ran before.

Hypothesis draws each integer (and string, float), with probability 5%, from a
pool of constants: a fixed set of its own, plus the literals of every *local*
module imported so far in the process (here amplify_sdk, localnet and
scripts/; test files are left out), collected again whenever `sys.modules`
grows. Which of those modules earlier tests happened to import (the CLI, the
demo, the local node, the lint scripts) changed the pool, so a derandomized
test drew different examples alone and inside the full suite, and its reach
counts moved with the suite's contents (docs/SECURITY.md, "Reproducible
randomized tests").

`reproducible_draws` empties the local part of the pool (hypothesis's own
constants stay) and clears its cache of permitted constants on the way in and
out. tests/conftest.py applies it to every test; the invariant engine's runs
outside pytest use it directly. Hypothesis is pinned (requirements.lock) and
tests/test_invariants.py fails if this hook stops working.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis.internal.conjecture import providers
from hypothesis.internal.constants_ast import Constants


@contextmanager
def reproducible_draws() -> Iterator[None]:
    saved = providers._get_local_constants
    empty = Constants()
    providers._get_local_constants = lambda: empty
    providers.CONSTANTS_CACHE.cache.clear()
    try:
        yield
    finally:
        providers._get_local_constants = saved
        providers.CONSTANTS_CACHE.cache.clear()
