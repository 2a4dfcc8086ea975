"""Program-derived addresses, with the same seeds the IDL declares."""

from __future__ import annotations

from solders.pubkey import Pubkey

from ._idl import load_idl

PROGRAM_ID: Pubkey = load_idl().address

CONFIG_SEED = b"config"
TREASURY_SEED = b"treasury"


def config_pda(program_id: Pubkey = PROGRAM_ID) -> tuple[Pubkey, int]:
    return Pubkey.find_program_address([CONFIG_SEED], program_id)


def treasury_pda(program_id: Pubkey = PROGRAM_ID) -> tuple[Pubkey, int]:
    return Pubkey.find_program_address([TREASURY_SEED], program_id)
