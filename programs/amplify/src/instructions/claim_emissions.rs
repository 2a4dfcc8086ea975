//! `claim_emissions()`: a worker mints the AMP its well-rated work earned:
//! `per_assignment` for each rating at or above the schedule's stars not yet
//! paid, up to what is left under the schedule's cap. The AMP mint's
//! authority is this program's mint-authority PDA; so prolific good workers
//! become holders, share the treasury and vote.

use crate::{
    codec::{layout::Layout, log::Arena},
    error::AmplifyError,
    generated::{
        events::EmissionsClaimed,
        instructions::{ClaimEmissionsAccounts, ClaimEmissionsArgs},
    },
    seeds,
    shared::math,
    state::{self, Governance, WorkerProfile},
};
use pinocchio::{
    address::address_eq,
    cpi::{Seed, Signer},
    AccountView, ProgramResult,
};
use pinocchio_token::instructions::MintTo;

pub fn process(
    a: ClaimEmissionsAccounts,
    _: ClaimEmissionsArgs,
    _: &[AccountView],
) -> ProgramResult {
    let (amount, bump) = {
        let (mut gacc, mut pacc) = (a.governance, a.profile);
        let mut gdata = state::borrow_mut(&mut gacc)?;
        let g = Governance::view_mut(&mut gdata)?;
        if !address_eq(&g.amp_mint, a.amp_mint.address()) {
            return Err(AmplifyError::WrongMint.into());
        }
        let mut pdata = state::borrow_mut(&mut pacc)?;
        let p = WorkerProfile::view_mut(&mut pdata)?;
        if !address_eq(&p.worker, a.worker.address()) {
            return Err(AmplifyError::WrongWorker.into());
        }
        let unpaid = math::dec_u32(p.well_rated(), p.emissions_claimed())?;
        let left = math::sub(g.emission.cap(), g.emitted())?;
        let per = g.emission.per_assignment();
        // Whole assignments only, within what the cap leaves.
        let payable = if per == 0 {
            0
        } else {
            (unpaid as u64).min(math::div(left, per)?)
        };
        if payable == 0 {
            return Err(AmplifyError::NothingToClaim.into());
        }
        let amount = math::mul(payable, per)?;
        p.set_emissions_claimed(math::inc_u32(p.emissions_claimed(), payable as u32)?);
        g.set_emitted(math::add(g.emitted(), amount)?);
        p.invariant()?;
        (amount, g.mint_authority_bump)
    };
    let b = [bump];
    let signer_seeds = [Seed::from(seeds::MINT_AUTHORITY), Seed::from(&b)];
    MintTo::new(&a.amp_mint, &a.worker_tokens, &a.mint_authority, amount)
        .invoke_signed(&[Signer::from(&signer_seeds)])?;
    EmissionsClaimed {
        worker: a.worker.address(),
        amount,
    }
    .emit(&mut Arena::new())
}
