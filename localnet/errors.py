"""JSON-RPC errors with the codes Agave's RPC service uses."""

from __future__ import annotations

from typing import Any

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
#: Agave's server-side codes (solana_rpc_client_api::custom_error).
BLOCK_NOT_AVAILABLE = -32004
SEND_TRANSACTION_PREFLIGHT_FAILURE = -32002
TRANSACTION_SIGNATURE_VERIFICATION_FAILURE = -32003
TRANSACTION_HISTORY_NOT_AVAILABLE = -32011
UNSUPPORTED_TRANSACTION_VERSION = -32015
MIN_CONTEXT_SLOT_NOT_REACHED = -32016


class RpcError(Exception):
    """An error answer: raised by a method handler, serialized by the server."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.data is not None:
            out["data"] = self.data
        return out

    @classmethod
    def invalid_params(cls, detail: str) -> RpcError:
        return cls(INVALID_PARAMS, f"Invalid params: {detail}.")

    @classmethod
    def method_not_found(cls) -> RpcError:
        return cls(METHOD_NOT_FOUND, "Method not found")

    @classmethod
    def invalid_request(cls) -> RpcError:
        return cls(INVALID_REQUEST, "Invalid request")

    @classmethod
    def parse_error(cls) -> RpcError:
        return cls(PARSE_ERROR, "Parse error")

    @classmethod
    def min_context_slot(cls, slot: int) -> RpcError:
        return cls(
            MIN_CONTEXT_SLOT_NOT_REACHED,
            "Minimum context slot has not been reached",
            {"contextSlot": slot},
        )
