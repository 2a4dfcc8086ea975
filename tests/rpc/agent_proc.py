"""A key agent in its own process, against a node: what `amplify agent run`
will run. Prints "ready" once caught up; on SIGTERM stops and prints its
stats as JSON. Configured by environment (the test owns every value):
AGENT_URL, AGENT_KEYPAIR (JSON array), AGENT_BATCH, AGENT_MASTER (hex)."""

from __future__ import annotations

import asyncio
import json
import os
import signal

from solders.keypair import Keypair
from solders.pubkey import Pubkey

from amplify_sdk import KeyAgent, RequesterClient
from amplify_sdk.chain._retry import Backoff
from amplify_sdk.chain._rpc import RpcBackend


async def main() -> None:
    backend = RpcBackend(
        os.environ["AGENT_URL"], poll_interval=0.05, backoff=Backoff(base=0.01, cap=0.2)
    )
    wallet = Keypair.from_bytes(bytes(json.loads(os.environ["AGENT_KEYPAIR"])))
    batch = Pubkey.from_string(os.environ["AGENT_BATCH"])
    agent = KeyAgent(
        RequesterClient(backend, wallet), {batch: bytes.fromhex(os.environ["AGENT_MASTER"])}
    )
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    task = asyncio.create_task(agent.run(stop))
    await agent.ready.wait()
    print("ready", flush=True)
    stats = await task
    print(
        json.dumps(
            {"keys": stats.keys, "transactions": stats.transactions, "latencies": stats.latencies}
        ),
        flush=True,
    )
    await backend.close()


if __name__ == "__main__":
    asyncio.run(main())
