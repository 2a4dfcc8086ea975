"""Packing many small instructions into as few transactions as fit.

Solana drops transactions over 1,232 bytes, and the network fee is per
signature, not per instruction: a worker who accepts or submits 15 items in one
transaction pays a fifteenth of the fee per item.
"""

from __future__ import annotations

from collections.abc import Sequence

from solders.instruction import Instruction
from solders.keypair import Keypair

from ._tx import PACKET_DATA_SIZE, transaction_size


def pack(
    instructions: Sequence[Instruction],
    payer: Keypair,
    n_signers: int = 1,
    max_per_tx: int | None = None,
) -> list[list[Instruction]]:
    """Split `instructions`, in order, into groups that each fit one transaction."""
    groups: list[list[Instruction]] = []
    current: list[Instruction] = []
    for ix in instructions:
        candidate = [*current, ix]
        full = max_per_tx is not None and len(current) >= max_per_tx
        if current and (full or transaction_size(candidate, payer, n_signers) > PACKET_DATA_SIZE):
            groups.append(current)
            candidate = [ix]
        if transaction_size(candidate, payer, n_signers) > PACKET_DATA_SIZE:
            raise ValueError("a single instruction does not fit in a transaction")
        current = candidate
    if current:
        groups.append(current)
    return groups
