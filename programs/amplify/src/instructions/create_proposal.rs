//! `create_proposal(action)`: a staker with at least `min_stake_to_propose`
//! AMP opens a proposal. Its vote runs for `voting_period_secs`, then a time
//! lock of `timelock_secs`, then it can be executed for
//! `execution_window_secs` before it expires. Quorum and threshold are fixed
//! now, with the AMP staked now.

use crate::{
    codec::{layout::Layout, log::Arena},
    error::AmplifyError,
    generated::{
        events::ProposalCreated,
        instructions::{CreateProposalAccounts, CreateProposalArgs},
    },
    seeds,
    shared::{accounts, accounts::clock_unix_timestamp, create::create_pda, math},
    state::{
        self,
        governance::{ACTION_LEN, PROPOSAL_VERSION, PROPOSAL_VOTING},
        Governance, Proposal, StakeAccount,
    },
    ID,
};
use pinocchio::{address::address_eq, cpi::Seed, AccountView, ProgramResult};

pub fn process(
    a: CreateProposalAccounts,
    args: CreateProposalArgs,
    _: &[AccountView],
) -> ProgramResult {
    args.action.value.validate()?;
    if args.action.raw.len() > ACTION_LEN {
        return Err(AmplifyError::InvalidInstructionData.into());
    }
    let now = clock_unix_timestamp(&a.clock)?;
    {
        let sdata = state::borrow(&a.stake_account)?;
        let s = StakeAccount::view(&sdata)?;
        let gdata = state::borrow(&a.governance)?;
        let g = Governance::view(&gdata)?;
        if !address_eq(&s.owner, a.proposer.address())
            || s.amount() < g.params.min_stake_to_propose()
        {
            return Err(AmplifyError::InsufficientStake.into());
        }
    }
    let mut gacc = a.governance;
    let mut gdata = state::borrow_mut(&mut gacc)?;
    let g = Governance::view_mut(&mut gdata)?;
    let id = g.proposal_count().to_le_bytes();
    let bump = accounts::canonical_pda(&a.proposal, &[seeds::PROPOSAL, &id], &ID)?;
    if !accounts::uninitialized(&a.proposal) {
        return Err(AmplifyError::AlreadyExists.into());
    }
    let b = [bump];
    create_pda(
        &a.proposer,
        &a.proposal,
        Proposal::LEN,
        &ID,
        &[Seed::from(seeds::PROPOSAL), Seed::from(&id), Seed::from(&b)],
    )?;
    let mut pacc = a.proposal;
    let mut pdata = state::borrow_mut(&mut pacc)?;
    let p = Proposal::init(&mut pdata)?;
    let gp = &g.params;
    let ends = now.saturating_add(gp.voting_period_secs() as i64);
    let executable = ends.saturating_add(gp.timelock_secs() as i64);
    p.version = PROPOSAL_VERSION;
    p.bump = bump;
    p.status = PROPOSAL_VOTING;
    p.set_id(g.proposal_count());
    p.proposer = *a.proposer.address();
    p.set_created_at(now);
    p.set_voting_ends_at(ends);
    p.set_executable_at(executable);
    p.set_expires_at(executable.saturating_add(gp.execution_window_secs() as i64));
    p.set_staked_at_creation(g.total_staked());
    p.set_quorum_bps(gp.quorum_bps());
    p.set_threshold_bps(gp.threshold_bps());
    p.action[..args.action.raw.len()].copy_from_slice(args.action.raw);
    g.set_proposal_count(math::add(g.proposal_count(), 1)?);
    ProposalCreated {
        proposal: a.proposal.address(),
        id: p.id(),
        proposer: a.proposer.address(),
        voting_ends_at: ends,
        action: args.action.raw,
    }
    .emit(&mut Arena::new())
}
