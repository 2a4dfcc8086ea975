"""Wire encodings shared by the RPC methods and the PubSub notifications:
base58, account data encodings, transaction errors in the JSON form Agave
serializes them in, and human-readable error messages."""

from __future__ import annotations

import base64
import json
from typing import Any

from solders.account import Account
from solders.transaction_metadata import FailedTransactionMetadata

from .errors import RpcError

JSON = Any

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58)}

#: A real node refuses base58 for account data past this size (it is slow to encode).
MAX_BASE58_BYTES = 128

#: `rentEpoch` of every rent-exempt account on a current cluster (u64::MAX).
RENT_EPOCH_EXEMPT = 2**64 - 1


def b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, r = divmod(n, 58)
        out.append(_B58[r])
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    n = 0
    for ch in text:
        try:
            n = n * 58 + _B58_INDEX[ch]
        except KeyError:
            raise ValueError(f"invalid base58 character {ch!r}") from None
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    pad = len(text) - len(text.lstrip("1"))
    return b"\0" * pad + body


def decode_wire(text: str, encoding: str) -> bytes:
    """Decode a transaction or message sent as base64 or base58."""
    try:
        if encoding == "base64":
            return base64.b64decode(text, validate=True)
        if encoding == "base58":
            return b58decode(text)
    except ValueError as err:
        raise RpcError.invalid_params(f"invalid {encoding} data: {err}") from None
    raise RpcError.invalid_params(f"unsupported encoding: {encoding}")


def slice_data(data: bytes, data_slice: JSON) -> bytes:
    if not data_slice:
        return data
    try:
        offset, length = int(data_slice["offset"]), int(data_slice["length"])
    except (KeyError, TypeError, ValueError):
        raise RpcError.invalid_params("dataSlice needs offset and length") from None
    return data[offset : offset + length]


def encode_data(data: bytes, encoding: str) -> JSON:
    """Account data as a node returns it for `encoding`.

    `jsonParsed` falls back to base64 as a node does for owners it has no parser
    for; this node has parsers for none, which clients handle by design.
    """
    if encoding in ("base64", "jsonParsed"):
        return [base64.b64encode(data).decode(), "base64"]
    if encoding == "base58":
        if len(data) > MAX_BASE58_BYTES:
            raise RpcError(
                -32600,
                "Encoded binary (base 58) data should be less than 128 bytes, "
                "please use Base64 encoding.",
            )
        return [b58encode(data), "base58"]
    if encoding == "binary":  # the deprecated name of base58, data as a bare string
        return b58encode(data)
    raise RpcError.invalid_params(f"unsupported account encoding: {encoding}")


def encode_account(account: Account | None, encoding: str, data_slice: JSON = None) -> JSON:
    """UiAccount: the `value` of getAccountInfo and the account of notifications."""
    if account is None or (account.lamports == 0 and not account.data):
        return None
    data = bytes(account.data)
    return {
        "data": encode_data(slice_data(data, data_slice), encoding),
        "executable": account.executable,
        "lamports": account.lamports,
        "owner": str(account.owner),
        "rentEpoch": RENT_EPOCH_EXEMPT,
        "space": len(data),
    }


def error_json(failed: FailedTransactionMetadata) -> JSON:
    """The transaction error in serde's JSON form, e.g. {"InstructionError": [0, {"Custom": 1}]}."""
    # Failures are rare; solders already knows serde's layout for every variant.
    return json.loads(failed.to_json())["err"]


_PLAIN = {
    "AccountInUse": "Account in use",
    "AccountLoadedTwice": "Account loaded twice",
    "AccountNotFound": "Attempt to debit an account but found no record of a prior credit.",
    "ProgramAccountNotFound": "Attempt to load a program that does not exist",
    "InsufficientFundsForFee": "Insufficient funds for fee",
    "InvalidAccountForFee": "This account may not be used to pay transaction fees",
    "AlreadyProcessed": "This transaction has already been processed",
    "BlockhashNotFound": "Blockhash not found",
    "SignatureFailure": "Transaction did not pass signature verification",
    "InvalidAccountIndex": "Transaction contains an invalid account reference",
    "SanitizeFailure": "Transaction failed to sanitize accounts offsets correctly",
    "WouldExceedMaxBlockCostLimit": "Transaction would exceed max Block Cost Limit",
}


def error_message(err: JSON) -> str:
    """Agave's Display text of a TransactionError (the part after "failed: ")."""
    if isinstance(err, str):
        return _PLAIN.get(err, err)
    if isinstance(err, dict) and "InstructionError" in err:
        index, inner = err["InstructionError"]
        if isinstance(inner, dict) and "Custom" in inner:
            detail = f"custom program error: {int(inner['Custom']):#x}"
        elif isinstance(inner, dict):
            detail = next(iter(inner))
        else:
            detail = _instruction_error_text(str(inner))
        return f"Error processing Instruction {index}: {detail}"
    if isinstance(err, dict) and "InsufficientFundsForRent" in err:
        index = err["InsufficientFundsForRent"].get("account_index")
        return f"Transaction results in an account ({index}) with insufficient funds for rent"
    return json.dumps(err)


def _instruction_error_text(name: str) -> str:
    # "InvalidAccountData" -> "invalid account data", the shape Agave's messages have.
    words: list[str] = []
    for ch in name:
        if ch.isupper() and words:
            words.append(" ")
        words.append(ch.lower())
    return "".join(words)
