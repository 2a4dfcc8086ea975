"""Exceptions raised by the SDK.

    AmplifyError
    ├── TransportError              the RPC endpoint failed or timed out
    ├── AccountNotFoundError        an account the call needs does not exist
    │   └── NotRegisteredError      the wallet has no worker profile (register first)
    ├── AccountTypeError            account data is not a well-formed account of the expected type
    ├── InvalidArgumentError        an argument out of range for its field (checked before sending)
    ├── InsufficientFundsError      the wallet cannot pay for the call (checked before sending)
    ├── ForgeableGateError          a batch's rating gate protects more than forging it costs
    ├── ManifestMismatchError       items given for a resumed upload differ from those on chain
    ├── TransactionTooLargeError    over the 1,232-byte packet limit (checked before sending)
    ├── SigningError                a required signer's keypair was not given
    └── TransactionError            the cluster rejected or failed the transaction
        └── ProgramError            our program returned one of its errors (code >= 6000)
            └── one subclass per IDL error (FeeTooHigh, AlreadyInitialized, ...)

Every `ProgramError` subclass carries the program's `code`, `name` and message
exactly as the IDL lists them; `error_for_code` maps a code to its class.
"""

from __future__ import annotations

from solders.signature import Signature


class AmplifyError(Exception):
    """Base class of every error the SDK raises."""


class TransportError(AmplifyError):
    """The RPC endpoint could not be reached, timed out or answered garbage."""


class AccountNotFoundError(AmplifyError):
    """An account the operation needs does not exist on the cluster."""


class NotRegisteredError(AccountNotFoundError):
    """The wallet has no worker profile: call `register` first."""


class AccountTypeError(AmplifyError, ValueError):
    """Account data is not a well-formed account of the expected type: another
    discriminator, cut short or too long, or fields that contradict each other
    (whatever a node returned)."""


class InvalidArgumentError(AmplifyError, ValueError):
    """An argument the SDK can judge before sending is not valid: a value its
    field cannot hold, a content hash or key of the wrong length. Nothing was
    sent."""


class InsufficientFundsError(AmplifyError):
    """The wallet holds fewer lamports than the call needs (fees, bonds,
    escrow, rent); nothing was sent."""

    def __init__(self, message: str, needed: int, available: int) -> None:
        super().__init__(message)
        self.needed = needed
        self.available = available


class ForgeableGateError(AmplifyError):
    """A batch's `min_rating` gate protects more than it costs to forge: one
    identity lifted past it by a ring of the attacker's own requester keys
    (docs/reputation.md) can take `prize` lamports, and the ring pays
    `forge_cost` lamports of fees. `prize` is None for an uncapped batch (the
    whole batch). Nothing was sent; `create_batch(allow_forgeable_gate=True)`
    creates it anyway."""

    def __init__(
        self, min_rating: int, forge_cost: int, prize: int | None, safe_cap: int, exact: bool = True
    ) -> None:
        self.min_rating = min_rating
        #: Lamports of fees; a lower bound when not `exact` (the search stopped at its limit).
        self.forge_cost = forge_cost
        self.exact = exact
        self.prize = prize
        #: The largest per-worker cap at which the gate is worth forging no more than it protects.
        self.safe_cap = safe_cap
        took = "the whole batch (no per-worker cap)" if prize is None else f"{prize:,} lamports"
        cap = f"set per_worker_cap <= {safe_cap:,}, " if safe_cap else "no cap helps: "
        super().__init__(
            f"min_rating {min_rating:,} costs {'' if exact else 'at least '}{forge_cost:,} "
            f"lamports of fees to forge but one identity past it can take {took}: {cap}raise "
            "min_rating, or pass allow_forgeable_gate=True"
        )


class ManifestMismatchError(AmplifyError):
    """A resumed upload's items do not match what the chain committed: a
    different file, order, or upload list."""


class TransactionTooLargeError(AmplifyError):
    """A transaction would exceed Solana's 1,232-byte packet limit."""


class SigningError(AmplifyError):
    """A transaction needs a signature whose keypair was not provided."""


class TransactionError(AmplifyError):
    """The transaction failed; `logs` holds the program log lines, if any.

    A transaction that failed on chain was still charged: `fee` and
    `compute_units` say what it cost, `signature` names it (None when it never
    reached the chain)."""

    def __init__(self, message: str, logs: list[str] | None = None) -> None:
        super().__init__(message)
        self.logs: list[str] = logs or []
        self.signature: Signature | None = None
        self.fee = 0
        self.compute_units = 0


class ProgramError(TransactionError):
    """An Amplify program error. Subclasses exist for every code in the IDL."""

    code: int = -1
    name: str = "ProgramError"
    msg: str = "Amplify program error"

    def __init__(
        self,
        message: str | None = None,
        logs: list[str] | None = None,
        instruction_index: int | None = None,
    ) -> None:
        super().__init__(message or f"{self.name} ({self.code}): {self.msg}", logs)
        self.instruction_index = instruction_index
