"""Embedded backend: an in-process SVM (LiteSVM from `solders`) running the
shipped program. Nothing is mocked: transactions are signed, executed by the
real runtime and fail exactly as they would on a cluster (the one gap — LiteSVM
does not enforce the packet size limit — is closed in `build_transaction`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from solders.account import Account
from solders.clock import Clock
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.litesvm import LiteSVM
from solders.pubkey import Pubkey
from solders.transaction_metadata import FailedTransactionMetadata

from ._backend import AccountSnapshot, TxReceipt
from ._pda import PROGRAM_ID, program_data_pda
from ._program import program_bytes
from ._tx import build_transaction, decode_events, error_from_litesvm


class EmbeddedBackend:
    def __init__(self, program: bytes | None = None, program_id: Pubkey = PROGRAM_ID) -> None:
        self.svm = LiteSVM()
        self.program_id = program_id
        self.svm.add_program(program_id, program if program is not None else program_bytes())
        # LiteSVM's clock starts at unix time 0; start from the wall clock instead so
        # expiry times look like a cluster's.
        self.set_time(int(time.time()))

    def set_upgrade_authority(self, authority: Pubkey | None) -> None:
        """Set the program's upgrade authority, as `solana program deploy` would
        (LiteSVM deploys programs without one). Only the authority may
        `initialize` the protocol."""
        address = program_data_pda(self.program_id)
        acc = self.svm.get_account(address)
        assert acc is not None, "program has no ProgramData account"
        data = bytearray(acc.data)
        data[12:45] = b"\x01" + bytes(authority) if authority else bytes(33)
        self.svm.set_account(
            address, Account(acc.lamports, bytes(data), acc.owner, acc.executable, acc.rent_epoch)
        )

    def set_time(self, unix_timestamp: int) -> None:
        """Set the Clock sysvar's unix time (and advance the slot with it)."""
        c = self.svm.get_clock()
        slot = c.slot + max(0, unix_timestamp - c.unix_timestamp) * 5 // 2
        self.svm.set_clock(
            Clock(slot, c.epoch_start_timestamp, c.epoch, c.leader_schedule_epoch, unix_timestamp)
        )

    def warp(self, seconds: int) -> None:
        """Move the cluster clock forward (reservation deadlines, batch expiry)."""
        self.set_time(self.svm.get_clock().unix_timestamp + seconds)

    async def send(
        self, instructions: Sequence[Instruction], signers: Sequence[Keypair], payer: Keypair
    ) -> TxReceipt:
        return self.send_sync(instructions, signers, payer)

    def send_sync(
        self, instructions: Sequence[Instruction], signers: Sequence[Keypair], payer: Keypair
    ) -> TxReceipt:
        """Execute at once (LiteSVM is synchronous); used by the async `send`."""
        tx = build_transaction(instructions, signers, payer, self.svm.latest_blockhash())
        result = self.svm.send_transaction(tx)
        # A new blockhash after every transaction, landed or failed, so sending the
        # same instructions again is a new transaction (as after a cluster's next
        # block), not a duplicate the runtime refuses.
        self.svm.expire_blockhash()
        if isinstance(result, FailedTransactionMetadata):
            meta = result.meta()
            err = error_from_litesvm(result.err(), list(meta.logs()))
            err.signature, err.fee = meta.signature(), meta.fee()
            err.compute_units = meta.compute_units_consumed()
            raise err
        logs = list(result.logs())
        return TxReceipt(
            signature=result.signature(),
            compute_units=result.compute_units_consumed(),
            fee=result.fee(),
            logs=logs,
            events=decode_events(logs),
        )

    async def get_account(self, address: Pubkey) -> AccountSnapshot | None:
        acc = self.svm.get_account(address)
        if acc is None or (acc.lamports == 0 and not acc.data):
            return None
        return AccountSnapshot(address, acc.lamports, acc.owner, bytes(acc.data), acc.executable)

    async def get_balance(self, address: Pubkey) -> int:
        return self.svm.get_balance(address) or 0

    async def minimum_balance(self, size: int) -> int:
        return int(self.svm.minimum_balance_for_rent_exemption(size))

    async def airdrop(self, address: Pubkey, lamports: int) -> None:
        result = self.svm.airdrop(address, lamports)
        if isinstance(result, FailedTransactionMetadata):
            raise error_from_litesvm(result.err(), list(result.meta().logs()))

    def set_account(self, address: Pubkey, account: Account) -> None:
        """Test hook: place an arbitrary account (used by adversarial tests)."""
        self.svm.set_account(address, account)

    async def close(self) -> None:
        return None
