"""The ledger: LiteSVM plus what a cluster has and LiteSVM lacks — wall-clock
slots, a window of recent blockhashes with their expiry, a status cache that
refuses duplicates, and the transaction history.

LiteSVM runs with its own blockhash check off (it only knows its latest
blockhash) and its own history off (it would keep every result forever);
signature verification stays on. This class does the age check and the
duplicate check exactly as a bank does: a transaction lands only if its
blockhash is one of the last 150 blocks' and its signature is not in the
status cache of those blocks.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from solders.account import Account
from solders.clock import Clock
from solders.epoch_schedule import EpochSchedule
from solders.hash import Hash
from solders.keypair import Keypair
from solders.litesvm import LiteSVM
from solders.message import Message
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.system_program import ID as SYSTEM_PROGRAM
from solders.system_program import TransferParams, transfer
from solders.transaction import Transaction, VersionedTransaction
from solders.transaction_metadata import (
    FailedTransactionMetadata,
    SimulatedTransactionInfo,
)

from amplify_sdk._pda import program_data_pda

from .codec import error_json
from .history import DEFAULT_CAPACITY, History, TxRecord

#: Blocks a blockhash stays valid for (MAX_PROCESSING_AGE on mainnet).
MAX_BLOCKHASH_AGE = 150
SLOT_SECONDS = 0.4
#: Lamports of the faucet behind requestAirdrop and of the default keypair.
FAUCET_LAMPORTS = 500_000_000 * 10**9
AUTHORITY_LAMPORTS = 1_000_000 * 10**9
LAMPORTS_PER_SIGNATURE = 5_000

Listener = Callable[[TxRecord], None]


class TxRejected(Exception):
    """Refused before landing (no fee, no history): blockhash, duplicate, sigverify."""

    def __init__(self, err: object) -> None:
        super().__init__(str(err))
        self.err = err


@dataclass(frozen=True, slots=True)
class SlotInfo:
    slot: int
    parent: int
    root: int


class Chain:
    def __init__(
        self,
        *,
        authority: Keypair,
        program: tuple[Pubkey, bytes] | None = None,
        history_capacity: int = DEFAULT_CAPACITY,
        slot_seconds: float = SLOT_SECONDS,
    ) -> None:
        self.svm = LiteSVM().with_blockhash_check(False).with_transaction_history(0)
        self.authority = authority
        self.faucet = Keypair()
        self.genesis_hash = Hash.new_unique()
        self.slot_seconds = slot_seconds
        self.start_time = time.time()
        #: Test-only: seconds the cluster clock runs ahead of the wall clock
        #: (`warp`), so tests of deadlines need not wait.
        self.time_offset = 0
        self.slot = 0
        self.epoch_schedule = EpochSchedule.without_warmup()
        self.svm.set_epoch_schedule(self.epoch_schedule)
        # The clock is set before the program is deployed: a program deployed at
        # a slot later than the clock's would not be visible yet.
        self._set_clock()
        #: blockhash -> last block height at which it is still valid.
        self.blockhashes: dict[Hash, int] = {}
        self._blockhash_order: deque[tuple[Hash, int]] = deque()
        #: Status cache: signatures landed with each live blockhash.
        self._status_cache: dict[Hash, set[Signature]] = {}
        self.latest_blockhash = self.svm.latest_blockhash()
        self._register_blockhash(self.latest_blockhash)
        self.history = History(history_capacity)
        self.listeners: list[Listener] = []
        self.slot_listeners: list[Callable[[SlotInfo], None]] = []
        self.svm.set_account(self.faucet.pubkey(), _system_account(FAUCET_LAMPORTS))
        self.svm.set_account(authority.pubkey(), _system_account(AUTHORITY_LAMPORTS))
        if program is not None:
            self.deploy(*program)

    # -- program ---------------------------------------------------------------

    def deploy(self, program_id: Pubkey, elf: bytes) -> None:
        """Deploy through the upgradeable loader with `authority` as the upgrade
        authority, as `solana program deploy` would (LiteSVM deploys without one)."""
        self.svm.add_program(program_id, elf)
        address = program_data_pda(program_id)
        acc = self.svm.get_account(address)
        if acc is None:
            raise RuntimeError("LiteSVM deployed the program without a ProgramData account")
        data = bytearray(acc.data)
        # UpgradeableLoaderState::ProgramData: tag u32, slot u64, Option<Pubkey>.
        data[12:45] = b"\x01" + bytes(self.authority.pubkey())
        self.svm.set_account(
            address, Account(acc.lamports, bytes(data), acc.owner, acc.executable, acc.rent_epoch)
        )

    # -- time --------------------------------------------------------------------

    @property
    def block_height(self) -> int:
        # One block per slot: this node never skips a slot.
        return self.slot

    @property
    def epoch(self) -> int:
        return self.slot // self.epoch_schedule.slots_per_epoch

    def block_time(self, slot: int) -> int:
        return int(self.start_time + slot * self.slot_seconds)

    def warp(self, seconds: int) -> None:
        """Test-only: move the cluster's unix time forward (slots keep their pace)."""
        self.time_offset += seconds
        self._set_clock()

    def _set_clock(self) -> None:
        now = int(time.time()) + self.time_offset
        epoch = self.epoch
        epoch_start = self.block_time(epoch * self.epoch_schedule.slots_per_epoch)
        self.svm.set_clock(Clock(self.slot, epoch_start, epoch, epoch + 1, now))

    def tick(self, now: float | None = None) -> bool:
        """Catch the slot up with the wall clock; True when a new slot began."""
        target = int(((now or time.time()) - self.start_time) / self.slot_seconds)
        if target <= self.slot:
            return False
        parent = self.slot
        # After a stall, jump to the current slot with one new blockhash: the
        # skipped slots would have produced blockhashes nobody saw.
        self.slot = target
        self.new_blockhash()
        self._set_clock()
        info = SlotInfo(self.slot, parent, self.slot)
        for listener in self.slot_listeners:
            listener(info)
        return True

    def new_blockhash(self) -> Hash:
        self.svm.expire_blockhash()
        self.latest_blockhash = self.svm.latest_blockhash()
        self._register_blockhash(self.latest_blockhash)
        self._expire_blockhashes()
        return self.latest_blockhash

    def _register_blockhash(self, blockhash: Hash) -> None:
        last_valid = self.block_height + MAX_BLOCKHASH_AGE
        self.blockhashes[blockhash] = last_valid
        self._blockhash_order.append((blockhash, last_valid))

    def _expire_blockhashes(self) -> None:
        order = self._blockhash_order
        while order and order[0][1] < self.block_height:
            blockhash, _ = order.popleft()
            self.blockhashes.pop(blockhash, None)
            self._status_cache.pop(blockhash, None)

    def expire(self, blockhash: Hash) -> None:
        """Make `blockhash` invalid now (test-only fault injection); a fresh latest
        blockhash replaces it if it was the latest."""
        self.blockhashes.pop(blockhash, None)
        if blockhash == self.latest_blockhash:
            self.new_blockhash()

    def last_valid_block_height(self) -> int:
        return self.blockhashes[self.latest_blockhash]

    def is_blockhash_valid(self, blockhash: Hash) -> bool:
        return blockhash in self.blockhashes

    # -- transactions ----------------------------------------------------------

    def check(self, tx: VersionedTransaction) -> None:
        """Refuse what a bank refuses before executing: an unknown or expired
        blockhash, a signature already processed."""
        blockhash = tx.message.recent_blockhash
        if blockhash not in self.blockhashes:
            raise TxRejected("BlockhashNotFound")
        seen = self._status_cache.get(blockhash)
        if seen is not None and tx.signatures[0] in seen:
            raise TxRejected("AlreadyProcessed")

    def simulate(
        self, tx: VersionedTransaction | Transaction, *, sig_verify: bool = True
    ) -> SimulatedTransactionInfo | FailedTransactionMetadata:
        if sig_verify:
            return self.svm.simulate_transaction(tx)
        self.svm.with_sigverify(False)
        try:
            return self.svm.simulate_transaction(tx)
        finally:
            self.svm.with_sigverify(True)

    def execute(self, tx: VersionedTransaction, raw: bytes) -> TxRecord:
        """Execute a checked transaction; record it if it landed (paid its fee),
        raise `TxRejected` if it did not."""
        self.check(tx)
        signature = tx.signatures[0]
        keys = list(tx.message.account_keys)
        svm = self.svm
        pre = [svm.get_balance(k) or 0 for k in keys]
        result = svm.send_transaction(tx)
        if isinstance(result, FailedTransactionMetadata):
            meta = result.meta()
            # A transaction that never reached execution (bad signature, fee payer
            # missing or unable to pay) carries no signature and costs nothing.
            if meta.signature() != signature:
                raise TxRejected(error_json(result))
            err = error_json(result)
        else:
            meta = result
            err = None
        post = [svm.get_balance(k) or 0 for k in keys]
        blockhash = tx.message.recent_blockhash
        seen = self._status_cache.get(blockhash)
        if seen is None:
            self._status_cache[blockhash] = seen = set()
        seen.add(signature)
        record = TxRecord(
            signature=signature,
            slot=self.slot,
            block_time=self.block_time(self.slot),
            raw=raw,
            tx=tx,
            keys=keys,
            err=err,
            fee=meta.fee(),
            meta=meta,
            pre_balances=pre,
            post_balances=post,
        )
        self.history.add(record)
        for listener in self.listeners:
            listener(record)
        return record

    def airdrop(self, to: Pubkey, lamports: int) -> TxRecord:
        """A transfer from the faucet, landed and recorded like any transaction."""
        faucet = self.faucet.pubkey()
        ix = transfer(TransferParams(from_pubkey=faucet, to_pubkey=to, lamports=lamports))
        for _ in range(2):
            blockhash = self.latest_blockhash
            message = Message.new_with_blockhash([ix], faucet, blockhash)
            tx = VersionedTransaction.from_legacy(Transaction([self.faucet], message, blockhash))
            try:
                return self.execute(tx, bytes(tx))
            except TxRejected as err:
                if err.err != "AlreadyProcessed":
                    raise
                # The same airdrop twice within one slot is the same transaction;
                # a fresh blockhash makes the second one a new one.
                self.new_blockhash()
        raise TxRejected("AlreadyProcessed")

    def status_window_start(self) -> int:
        """Oldest slot whose statuses a node answers without searchTransactionHistory."""
        return max(0, self.slot - 300)


def _system_account(lamports: int) -> Account:
    return Account(lamports, b"", SYSTEM_PROGRAM, False, 0)
