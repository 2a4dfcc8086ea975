"""Sending for the RPC backend: simulate, budget, sign, send, confirm, and
re-sign only when the previous signature provably can never land.

A signed transaction may be sent any number of times (the cluster runs one
signature at most once), so every transport failure is answered by sending
the same bytes again or by asking for its status. A new signature (fresh
blockhash) is made only when the old one provably can never land: the
*finalized* block height has passed the blockhash's `lastValidBlockHeight`
*and* a history search then finds no status.

Why finalized: a transaction can be included in any block up to its last
valid height, on any fork. Once the finalized chain is past that height,
every block that could hold it is either rooted (and the history search
sees it) or on a dead fork. An earlier version asked `isBlockhashValid`
without a commitment; a real node answers that at `finalized`, where a
blockhash fetched at `confirmed` is not known yet, so every send was
declared expired and re-signed while the first copies landed (issue 22).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import OrderedDict
from collections.abc import Sequence

from solana.rpc.async_api import AsyncClient
from solana.rpc.commitment import Commitment, Finalized
from solana.rpc.core import RPCException
from solana.rpc.models import TxOpts
from solders.compute_budget import set_compute_unit_limit, set_compute_unit_price
from solders.hash import Hash
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.rpc.errors import SendTransactionPreflightFailureMessage
from solders.signature import Signature
from solders.transaction import Transaction, VersionedTransaction
from solders.transaction_status import (
    TransactionConfirmationStatus,
    TransactionErrorFieldless,
    TransactionStatus,
)

from ..protocol._exceptions import TransactionError, TransactionTooLargeError, TransportError
from ._backend import TransactionDetails, TxReceipt
from ._retry import Backoff
from ._tx import build_transaction, error_from_litesvm

#: The most compute units one transaction may request.
MAX_COMPUTE_UNITS = 1_400_000
#: Signatures remembered to keep repeated sends distinct: more than a
#: blockhash's lifetime of sends at any realistic rate.
SENT_MEMORY = 100_000
COMPUTE_BUDGET_ID = Pubkey.from_string("ComputeBudget111111111111111111111111111111")
_RANK = {"processed": 0, "confirmed": 1, "finalized": 2}
_STATUS_RANK = [
    (TransactionConfirmationStatus.Processed, 0),
    (TransactionConfirmationStatus.Confirmed, 1),
    (TransactionConfirmationStatus.Finalized, 2),
]


class Sending:
    """The send path of `RpcBackend` (a base class: it needs the backend's
    client, settings and `get_transaction`)."""

    client: AsyncClient
    commitment: Commitment
    priority_fee: int
    compute_margin: int
    confirm_timeout: float
    poll_interval: float
    rebroadcast_interval: float
    max_resigns: int
    backoff: Backoff
    _sent: OrderedDict[Signature, None]

    async def get_transaction(self, signature: Signature) -> TransactionDetails | None:
        raise NotImplementedError

    async def send(
        self, instructions: Sequence[Instruction], signers: Sequence[Keypair], payer: Keypair
    ) -> TxReceipt:
        instructions = list(instructions)
        # Signer and size checks before any network traffic.
        build_transaction(instructions, signers, payer, Hash.default())
        blockhash, last_valid = await self._latest_blockhash()
        final = await self._with_compute_budget(instructions, signers, payer, blockhash)
        for _ in range(self.max_resigns):
            tx, blockhash, last_valid = await self._distinct(
                final, signers, payer, blockhash, last_valid
            )
            status = await self._submit(tx, last_valid)
            if status is not None:
                return await self._receipt(tx.signatures[0], status)
            # Provably never landed and never will: a new signature is safe.
            blockhash, last_valid = await self._latest_blockhash()
        raise TransactionError(f"transaction did not land after {self.max_resigns} blockhashes")

    async def _distinct(
        self,
        final: list[Instruction],
        signers: Sequence[Keypair],
        payer: Keypair,
        blockhash: Hash,
        last_valid: int,
    ) -> tuple[Transaction, Hash, int]:
        """Sign, making sure the signature is not one this backend already sent.

        The same instructions sent twice under one blockhash are the same
        transaction, which a cluster runs once: the second `send` would report
        the first one's result. Each `send` is its own operation, so a repeat is
        made distinct by one more compute unit requested, or, without a budget
        instruction, by waiting for the next blockhash.
        """
        ixs = final
        for bump in range(1, 64):
            tx = build_transaction(ixs, signers, payer, blockhash)
            if tx.signatures[0] not in self._sent:
                self._sent[tx.signatures[0]] = None
                if len(self._sent) > SENT_MEMORY:
                    self._sent.popitem(last=False)
                return tx, blockhash, last_valid
            if final and final[0].program_id == COMPUTE_BUDGET_ID:
                limit = int.from_bytes(bytes(final[0].data)[1:5], "little") + bump
                ixs = [set_compute_unit_limit(limit), *final[1:]]
            else:
                await asyncio.sleep(self.poll_interval)
                blockhash, last_valid = await self._latest_blockhash()
        raise TransactionError("could not make the transaction distinct from earlier ones")

    async def _with_compute_budget(
        self,
        instructions: list[Instruction],
        signers: Sequence[Keypair],
        payer: Keypair,
        blockhash: Hash,
    ) -> list[Instruction]:
        """Simulate, then ask for the units used plus 10% and a margin instead of
        the default 200k per instruction (cheaper with a priority fee, and a
        simulation failure is reported without paying a fee)."""
        price = [set_compute_unit_price(self.priority_fee)] if self.priority_fee else []
        probe = [set_compute_unit_limit(MAX_COMPUTE_UNITS), *price, *instructions]
        try:
            tx = build_transaction(probe, signers, payer, blockhash)
        except TransactionTooLargeError:
            # The instructions fill the packet: send them without a budget
            # (the runtime's default limit applies).
            probe = instructions
            tx = build_transaction(probe, signers, payer, blockhash)
        resp = await self.backoff.call(
            lambda: self.client.simulate_transaction(
                VersionedTransaction.from_legacy(tx),
                sig_verify=False,
                replace_recent_blockhash=True,
                commitment=self.commitment,
            ),
            "simulateTransaction",
        )
        sim = resp.value
        if sim.err is not None:
            raise error_from_litesvm(sim.err, list(sim.logs or []))
        if probe is instructions:
            return instructions
        units = sim.units_consumed or 0
        limit = min(MAX_COMPUTE_UNITS, math.ceil(units * 1.1) + self.compute_margin)
        return [set_compute_unit_limit(limit), *price, *instructions]

    async def _latest_blockhash(self) -> tuple[Hash, int]:
        resp = await self.backoff.call(
            lambda: self.client.get_latest_blockhash(self.commitment), "getLatestBlockhash"
        )
        return resp.value.blockhash, resp.value.last_valid_block_height

    async def _send_raw(self, raw: bytes) -> None:
        # The simulation above was the preflight; a second one on the node would
        # only repeat it. A failure between the two still lands with its error
        # and is reported from the transaction's status.
        opts = TxOpts(skip_preflight=True, skip_confirmation=True, max_retries=0)
        await self.backoff.call(
            lambda: self.client.send_raw_transaction(raw, opts), "sendTransaction"
        )

    async def _submit(self, tx: Transaction, last_valid: int) -> TransactionStatus | None:
        """Send and confirm; the landed status, or None once the transaction
        provably can never land."""
        signature = tx.signatures[0]
        raw = bytes(tx)
        try:
            await self._send_raw(raw)
        except TransportError:
            # Outcome unknown: the status tells whether it landed.
            pass
        except RPCException as exc:
            self._raise_unless_retryable(exc)
        deadline = time.monotonic() + self.confirm_timeout
        next_check = time.monotonic() + self.rebroadcast_interval
        while time.monotonic() < deadline:
            status = await self._status(signature, search=False)
            if status is not None:
                if self._reached(status):
                    return status
            elif time.monotonic() >= next_check:
                next_check = time.monotonic() + self.rebroadcast_interval
                if await self._expired(last_valid):
                    # Past its last valid height on the finalized chain: a
                    # status not found now will never exist.
                    status = await self._status(signature, search=True)
                    if status is None:
                        return None
                    continue
                # Same bytes, same signature: at most one of the copies lands.
                with contextlib.suppress(TransportError, RPCException):
                    await self._send_raw(raw)
            await asyncio.sleep(self.poll_interval)
        raise TransportError(
            f"transaction {signature} not confirmed within {self.confirm_timeout} s; "
            "it may still land: check its status before sending it again"
        )

    @staticmethod
    def _raise_unless_retryable(exc: RPCException) -> None:
        """A preflight error is final, except "already processed" (an earlier copy
        landed) and "blockhash not found" (handled as expiry)."""
        err = exc.args[0] if exc.args else None
        if isinstance(err, SendTransactionPreflightFailureMessage):
            e = err.data.err
            if e in (
                TransactionErrorFieldless.AlreadyProcessed,
                TransactionErrorFieldless.BlockhashNotFound,
            ):
                return
            if e is not None:
                raise error_from_litesvm(e, list(err.data.logs or [])) from exc
        raise TransactionError(f"sendTransaction refused: {err}") from exc

    def _reached(self, status: TransactionStatus) -> bool:
        if status.confirmation_status is None:
            return True  # old nodes: null status only for rooted transactions
        # solders' status enum is not hashable, hence the list.
        rank = next(r for s, r in _STATUS_RANK if s == status.confirmation_status)
        return rank >= _RANK[str(self.commitment)]

    async def _status(self, signature: Signature, *, search: bool) -> TransactionStatus | None:
        resp = await self.backoff.call(
            lambda: self.client.get_signature_statuses(
                [signature], search_transaction_history=search
            ),
            "getSignatureStatuses",
        )
        return resp.value[0]

    async def _expired(self, last_valid: int) -> bool:
        """True once no block that could hold a transaction valid until block
        height `last_valid` can still become final."""
        resp = await self.backoff.call(
            lambda: self.client.get_block_height(Finalized), "getBlockHeight"
        )
        return resp.value > last_valid

    async def _receipt(self, signature: Signature, status: TransactionStatus) -> TxReceipt:
        details = await self._landed(signature)
        if status.err is not None:
            raise error_from_litesvm(status.err, details.logs if details else [])
        if details is None:
            raise TransportError(f"transaction {signature} landed but the node has no record of it")
        return TxReceipt(
            signature=signature,
            compute_units=details.compute_units,
            fee=details.fee,
            logs=details.logs,
            events=details.events,
        )

    async def _landed(self, signature: Signature) -> TransactionDetails | None:
        # A confirmed transaction can take a moment to show in a node's history.
        for _ in range(20):
            details = await self.get_transaction(signature)
            if details is not None:
                return details
            await asyncio.sleep(self.poll_interval)
        return None
