"""`Amplify`: one connection (backend) and a default wallet, handing out role
clients that share them."""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

from solders.keypair import Keypair
from solders.pubkey import Pubkey

from ..chain._backend import Backend
from ..chain._embedded import EmbeddedBackend
from ..chain._rpc import RpcBackend
from ..protocol._pda import PROGRAM_ID
from ._admin import AdminClient
from ._requester import RequesterClient
from ._voter import VoterClient
from ._worker import WorkerClient

#: Lamports given to the wallet of a fresh embedded session.
EMBEDDED_WALLET_LAMPORTS = 1_000 * 10**9


class Amplify:
    """A connection to a cluster (any `Backend`) and a default wallet."""

    def __init__(self, backend: Backend, wallet: Keypair) -> None:
        self.backend = backend
        self.wallet = wallet

    @classmethod
    async def embedded(
        cls,
        wallet: Keypair | None = None,
        *,
        program: bytes | None = None,
        program_id: Pubkey | None = None,
    ) -> Amplify:
        """A session on a fresh in-process SVM running the shipped program (or
        `program`, an executable built for `program_id`:
        `scripts/build-program.sh --program-id`); the wallet is funded and
        holds the program's upgrade authority (it plays the deployer, so it
        may `initialize`)."""
        backend = EmbeddedBackend(program, program_id or PROGRAM_ID)
        wallet = wallet or Keypair()
        await backend.airdrop(wallet.pubkey(), EMBEDDED_WALLET_LAMPORTS)
        backend.set_upgrade_authority(wallet.pubkey())
        return cls(backend, wallet)

    @classmethod
    def connect(cls, url: str, wallet: Keypair, **options: Any) -> Amplify:
        """A session on a JSON-RPC endpoint (localnet, devnet, mainnet):
        `options` go to `RpcBackend` (commitment, priority_fee, ...;
        `program_id=` for a deployment built for another address than the
        IDL's: every client of the session then derives its addresses and
        builds its instructions for that program)."""
        return cls(RpcBackend(url, **options), wallet)

    def admin(self, wallet: Keypair | None = None) -> AdminClient:
        return AdminClient(self.backend, wallet or self.wallet)

    def requester(self, wallet: Keypair | None = None) -> RequesterClient:
        return RequesterClient(self.backend, wallet or self.wallet)

    def worker(self, wallet: Keypair | None = None) -> WorkerClient:
        return WorkerClient(self.backend, wallet or self.wallet)

    def voter(self, wallet: Keypair | None = None) -> VoterClient:
        return VoterClient(self.backend, wallet or self.wallet)

    async def close(self) -> None:
        await self.backend.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
