"""Test helpers for marketplace scenarios: a running protocol, funded workers,
batches with items, and lamport bookkeeping. Everything goes through the SDK
and the compiled program; nothing here touches state directly (except the
clock, which tests move on purpose)."""

from __future__ import annotations

from dataclasses import dataclass

from solders.account import Account
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from amplify_sdk import AdminClient, Amplify, Batch, RequesterClient, WorkerClient
from amplify_sdk.chain._embedded import EmbeddedBackend
from amplify_sdk.chain._scan import field_offset
from amplify_sdk.clients import content_hash
from amplify_sdk.protocol import decode_instruction, load_idl, table_address, worker_profile_pda
from rpc_backend import NodeBackend

SOL = 10**9
#: The network fee per signature (LiteSVM charges what mainnet charges).
SIGNATURE_FEE = 5_000


def worker_tier(ratings: int, weight: int, mean: int) -> str:
    """The market view's tier of a worker from its ratings, fee weight and mean
    stars as rated (milli-stars, `score_sum // weight` of its profile), as
    docs/reputation.md ("Market tiers") gives it: unrated; little evidence
    under 10,000 lamports of fee weight; else by the mean: under 2 stars, 2
    to 3, 3 to 4, 4 and up."""
    if ratings == 0:
        return "unrated"
    if weight < 10_000:
        return "little evidence"
    if mean < 2_000:
        return "mean <2★"
    return "mean 2–3★" if mean < 3_000 else "mean 3–4★" if mean < 4_000 else "mean ≥4★"


def item_hashes(n: int, salt: bytes = b"") -> list[bytes]:
    return [content_hash(salt + i.to_bytes(4, "little")) for i in range(n)]


