"""Retrying RPC calls: bounded exponential backoff with full jitter, and the
classification that decides whether a failed call may be repeated."""

from __future__ import annotations

import asyncio
import enum
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import httpx2
from solana.exceptions import SolanaRpcException
from solana.rpc.core import RPCException
from solders.errors import SerdeJSONError

from ..protocol._exceptions import TransportError

R = TypeVar("R")

#: JSON-RPC codes meaning "try again later": node behind, or a provider's rate limit.
_TRANSIENT_RPC_CODES = {-32005, -32004, -32014, -32016, 429}


class Failure(enum.Enum):
    #: Refused before processing (429, 5xx, connection refused): safe to repeat.
    UNSENT = "unsent"
    #: The request may have been processed (timeout, dropped connection).
    AMBIGUOUS = "ambiguous"


def classify(exc: BaseException) -> Failure | None:
    """How a failed call failed, or None if repeating it cannot help."""
    cause = exc.__cause__ if isinstance(exc, SolanaRpcException) else exc
    if isinstance(cause, httpx2.HTTPStatusError):
        status = cause.response.status_code
        return Failure.UNSENT if status == 429 or status >= 500 else None
    if isinstance(cause, httpx2.ConnectError | httpx2.ConnectTimeout | httpx2.PoolTimeout):
        return Failure.UNSENT
    if isinstance(cause, httpx2.TransportError):
        return Failure.AMBIGUOUS
    if isinstance(exc, RPCException):
        code = getattr(exc.args[0], "code", None) if exc.args else None
        return Failure.UNSENT if code in _TRANSIENT_RPC_CODES else None
    return None


def retry_after(exc: BaseException) -> float | None:
    cause = exc.__cause__ if isinstance(exc, SolanaRpcException) else exc
    if isinstance(cause, httpx2.HTTPStatusError):
        value = cause.response.headers.get("retry-after")
        if value is not None:
            try:
                return float(value)
            except ValueError:
                return None
    return None


@dataclass(frozen=True)
class Backoff:
    attempts: int = 8
    base: float = 0.05
    cap: float = 4.0

    def delay(self, attempt: int) -> float:
        # Full jitter: clients retrying together spread out instead of stampeding.
        return random.uniform(0, min(self.cap, self.base * 2**attempt))

    async def call(
        self,
        fn: Callable[[], Awaitable[R]],
        what: str,
        *,
        idempotent: bool = True,
    ) -> R:
        """Run `fn`, repeating it on transient failures.

        A non-idempotent call is repeated only when the failure proves the
        request was not processed (`Failure.UNSENT`).
        """
        last: BaseException | None = None
        for attempt in range(self.attempts):
            try:
                return await fn()
            except SerdeJSONError as exc:
                # An answer the client could not parse (cut short, not
                # JSON-RPC, fields of the wrong type): the request reached the
                # node, so only a read may be repeated.
                if not idempotent:
                    raise TransportError(
                        f"{what}: outcome unknown (malformed answer: {exc})"
                    ) from exc
                last = exc
                await asyncio.sleep(self.delay(attempt))
            except (SolanaRpcException, RPCException) as exc:
                kind = classify(exc)
                if kind is None:
                    raise
                if kind is Failure.AMBIGUOUS and not idempotent:
                    raise TransportError(f"{what}: outcome unknown ({_describe(exc)})") from exc
                last = exc
                await asyncio.sleep(retry_after(exc) or self.delay(attempt))
        assert last is not None
        raise TransportError(
            f"{what}: failed after {self.attempts} attempts ({_describe(last)})"
        ) from last


def _describe(exc: BaseException) -> str:
    cause = exc.__cause__ if isinstance(exc, SolanaRpcException) else None
    return f"{type(cause or exc).__name__}: {cause or exc}"
