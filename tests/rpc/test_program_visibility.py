"""A program deployed through the loader is callable from the next slot only,
as on a cluster (the bank loads it from the slot after its deployment):
the node refuses a call in the deployment's own slot, and `deploy` returns
only once the next slot has begun, so a caller's next call works."""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path

import pytest
from solders.keypair import Keypair

from amplify_sdk import PROGRAM_ID, AdminClient, TransactionError, program_bytes
from amplify_sdk._deploy import deploy
from amplify_sdk._retry import Backoff
from amplify_sdk._rpc import RpcBackend
from localnet import LocalNode

ROOT = Path(__file__).resolve().parents[2]
PROGRAM_KEYPAIR = ROOT / "programs/amplify/program-keypair.json"


async def test_program_is_callable_from_the_slot_after_its_deployment() -> None:
    # Slots advance only when the test says so (`skip`).
    async with LocalNode(rpc_port=0, program=False, slot_seconds=10_000) as node:
        backend = RpcBackend(node.url, poll_interval=0.02, backoff=Backoff(base=0.01))
        admin = AdminClient(backend, node.authority)
        try:
            mint = await admin.create_amp_mint()
            program = Keypair.from_bytes(bytes(json.loads(PROGRAM_KEYPAIR.read_text())))
            buffer_file = Path(tempfile.mkdtemp()) / "buffer.json"
            deploying = asyncio.create_task(
                deploy(
                    admin,
                    program_bytes(),
                    PROGRAM_ID,
                    program_keypair=program,
                    buffer_file=buffer_file,
                )
            )
            while PROGRAM_ID not in node.chain.deployed_at:
                assert not deploying.done(), deploying
                await asyncio.sleep(0.02)
            slot = node.chain.deployed_at[PROGRAM_ID]
            assert node.chain.slot == slot
            # Same slot: refused with the bank's own words, and `deploy` waits.
            with pytest.raises(TransactionError) as refused:
                await admin.initialize(mint)
            assert "UnsupportedProgramId" in str(refused.value)
            assert "Program is not deployed" in refused.value.logs
            await asyncio.sleep(0.2)
            assert not deploying.done()
            # The next slot is not enough for a client at `confirmed`: its
            # simulation runs on the confirmed bank, one slot behind.
            node.chain.skip(1)
            await asyncio.sleep(0.2)
            assert not deploying.done()
            node.chain.skip(1)
            result = await asyncio.wait_for(deploying, 10)
            assert result.program_id == PROGRAM_ID
            slots = asyncio.create_task(_slots_pass(node))  # confirmations need slots
            config = await admin.initialize(mint)
            slots.cancel()
            assert config.fee_bps == 500
        finally:
            await backend.close()


async def _slots_pass(node: LocalNode) -> None:
    while True:
        await asyncio.sleep(0.05)
        node.chain.skip(1)