@dataclass
class Market:
    amp: Amplify
    backend: EmbeddedBackend | NodeBackend
    admin: AdminClient
    requester: RequesterClient

    async def worker(self, lamports: int = 10 * SOL, register: bool = True) -> WorkerClient:
        wallet = Keypair()
        await self.backend.airdrop(wallet.pubkey(), lamports)
        w = self.amp.worker(wallet)
        if register:
            await w.register()
        return w

    async def other_requester(self, lamports: int = 100 * SOL) -> RequesterClient:
        wallet = Keypair()
        await self.backend.airdrop(wallet.pubkey(), lamports)
        return self.amp.requester(wallet)

    async def batch(
        self,
        n_items: int = 10,
        salt: bytes = b"",
        requester: RequesterClient | None = None,
        **kwargs: object,
    ) -> Batch:
        req = requester or self.requester
        kwargs.setdefault("price", 100_000)
        b = await req.create_batch(**kwargs)  # type: ignore[arg-type]
        if n_items:
            await req.add_tasks(b.address, item_hashes(n_items, salt))
        return await req.get_batch(b.address)

    async def done_work(self, n: int = 4, **kwargs: object) -> tuple[Batch, WorkerClient]:
        """A batch of `n` items, each reserved and submitted by one new worker."""
        b = await self.batch(n_items=n, **kwargs)
        w = await self.worker()
        await w.accept_tasks(b.address, range(n))
        await w.submit_results(b.address, [(i, b"\x01") for i in range(n)])
        return b, w

    @property
    def refused_fee(self) -> int:
        """What one signature of a refused transaction costs its payer: the
        embedded chain executes and charges it, as a leader would; over RPC the
        SDK simulates first and never sends what would fail."""
        return SIGNATURE_FEE if isinstance(self.backend, EmbeddedBackend) else 0

    @property
    def clock_slack(self) -> int:
        """Seconds a deadline test leaves on each side of the boundary: none on
        the embedded chain, whose clock moves only when warped; a few on a live
        node, whose clock also follows the wall clock between two steps."""
        return 0 if isinstance(self.backend, EmbeddedBackend) else 5

    def table(self, b: Batch, index: int = 0) -> Pubkey:
        return table_address(b.requester, b.batch_number, index)

    async def balances(self, *addresses: Pubkey) -> dict[Pubkey, int]:
        return {a: await self.backend.get_balance(a) for a in addresses}

    async def rent(self, address: Pubkey) -> int:
        acc = await self.backend.get_account(address)
        assert acc is not None
        return await self.backend.minimum_balance(len(acc.data))

    async def data(self, address: Pubkey) -> bytes:
        acc = await self.backend.get_account(address)
        return b"" if acc is None else acc.data

    async def assert_escrow_invariant(self, batch: Pubkey, deposit: int = 0) -> None:
        """The batch holds exactly rent + escrow + accrued fees + bonds + deposit,
        each derived from the counters and the batch's parameters."""
        b = await self.requester.get_batch(batch)
        # The fee per item from the spec (its price at the batch's rate, rounded
        # up), not the program's own field: a wrong fee would balance too.
        fee_per_item = -(-b.price * b.fee_bps // 10_000)
        assert b.fee_per_item == fee_per_item, (b.fee_per_item, fee_per_item)
        open_or_reserved = b.item_count * b.redundancy - b.completed_count - b.cancelled_slots
        fees = fee_per_item * b.completed_count - b.fees_swept
        expected = (
            await self.rent(batch)
            + b.price * open_or_reserved
            + fees
            + b.bond * b.reserved_count
            + deposit
        )
        assert await self.backend.get_balance(batch) == expected

    async def set_encryption_key(self, worker: Pubkey, key: bytes) -> None:
        """Overwrite a worker profile's X25519 key, as a profile registered
        before `register_worker` refused low-order keys would hold it (the one
        way left to get such a profile)."""
        profile = worker_profile_pda(worker)[0]
        acc = await self.backend.get_account(profile)
        assert acc is not None, f"{worker} is not registered"
        at = field_offset("WorkerProfile", "encryption_key")
        data = acc.data[:at] + key + acc.data[at + len(key) :]
        self.backend.set_account(profile, Account(acc.lamports, data, acc.owner, False, 0))

    def lamports(self, *addresses: Pubkey) -> Lamports:
        return Lamports(self, *addresses)


def swap(
    ix: Instruction,
    account: str,
    key: Pubkey | None = None,
    *,
    signer: bool | None = None,
    writable: bool | None = None,
) -> Instruction:
    """A copy of `ix` with the account named `account` (IDL name) replaced or its
    flags changed: the tool of the adversarial tests."""
    names = [
        a.name for a in load_idl().instructions[decode_instruction(bytes(ix.data))[0]].accounts
    ]
    metas = list(ix.accounts)
    i = names.index(account)
    old = metas[i]
    metas[i] = AccountMeta(
        key if key is not None else old.pubkey,
        old.is_signer if signer is None else signer,
        old.is_writable if writable is None else writable,
    )
    return Instruction(ix.program_id, bytes(ix.data), metas)


def with_data(ix: Instruction, data: bytes) -> Instruction:
    return Instruction(ix.program_id, data, list(ix.accounts))


def without_accounts(ix: Instruction, keep: int) -> Instruction:
    return Instruction(ix.program_id, bytes(ix.data), list(ix.accounts)[:keep])


class Lamports:
    """Balances (and data) of a set of accounts, to prove a refused instruction
    changed nothing."""

    def __init__(self, market: Market, *addresses: Pubkey) -> None:
        self.market = market
        self.addresses = addresses
        self.before: dict[Pubkey, int] = {}
        self.data: dict[Pubkey, bytes] = {}

    async def __aenter__(self) -> Lamports:
        self.before = await self.market.balances(*self.addresses)
        self.data = {a: await self.market.data(a) for a in self.addresses}
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def assert_unchanged(self, fee_payer: Pubkey | None = None, signatures: int = 1) -> None:
        after = await self.market.balances(*self.addresses)
        for a in self.addresses:
            fee = self.market.refused_fee * signatures if a == fee_payer else 0
            expected = self.before[a] - fee
            assert after[a] == expected, f"lamports of {a} moved: {self.before[a]} -> {after[a]}"
            assert await self.market.data(a) == self.data[a], f"data of {a} changed"
