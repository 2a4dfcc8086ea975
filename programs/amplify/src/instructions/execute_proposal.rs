//! `execute_proposal()`: anyone carries out a passed proposal after its vote
//! and time lock, before it expires. Passed: the votes cast reach the quorum
//! (a share of the AMP staked when it was proposed), and the for-votes reach
//! the threshold share of for + against.
//!
//! What each action changes: the fee (new batches only: a batch keeps the
//! rate it was created with), the reputation or governance parameters, the
//! emission schedule, the pause switch; a payment from the treasury's held
//! fees (never from stakers' rewards); the program itself (a loader `Upgrade`
//! from a buffer whose authority is the governance PDA) or its upgrade
//! authority. The accounts an action needs follow as remaining accounts, each
//! checked against the proposal and this program: the program data must be
//! this program's ProgramData (governance signs for its buffers too, and a
//! passed proposal executes once), the buffer the one the proposal names.

use crate::{
    codec::{args::Args, layout::Layout, log::Arena},
    error::AmplifyError,
    generated::{
        events::ProposalExecuted,
        instructions::{ExecuteProposalAccounts, ExecuteProposalArgs},
        layouts::ProposalAction,
    },
    seeds,
    shared::{
        accounts::{clock_unix_timestamp, BPF_LOADER_UPGRADEABLE_ID},
        lamports,
        loader::{self, PROGRAM_DATA_ID},
        math,
        rent::rent_exempt,
    },
    state::governance::Till,
    state::{
        self,
        governance::{PROPOSAL_EXECUTED, PROPOSAL_VOTING},
        Config, Governance, Proposal, Treasury,
    },
    ID,
};
use pinocchio::{
    address::address_eq,
    cpi::{Seed, Signer},
    error::ProgramError,
    AccountView, Address, ProgramResult,
};

const RENT_SYSVAR_ID: Address =
    Address::from_str_const("SysvarRent111111111111111111111111111111111");

pub fn process(
    a: ExecuteProposalAccounts,
    _: ExecuteProposalArgs,
    extra: &[AccountView],
) -> ProgramResult {
    let now = clock_unix_timestamp(&a.clock)?;
    let mut pacc = a.proposal;
    let mut pdata = state::borrow_mut(&mut pacc)?;
    let p = Proposal::view_mut(&mut pdata)?;
    check_passed(p, now)?;
    let action = ProposalAction::parse(&mut Args::new(&p.action))?;
    action.validate()?;
    p.status = PROPOSAL_EXECUTED;

    let (mut gacc, mut cacc, mut tacc) = (a.governance, a.config, a.treasury);
    let mut gdata = state::borrow_mut(&mut gacc)?;
    let g = Governance::view_mut(&mut gdata)?;
    let mut cdata = state::borrow_mut(&mut cacc)?;
    let c = Config::view_mut(&mut cdata)?;
    let mut tdata = state::borrow_mut(&mut tacc)?;
    let t = Treasury::view_mut(&mut tdata)?;
    g.update(t, &Till::of(&a.treasury, now)?)?;
    let bump = [g.bump];
    let signer_seeds = [Seed::from(seeds::GOVERNANCE), Seed::from(&bump)];
    let signer = [Signer::from(&signer_seeds)];

    match action {
        ProposalAction::SetFee { fee_bps } => c.set_fee_bps(fee_bps),
        ProposalAction::SetReputationParams { params } => c.reputation = params,
        ProposalAction::SetGovernanceParams { params } => g.params = params,
        ProposalAction::SetEmission { params } => {
            g.emission = params;
            c.emission_min_stars = params.min_stars;
        }
        ProposalAction::SetPaused { paused } => c.paused = paused as u8,
        ProposalAction::Spend {
            recipient,
            lamports: amount,
        } => {
            let to = extra.first().ok_or(AmplifyError::WrongActionAccounts)?;
            if !address_eq(to.address(), &recipient) {
                return Err(AmplifyError::WrongActionAccounts.into());
            }
            g.set_held(
                g.held()
                    .checked_sub(amount)
                    .ok_or(AmplifyError::InsufficientHeld)?,
            );
            lamports::transfer(&a.treasury, to, amount)?;
        }
        ProposalAction::UpgradeProgram { buffer, spill } => {
            let [program_data, program, buf, sp, rent, loader_program, ..] = extra else {
                return Err(AmplifyError::WrongActionAccounts.into());
            };
            let ok = address_eq(program_data.address(), &PROGRAM_DATA_ID)
                && address_eq(program.address(), &ID)
                && address_eq(buf.address(), &buffer)
                && address_eq(sp.address(), &spill)
                && address_eq(rent.address(), &RENT_SYSVAR_ID)
                && address_eq(loader_program.address(), &BPF_LOADER_UPGRADEABLE_ID);
            if !ok {
                return Err(AmplifyError::WrongActionAccounts.into());
            }
            drop(gdata);
            loader::Upgrade {
                program_data,
                program,
                buffer: buf,
                spill: sp,
                rent,
                clock: &a.clock,
                authority: &a.governance,
            }
            .invoke_signed(&signer)?;
            c.invariant()?;
            return emitted(&a, p);
        }
        ProposalAction::SetUpgradeAuthority { new_authority } => {
            let [program_data, new, loader_program, ..] = extra else {
                return Err(AmplifyError::WrongActionAccounts.into());
            };
            // Another loader account whose authority is governance (a buffer)
            // would take the authority change and spend the proposal.
            if !address_eq(program_data.address(), &PROGRAM_DATA_ID)
                || !address_eq(new.address(), &new_authority)
                || !address_eq(loader_program.address(), &BPF_LOADER_UPGRADEABLE_ID)
            {
                return Err(AmplifyError::WrongActionAccounts.into());
            }
            drop(gdata);
            loader::set_authority(program_data, &a.governance, new, &signer)?;
            c.invariant()?;
            return emitted(&a, p);
        }
    }
    c.invariant()?;
    g.invariant(
        t,
        a.treasury.lamports(),
        rent_exempt(a.treasury.data_len())?,
    )?;
    emitted(&a, p)
}

/// Voting over, time lock passed, not expired, quorum and threshold reached.
fn check_passed(p: &Proposal, now: i64) -> Result<(), ProgramError> {
    if p.status != PROPOSAL_VOTING {
        return Err(AmplifyError::ProposalNotActive.into());
    }
    if now < p.voting_ends_at() {
        return Err(AmplifyError::VotingActive.into());
    }
    if now < p.executable_at() {
        return Err(AmplifyError::TimelockActive.into());
    }
    if now > p.expires_at() {
        return Err(AmplifyError::ProposalExpired.into());
    }
    let cast = math::add(
        math::add(p.votes_for(), p.votes_against())?,
        p.votes_abstain(),
    )?;
    let needed = math::mul(p.staked_at_creation(), p.quorum_bps() as u64)?;
    if math::mul(cast, 10_000)? < needed || cast == 0 {
        return Err(AmplifyError::QuorumNotMet.into());
    }
    let decided = math::add(p.votes_for(), p.votes_against())?;
    let for_share = math::mul(p.votes_for(), 10_000)?;
    if p.votes_for() == 0 || for_share < math::mul(decided, p.threshold_bps() as u64)? {
        return Err(AmplifyError::ThresholdNotMet.into());
    }
    Ok(())
}

fn emitted(a: &ExecuteProposalAccounts, p: &Proposal) -> ProgramResult {
    ProposalExecuted {
        proposal: a.proposal.address(),
        id: p.id(),
    }
    .emit(&mut Arena::new())
}
