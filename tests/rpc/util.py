"""Helpers for the tests against a local node."""

from __future__ import annotations

from solders.hash import Hash
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.message import Message
from solders.pubkey import Pubkey
from solders.system_program import TransferParams, transfer
from solders.transaction import Transaction


def transfer_ix(src: Pubkey, dst: Pubkey, lamports: int) -> Instruction:
    return transfer(TransferParams(from_pubkey=src, to_pubkey=dst, lamports=lamports))


def signed_transfer(payer: Keypair, dst: Pubkey, lamports: int, blockhash: Hash) -> Transaction:
    message = Message.new_with_blockhash(
        [transfer_ix(payer.pubkey(), dst, lamports)], payer.pubkey(), blockhash
    )
    return Transaction([payer], message, blockhash)
