"""`amplify --help` and `--version` start without importing the SDK: the root
command lists its subcommands from `_lazy.COMMANDS` and each command imports
what it needs when it runs."""

from __future__ import annotations

import json
import subprocess
import sys

from amplify_sdk.cli import cli
from amplify_sdk.cli._groups import LazySubgroup
from amplify_sdk.cli._lazy import COMMANDS, LazyGroup

LIGHT = {
    "amplify_sdk",
    "amplify_sdk._version",
    "amplify_sdk.cli",
    "amplify_sdk.cli._lazy",
    "amplify_sdk.cli._options",
}


def test_the_command_table_matches_the_commands() -> None:
    # What `--help` prints without importing a command is what the command says.
    assert isinstance(cli, LazyGroup)
    cli.load_all()
    assert set(cli.commands) == set(COMMANDS)
    for name, command in cli.commands.items():
        assert COMMANDS[name][1] == command.get_short_help_str(limit=10_000), name
    # A lazy subgroup's table names the module each subcommand is defined in.
    subgroups = [g for g in cli.commands.values() if isinstance(g, LazySubgroup)]
    assert {g.name for g in subgroups} == {"batch", "worker"}
    for g in subgroups:
        assert set(g.commands) == set(g.modules), g.name
        for sub, command in g.commands.items():
            defined_in = command.callback.__module__  # type: ignore[union-attr]
            assert defined_in == f"amplify_sdk.cli.{g.modules[sub]}", (g.name, sub)


def _loaded_by(argv: list[str], prefix: str = "amplify_sdk") -> tuple[str, list[str]]:
    code = (
        "import json, sys\n"
        "from amplify_sdk.cli import run\n"
        f"code = run({argv!r})\n"
        f"print(json.dumps([code, sorted(m for m in sys.modules if m.startswith({prefix!r}))]))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    *printed, last = proc.stdout.strip().splitlines()
    status, modules = json.loads(last)
    assert status == 0, proc.stderr
    return "\n".join(printed), modules


def test_help_and_version_import_nothing_of_the_sdk() -> None:
    for argv in (["--help"], ["--version"], []):
        printed, modules = _loaded_by(argv)
        assert set(modules) <= LIGHT, (argv, sorted(set(modules) - LIGHT))
        assert "amplify" in printed
    printed, _ = _loaded_by(["--help"])
    assert all(f"  {name} " in printed for name in COMMANDS)


def test_a_command_loads_only_its_own_modules() -> None:
    _, modules = _loaded_by(["simulate", "--help"])
    assert "amplify_sdk.cli.simulate" in modules
    assert not {"amplify_sdk.cli.batch", "amplify_sdk.cli.gov"} & set(modules)


def test_a_read_only_command_loads_no_writer_only_dependency() -> None:
    # What only writing commands, subscriptions or config files need is
    # imported where it is used (issue 19: read-only commands in <= 0.5 s;
    # `scripts/bench_startup.py` times them).
    _, modules = _loaded_by(["batch", "status", "--help"], prefix="")
    assert "amplify_sdk.cli.batch" in modules and "amplify_sdk.chain._rpc" in modules
    unwanted = {"websockets", "yaml", "rich.progress"}
    assert not unwanted & set(modules), sorted(unwanted & set(modules))
