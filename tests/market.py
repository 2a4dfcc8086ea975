"""Test helpers for marketplace scenarios: a running protocol, funded workers,
batches with items, and lamport bookkeeping. Everything goes through the SDK
and the compiled program; nothing here touches state directly (except the
clock, which tests move on purpose)."""

from __future__ import annotations

from dataclasses import dataclass

from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from amplify_sdk import (
    AmplifyClient,
    Batch,
    batch_pda,
    config_pda,
    decode_instruction,
    load_idl,
    treasury_pda,
)
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

    async def assert_escrow_invariant(self, batch: Pubkey, deposit: int = 0) -> None:
        """The batch holds exactly rent + escrow + accrued fees + uncommitted deposit."""
        b = await self.requester.get_batch(batch)
        lamports = await self.backend.get_balance(batch)
        assert lamports == await self.rent(batch) + b.escrow + b.fees_accrued + deposit

    def lamports(self, *addresses: Pubkey) -> Lamports:
        return Lamports(self, *addresses)


def batch_address(requester: Pubkey, batch_id: int) -> Pubkey:
    return batch_pda(requester, batch_id)[0]


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


class Lamports:
    """Balances of a set of accounts, to prove a refused instruction moved nothing."""

    def __init__(self, market: Market, *addresses: Pubkey) -> None:
        self.market = market
        self.addresses = addresses
        self.before: dict[Pubkey, int] = {}

    async def __aenter__(self) -> Lamports:
        self.before = await self.market.balances(*self.addresses)
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def assert_unchanged(self, fee_payer: Pubkey | None = None, signatures: int = 1) -> None:
        after = await self.market.balances(*self.addresses)
        for a in self.addresses:
            expected = self.before[a] - (SIGNATURE_FEE * signatures if a == fee_payer else 0)
            assert after[a] == expected, f"lamports of {a} moved: {self.before[a]} -> {after[a]}"
