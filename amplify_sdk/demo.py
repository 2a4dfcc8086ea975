"""The main job: an end-to-end run of the marketplace on the embedded backend.

    python -m amplify_sdk.demo

Today it brings the protocol up (AMP mint, config, treasury) inside an
in-process SVM running the shipped program and prints what the chain holds.
"""

from __future__ import annotations

import asyncio

from ._client import AmplifyClient
from ._pda import PROGRAM_ID


async def run() -> None:
    async with await AmplifyClient.embedded() as client:
        mint = await client.create_amp_mint()
        config = await client.initialize(mint, fee_bps=500)
        receipt = client.last_receipt
        treasury = await client.get_treasury()
        print("Amplify protocol initialized on the embedded SVM")
        print(f"  program        {PROGRAM_ID}")
        print(f"  config         {config.address}")
        print(f"  admin          {config.admin}")
        print(f"  AMP mint       {config.amp_mint}")
        print(f"  fee            {config.fee_bps} bps ({config.fee_bps / 100:.2f}%)")
        print(f"  paused         {config.paused}")
        print(
            f"  quorum         {config.quorum_bps} bps, voting period {config.voting_period_secs} s"
        )
        print(
            f"  treasury       {treasury.address} (collected {treasury.total_collected} lamports)"
        )
        if receipt is not None:
            print(
                f"  initialize     {receipt.compute_units} CU, events: "
                f"{[e.name for e in receipt.events]}"
            )


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
