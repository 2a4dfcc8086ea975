"""What every command shares: the Solana CLI conventions (`--url` monikers,
`--keypair`, the config file), the connection, and how results are printed.

Options may be given before the command (`amplify -u localhost batch list`)
or after it (`amplify batch list -u localhost`); the later one wins, then the
config file, then the defaults.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import click
import numpy as np
from rich.console import Console
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.signature import Signature

from ..chain._retry import Backoff
from ..chain._rpc import RpcBackend
from ..clients._session import Amplify
from ..protocol._exceptions import ProgramError
from ..protocol._models import ItemOutcome
from ..protocol._pda import PROGRAM_ID, using_program
from ._options import CONFIG_ENV, DEFAULT_CONFIG, PROGRAM_ENV, Output, common_options

DEFAULT_KEYPAIR = Path("~/.config/solana/id.json")
#: Without a config file: the local node (`amplify localnet`), never a real cluster.
DEFAULT_URL = "http://127.0.0.1:8899"
MONIKERS = {
    "localhost": "http://127.0.0.1:8899",
    "l": "http://127.0.0.1:8899",
    "devnet": "https://api.devnet.solana.com",
    "d": "https://api.devnet.solana.com",
    "testnet": "https://api.testnet.solana.com",
    "t": "https://api.testnet.solana.com",
    "mainnet-beta": "https://api.mainnet-beta.solana.com",
    "m": "https://api.mainnet-beta.solana.com",
}
SOL = 10**9


class UserError(Exception):
    """A mistake the user can fix (bad input, missing file): exit code 2."""

    exit_code = 2


class Refused(Exception):
    """A bulk command none of whose items went through: exit code 1 with the
    program's reason for the first."""

    def __init__(self, error: ProgramError, count: int) -> None:
        super().__init__(f"{error.name} ({error.code}): {error.msg}")
        self.error = error
        self.count = count


def require_some(outcomes: list[ItemOutcome]) -> None:
    """Raise `Refused` when every item of a bulk call was refused."""
    if outcomes and not any(o.ok for o in outcomes):
        first = next((o.error for o in outcomes if o.error is not None), None)
        raise Refused(first or ProgramError("refused"), len(outcomes))


@dataclass(frozen=True)
class Settings:
    url: str
    ws_url: str | None
    keypair_path: Path
    commitment: str
    output: Output
    #: The config file actually read (None when there was none).
    config_path: Path | None
    #: The Amplify program on this cluster: `$AMPLIFY_PROGRAM_ID`, else the
    #: config file's `amplify_program_ids` entry for the URL, else this build's.
    program_id: Pubkey = PROGRAM_ID

    @property
    def json(self) -> bool:
        return self.output is Output.JSON

    def wallet(self) -> Keypair:
        """The signing keypair; a clear error when it cannot be read."""
        return load_keypair(self.keypair_path)

    def wallet_or_none(self) -> Keypair | None:
        """The keypair if there is one: read-only commands work without it."""
        try:
            return self.wallet()
        except UserError:
            return None


def load_keypair(path: Path) -> Keypair:
    """A Solana CLI keypair file: a JSON array of 64 integers."""
    path = path.expanduser()
    try:
        raw = json.loads(path.read_text())
    except FileNotFoundError:
        raise UserError(
            f"keypair file {path} not found: pass --keypair PATH or set keypair_path "
            f"in the config file (amplify keygen {path} makes one)"
        ) from None
    except (OSError, ValueError) as e:
        raise UserError(f"cannot read keypair file {path}: {e}") from None
    if not (isinstance(raw, list) and len(raw) == 64 and all(type(b) is int for b in raw)):
        raise UserError(f"{path} is not a Solana keypair file (a JSON array of 64 integers)")
    try:
        return Keypair.from_bytes(bytes(raw))
    except ValueError as e:
        raise UserError(f"{path} is not a valid keypair: {e}") from None


def save_keypair(keypair: Keypair, path: Path) -> None:
    path = path.expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(list(bytes(keypair))))
    path.chmod(0o600)


def resolve_url(value: str) -> str:
    url = MONIKERS.get(value, value)
    if not url.startswith(("http://", "https://")):
        raise UserError(
            f"--url {value!r}: give a URL (http://...) or one of "
            "localhost, devnet, testnet, mainnet-beta"
        )
    return url


def read_config(path: Path | None) -> tuple[dict[str, Any], Path | None]:
    """The config file's settings and its path; `path` None means the default
    (`$AMPLIFY_CONFIG`, else the Solana CLI's file, which may be absent)."""
    explicit = path is not None or bool(os.environ.get(CONFIG_ENV))
    if path is None:
        path = Path(os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)
    path = path.expanduser()
    try:
        text = path.read_text()
    except FileNotFoundError:
        if explicit:
            raise UserError(f"config file {path} not found") from None
        return {}, None
    except OSError as e:
        raise UserError(f"cannot read config file {path}: {e}") from None
    import yaml  # only where a config file exists

    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as e:
        raise UserError(f"config file {path} is not valid YAML: {e}") from None
    if not isinstance(data, dict):
        raise UserError(f"config file {path} is not a YAML mapping")
    return data, path


