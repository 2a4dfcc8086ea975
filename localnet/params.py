"""Parsing JSON-RPC params into typed values; every failure is -32602."""

from __future__ import annotations

from typing import Any

from solders.hash import Hash
from solders.pubkey import Pubkey
from solders.signature import Signature

from .errors import RpcError

JSON = Any

COMMITMENTS = {
    "processed",
    "confirmed",
    "finalized",
    "recent",
    "single",
    "singleGossip",
    "root",
    "max",
}


class Params:
    """Positional params of one request; the trailing config object is optional."""

    def __init__(self, raw: JSON) -> None:
        if raw is None:
            raw = []
        if not isinstance(raw, list):
            raise RpcError.invalid_params("params must be an array")
        self.raw = raw

    def __len__(self) -> int:
        return len(self.raw)

    def required(self, index: int, what: str) -> JSON:
        if index >= len(self.raw):
            raise RpcError.invalid_params(f"missing {what}")
        return self.raw[index]

    def pubkey(self, index: int) -> Pubkey:
        return parse_pubkey(self.required(index, "pubkey"))

    def uint(self, index: int, what: str) -> int:
        value = self.required(index, what)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise RpcError.invalid_params(f"{what} must be a non-negative integer")
        return value

    def string(self, index: int, what: str) -> str:
        value = self.required(index, what)
        if not isinstance(value, str):
            raise RpcError.invalid_params(f"{what} must be a string")
        return value

    def config(self, index: int) -> dict[str, JSON]:
        """The config object at `index` (absent or null: empty)."""
        if index >= len(self.raw) or self.raw[index] is None:
            return {}
        value = self.raw[index]
        if isinstance(value, str) and value in COMMITMENTS:
            # Old clients send a bare commitment string in place of the config.
            return {"commitment": value}
        if not isinstance(value, dict):
            raise RpcError.invalid_params("config must be an object")
        commitment = value.get("commitment")
        if commitment is not None and commitment not in COMMITMENTS:
            raise RpcError.invalid_params(f"unknown commitment {commitment!r}")
        return value


def parse_pubkey(value: JSON) -> Pubkey:
    if not isinstance(value, str):
        raise RpcError.invalid_params("pubkey must be a base58 string")
    try:
        return Pubkey.from_string(value)
    except ValueError:
        raise RpcError.invalid_params("Invalid param: WrongSize") from None


def parse_signature(value: JSON) -> Signature:
    if not isinstance(value, str):
        raise RpcError.invalid_params("signature must be a base58 string")
    try:
        return Signature.from_string(value)
    except ValueError:
        raise RpcError.invalid_params("Invalid param: WrongSize") from None


def parse_hash(value: JSON) -> Hash:
    if not isinstance(value, str):
        raise RpcError.invalid_params("blockhash must be a base58 string")
    try:
        return Hash.from_string(value)
    except ValueError:
        raise RpcError.invalid_params("Invalid param: WrongSize") from None


def config_int(config: dict[str, JSON], key: str, default: int | None = None) -> int | None:
    value = config.get(key, default)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise RpcError.invalid_params(f"{key} must be a non-negative integer")
    return value
