"""The command groups whose commands live in several modules.

A group is made here, below its modules, so that each module adds its commands
to it without importing a sibling (and `cli` imports them all). The group
imports a module when one of its commands is asked for by name: `batch
status` loads neither the uploader (rich's progress bar, SQLite) nor the
graders.
"""

from __future__ import annotations

import importlib
from typing import Any

import click


class LazySubgroup(click.Group):
    """A group whose commands are imported from `modules` (command name →
    module of this package) when asked for; listing them imports them all."""

    def __init__(self, *args: Any, modules: dict[str, str], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.modules = modules

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.modules:
            importlib.import_module(f"{__package__}.{self.modules[cmd_name]}")
        return self.commands.get(cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self.load_all()
        return sorted(self.commands)

    def load_all(self) -> None:
        for module in sorted(set(self.modules.values())):
            importlib.import_module(f"{__package__}.{module}")


@click.group(
    "batch",
    cls=LazySubgroup,
    modules={
        **dict.fromkeys(("create", "status", "list", "cancel", "close"), "batch"),
        "grade": "batch_grade",
        "labels": "batch_labels",
        "results": "batch_results",
        "settle": "batch_settle",
        "upload": "batch_upload",
    },
)
def batch() -> None:
    """Post and manage batches of items (a batch is named by its address)."""


@click.group(
    "worker",
    cls=LazySubgroup,
    modules={
        **dict.fromkeys(("register", "browse", "accept", "submit", "earnings"), "worker"),
        "fetch": "worker_fetch",
    },
)
def worker() -> None:
    """Find work, take it, deliver it, get paid."""
