"""Every exception the SDK raises, in one place.

`AmplifyError` is the root. `ProgramError` is the base of one class per error
the program defines (`ERRORS_BY_CODE` maps its code to the class), so
`except BatchFull:` catches exactly that refusal, whichever backend sent it.
"""

from .clients._encrypted import KeyNotFoundError
from .protocol import _program_errors
from .protocol._crypto import DecryptionError
from .protocol._exceptions import (
    AccountNotFoundError,
    AccountTypeError,
    AmplifyError,
    ForgeableGateError,
    InsufficientFundsError,
    InvalidArgumentError,
    ManifestMismatchError,
    NotRegisteredError,
    ProgramError,
    SigningError,
    TransactionError,
    TransactionTooLargeError,
    TransportError,
)
from .protocol._program_errors import *  # noqa: F403 -- one exception class per program error
from .protocol._program_errors import __all__ as _program_error_names
from .storage import BlobNotFoundError, ContentMismatchError, StorageError

# Re-bound here so the API reference carries its doc.
ERRORS_BY_CODE = _program_errors.ERRORS_BY_CODE
"""The exception class of each program error code (6000 up)."""

__all__ = [
    "AmplifyError",
    "AccountNotFoundError",
    "AccountTypeError",
    "InsufficientFundsError",
    "ForgeableGateError",
    "InvalidArgumentError",
    "ManifestMismatchError",
    "NotRegisteredError",
    "SigningError",
    "TransactionError",
    "TransactionTooLargeError",
    "TransportError",
    "DecryptionError",
    "KeyNotFoundError",
    "StorageError",
    "BlobNotFoundError",
    "ContentMismatchError",
    "ProgramError",
    "ERRORS_BY_CODE",
    *[n for n in _program_error_names if n != "ERRORS_BY_CODE"],
]
