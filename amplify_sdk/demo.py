"""The main job: an end-to-end marketplace run on the embedded backend.

    python -m amplify_sdk.demo

Inside an in-process SVM running the shipped program: the protocol comes up,
a requester posts a batch of 60 labelling tasks (redundancy 3), three workers
accept them in bulk and are paid the moment they deliver, the requester rates
the work, fees reach the treasury, everything closes and every lamport is
accounted for.
"""

from __future__ import annotations

import asyncio

from solders.keypair import Keypair

from ._client import AmplifyClient, content_hash
from ._embedded import EmbeddedBackend
from ._pda import PROGRAM_ID

N_ITEMS = 60
REDUNDANCY = 3
PRICE = 50_000  # lamports per item per worker (about $0.01)
SOL = 10**9


def sol(lamports: int) -> str:
    return f"{lamports / SOL:.6f} SOL"


async def run() -> None:
    async with await AmplifyClient.embedded() as requester:
        backend = requester.backend
        mint = await requester.create_amp_mint()
        config = await requester.initialize(mint, fee_bps=500)
        print(f"Amplify program {PROGRAM_ID} on the embedded SVM")
        print(f"  protocol fee {config.fee_bps} bps, AMP mint {config.amp_mint}")

        workers = []
        for _ in range(3):
            wallet = Keypair()
            await backend.airdrop(wallet.pubkey(), SOL)
            w = requester.with_wallet(wallet)
            await w.register_worker(bytes(32))
            workers.append(w)
        start = {w.address: await backend.get_balance(w.address) for w in workers}
        requester_start = await backend.get_balance(requester.address)
        requester.receipts.clear()

        items = [content_hash(f"image-{i}.png".encode()) for i in range(N_ITEMS)]
        batch = await requester.create_batch(
            price=PRICE, redundancy=REDUNDANCY, base_uri="ipfs://", expires_in=3600
        )
        await requester.add_tasks(batch.address, items)
        batch = await requester.get_batch(batch.address)
        print(f"\nBatch {batch.address}: {batch.item_count} items x {batch.redundancy} workers")
        print(f"  escrow {sol(batch.escrow)} in {batch.page_count} item page(s)")

        for k, w in enumerate(workers):
            w.receipts.clear()
            taken = await w.accept_tasks(batch.address, range(N_ITEMS))
            labels = [(i, content_hash(f"label-{k}-{i}".encode())) for i in taken]
            await w.submit_results(batch.address, labels)
            fees = sum(r.fee for r in w.receipts)
            print(
                f"  worker {k + 1}: {len(taken)} items in {len(w.receipts)} transactions, "
                f"network fee {fees / len(taken):.0f} lamports per item"
            )

        await requester.rate_many(
            batch.address, [(i, w.address, 4 + (i % 2)) for w in workers for i in range(N_ITEMS)]
        )
        batch = await requester.get_batch(batch.address)
        print(f"\nPaid to workers {sol(batch.paid_total)}, fees accrued {sol(batch.fees_accrued)}")
        for k, w in enumerate(workers):
            p = await w.get_worker_profile(w.address)
            print(f"  worker {k + 1}: rating {p.rating / 1000:.2f} stars, {p.rating_count} ratings")

        # The batch runs out; records close and rent goes back to whoever paid it.
        assert isinstance(backend, EmbeddedBackend)
        backend.warp(3600)
        for w in workers:
            await w.close_ledger(batch.address, w.address)
        await requester.close_batch(batch.address)
        treasury = await requester.get_treasury()

        spent = requester_start - await backend.get_balance(requester.address)
        network = sum(r.fee for r in requester.receipts)
        work = PRICE * N_ITEMS * REDUNDANCY
        earned = [await backend.get_balance(w.address) - start[w.address] for w in workers]
        print("\nBatch closed; every record's rent is back with whoever paid it. Money:")
        print(
            f"  requester spent      {sol(spent)} = work {sol(work)} + network fees {sol(network)}"
        )
        print(f"  workers received     {', '.join(sol(e) for e in earned)} (net of their fees)")
        print(f"  treasury collected   {sol(treasury.total_collected)}")
        total_fee = batch.fee_per_item * N_ITEMS * REDUNDANCY
        assert treasury.total_collected == total_fee
        assert batch.paid_total + total_fee == work
        assert spent == work + network


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
