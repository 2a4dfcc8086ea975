"""The role clients: what a requester, a worker, a voter and an admin do.

`Amplify` opens a session on a backend and hands out the clients; each bulk
call checks what it can before spending a lamport and returns an outcome per
item. `KeyAgent` delivers the keys of an encrypted batch to the workers who
accepted its items.
"""

from ._admin import AdminClient
from ._client import AmplifyClient, content_hash
from ._encrypted import encrypt_items
from ._gate import ForgeCost, GatePrice, Ring
from ._requester import BatchParams, RequesterClient
from ._session import Amplify
from ._voter import VoterClient
from ._worker import WorkerClient, x25519_public_key
from .agent import AgentStats, KeyAgent, run_agent

__all__ = [
    "AdminClient",
    "AgentStats",
    "Amplify",
    "AmplifyClient",
    "BatchParams",
    "ForgeCost",
    "GatePrice",
    "KeyAgent",
    "RequesterClient",
    "Ring",
    "VoterClient",
    "WorkerClient",
    "content_hash",
    "encrypt_items",
    "run_agent",
    "x25519_public_key",
]
