"""The few SPL Token, associated-token-account and upgradeable-loader
instructions the SDK needs (AMP mint, holders' token accounts, handing the
program and the mint to governance)."""

from __future__ import annotations

from solders.instruction import AccountMeta, Instruction
from solders.pubkey import Pubkey
from solders.system_program import ID as SYSTEM_PROGRAM_ID
from solders.system_program import CreateAccountParams, create_account
from solders.token import ID as TOKEN_PROGRAM_ID

from ._pda import BPF_LOADER_UPGRADEABLE, program_data_pda

MINT_SIZE = 82
ATA_PROGRAM_ID = Pubkey.from_string("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL")
_INITIALIZE_MINT2 = 20
_MINT_TO = 7
_SET_AUTHORITY = 6
_MINT_TOKENS_AUTHORITY = 0


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


def associated_token_address(owner: Pubkey, mint: Pubkey) -> Pubkey:
    return Pubkey.find_program_address(
        [bytes(owner), bytes(TOKEN_PROGRAM_ID), bytes(mint)], ATA_PROGRAM_ID
    )[0]


def create_associated_token_account(payer: Pubkey, owner: Pubkey, mint: Pubkey) -> Instruction:
    """Idempotent: a no-op if the account exists."""
    return Instruction(
        ATA_PROGRAM_ID,
        b"\x01",
        [
            AccountMeta(payer, True, True),
            AccountMeta(associated_token_address(owner, mint), False, True),
            AccountMeta(owner, False, False),
            AccountMeta(mint, False, False),
            AccountMeta(SYSTEM_PROGRAM_ID, False, False),
            AccountMeta(TOKEN_PROGRAM_ID, False, False),
        ],
    )


def mint_to(mint: Pubkey, account: Pubkey, authority: Pubkey, amount: int) -> Instruction:
    return Instruction(
        TOKEN_PROGRAM_ID,
        bytes([_MINT_TO]) + amount.to_bytes(8, "little"),
        [
            AccountMeta(mint, False, True),
            AccountMeta(account, False, True),
            AccountMeta(authority, True, False),
        ],
    )


def set_mint_authority(mint: Pubkey, current: Pubkey, new: Pubkey) -> Instruction:
    return Instruction(
        TOKEN_PROGRAM_ID,
        bytes([_SET_AUTHORITY, _MINT_TOKENS_AUTHORITY, 1]) + bytes(new),
        [AccountMeta(mint, False, True), AccountMeta(current, True, False)],
    )


def set_upgrade_authority(
    current: Pubkey, new: Pubkey, program: Pubkey | None = None
) -> Instruction:
    """Loader `SetAuthority` on the program's ProgramData."""
    return Instruction(
        BPF_LOADER_UPGRADEABLE,
        (4).to_bytes(4, "little"),
        [
            AccountMeta(program_data_pda(program), False, True),
            AccountMeta(current, True, False),
            AccountMeta(new, False, False),
        ],
    )


def token_balance(data: bytes) -> int:
    """The amount of an SPL token account (offset 64)."""
    return int.from_bytes(data[64:72], "little")


def mint_decimals(data: bytes) -> int:
    """The decimals of an SPL mint (offset 44: after the optional mint
    authority, 36 bytes, and the supply, 8)."""
    return data[44]


__all__ = [
    "ATA_PROGRAM_ID",
    "MINT_SIZE",
    "TOKEN_PROGRAM_ID",
    "associated_token_address",
    "create_associated_token_account",
    "create_mint_instructions",
    "mint_decimals",
    "mint_to",
    "set_mint_authority",
    "set_upgrade_authority",
    "token_balance",
]
