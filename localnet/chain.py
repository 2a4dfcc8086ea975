"""The ledger: LiteSVM plus what a cluster has and LiteSVM lacks — wall-clock
slots, commitment levels, a window of recent blockhashes with their expiry by
block height, a status cache that refuses duplicates, programs that become
callable only from the slot after their deployment, and the transaction
history.

Commitment levels follow a one-validator cluster (what
`solana-test-validator` shows): a block is processed when produced,
confirmed `confirmation_lag` slots later and finalized (rooted)
`finalization_lag` slots later. Slot, block height, blockhashes, signature
statuses, transactions and notifications are answered at the commitment a
client asks for (finalized when it names none, as Agave's RPC does), so a
client that reads at the wrong level sees what it would see on a cluster.
Account state is the processed state at every level (docs/localnet.md).

LiteSVM runs with its own blockhash check off (it only knows its latest
blockhash) and its own history off (it would keep every result forever);
signature verification stays on. This class does the age check and the
duplicate check exactly as a bank does: a transaction lands only if its
blockhash is one of the last 150 blocks' and its signature is not in the
status cache of those blocks.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from solders.account import Account
from solders.clock import Clock
from solders.epoch_schedule import EpochSchedule
from solders.hash import Hash
from solders.keypair import Keypair
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

from .codec import error_json
from .features import new_svm
from .history import DEFAULT_CAPACITY, History, TxRecord
from .programs import LOADER_V3, Program, ProgramLoadError, program_data_address
from .spl import token_balances

#: Blocks a blockhash stays valid for (MAX_PROCESSING_AGE on mainnet).
MAX_BLOCKHASH_AGE = 150
SLOT_SECONDS = 0.4
#: Slots from a block to its confirmation and to its root, as a one-validator
#: `solana-test-validator` shows them (docs/localnet.md).
CONFIRMATION_LAG = 1
FINALIZATION_LAG = 32
COMMITMENTS = ("processed", "confirmed", "finalized")
#: Upgradeable-loader instructions that (re)deploy a program, and the index of
#: the program account among their accounts.
_DEPLOYING = {2: 2, 3: 1}  # DeployWithMaxDataLen, Upgrade
#: Lamports of the faucet behind requestAirdrop and of the default keypair.
FAUCET_LAMPORTS = 500_000_000 * 10**9
AUTHORITY_LAMPORTS = 1_000_000 * 10**9
LAMPORTS_PER_SIGNATURE = 5_000

Listener = Callable[[TxRecord], None]


#: Blocks getBlock can return (about 11 hours of slots); older ones are
#: "cleaned up", as on a validator without the full ledger.
BLOCKS_KEPT = 100_000


class TxRejected(Exception):
    """Refused before landing (no fee, no history): blockhash, duplicate,
    sigverify, a program not deployed yet (with the logs a bank prints)."""

    def __init__(self, err: object, logs: list[str] | None = None) -> None:
        super().__init__(str(err))
        self.err = err
        self.logs = logs or []


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
        programs: Sequence[Program] = (),
        history_capacity: int = DEFAULT_CAPACITY,
        slot_seconds: float = SLOT_SECONDS,
        confirmation_lag: int = CONFIRMATION_LAG,
        finalization_lag: int = FINALIZATION_LAG,
    ) -> None:
        # Feature set from AMPLIFY_SVM_FEATURES / AMPLIFY_PROGRAM, as the SDK's embedded SVM.
        self.svm = new_svm().with_blockhash_check(False).with_transaction_history(0)
        self.authority = authority
        self.faucet = Keypair()
        # Random, as a new cluster's: clients tell a reset chain from the one
        # they knew by it (Hash.new_unique counts from the same value in
        # every process).
        self.genesis_hash = Hash(os.urandom(32))
        self.slot_seconds = slot_seconds
        self.confirmation_lag = confirmation_lag
        self.finalization_lag = max(confirmation_lag, finalization_lag)
        #: Programs deployed or upgraded through the loader -> the slot it
        #: happened in; they are callable from the next slot.
        self.deployed_at: dict[Pubkey, int] = {}
        #: Test-only: transactions to include at a later slot (`hold`).
        self._held: list[tuple[int, VersionedTransaction, bytes]] = []
        # Slot 0 is the genesis block, rooted at once; transactions land from
        # slot 1, the node's first working slot (as on a validator), so
        # nothing is final before its block is.
        self.start_time = time.time() - slot_seconds
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
        #: (blockhash, block height it was produced at), oldest first.
        self._blockhash_order: deque[tuple[Hash, int]] = deque()
        #: Status cache: signatures landed with each live blockhash.
        self._status_cache: dict[Hash, set[Signature]] = {}
        #: slot -> its block's blockhash, for the newest `BLOCKS_KEPT` blocks
        #: (getBlock); a slot with no entry made no block.
        self.blocks: OrderedDict[int, Hash] = OrderedDict()
        self.latest_blockhash = self.svm.latest_blockhash()
        #: Blockhashes LiteSVM has made since genesis: it makes each from the
        #: previous one, so a restored chain replays this many to go on with
        #: new ones (localnet/ledger.py), never one it handed out already.
        self.blockhashes_made = 0
        self._register_blockhash(self.latest_blockhash)
        self.history = History(history_capacity)
        self.listeners: list[Listener] = []
        self.slot_listeners: list[Callable[[SlotInfo], None]] = []
        #: Every address that may hold lamports: a transaction's accounts are
        #: all in its keys (no lookup tables here), so these and the genesis
        #: accounts are the whole bank (getSupply sums them).
        self.known: set[Pubkey] = set(GENESIS_ADDRESSES)
        # LiteSVM's own airdrop account is no account of this cluster (the
        # faucet below is): emptied, so the supply is what clients can reach.
        self.svm.set_account(self.svm.airdrop_pubkey(), _system_account(0))
        self.set_account(self.faucet.pubkey(), _system_account(FAUCET_LAMPORTS))
        self.set_account(authority.pubkey(), _system_account(AUTHORITY_LAMPORTS))
        addresses = [program.address for program in programs]
        if len(set(addresses)) != len(addresses):
            raise ProgramLoadError(f"a program address is given twice: {addresses}")
        for program in programs:
            self.load_program(program)
        # The genesis block is done: slot 1 is the first working slot.
        self.slot = 1
        self.new_blockhash()
        self._set_clock()

    def set_account(self, address: Pubkey, account: Account) -> None:
        """Write an account (genesis, test controls), known to getSupply."""
        self.svm.set_account(address, account)
        self.known.add(address)

    def total_lamports(self) -> int:
        """The bank's capitalization: the lamports of every account."""
        get = self.svm.get_balance
        return sum(get(k) or 0 for k in self.known)

    # -- program ---------------------------------------------------------------

    def load_program(self, program: Program) -> None:
        """Load a genesis program through the upgradeable loader with its
        upgrade authority written in its ProgramData account, as
        `solana-test-validator` does (LiteSVM writes none)."""
        try:
            self.svm.add_program(program.address, program.elf_bytes)
        except Exception as e:  # LiteSVMError: not a loadable SBF ELF
            raise ProgramLoadError(
                f"program {program.address}: not a loadable SBF program ({e})"
            ) from e
        address = program_data_address(program.address)
        self.known.update((program.address, address))
        acc = self.svm.get_account(address)
        if acc is None:
            raise RuntimeError("LiteSVM deployed the program without a ProgramData account")
        data = bytearray(acc.data)
        # UpgradeableLoaderState::ProgramData: tag u32, slot u64 (the clock's:
        # genesis, 0), Option<Pubkey> (LiteSVM writes none).
        data[12:45] = b"\x01" + bytes(program.upgrade_authority)
        self.set_account(
            address, Account(acc.lamports, bytes(data), acc.owner, acc.executable, acc.rent_epoch)
        )

    # -- time --------------------------------------------------------------------

    @property
    def block_height(self) -> int:
        # One block per slot: this node never skips a slot.
        return self.slot

    def commitment_slot(self, commitment: str = "finalized") -> int:
        """The newest slot at `commitment` (processed, confirmed or finalized)."""
        if commitment == "processed":
            return self.slot
        lag = self.confirmation_lag if commitment == "confirmed" else self.finalization_lag
        return max(0, self.slot - lag)

    def block_height_at(self, commitment: str = "finalized") -> int:
        return self.commitment_slot(commitment)

    def confirmation_status(self, slot: int) -> str:
        """The commitment a block of `slot` has reached."""
        if slot <= self.commitment_slot("finalized"):
            return "finalized"
        if slot <= self.commitment_slot("confirmed"):
            return "confirmed"
        return "processed"

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
        # One block (and blockhash) per slot. After a stall only the newest
        # slots' blocks are made: every commitment level then has its block,
        # and older ones would have been rooted unseen.
        for slot in range(max(self.slot + 1, target - self.finalization_lag), target + 1):
            self.slot = slot
            self.new_blockhash()
        self._set_clock()
        self._include_held()
        info = SlotInfo(self.slot, parent, self.commitment_slot("finalized"))
        for listener in self.slot_listeners:
            listener(info)
        return True

    def new_blockhash(self) -> Hash:
        self.svm.expire_blockhash()
        self.blockhashes_made += 1
        self.latest_blockhash = self.svm.latest_blockhash()
        self._register_blockhash(self.latest_blockhash)
        self._expire_blockhashes()
        return self.latest_blockhash

    def _register_blockhash(self, blockhash: Hash) -> None:
        self.blocks[self.slot] = blockhash
        if len(self.blocks) > BLOCKS_KEPT:
            self.blocks.popitem(last=False)
        self.blockhashes[blockhash] = self.block_height + MAX_BLOCKHASH_AGE
        self._blockhash_order.append((blockhash, self.block_height))

    def _expire_blockhashes(self) -> None:
        order = self._blockhash_order
        while order and order[0][1] + MAX_BLOCKHASH_AGE < self.block_height:
            blockhash, _ = order.popleft()
            self.blockhashes.pop(blockhash, None)
            self._status_cache.pop(blockhash, None)

    def hold(self, tx: VersionedTransaction, raw: bytes, slots: int) -> None:
        """Test-only: include `tx` `slots` slots from now instead of at once."""
        self._held.append((self.slot + slots, tx, raw))

    def _include_held(self) -> None:
        due = [h for h in self._held if h[0] <= self.slot]
        self._held = [h for h in self._held if h[0] > self.slot]
        for _, tx, raw in due:
            # What cannot land then (expired, duplicate) is dropped, as a
            # leader drops it.
            with contextlib.suppress(TxRejected):
                self.execute(tx, raw)

    def skip(self, slots: int) -> None:
        """Test-only: the cluster moves `slots` slots ahead at once (a stall
        seen from a client), with one new block, as after a stall."""
        self.start_time -= slots * self.slot_seconds
        self.tick()

    def expire(self, blockhash: Hash) -> None:
        """Test-only: move on until `blockhash` has expired on the finalized
        chain, so no transaction using it can ever land."""
        last_valid = self.blockhashes.get(blockhash)
        if last_valid is not None:
            self.skip(last_valid + 1 + self.finalization_lag - self.block_height)

    def latest_blockhash_at(self, commitment: str = "finalized") -> tuple[Hash, int]:
        """The newest blockhash of a block at `commitment`, and the last block
        height a transaction using it can land at."""
        height = self.block_height_at(commitment)
        for blockhash, made in reversed(self._blockhash_order):
            if made <= height and blockhash in self.blockhashes:
                return blockhash, self.blockhashes[blockhash]
        # Older than the window (a node just started): its oldest blockhash.
        blockhash, _ = self._blockhash_order[0]
        return blockhash, self.blockhashes[blockhash]

    def is_blockhash_valid(self, blockhash: Hash, commitment: str = "processed") -> bool:
        """Whether the bank at `commitment` knows `blockhash` and it is young
        enough to land a transaction: unknown to a bank older than the block
        that produced it."""
        last_valid = self.blockhashes.get(blockhash)
        if last_valid is None:
            return False
        height = self.block_height_at(commitment)
        return last_valid - MAX_BLOCKHASH_AGE <= height <= last_valid

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
        self.check_visible(tx)

    def check_visible(self, tx: VersionedTransaction | Transaction) -> None:
        """Refuse a call to a program deployed in this very slot: a bank loads
        a (re)deployed program from the next slot on ("Program is not
        deployed")."""
        message = tx.message
        keys = list(message.account_keys)
        for index, ix in enumerate(message.instructions):
            program = keys[ix.program_id_index]
            if self.deployed_at.get(program) == self.slot:
                raise TxRejected(
                    {"InstructionError": [index, "UnsupportedProgramId"]},
                    [
                        f"Program {program} invoke [1]",
                        "Program is not deployed",
                        f"Program {program} failed: Unsupported program id",
                    ],
                )

    def _note_deployments(self, tx: VersionedTransaction) -> None:
        message = tx.message
        keys = list(message.account_keys)
        for ix in message.instructions:
            data = bytes(ix.data)
            if keys[ix.program_id_index] != LOADER_V3 or len(data) < 4:
                continue
            at = _DEPLOYING.get(int.from_bytes(data[:4], "little"))
            accounts = bytes(ix.accounts)
            if at is not None and at < len(accounts):
                self.deployed_at[keys[accounts[at]]] = self.slot

    def simulate(
        self, tx: VersionedTransaction | Transaction, *, sig_verify: bool = True
    ) -> SimulatedTransactionInfo | FailedTransactionMetadata:
        self.check_visible(tx)
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
        before = [svm.get_account(k) for k in keys]
        pre = [a.lamports if a is not None else 0 for a in before]
        pre_tokens = token_balances(before, self.svm.get_account)
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
            self._note_deployments(tx)
        after = [svm.get_account(k) for k in keys]
        post = [a.lamports if a is not None else 0 for a in after]
        post_tokens = token_balances(after, self.svm.get_account)
        blockhash = tx.message.recent_blockhash
        seen = self._status_cache.get(blockhash)
        if seen is None:
            self._status_cache[blockhash] = seen = set()
        seen.add(signature)
        self.known.update(keys)
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
            pre_token_balances=pre_tokens,
            post_token_balances=post_tokens,
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


