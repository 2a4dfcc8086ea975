"""The main job: an end-to-end marketplace run on the embedded backend.

    python -m amplify_sdk.demo

Inside an in-process SVM running the shipped program: the protocol comes up,
a requester posts 3,000 labelling tasks (redundancy 3) in two transactions,
six workers accept and deliver in bulk and are paid the moment they deliver,
the requester rates some of the work, the batch closes at once when done, fees
reach the treasury, and every lamport is accounted for.
"""

from __future__ import annotations

import asyncio
import time

from solders.keypair import Keypair

from ._client import content_hash
from ._pda import PROGRAM_ID, treasury_pda
from ._session import Amplify

N_ITEMS = 3_000
REDUNDANCY = 3
PRICE = 10_000  # lamports per item per worker (about a cent at the time of writing)
WORKERS = 6
LABELS = ["ok", "spam", "abuse", "off-topic"]
SOL = 10**9


def sol(lamports: int) -> str:
    return f"{lamports / SOL:.6f} SOL"


async def run() -> None:
    t0 = time.perf_counter()
    async with await Amplify.embedded() as amp:
        admin = amp.admin()
        config = await admin.initialize(await admin.create_amp_mint(), fee_bps=500)
        print(f"Amplify program {PROGRAM_ID} on the embedded SVM")
        print(f"  protocol fee {config.fee_bps} bps, AMP mint {config.amp_mint}")

        req = amp.requester()
        start = await req.balance()
        batch = await req.create_batch(
            price=PRICE, redundancy=REDUNDANCY, max_active=N_ITEMS, base_uri="ipfs://demo/"
        )
        items = [content_hash(f"post #{i}".encode()) for i in range(N_ITEMS)]
        await req.add_tasks(batch.address, items)
        batch = await req.get_batch(batch.address)
        print(
            f"\nRequester posted {batch.item_count:,} items x {REDUNDANCY} workers at "
            f"{PRICE:,} lamports in {len(req.receipts)} transactions; escrow {sol(batch.escrow)}"
        )

        workers = []
        for _ in range(WORKERS):
            wallet = Keypair()
            await amp.backend.airdrop(wallet.pubkey(), SOL)
            w = amp.worker(wallet)
            await w.register()
            workers.append(w)
        # Each item needs three distinct workers: workers k and k+3 split items
        # by parity, so every item is taken by three of the six.
        for k, w in enumerate(workers):
            mine = [i for i in range(N_ITEMS) if i % 2 == k // 3]
            accepted = [o.item for o in await w.accept_tasks(batch.address, mine) if o.ok]
            answers = [(i, bytes([(i * 7 + k) % len(LABELS)])) for i in accepted]
            paid = sum(o.ok for o in await w.submit_results(batch.address, answers))
            print(f"  worker {k}: accepted {len(accepted):,}, paid for {paid:,}")

        # Workers 0-2 took the even items, 3-5 the odd ones: rate some of each.
        ratings = [
            (i, w.address, 4 + k % 2) for k, w in enumerate(workers) for i in range(k // 3, 40, 2)
        ]
        rated = sum(o.ok for o in await req.rate_assignments(batch.address, ratings))
        batch = await req.get_batch(batch.address)
        print(f"\nCompleted {batch.completed_count:,} assignments; rated {rated}")
        await req.close_batch(batch.address)
        print("Batch done: closed at once with its task table, rent returned")

        treasury = await req.get_treasury()
        spent = start - await req.balance()
        work = PRICE * N_ITEMS * REDUNDANCY
        print(f"\nRequester spent {sol(spent)}: {sol(work)} of work + {sol(spent - work)} in fees")
        for k, w in enumerate(workers):
            fees = sum(r.fee for r in w.receipts)
            paid = sum(
                e.fields["paid"]
                for r in w.receipts
                for e in r.events
                if e.name == "ResultsSubmitted"
            )
            print(
                f"  worker {k} was paid {sol(paid)}; network fees {fees:,} lamports; "
                "no rent locked beyond its profile"
            )
        print(f"Treasury collected {sol(treasury.total_collected)}")
        balance = await amp.backend.get_balance(treasury_pda()[0])
        print(f"  treasury account holds {sol(balance)} (its rent included)")
    print(f"\nDone in {time.perf_counter() - t0:.1f} s")


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
