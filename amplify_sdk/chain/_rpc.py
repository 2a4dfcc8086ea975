"""RPC backend: the `Backend` protocol over Solana JSON-RPC (solana-py's
`AsyncClient`), for localnet and real clusters. Sending, exactly once, is in
`_rpc_send`; subscriptions in `_rpc_subscribe`.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Sequence
from urllib.parse import urlsplit, urlunsplit

from solana.rpc.async_api import AsyncClient
from solana.rpc.commitment import Commitment, Confirmed, Finalized
from solana.rpc.models import MemcmpOpts
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.transaction import VersionedTransaction

from ..protocol._exceptions import TransactionError, TransportError
from ..protocol._pda import PROGRAM_ID
from ._backend import (
    AccountFilter,
    AccountSnapshot,
    DataSize,
    LogsNotice,
    SignatureInfo,
    Subscription,
    TransactionDetails,
)
from ._retry import Backoff
from ._rpc_send import Sending
from ._rpc_subscribe import Subscriber
from ._tx import decode_events, message_instructions

MAX_ACCOUNTS_PER_CALL = 100

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _b58(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    digits = []
    while n:
        n, r = divmod(n, 58)
        digits.append(_B58[r])
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + "".join(reversed(digits))


class RpcBackend(Sending):
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
        confirm_timeout: float = 150.0,
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

    async def genesis_hash(self) -> str:
        """The cluster's genesis hash: which cluster this is, whatever its URL."""
        resp = await self.backoff.call(lambda: self.client.get_genesis_hash(), "getGenesisHash")
        return str(resp.value)

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
            events=decode_events(logs, self.program_id),
        )

    async def wait_slot_after(self, signature: Signature) -> None:
        details = await self.get_transaction(signature)
        if details is None:
            raise TransportError(f"transaction {signature} is not known to the node")
        deadline = time.monotonic() + self.confirm_timeout
        while time.monotonic() < deadline:
            resp = await self.backoff.call(lambda: self.client.get_slot(self.commitment), "getSlot")
            if resp.value > details.slot:
                return
            await asyncio.sleep(self.poll_interval)
        raise TransportError(f"the cluster did not pass slot {details.slot} in time")

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