#: The accounts LiteSVM creates at genesis: builtins, the programs it ships
#: (the upgradeable ones with their ProgramData) and the sysvars.
_BUILTINS = """
11111111111111111111111111111111 Vote111111111111111111111111111111111111111
BPFLoader1111111111111111111111111111111111 BPFLoader2111111111111111111111111111111111
BPFLoaderUpgradeab1e11111111111111111111111 ComputeBudget111111111111111111111111111111
Ed25519SigVerify111111111111111111111111111 KeccakSecp256k11111111111111111111111111111
Secp256r1SigVerify1111111111111111111111111 ZkE1Gama1Proof11111111111111111111111111111
ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo
MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr SysvarC1ock11111111111111111111111111111111
SysvarRent111111111111111111111111111111111 SysvarEpochSchedu1e111111111111111111111111
SysvarFees111111111111111111111111111111111 SysvarRecentB1ockHashes11111111111111111111
SysvarS1otHashes111111111111111111111111111 SysvarStakeHistory1111111111111111111111111
SysvarS1otHistory11111111111111111111111111 SysvarEpochRewards1111111111111111111111111
SysvarLastRestartS1ot1111111111111111111111
"""
_UPGRADEABLE_BUILTINS = """
Stake11111111111111111111111111111111111111 AddressLookupTab1e1111111111111111111111111
TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb
"""
GENESIS_ADDRESSES = [Pubkey.from_string(a) for a in _BUILTINS.split()] + [
    key
    for a in _UPGRADEABLE_BUILTINS.split()
    for key in (Pubkey.from_string(a), program_data_address(Pubkey.from_string(a)))
]


def _system_account(lamports: int) -> Account:
    return Account(lamports, b"", SYSTEM_PROGRAM, False, 0)