def resolve(
    url: str | None, keypair: Path | None, config: Path | None, output: str | None
) -> Settings:
    data, config_path = read_config(config)
    keypair_path = keypair or Path(str(data.get("keypair_path") or DEFAULT_KEYPAIR))
    if config_path is not None and not keypair_path.expanduser().is_absolute() and not keypair:
        keypair_path = config_path.parent / keypair_path
    ws = str(data.get("websocket_url") or "") if url is None else ""
    return Settings(
        url=resolve_url(url or str(data.get("json_rpc_url") or DEFAULT_URL)),
        ws_url=ws or None,
        keypair_path=keypair_path.expanduser(),
        commitment=str(data.get("commitment") or "confirmed"),
        output=Output(output or "text"),
        config_path=config_path,
        program_id=resolve_program(data, url or str(data.get("json_rpc_url") or DEFAULT_URL)),
    )


#: The config file's map of cluster (URL or moniker) to program address.
PROGRAM_IDS_KEY = "amplify_program_ids"


def resolve_program(data: dict[str, Any], url: str) -> Pubkey:
    """The program address for the cluster at `url` (docs/cli.md, "Another
    program address")."""
    if found := os.environ.get(PROGRAM_ENV):
        return _program_address(found, PROGRAM_ENV)
    table = data.get(PROGRAM_IDS_KEY) or {}
    if not isinstance(table, dict):
        raise UserError(
            f"{PROGRAM_IDS_KEY} in the config file must map cluster URLs (or monikers) "
            "to program addresses"
        )
    url = resolve_url(url)
    for cluster, address in table.items():
        if resolve_url(str(cluster)) == url:
            return _program_address(str(address), f"{PROGRAM_IDS_KEY}[{cluster}]")
    return PROGRAM_ID


def _program_address(text: str, where: str) -> Pubkey:
    try:
        return Pubkey.from_string(text.strip())
    except ValueError:
        raise UserError(f"{where}: {text!r} is not a program address (base58)") from None


@asynccontextmanager
async def connect(settings: Settings, wallet: Keypair | None = None) -> AsyncIterator[Amplify]:
    """A session on the configured cluster; without a wallet, a throwaway one
    (enough for reads)."""
    if settings.commitment not in ("processed", "confirmed", "finalized"):
        raise UserError(
            f"commitment {settings.commitment!r} in the config file is not one of "
            "processed, confirmed, finalized"
        )
    backend = RpcBackend(
        settings.url,
        ws_url=settings.ws_url,
        commitment=settings.commitment,  # type: ignore[arg-type]
        poll_interval=0.05,
        # A CLI user waits for the answer: give up on an unreachable node in
        # seconds, still riding out a provider's short 429 bursts.
        backoff=Backoff(attempts=5, base=0.05, cap=2.0),
        program_id=settings.program_id,
    )
    async with Amplify(backend, wallet or Keypair()) as amp:
        yield amp


# -- printing -----------------------------------------------------------------------


def to_json(value: Any) -> Any:
    """JSON-ready form: addresses and signatures as base58, bytes as hex."""
    if isinstance(value, Pubkey | Signature):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Enum):
        return value.name.lower()
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return value


class Out:
    """Where a command's result goes: one JSON document, or text for people."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.console = Console(highlight=False, soft_wrap=True)
        if not self.console.is_terminal:
            # Piped into a file or a log: no terminal width to fit, keep tables whole.
            self.console = Console(highlight=False, soft_wrap=True, width=160)
        self.err = Console(stderr=True, highlight=False)

    def result(self, data: dict[str, Any], text: Callable[[Console], None] | str) -> None:
        if self.settings.json:
            print(json.dumps(to_json(data), indent=2))
        elif isinstance(text, str):
            self.console.print(text)
        else:
            text(self.console)

    def note(self, message: str) -> None:
        """Running commentary for people: stderr, never in the JSON document."""
        if not self.settings.json:
            self.err.print(message)


def lamports(n: int) -> str:
    # SOL only where it says something: an item's price is a few thousand.
    return f"{n:,} lamports ({n / SOL:.4f} SOL)" if abs(n) >= 10**6 else f"{n:,} lamports"


# -- commands -------------------------------------------------------------------------

#: The settings of the command being run (main() reads the output mode on error).
CURRENT: dict[str, Settings] = {}


#: A command's body; it may return an exit status (3: partly done, `_outcomes.finish`).
CommandBody = Callable[..., Coroutine[Any, Any, int | None]]


def command(group: click.Group, name: str, **attrs: Any) -> Callable[[CommandBody], click.Command]:
    """Register an async `body(settings, out, **params)` as a command with the
    common options; options given on the root group fill in what is missing."""

    def decorate(body: CommandBody) -> click.Command:
        @click.pass_context
        def run(
            ctx: click.Context,
            /,
            url: str | None,
            keypair: Path | None,
            config: Path | None,
            output: str | None,
            **params: Any,
        ) -> int | None:
            root: dict[str, Any] = ctx.find_root().obj or {}
            settings = resolve(
                url or root.get("url"),
                keypair or root.get("keypair"),
                config or root.get("config"),
                output or root.get("output"),
            )
            CURRENT["settings"] = settings

            async def in_program() -> int | None:
                # Addresses the command derives are the cluster's program's.
                with using_program(settings.program_id):
                    return await body(settings, Out(settings), **params)

            return asyncio.run(in_program())

        # The body's own options (click decorators under this one) go first.
        run.__click_params__ = list(getattr(body, "__click_params__", []))  # type: ignore[attr-defined]
        run.__doc__ = body.__doc__
        # Where the command is defined (the lazy groups' tables are checked against it).
        run.__module__ = body.__module__
        return group.command(name, **attrs)(common_options(run))

    return decorate
