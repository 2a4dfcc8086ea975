"""The AMP holder: stake, share the treasury, propose, vote, execute."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from solders.instruction import AccountMeta
from solders.pubkey import Pubkey

from ..chain._backend import Memcmp, TxReceipt
from ..protocol import _instructions as ix
from ..protocol._exceptions import AccountNotFoundError
from ..protocol._idl import load_idl
from ..protocol._models import Governance, Proposal, StakeAccount, Treasury, VoteRecord
from ..protocol._pda import (
    BPF_LOADER_UPGRADEABLE,
    current_program,
    governance_pda,
    program_data_pda,
    proposal_pda,
    stake_pda,
    treasury_pda,
    vote_pda,
)
from ..protocol._token import (
    associated_token_address,
    mint_decimals,
    token_balance,
)
from ._client import AmplifyClient

FOR, AGAINST, ABSTAIN = 0, 1, 2
RENT_SYSVAR = Pubkey.from_string("SysvarRent111111111111111111111111111111111")


class VoterClient(AmplifyClient):
    async def governance(self) -> Governance:
        return await self.fetch(Governance, governance_pda()[0])

    async def stake_account(self, owner: Pubkey | None = None) -> StakeAccount | None:
        return await self.fetch_or_none(StakeAccount, stake_pda(owner or self.address)[0])

    async def amp_tokens(self) -> Pubkey:
        """This wallet's AMP token account (associated token account)."""
        g = await self.governance()
        return associated_token_address(self.address, g.amp_mint)

    async def amp_balance(self) -> int:
        """AMP in this wallet's token account, in base units."""
        acc = await self.backend.get_account(await self.amp_tokens())
        return 0 if acc is None else token_balance(acc.data)

    async def amp_decimals(self) -> int:
        """The AMP mint's decimals, read from the mint (6 for the mint
        `AdminClient.create_amp_mint` makes; a cluster's own mint may differ)."""
        g = await self.governance()
        mint = await self.backend.get_account(g.amp_mint)
        if mint is None:
            raise AccountNotFoundError(f"AMP mint {g.amp_mint} does not exist")
        return mint_decimals(mint.data)

    async def stake(self, amount: int) -> TxReceipt:
        return await self.send([ix.stake(self.address, await self.amp_tokens(), amount)])

    async def unstake(self, amount: int) -> TxReceipt:
        tokens = await self.amp_tokens()
        g = await self.governance()
        return await self.send(
            [
                *await self.open_token_account(self.address, g.amp_mint),
                ix.unstake(self.address, tokens, amount),
            ]
        )

    async def pending_rewards(self) -> int:
        """Lamports `claim` would pay now (the program's own arithmetic)."""
        s = await self.stake_account()
        if s is None:
            return 0
        g = await self.governance()
        t = await self.fetch(Treasury, treasury_pda()[0])
        # The program's update: fees swept in since join the release (spread
        # to a voting period after the last update), what fell due is shared.
        rps, now = g.reward_per_share, await self.now()
        releasing, end, since = g.releasing, g.release_end, g.released_at
        fresh = t.total_collected - g.distributed_upto
        if fresh and g.total_staked:
            releasing, end = releasing + fresh, since + g.params.voting_period_secs
        due = 0
        if releasing and now > since:
            due = releasing * (min(now, end) - since) // (end - since)
        if due and g.total_staked:
            rps += (due << 64) // g.total_staked
        return s.pending + (s.amount * (rps - s.reward_snapshot) >> 64)

    async def claim(self) -> TxReceipt:
        return await self.send([ix.claim(self.address)])

    async def propose(self, action: Mapping[str, Any]) -> Proposal:
        """Open a proposal: `action` as the IDL's ProposalAction, e.g.
        `{"SetFee": {"fee_bps": 300}}`."""
        g = await self.governance()
        await self.send([ix.create_proposal(self.address, g.proposal_count, action)])
        return await self.fetch(Proposal, proposal_pda(g.proposal_count)[0])

    async def vote(self, proposal: Pubkey, choice: int) -> TxReceipt:
        return await self.send([ix.cast_vote(self.address, proposal, choice)])

    async def execute(self, proposal: Pubkey) -> TxReceipt:
        """Carry out a passed proposal (anyone may), with the accounts its action needs."""
        p = await self.fetch(Proposal, proposal)
        return await self.send([ix.execute_proposal(self.address, proposal, action_accounts(p))])

    async def proposals(self) -> list[Proposal]:
        disc = load_idl().account_discriminators["Proposal"]
        found = await self.backend.get_program_accounts(self.backend.program_id, [Memcmp(0, disc)])
        return sorted(
            (Proposal.from_account_data(a.address, a.data) for a in found), key=lambda p: p.id
        )

    async def vote_of(self, proposal: Pubkey, voter: Pubkey) -> VoteRecord | None:
        return await self.fetch_or_none(VoteRecord, vote_pda(proposal, voter)[0])


def action_accounts(p: Proposal) -> Sequence[AccountMeta]:
    """The remaining accounts `execute_proposal` needs for the proposal's action."""
    ((name, fields),) = p.action.items()
    if name == "Spend":
        return [AccountMeta(fields["recipient"], False, True)]
    if name == "UpgradeProgram":
        return [
            AccountMeta(program_data_pda(), False, True),
            AccountMeta(current_program(), False, True),
            AccountMeta(fields["buffer"], False, True),
            AccountMeta(fields["spill"], False, True),
            AccountMeta(RENT_SYSVAR, False, False),
            AccountMeta(BPF_LOADER_UPGRADEABLE, False, False),
        ]
    if name == "SetUpgradeAuthority":
        return [
            AccountMeta(program_data_pda(), False, True),
            AccountMeta(fields["new_authority"], False, False),
            AccountMeta(BPF_LOADER_UPGRADEABLE, False, False),
        ]
    return []
