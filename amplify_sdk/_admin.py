"""The protocol admin (until governance takes over): create the AMP mint on
development clusters, initialize the protocol, pause it."""

from __future__ import annotations

from solders.keypair import Keypair
from solders.pubkey import Pubkey

from . import _instructions as ix
from ._client import AmplifyClient
from ._models import Config
from ._token import MINT_SIZE, create_mint_instructions

#: Decimals of the AMP governance token.
AMP_DECIMALS = 6


class AdminClient(AmplifyClient):
    async def create_amp_mint(self, authority: Pubkey | None = None) -> Pubkey:
        """Create an SPL mint to serve as the AMP governance token (development
        clusters and tests; on a real cluster the mint exists already)."""
        mint = Keypair()
        rent = await self.backend.minimum_balance(MINT_SIZE)
        await self.send(
            create_mint_instructions(
                self.address, mint.pubkey(), authority or self.address, AMP_DECIMALS, rent
            ),
            [mint],
        )
        return mint.pubkey()

    async def initialize(self, amp_mint: Pubkey, fee_bps: int = 500) -> Config:
        """Create the protocol config and treasury with this wallet as admin (it
        must be the program's upgrade authority)."""
        await self.send([ix.initialize(self.address, amp_mint, fee_bps)])
        return await self.get_config()

    async def set_paused(self, paused: bool) -> None:
        await self.send([ix.set_paused(self.address, paused)])
