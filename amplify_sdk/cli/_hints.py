"""What to do about a failure the cluster reports in its own terms: an
unfunded wallet (`AccountNotFound` from the runtime), a cluster without the
protocol (no `Config` account: a restarted local node starts empty)."""

from __future__ import annotations

import asyncio
from typing import Any

from ..chain._rpc import RpcBackend
from ..protocol._exceptions import AccountNotFoundError, AmplifyError, TransactionError
from ._context import Settings

#: (type, message, exit code, extra JSON fields) of an error, for `_fail`.
Hint = tuple[str, str, int, dict[str, Any]]


class NotYet(Exception):
    """What the program would refuse now but accept later, with the time it
    will (`extra`, e.g. `closable_after`): exit code 1, as its refusal."""

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.extra = extra


def explain(e: AmplifyError, settings: Settings | None) -> Hint | None:
    """A one-line message with the fix for `e`, when there is one."""
    if settings is None:
        return None
    # The runtime's AccountNotFound: the fee payer has never been credited.
    if type(e) is TransactionError and str(e).endswith(".AccountNotFound"):
        wallet = settings.wallet_or_none()
        if wallet is None:
            return None
        path = settings.keypair_path
        return (
            "funds",
            f"wallet {wallet.pubkey()} ({path}) holds 0 lamports and cannot pay the fee: "
            f"fund it (amplify airdrop 1 -k {path} on a local or dev cluster, or send it SOL) "
            "and run again",
            1,
            {"wallet": str(wallet.pubkey()), "needed": None, "available": 0},
        )
    if isinstance(e, AccountNotFoundError) and str(e).startswith("Config account"):
        if asyncio.run(_program_deployed(settings)):
            return (
                "not_initialized",
                f"the protocol is not initialized on {settings.url} ({e}; a restarted "
                "local node starts empty): run amplify program init as the program's "
                "upgrade authority",
                1,
                {},
            )
        return (
            "not_deployed",
            f"the Amplify program {settings.program_id} is not deployed on {settings.url}: run "
            "amplify program deploy, then amplify program init",
            1,
            {},
        )
    return None


async def _program_deployed(settings: Settings) -> bool:
    backend = RpcBackend(settings.url, commitment=settings.commitment)  # type: ignore[arg-type]
    try:
        acc = await backend.get_account(settings.program_id)
    except AmplifyError:
        # Unknown: say what is certain (the Config account is missing).
        return True
    finally:
        await backend.close()
    return acc is not None and acc.executable
