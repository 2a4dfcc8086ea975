"""Typed, immutable views of the program's accounts and events.

Field names are the IDL's; `tests/test_idl.py` checks each model lists exactly
the IDL fields (reserved/padding bytes excepted).
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict
from solders.pubkey import Pubkey

from ._codecs import decode_account


class AccountModel(BaseModel):
    """Base of account models: frozen, holds solders types, built from account data."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    IDL_NAME: ClassVar[str]
    address: Pubkey

    @classmethod
    def from_account_data(cls, address: Pubkey, data: bytes) -> Self:
        fields: dict[str, Any] = decode_account(cls.IDL_NAME, data)
        wanted = {k: v for k, v in fields.items() if k in cls.model_fields}
        return cls(address=address, **wanted)


class Config(AccountModel):
    """Protocol configuration (PDA `["config"]`)."""

    IDL_NAME: ClassVar[str] = "Config"
    version: int
    bump: int
    treasury_bump: int
    paused: bool
    fee_bps: int
    quorum_bps: int
    admin: Pubkey
    amp_mint: Pubkey
    voting_period_secs: int
    batch_count: int


class Treasury(AccountModel):
    """Protocol treasury (PDA `["treasury"]`); `lamports` includes its rent reserve."""

    IDL_NAME: ClassVar[str] = "Treasury"
    version: int
    bump: int
    total_collected: int
