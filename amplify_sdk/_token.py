"""The few SPL Token instructions the SDK needs (mint creation for AMP)."""

from __future__ import annotations

from solders.instruction import AccountMeta, Instruction
from solders.pubkey import Pubkey
from solders.system_program import CreateAccountParams, create_account
from solders.token import ID as TOKEN_PROGRAM_ID

MINT_SIZE = 82
_INITIALIZE_MINT2 = 20


def create_mint_instructions(
    payer: Pubkey, mint: Pubkey, authority: Pubkey, decimals: int, rent: int
) -> list[Instruction]:
    """System `CreateAccount` + SPL `InitializeMint2` (no freeze authority)."""
    data = bytes([_INITIALIZE_MINT2, decimals]) + bytes(authority) + b"\x00"
    return [
        create_account(
            CreateAccountParams(
                from_pubkey=payer,
                to_pubkey=mint,
                lamports=rent,
                space=MINT_SIZE,
                owner=TOKEN_PROGRAM_ID,
            )
        ),
        Instruction(TOKEN_PROGRAM_ID, data, [AccountMeta(mint, is_signer=False, is_writable=True)]),
    ]


__all__ = ["MINT_SIZE", "TOKEN_PROGRAM_ID", "create_mint_instructions"]
