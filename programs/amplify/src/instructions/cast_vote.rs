//! `cast_vote(choice)`: vote with everything staked, once per proposal (the
//! vote record's address is unique per proposal and voter). The stake stays
//! locked until the vote ends, so the same tokens cannot be unstaked, moved
//! and staked again to vote twice.

use crate::{
    codec::{layout::Layout, log::Arena},
    error::AmplifyError,
    generated::{
        events::VoteCast,
        instructions::{CastVoteAccounts, CastVoteArgs},
    },
    seeds,
    shared::{accounts, accounts::clock_unix_timestamp, create::create_pda, math},
    state::{
        self,
        governance::{PROPOSAL_VOTING, VOTE_ABSTAIN, VOTE_AGAINST, VOTE_FOR, VOTE_VERSION},
        Proposal, StakeAccount, VoteRecord,
    },
    ID,
};
use pinocchio::{address::address_eq, cpi::Seed, AccountView, ProgramResult};

pub fn process(a: CastVoteAccounts, args: CastVoteArgs, _: &[AccountView]) -> ProgramResult {
    if args.choice > VOTE_ABSTAIN {
        return Err(AmplifyError::InvalidChoice.into());
    }
    let now = clock_unix_timestamp(&a.clock)?;
    let (mut pacc, mut sacc) = (a.proposal, a.stake_account);
    let mut pdata = state::borrow_mut(&mut pacc)?;
    let p = Proposal::view_mut(&mut pdata)?;
    if p.status != PROPOSAL_VOTING {
        return Err(AmplifyError::ProposalNotActive.into());
    }
    if now >= p.voting_ends_at() {
        return Err(AmplifyError::VotingClosed.into());
    }
    let mut sdata = state::borrow_mut(&mut sacc)?;
    let s = StakeAccount::view_mut(&mut sdata)?;
    if !address_eq(&s.owner, a.voter.address()) || s.amount() == 0 {
        return Err(AmplifyError::InsufficientStake.into());
    }
    if !accounts::uninitialized(&a.vote_record) {
        return Err(AmplifyError::AlreadyExists.into());
    }
    let (proposal, voter) = (
        a.proposal.address().as_array(),
        a.voter.address().as_array(),
    );
    let bump = accounts::canonical_pda(&a.vote_record, &[seeds::VOTE, proposal, voter], &ID)?;
    let b = [bump];
    create_pda(
        &a.voter,
        &a.vote_record,
        VoteRecord::LEN,
        &ID,
        &[
            Seed::from(seeds::VOTE),
            Seed::from(proposal),
            Seed::from(voter),
            Seed::from(&b),
        ],
    )?;
    let weight = s.amount();
    match args.choice {
        VOTE_FOR => p.set_votes_for(math::add(p.votes_for(), weight)?),
        VOTE_AGAINST => p.set_votes_against(math::add(p.votes_against(), weight)?),
        _ => p.set_votes_abstain(math::add(p.votes_abstain(), weight)?),
    }
    s.set_locked_until(s.locked_until().max(p.voting_ends_at()));
    let mut vacc = a.vote_record;
    let mut vdata = state::borrow_mut(&mut vacc)?;
    let v = VoteRecord::init(&mut vdata)?;
    v.version = VOTE_VERSION;
    v.bump = bump;
    v.choice = args.choice;
    v.proposal = *a.proposal.address();
    v.voter = *a.voter.address();
    v.set_weight(weight);
    VoteCast {
        proposal: a.proposal.address(),
        voter: a.voter.address(),
        choice: args.choice,
        weight,
    }
    .emit(&mut Arena::new())
}
