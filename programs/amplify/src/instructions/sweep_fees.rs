//! `sweep_fees()`: anyone moves a batch's accrued fees to the treasury.
//!
//! Payouts leave the fee in the batch so they never contend on the treasury;
//! this permissionless sweep collects them (and `close_batch` sweeps too).
//!
//! Accounts:
//! 0. `[writable]` batch
//! 1. `[writable]` treasury

use crate::{
    error::AmplifyError,
    events,
    shared::{accounts, lamports, math},
    state::{self, Batch, Treasury},
    ID,
};
use pinocchio::{AccountView, ProgramResult};

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let ([batch, treasury], _) = accounts::take::<2>(accounts)?;
    if !data.is_empty() {
        return Err(AmplifyError::InvalidInstructionData.into());
    }
    sweep(batch, treasury)
}

/// Move `batch.fees_accrued` to the treasury (shared with `close_batch`).
pub fn sweep(batch: &mut AccountView, treasury: &mut AccountView) -> ProgramResult {
    let b = state::load_mut::<Batch>(batch, &ID)?;
    let t = state::load_mut::<Treasury>(treasury, &ID)?;
    let amount = b.fees_accrued()?;
    if amount == 0 {
        return Ok(());
    }
    b.set_fees_swept(math::add(b.fees_swept(), amount)?);
    t.set_total_collected(math::add(t.total_collected(), amount)?);
    lamports::transfer(batch, treasury, amount)?;
    events::fees_swept(batch.address(), amount);
    Ok(())
}
