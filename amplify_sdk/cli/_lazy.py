"""The root command's subcommands, imported only when one is run: `amplify
--help` lists them from `COMMANDS` without importing the SDK (tests/cli's
`test_the_command_table_matches_the_commands` checks the table against the
commands themselves)."""

from __future__ import annotations

import importlib
from typing import Any

import click

#: Each root command: the modules that define it (a group's commands may
#: live in several) and its help's first paragraph, which `--help` shortens
#: as click does.
COMMANDS: dict[str, tuple[tuple[str, ...], str]] = {
    "agent": (
        ("agent",),
        "The key agent: delivers the item keys of encrypted batches, sealed to each "
        "worker that accepts an item.",
    ),
    "airdrop": (
        ("wallet",),
        "Request SOL from the cluster's faucet (localnet, devnet) for ADDRESS [default: "
        "the wallet].",
    ),
    "balance": (
        ("wallet",),
        "Lamports held by ADDRESS [default: the wallet].",
    ),
    "batch": (
        ("batch", "batch_grade", "batch_labels", "batch_results", "batch_settle", "batch_upload"),
        "Post and manage batches of items (a batch is named by its address).",
    ),
    "demo": (
        ("demo",),
        "Run the marketplace end to end on an embedded chain and report (--url and "
        "--keypair do not apply: everything runs in process).",
    ),
    "gov": (
        ("gov", "gov_propose"),
        "AMP governance: stake AMP to vote and to share the treasury's fees; propose, "
        "vote, execute.",
    ),
    "keygen": (
        ("wallet",),
        "Write a new keypair file (Solana CLI format) and print its address.",
    ),
    "localnet": (
        ("wallet",),
        "Run a local node (LiteSVM behind Solana's JSON-RPC and PubSub APIs) on 127.0.0.1"
        " until interrupted.",
    ),
    "market": (
        ("market",),
        "The market from chain data: prices paid by worker tier (mean stars as rated, "
        "with enough evidence), fill times (acceptance → delivery), the workers' "
        "standings, and open work (open slots × price).",
    ),
    "program": (
        ("program",),
        "Deploy the shipped Amplify program and initialize the protocol.",
    ),
    "rate": (
        ("rate",),
        "Rate delivered results of BATCH: from a RATINGS file (item, worker, stars), one "
        "with --item/--worker/--stars, or all by --majority; exit code 3 when some were "
        "refused.",
    ),
    "simulate": (
        ("simulate",),
        "Run the protocol's formulas offline, on the SDK's bit-exact twins.",
    ),
    "skill": (
        ("skill",),
        "Issue skills (values 0-100 per worker) and require them of batches.",
    ),
    "worker": (
        ("worker", "worker_fetch"),
        "Find work, take it, deliver it, get paid.",
    ),
}


class LazyGroup(click.Group):
    """A group whose commands are imported when asked for by name."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.load(cmd_name)
        return self.commands.get(cmd_name)

    def load(self, name: str) -> None:
        """Import the module of command `name` that adds it here (a group of
        several modules imports the others as their commands are asked for)."""
        for module in COMMANDS[name][0]:
            loaded: Any = importlib.import_module(f"{__package__}.{module}")
            if hasattr(loaded, "register"):
                if name not in self.commands:
                    loaded.register(self)
                return

    def load_all(self) -> None:
        """Every command and subcommand imported."""
        for name in COMMANDS:
            for module in COMMANDS[name][0]:
                importlib.import_module(f"{__package__}.{module}")
            self.load(name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        # The width click's own listing gives each line of help.
        limit = formatter.width - 6 - max(map(len, names))
        rows = []
        for name in names:
            if name in COMMANDS and name not in self.commands:
                # Shortened as the command itself would shorten its help.
                stand_in = click.Command(name, help=COMMANDS[name][1])
                rows.append((name, stand_in.get_short_help_str(limit)))
            else:
                rows.append((name, self.commands[name].get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)
