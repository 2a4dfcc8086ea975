"""The command groups whose commands live in several modules.

A group is made here, below its modules, so that each module adds its commands
to it without importing a sibling (and `cli` imports them all).
"""

from __future__ import annotations

import click


@click.group("batch")
def batch() -> None:
    """Post and manage batches of items (a batch is named by its address)."""


@click.group("worker")
def worker() -> None:
    """Find work, take it, deliver it, get paid."""
