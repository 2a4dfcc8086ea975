"""The protocol admin (until governance takes over): create the AMP mint on
development clusters, initialize the protocol, pause it."""

from __future__ import annotations

from collections.abc import Mapping

from solders.keypair import Keypair
from solders.pubkey import Pubkey

from ..protocol import _instructions as ix
from ..protocol._fee import DEFAULT_FEE_BPS
from ..protocol._models import Config, Governance
from ..protocol._pda import governance_pda, mint_authority_pda
from ..protocol._token import (
    MINT_SIZE,
    associated_token_address,
    create_mint_instructions,
    mint_to,
    set_mint_authority,
    set_upgrade_authority,
)
from ._client import AmplifyClient

#: Decimals of the AMP governance token.
AMP_DECIMALS = 6
AMP = 10**AMP_DECIMALS

#: Governance defaults (docs/governance.md).
DEFAULT_GOVERNANCE = {
    "voting_period_secs": 3 * 24 * 3600,
    "timelock_secs": 24 * 3600,
    "execution_window_secs": 7 * 24 * 3600,
    "quorum_bps": 1_000,
    "threshold_bps": 5_001,
    "min_stake_to_propose": 1_000 * AMP,
}
DEFAULT_EMISSION = {"per_assignment": 0, "cap": 0, "min_stars": 4}


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

    async def initialize(self, amp_mint: Pubkey, fee_bps: int = DEFAULT_FEE_BPS) -> Config:
        """Create the protocol config and treasury with this wallet as admin (it
        must be the program's upgrade authority)."""
        await self.send([ix.initialize(self.address, amp_mint, fee_bps)])
        return await self.get_config()

    async def set_paused(self, paused: bool) -> None:
        await self.send([ix.set_paused(self.address, paused)])

    async def mint_amp(self, mint: Pubkey, owner: Pubkey, amount: int) -> Pubkey:
        """Mint AMP to `owner`'s associated token account (while this wallet is
        the mint authority: development clusters and tests)."""
        await self.send(
            [
                *await self.open_token_account(owner, mint),
                mint_to(mint, associated_token_address(owner, mint), self.address, amount),
            ]
        )
        return associated_token_address(owner, mint)

    async def initialize_governance(
        self,
        params: Mapping[str, int] | None = None,
        emission: Mapping[str, int] | None = None,
    ) -> Governance:
        """Hand the protocol to AMP holders, in one transaction: the program's
        upgrade authority and the AMP mint's mint authority move to the
        program's PDAs, and `initialize_governance` makes the governance PDA the
        config's admin. This wallet must hold all three today."""
        config = await self.get_config()
        await self.send(
            [
                set_upgrade_authority(self.address, governance_pda()[0]),
                set_mint_authority(config.amp_mint, self.address, mint_authority_pda()[0]),
                ix.initialize_governance(
                    self.address,
                    config.amp_mint,
                    {**DEFAULT_GOVERNANCE, **(params or {})},
                    {**DEFAULT_EMISSION, **(emission or {})},
                ),
            ]
        )
        return await self.fetch(Governance, governance_pda()[0])
