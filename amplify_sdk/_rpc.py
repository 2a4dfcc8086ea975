"""RPC backend: the `Backend` protocol over Solana JSON-RPC (solana-py's
`AsyncClient`), for localnet and real clusters.

Sending is exactly-once. A signed transaction may be sent any number of times
(the cluster runs one signature at most once), so every transport failure is
answered by sending the same bytes again or by asking for its status. A new
signature (fresh blockhash) is made only when the old one provably can never
land: its blockhash is no longer valid *and* a history search finds no status.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import OrderedDict
from collections.abc import Sequence
from urllib.parse import urlsplit, urlunsplit

from solana.rpc.async_api import AsyncClient
from solana.rpc.commitment import Commitment, Confirmed, Finalized
from solana.rpc.core import RPCException
from solana.rpc.models import MemcmpOpts, TxOpts
from solders.compute_budget import set_compute_unit_limit, set_compute_unit_price
from solders.hash import Hash
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.rpc.errors import SendTransactionPreflightFailureMessage
from solders.rpc.requests import IsBlockhashValid
from solders.rpc.responses import IsBlockhashValidResp
from solders.signature import Signature
from solders.transaction import Transaction, VersionedTransaction
from solders.transaction_status import (
    TransactionConfirmationStatus,
    TransactionErrorFieldless,
    TransactionStatus,
)

from ._backend import (
    AccountFilter,
    AccountSnapshot,
    DataSize,
    LogsNotice,
    SignatureInfo,
    Subscription,
    TransactionDetails,
    TxReceipt,
)
from ._exceptions import TransactionError, TransactionTooLargeError, TransportError
from ._pda import PROGRAM_ID
from ._retry import Backoff
from ._rpc_subscribe import Subscriber
from ._tx import build_transaction, decode_events, error_from_litesvm, message_instructions

#: The most compute units one transaction may request.
MAX_COMPUTE_UNITS = 1_400_000
MAX_ACCOUNTS_PER_CALL = 100
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


_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _b58(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    digits = []
    while n:
        n, r = divmod(n, 58)
        digits.append(_B58[r])
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + "".join(reversed(digits))


class RpcBackend:
    """`Backend` over JSON-RPC.

    `commitment` is what `send` waits for (and reads use); `priority_fee` is
    micro-lamports per compute unit (0: no SetComputeUnitPrice instruction).
    """

    def __init__(
        self,
        url: str,
        *,
        ws_url: str | None = None,
        commitment: Commitment = Confirmed,
        priority_fee: int = 0,
        compute_margin: int = 1_000,
        timeout: float = 10.0,
        confirm_timeout: float = 90.0,
        poll_interval: float = 0.2,
        rebroadcast_interval: float = 2.0,
        max_resigns: int = 5,
        backoff: Backoff | None = None,
        program_id: Pubkey = PROGRAM_ID,
    ) -> None:
        # solana-py's own transport retry is off: this class decides what may be
        # repeated (see `Backoff.call`).
        self.client = AsyncClient(
            url, commitment=commitment, timeout=timeout, max_transport_retries=0
        )
        self.commitment = commitment
        self.priority_fee = priority_fee
        self.compute_margin = compute_margin
        self.confirm_timeout = confirm_timeout
        self.poll_interval = poll_interval
        self.rebroadcast_interval = rebroadcast_interval
        self.max_resigns = max_resigns
        self.backoff = backoff or Backoff()
        self.program_id = program_id
        self._rent: dict[int, int] = {}
        #: Signatures this backend sent recently (see `_distinct`).
        self._sent: OrderedDict[Signature, None] = OrderedDict()
        self.subscriber = Subscriber(self, ws_url or _ws_url(url))

    # -- sending -----------------------------------------------------------------

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
            status = await self._submit(tx, blockhash, last_valid)
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

    async def _submit(
        self, tx: Transaction, blockhash: Hash, last_valid: int
    ) -> TransactionStatus | None:
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
        next_rebroadcast = time.monotonic() + self.rebroadcast_interval
        while time.monotonic() < deadline:
            status = await self._status(signature, search=False)
            if status is not None and self._reached(status):
                return status
            if status is None and not await self._blockhash_valid(blockhash, last_valid):
                # Expired: once no status is found now, none will ever be.
                status = await self._status(signature, search=True)
                if status is None:
                    return None
                continue
            if status is None and time.monotonic() >= next_rebroadcast:
                # Same bytes, same signature: at most one of the copies lands.
                next_rebroadcast = time.monotonic() + self.rebroadcast_interval
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

    async def _blockhash_valid(self, blockhash: Hash, last_valid: int) -> bool:
        provider = self.client._provider
        resp = await self.backoff.call(
            lambda: provider.make_request(IsBlockhashValid(blockhash), IsBlockhashValidResp),
            "isBlockhashValid",
        )
        return bool(resp.value)

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

    # -- reading -----------------------------------------------------------------

    def _read_commitment(self) -> Commitment:
        # getTransaction refuses "processed".
        return Finalized if str(self.commitment) == "finalized" else Confirmed

    async def get_account(self, address: Pubkey) -> AccountSnapshot | None:
        return (await self.get_multiple_accounts([address]))[0]

    async def get_multiple_accounts(
        self, addresses: Sequence[Pubkey]
    ) -> list[AccountSnapshot | None]:
        out: list[AccountSnapshot | None] = []
        for start in range(0, len(addresses), MAX_ACCOUNTS_PER_CALL):
            chunk = list(addresses[start : start + MAX_ACCOUNTS_PER_CALL])
            resp = await self.backoff.call(
                lambda chunk=chunk: self.client.get_multiple_accounts(chunk, encoding="base64"),  # type: ignore[misc]
                "getMultipleAccounts",
            )
            for address, acc in zip(chunk, resp.value, strict=True):
                if acc is None or (acc.lamports == 0 and not acc.data):
                    out.append(None)
                else:
                    out.append(
                        AccountSnapshot(
                            address, acc.lamports, acc.owner, bytes(acc.data), acc.executable
                        )
                    )
        return out

    async def get_program_accounts(
        self, program: Pubkey, filters: Sequence[AccountFilter] = ()
    ) -> list[AccountSnapshot]:
        opts: list[int | MemcmpOpts] = [
            f.size if isinstance(f, DataSize) else MemcmpOpts(offset=f.offset, bytes=_b58(f.bytes))
            for f in filters
        ]
        resp = await self.backoff.call(
            lambda: self.client.get_program_accounts(
                program, encoding="base64", filters=opts or None
            ),
            "getProgramAccounts",
        )
        return [
            AccountSnapshot(
                keyed.pubkey,
                keyed.account.lamports,
                keyed.account.owner,
                bytes(keyed.account.data),
                keyed.account.executable,
            )
            for keyed in resp.value
        ]

    async def get_balance(self, address: Pubkey) -> int:
        resp = await self.backoff.call(
            lambda: self.client.get_balance(address, self.commitment), "getBalance"
        )
        return resp.value

    async def minimum_balance(self, size: int) -> int:
        if size not in self._rent:
            resp = await self.backoff.call(
                lambda: self.client.get_minimum_balance_for_rent_exemption(size),
                "getMinimumBalanceForRentExemption",
            )
            self._rent[size] = resp.value
        return self._rent[size]

    async def get_signatures_for_address(
        self,
        address: Pubkey,
        *,
        limit: int = 1000,
        before: Signature | None = None,
        until: Signature | None = None,
    ) -> list[SignatureInfo]:
        resp = await self.backoff.call(
            lambda: self.client.get_signatures_for_address(
                address, before=before, until=until, limit=limit, commitment=self._read_commitment()
            ),
            "getSignaturesForAddress",
        )
        return [SignatureInfo(s.signature, s.slot, s.err, s.block_time) for s in resp.value]

    async def get_transaction(self, signature: Signature) -> TransactionDetails | None:
        resp = await self.backoff.call(
            lambda: self.client.get_transaction(
                signature,
                encoding="base64",
                commitment=self._read_commitment(),
                max_supported_transaction_version=0,
            ),
            "getTransaction",
        )
        found = resp.value
        if found is None:
            return None
        tx = found.transaction.transaction
        meta = found.transaction.meta
        if not isinstance(tx, VersionedTransaction) or meta is None:
            raise TransportError(f"getTransaction({signature}): unexpected answer shape")
        loaded = meta.loaded_addresses
        instructions = message_instructions(
            tx.message,  # type: ignore[arg-type]
            loaded.writable if loaded else (),
            loaded.readonly if loaded else (),
        )
        logs = list(meta.log_messages or [])
        return TransactionDetails(
            signature=signature,
            slot=found.slot,
            block_time=found.block_time,
            fee=meta.fee,
            compute_units=meta.compute_units_consumed or 0,
            err=meta.err,
            instructions=instructions,
            logs=logs,
            events=decode_events(logs),
        )

    async def airdrop(self, address: Pubkey, lamports: int) -> None:
        # Not idempotent: a faucet pays twice for two requests, so a request
        # whose outcome is unknown is not repeated.
        resp = await self.backoff.call(
            lambda: self.client.request_airdrop(address, lamports, self.commitment),
            "requestAirdrop",
            idempotent=False,
        )
        signature = resp.value
        deadline = time.monotonic() + self.confirm_timeout
        while time.monotonic() < deadline:
            status = await self._status(signature, search=True)
            if status is not None and self._reached(status):
                if status.err is not None:
                    raise TransactionError(f"airdrop {signature} failed: {status.err}")
                return
            await asyncio.sleep(self.poll_interval)
        raise TransportError(f"airdrop {signature} not confirmed within {self.confirm_timeout} s")

    # -- subscriptions -------------------------------------------------------------

    async def subscribe_logs(self, mentions: Sequence[Pubkey]) -> Subscription[LogsNotice]:
        return await self.subscriber.logs(list(mentions))

    async def subscribe_account(self, address: Pubkey) -> Subscription[AccountSnapshot | None]:
        return await self.subscriber.account(address)

    async def close(self) -> None:
        await self.subscriber.close()
        await self.client.close()


def _ws_url(url: str) -> str:
    """The PubSub URL beside an HTTP RPC URL: ws(s) scheme, and port + 1 when a
    port is given (the validator's convention)."""
    parts = urlsplit(url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    netloc = parts.netloc
    if parts.port is not None:
        netloc = f"{parts.hostname}:{parts.port + 1}"
    return urlunsplit((scheme, netloc, parts.path, parts.query, parts.fragment))
