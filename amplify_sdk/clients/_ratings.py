"""Ratings packed into transactions: `rate_assignments` instructions whose
transactions fit one packet and whose events fit the log."""

from __future__ import annotations

from collections.abc import Iterable

from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from ..chain._tx import PACKET_DATA_SIZE, transaction_size
from ..protocol import _instructions as ix
from ..protocol._models import Batch, TaskTable
from ._batch_rules import MAX_RATINGS_PER_TX


def rating_ix(
    requester: Pubkey,
    b: Batch,
    table: TaskTable,
    chunk: list[tuple[int, int, int, int, Pubkey]],
    profiles: list[Pubkey],
    pdas: dict[Pubkey, Pubkey],
) -> Instruction:
    at = {p: k for k, p in enumerate(profiles)}
    args = [(item, idx, stars, at[pdas[w]]) for _, item, idx, stars, w in chunk]
    return ix.rate_assignments(requester, b.address, table.address, args, profiles)


def rating_chunks(
    wallet: Keypair,
    b: Batch,
    table: TaskTable,
    entries: list[tuple[int, int, int, int, Pubkey]],
    pdas: dict[Pubkey, Pubkey],
) -> Iterable[tuple[list[tuple[int, int, int, int, Pubkey]], list[Pubkey]]]:
    """Split ratings into transactions that fit: 8 bytes per rating plus a
    writable profile account per distinct worker, and at most
    `MAX_RATINGS_PER_TX` (their events must fit in the log). Sizes are
    measured; between measurements a rating adds at most 8 bytes and a new
    profile 33 (its key and its index in the instruction), plus a byte when
    a length prefix grows (compact-u16), so building the transaction is
    only needed near the limit (linear time)."""
    chunk: list[tuple[int, int, int, int, Pubkey]] = []
    profiles: list[Pubkey] = []
    size = 0
    for e in entries:
        profile = pdas[e[4]]
        new_profile = profile not in profiles
        estimate = size + 8 + (33 if new_profile else 0)
        trial_profiles = [*profiles, profile] if new_profile else profiles
        # One byte spare: the instruction data's length prefix grows once
        # (past 127 bytes); no other prefix can grow within one packet.
        if chunk and estimate + 1 <= PACKET_DATA_SIZE and len(chunk) < MAX_RATINGS_PER_TX:
            chunk.append(e)
            profiles, size = trial_profiles, estimate
            continue
        trial = [*chunk, e]
        measured = transaction_size(
            [rating_ix(wallet.pubkey(), b, table, trial, trial_profiles, pdas)], wallet, 1
        )
        if chunk and (measured > PACKET_DATA_SIZE or len(trial) > MAX_RATINGS_PER_TX):
            yield chunk, profiles
            chunk, profiles = [e], [profile]
            measured = transaction_size(
                [rating_ix(wallet.pubkey(), b, table, chunk, profiles, pdas)], wallet, 1
            )
        else:
            chunk, profiles = trial, trial_profiles
        size = measured
    if chunk:
        yield chunk, profiles
