"""Test helpers for marketplace scenarios: a running protocol, funded workers,
batches with items, and lamport bookkeeping. Everything goes through the SDK
and the compiled program; nothing here touches state directly (except the
clock, which tests move on purpose)."""

from __future__ import annotations

from dataclasses import dataclass

from solders.keypair import Keypair
from solders.pubkey import Pubkey

from amplify_sdk import AmplifyClient, Batch, batch_pda, config_pda, treasury_pda
from amplify_sdk._client import content_hash
from amplify_sdk._embedded import EmbeddedBackend
from amplify_sdk._pda import page_pda

SOL = 10**9
#: The network fee per signature (LiteSVM charges the same as mainnet).
SIGNATURE_FEE = 5_000


def item_hashes(n: int, salt: bytes = b"") -> list[bytes]:
    return [content_hash(salt + i.to_bytes(4, "little")) for i in range(n)]


@dataclass
class Market:
    requester: AmplifyClient
    backend: EmbeddedBackend

    async def worker(self, lamports: int = 10 * SOL, register: bool = True) -> AmplifyClient:
        wallet = Keypair()
        await self.backend.airdrop(wallet.pubkey(), lamports)
        w = self.requester.with_wallet(wallet)
        if register:
            await w.register_worker(bytes(wallet.pubkey()))  # any 32 bytes serve as a key here
        return w

    async def batch(self, n_items: int = 10, salt: bytes = b"", **kwargs: object) -> Batch:
        kwargs.setdefault("price", 100_000)
        b = await self.requester.create_batch(**kwargs)  # type: ignore[arg-type]
        if n_items:
            await self.requester.add_tasks(b.address, item_hashes(n_items, salt))
        return await self.requester.get_batch(b.address)

    async def balances(self, *addresses: Pubkey) -> dict[Pubkey, int]:
        return {a: await self.backend.get_balance(a) for a in addresses}

    async def batch_accounts(self, b: Batch) -> list[Pubkey]:
        pages = [page_pda(b.address, i)[0] for i in range(max(b.page_count, 1))]
        return [b.address, *pages, treasury_pda()[0], config_pda()[0], b.requester]

    async def rent(self, address: Pubkey) -> int:
        acc = await self.backend.get_account(address)
        assert acc is not None
        return await self.backend.minimum_balance(len(acc.data))

    async def assert_escrow_invariant(self, batch: Pubkey) -> None:
        """lamports == rent + escrow + fees_accrued (+ uncommitted deposit ≥ 0), and
        escrow == price × slots still payable."""
        b = await self.requester.get_batch(batch)
        lamports = await self.backend.get_balance(batch)
        assert lamports >= await self.rent(batch) + b.escrow + b.fees_accrued
        payable = b.slots - b.completed_count - b.cancelled_slots
        assert b.escrow == b.price * payable


def batch_address(requester: Pubkey, batch_id: int) -> Pubkey:
    return batch_pda(requester, batch_id)[0]
