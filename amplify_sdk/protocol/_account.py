"""The base of every account model: frozen, holding solders types, built from
an account's data by the IDL codec."""

from __future__ import annotations

from typing import Any, ClassVar, Self

import construct as c
from pydantic import BaseModel, ConfigDict
from solders.pubkey import Pubkey

from ._codecs import decode_account
from ._exceptions import AccountTypeError


class AccountModel(BaseModel):
    """Base of account models: frozen, holds solders types, built from account data."""

    model_config = ConfigDict(defer_build=True, frozen=True, arbitrary_types_allowed=True)

    IDL_NAME: ClassVar[str]
    address: Pubkey

    @classmethod
    def from_account_data(cls, address: Pubkey, data: bytes) -> Self:
        """Decode account data; `AccountTypeError` when it is not a well-formed
        account of this type (whatever a node returned)."""
        try:
            return cls._from_data(address, data)
        except AccountTypeError:
            raise
        except (ValueError, IndexError, KeyError, TypeError, c.ConstructError) as e:
            raise AccountTypeError(f"{cls.IDL_NAME} account {address}: {e}") from e

    @classmethod
    def _from_data(cls, address: Pubkey, data: bytes) -> Self:
        fields: dict[str, Any] = decode_account(cls.IDL_NAME, data)
        wanted = {k: v for k, v in fields.items() if k in cls.model_fields}
        return cls(address=address, **wanted)


__all__ = ["AccountModel"]
