"""Embedded backend: an in-process SVM (LiteSVM from `solders`) running the
shipped program. Nothing is mocked: transactions are signed, executed by the
real runtime and fail exactly as they would on a cluster (the one gap — LiteSVM
does not enforce the packet size limit — is closed in `build_transaction`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

from solders.account import Account
from solders.clock import Clock
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.litesvm import LiteSVM
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.system_program import TransferParams, transfer
from solders.transaction_metadata import FailedTransactionMetadata, TransactionMetadata
from solders.transaction_status import TransactionErrorType

from ..protocol._pda import PROGRAM_ID, program_data_pda
from ..protocol._program import (
    DISABLE_SBPF_V0_V1_V2_DEPLOYMENT,
    ENABLE_SBPF_V3,
    program_arch,
    program_bytes,
)
from ._backend import (
    AccountFilter,
    AccountSnapshot,
    LogsNotice,
    SignatureInfo,
    Subscription,
    TransactionDetails,
    TxReceipt,
)
from ._embedded_history import EmbeddedHistory, matches
from ._tx import build_transaction, decode_events, error_from_litesvm, message_instructions

#: Which feature set the embedded SVM runs with: all (LiteSVM's default) or mainnet.
FEATURES_ENV = "AMPLIFY_SVM_FEATURES"


def new_svm() -> LiteSVM:
    """A LiteSVM configured by the environment: `AMPLIFY_SVM_FEATURES` (all or
    mainnet) and `AMPLIFY_PROGRAM` (v3: a chain where v0 deployment is over).

    solders 0.29's `LiteSVM()` (litesvm 0.15.2) builds its program runtime
    from mainnet-beta's features, which enable SBPF v3 execution; a feature set
    given afterwards does not rebuild that runtime, but the loaders read it
    when they deploy, which is what SIMD-0500 changes.
    """
    features = os.environ.get(FEATURES_ENV, "all")
    if features not in ("all", "mainnet"):
        raise ValueError(f"{FEATURES_ENV}={features!r}: give all or mainnet")
    svm = LiteSVM().with_mainnet_features() if features == "mainnet" else LiteSVM()
    if program_arch() == "v3":
        fs = LiteSVM.mainnet_feature_set()
        assert fs.is_active(ENABLE_SBPF_V3), "this LiteSVM cannot run SBPF v3"
        fs.activate(DISABLE_SBPF_V0_V1_V2_DEPLOYMENT, 0)
        svm = svm.with_feature_set(fs).with_feature_accounts()
    return svm


class EmbeddedBackend:
    """The program in an in-process SVM (LiteSVM): no network, a funded wallet, time under
    the caller's control (`warp`). Sends are synchronous and exact; the same `Backend` as
    `RpcBackend`, so code and tests run on both."""

    def __init__(self, program: bytes | None = None, program_id: Pubkey = PROGRAM_ID) -> None:
        self.svm = new_svm()
        self.program_id = program_id
        self.svm.add_program(program_id, program if program is not None else program_bytes())
        # LiteSVM's clock starts at unix time 0; start from the wall clock instead so
        # expiry times look like a cluster's.
        self.set_time(int(time.time()))
        # LiteSVM keeps no history a client can page through; this one does,
        # and feeds the subscriptions.
        self.history = EmbeddedHistory()
        self._log_subs: list[tuple[frozenset[Pubkey], Subscription[LogsNotice]]] = []
        self._account_subs: dict[Pubkey, list[Subscription[AccountSnapshot | None]]] = {}

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
        instructions = message_instructions(tx.message)
        if isinstance(result, FailedTransactionMetadata):
            meta = result.meta()
            err = error_from_litesvm(result.err(), list(meta.logs()))
            # Only a transaction that paid its fee landed (carries its signature).
            if meta.signature() == tx.signatures[0]:
                self._record(meta, result.err(), instructions, tx.message.account_keys)
                err.signature, err.fee = meta.signature(), meta.fee()
                err.compute_units = meta.compute_units_consumed()
            raise err
        self._record(result, None, instructions, tx.message.account_keys)
        logs = list(result.logs())
        return TxReceipt(
            signature=result.signature(),
            compute_units=result.compute_units_consumed(),
            fee=result.fee(),
            logs=logs,
            events=decode_events(logs, self.program_id),
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
        faucet = self.svm.airdrop_pubkey()
        ix = transfer(TransferParams(from_pubkey=faucet, to_pubkey=address, lamports=lamports))
        if isinstance(result, FailedTransactionMetadata):
            raise error_from_litesvm(result.err(), list(result.meta().logs()))
        self._record(result, None, [ix], [faucet, address, ix.program_id])

    def set_account(self, address: Pubkey, account: Account) -> None:
        """Test hook: place an arbitrary account (used by adversarial tests)."""
        self.svm.set_account(address, account)

    # -- history, queries and subscriptions ------------------------------------------

    def _record(
        self,
        meta: TransactionMetadata,
        err: TransactionErrorType | None,
        instructions: list[Instruction],
        keys: Sequence[Pubkey],
    ) -> None:
        logs = list(meta.logs())
        details = TransactionDetails(
            signature=meta.signature(),
            slot=self.svm.get_clock().slot,
            block_time=self.svm.get_clock().unix_timestamp,
            fee=meta.fee(),
            compute_units=meta.compute_units_consumed(),
            err=err,
            instructions=instructions,
            logs=logs,
            events=decode_events(logs, self.program_id),
        )
        self.history.add(details, list(keys))
        if self._log_subs:
            notice = LogsNotice(details.signature, err, logs, details.events)
            for mentions, sub in self._log_subs:
                if not mentions.isdisjoint(keys):
                    sub.push(notice)
        for key in keys:
            for account_sub in self._account_subs.get(key, ()):
                account_sub.push(self._snapshot(key))

    def _snapshot(self, address: Pubkey) -> AccountSnapshot | None:
        acc = self.svm.get_account(address)
        if acc is None or (acc.lamports == 0 and not acc.data):
            return None
        return AccountSnapshot(address, acc.lamports, acc.owner, bytes(acc.data), acc.executable)

    async def get_multiple_accounts(
        self, addresses: Sequence[Pubkey]
    ) -> list[AccountSnapshot | None]:
        return [self._snapshot(a) for a in addresses]

    async def get_program_accounts(
        self, program: Pubkey, filters: Sequence[AccountFilter] = ()
    ) -> list[AccountSnapshot]:
        return [
            AccountSnapshot(address, acc.lamports, acc.owner, bytes(acc.data), acc.executable)
            for address, acc in self.svm.get_program_accounts(program)
            if matches(bytes(acc.data), filters)
        ]

    async def get_signatures_for_address(
        self,
        address: Pubkey,
        *,
        limit: int = 1000,
        before: Signature | None = None,
        until: Signature | None = None,
    ) -> list[SignatureInfo]:
        return [
            SignatureInfo(d.signature, d.slot, d.err, d.block_time)
            for d in self.history.for_address(address, limit=limit, before=before, until=until)
        ]

    async def wait_slot_after(self, signature: Signature) -> None:
        return None  # LiteSVM loads a deployed program at once

    async def get_transaction(self, signature: Signature) -> TransactionDetails | None:
        return self.history.get(signature)

    async def subscribe_logs(self, mentions: Sequence[Pubkey]) -> Subscription[LogsNotice]:
        entry: tuple[frozenset[Pubkey], Subscription[LogsNotice]]

        async def on_close() -> None:
            self._log_subs.remove(entry)

        entry = (frozenset(mentions), Subscription(on_close))
        self._log_subs.append(entry)
        return entry[1]

    async def subscribe_account(self, address: Pubkey) -> Subscription[AccountSnapshot | None]:
        subs = self._account_subs.setdefault(address, [])

        async def on_close() -> None:
            subs.remove(sub)

        sub: Subscription[AccountSnapshot | None] = Subscription(on_close)
        subs.append(sub)
        return sub

    async def close(self) -> None:
        return None
