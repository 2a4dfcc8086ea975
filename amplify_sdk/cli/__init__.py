"""`amplify`: the command line of the Amplify marketplace.

    amplify batch create|upload|status|list|results|labels|grade|cancel|close
    amplify worker register|browse|accept|fetch|submit|earnings
    amplify agent run
    amplify gov init|mint-amp|status|stake|unstake|claim|propose|vote|execute|list|show
    amplify rate | market | localnet | program deploy|init|show|verify | demo
    amplify simulate reputation
    amplify skill create|set|show|revoke|require
    amplify keygen | airdrop | balance

Exit status: 0 on success; 1 when the cluster or the program refused or failed
(the program's error name, code and message on stderr); 2 for a usage or input
mistake (what to fix on stderr); 3 when a bulk command did part of what was
asked; 130 when interrupted. Errors are one line on stderr; with `--output
json` a `{"error": ...}` document also goes to stdout.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from .._version import __version__
from ._lazy import LazyGroup
from ._options import common_options

# Nothing of the SDK is imported here: `amplify --help` and `--version` need
# none of it, and each command imports what it uses when it runs (`_lazy`).


@click.group(
    name="amplify",
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@common_options
@click.version_option(__version__, prog_name="amplify")
@click.pass_context
def cli(
    ctx: click.Context,
    url: str | None,
    keypair: Path | None,
    config: Path | None,
    output: str | None,
) -> None:
    """Amplify: an on-chain micro-work marketplace on Solana.

    Options given here apply to every command (the command's own win).
    """
    ctx.obj = {"url": url, "keypair": keypair, "config": config, "output": output}


def _wants_json(argv: list[str]) -> bool:
    """`-o json` anywhere on the command line: a usage error comes before the
    settings are resolved, and still owes a JSON document."""
    for flag, value in zip(argv, [*argv[1:], ""], strict=True):
        if flag in ("-o", "--output") and value == "json":
            return True
        if flag in ("-ojson", "--output=json"):
            return True
    return False


def _fail(kind: str, message: str, code: int, extra: dict[str, Any] | None = None) -> int:
    message = " ".join(message.split("\n")).strip()
    settings = _current_settings()
    if settings.json if settings is not None else _wants_json(ARGV):
        print(json.dumps({"error": {"type": kind, "message": message, **(extra or {})}}))
    print(f"error: {message}", file=sys.stderr)
    return code


#: The command line being run (`_fail` reads `-o json` from it on a usage error).
ARGV: list[str] = []


def run(argv: list[str] | None = None) -> int:
    """Run the command line; the exit status (errors already reported)."""
    ARGV[:] = sys.argv[1:] if argv is None else argv
    try:
        rv = cli.main(args=argv, prog_name="amplify", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as e:
        click.echo(e.ctx.get_help() if e.ctx else "amplify --help")
        return 0
    except click.UsageError as e:
        hint = f" (see '{e.ctx.command_path} --help')" if e.ctx else ""
        return _fail("usage", e.format_message() + hint, 2)
    except click.ClickException as e:
        return _fail("usage", e.format_message(), 2)
    except click.Abort:
        return _fail("interrupted", "interrupted", 130)
    except Exception as e:
        return _report(e)
    return rv if isinstance(rv, int) else 0


def _current_settings() -> Any:
    """The running command's settings, if a command got as far as reading them."""
    context = sys.modules.get(f"{__name__}._context")
    return None if context is None else context.CURRENT.get("settings")


def _report(e: Exception) -> int:
    """Report an error a command raised: its kind, one line, its exit status.
    (Imported here, not at start-up: only a command that ran can raise these.)"""
    from ..protocol._exceptions import (
        AmplifyError,
        ForgeableGateError,
        InsufficientFundsError,
        ProgramError,
        TransportError,
    )
    from ._context import Refused, UserError, to_json
    from ._hints import NotYet, explain

    if isinstance(e, UserError):
        return _fail("input", str(e), UserError.exit_code)
    if isinstance(e, NotYet):
        return _fail("not_yet", str(e), 1, to_json(e.extra))
    if isinstance(e, Refused):
        extra = {"name": e.error.name, "code": e.error.code, "items": e.count}
        return _fail("program", f"{e} (refused for all {e.count:,} items)", 1, extra)
    if isinstance(e, ProgramError):
        extra = {"name": e.name, "code": e.code}
        return _fail("program", f"{e.name} ({e.code}): {e.msg}", 1, extra)
    if isinstance(e, ForgeableGateError):
        from .batch import forgeable_message

        extra = {"forge_cost": e.forge_cost, "prize": e.prize, "safe_per_worker_cap": e.safe_cap}
        return _fail("forgeable_gate", forgeable_message(e), UserError.exit_code, extra)
    if isinstance(e, InsufficientFundsError):
        extra = {"needed": e.needed, "available": e.available}
        return _fail("funds", f"{e}: fund the wallet and run again", 1, extra)
    if isinstance(e, TransportError):
        settings = _current_settings()
        where = f"{settings.url}: " if settings else ""
        return _fail("transport", f"{where}{e}", 1)
    if isinstance(e, AmplifyError):
        found = explain(e, _current_settings())
        if found is not None:
            return _fail(*found)
        return _fail(type(e).__name__, str(e), 1)
    if isinstance(e, OSError):
        return _fail("os", str(e), 1)
    if os.environ.get("AMPLIFY_DEBUG"):
        raise e
    return _fail(
        "internal",
        f"internal error {type(e).__name__}: {e} (AMPLIFY_DEBUG=1 shows the traceback)",
        1,
    )


def main(argv: list[str] | None = None) -> None:
    """The `amplify` console script."""
    sys.exit(run(argv))


__all__ = ["cli", "main", "run"]
