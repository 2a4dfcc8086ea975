"""Instruction builders: pure functions from typed arguments to `Instruction`.

Account order, writable/signer flags and fixed program addresses come from the
IDL; the builders only name the accounts. Each builder pairs with
`decode_instruction` in `_codecs` for the reverse direction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from solders.instruction import AccountMeta, Instruction
from solders.pubkey import Pubkey

from ._codecs import encode_instruction
from ._idl import load_idl
from ._pda import PROGRAM_ID, config_pda, treasury_pda


def build_instruction(
    name: str,
    accounts: Mapping[str, Pubkey],
    args: Mapping[str, Any],
    program_id: Pubkey = PROGRAM_ID,
) -> Instruction:
    """Build instruction `name` from named accounts, in the IDL's order and flags.

    Accounts with a fixed address in the IDL (system program, sysvars) may be left
    out. Unknown or missing names raise `ValueError` before anything is signed.
    """
    ix = load_idl().instructions[name]
    known = {a.name for a in ix.accounts}
    unknown = set(accounts) - known
    if unknown:
        raise ValueError(f"{name}: unknown accounts {sorted(unknown)}")
    metas = []
    for item in ix.accounts:
        key = accounts.get(item.name, item.address)
        if key is None:
            raise ValueError(f"{name}: account {item.name!r} is required")
        metas.append(AccountMeta(key, is_signer=item.signer, is_writable=item.writable))
    return Instruction(program_id, encode_instruction(name, args), metas)


def initialize(admin: Pubkey, amp_mint: Pubkey, fee_bps: int = 500) -> Instruction:
    """Create the protocol config and treasury; `admin` pays and becomes the admin."""
    return build_instruction(
        "initialize",
        {
            "admin": admin,
            "config": config_pda()[0],
            "treasury": treasury_pda()[0],
            "amp_mint": amp_mint,
        },
        {"fee_bps": fee_bps},
    )
