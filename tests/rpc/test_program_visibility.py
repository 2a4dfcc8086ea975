"""A program deployed through the loader is callable from the next slot only,
as on a cluster (the bank loads it from the slot after its deployment):
the node refuses a call in the deployment's own slot, and `deploy` returns
only once the cluster (at the client's commitment) is past that slot, so a
caller's next call works."""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path

import pytest
from solders.keypair import Keypair

from amplify_sdk import PROGRAM_ID, AdminClient, TransactionError
from amplify_sdk.chain._retry import Backoff
from amplify_sdk.chain._rpc import RpcBackend
from amplify_sdk.clients._deploy import deploy
from amplify_sdk.protocol import program_bytes
from localnet import LocalNode

ROOT = Path(__file__).resolve().parents[2]
PROGRAM_KEYPAIR = ROOT / "programs/amplify/program-keypair.json"


async def test_program_is_callable_from_the_slot_after_its_deployment() -> None:
    # Slots advance only by the test's ticker, which stops in the slot of the
    # deployment until released.
    async with LocalNode(rpc_port=0, slot_seconds=10_000) as node:
        chain = node.chain
        release = asyncio.Event()

        async def ticker() -> None:
            while True:
                await asyncio.sleep(0.05)
                if PROGRAM_ID not in chain.deployed_at or release.is_set():
                    chain.skip(1)

        slots = asyncio.create_task(ticker())
        backend = RpcBackend(node.url, poll_interval=0.02, backoff=Backoff(base=0.01))
        admin = AdminClient(backend, node.authority)
        try:
            mint = await admin.create_amp_mint()
            program = Keypair.from_bytes(bytes(json.loads(PROGRAM_KEYPAIR.read_text())))
            buffer_file = Path(tempfile.mkdtemp()) / "buffer.json"
            returned_at: list[int] = []
            deploying = asyncio.create_task(
                deploy(
                    admin,
                    program_bytes(),
                    PROGRAM_ID,
                    program_keypair=program,
                    buffer_file=buffer_file,
                )
            )
            deploying.add_done_callback(
                lambda _: returned_at.append(chain.commitment_slot("confirmed"))
            )
            while PROGRAM_ID not in chain.deployed_at:
                assert not deploying.done(), deploying
                await asyncio.sleep(0.01)
            slot = chain.deployed_at[PROGRAM_ID]
            await asyncio.sleep(0.2)
            assert chain.slot == slot
            # Same slot: refused with the bank's own words, and `deploy` waits.
            with pytest.raises(TransactionError) as refused:
                await admin.initialize(mint)
            assert "UnsupportedProgramId" in str(refused.value)
            assert "Program is not deployed" in refused.value.logs
            assert not deploying.done()
            release.set()
            result = await asyncio.wait_for(deploying, 30)
            assert result.program_id == PROGRAM_ID
            # It returned once a client at `confirmed` simulates past that slot.
            assert returned_at[0] > slot
            config = await admin.initialize(mint)
            assert config.fee_bps == 500
        finally:
            slots.cancel()
            await backend.close()
