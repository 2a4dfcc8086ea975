//! `Treasury`, PDA `["treasury"]`: its lamports above rent are swept fees.

use crate::{error::AmplifyError, generated::layouts::Treasury, shared::rent::rent_exempt};
use pinocchio::error::ProgramError;

pub const TREASURY_VERSION: u8 = 1;

impl Treasury {
    /// The treasury never drops below its rent-exempt reserve.
    pub fn invariant(&self, lamports: u64, data_len: usize) -> Result<(), ProgramError> {
        if lamports < rent_exempt(data_len)? {
            return Err(AmplifyError::InvalidAccountData.into());
        }
        Ok(())
    }
}

/// Move a batch's accrued fees to the treasury (`sweep_fees`, and
/// `close_batch` before it closes the batch). Returns the amount moved.
pub fn sweep(
    b: &mut crate::generated::layouts::Batch,
    t: &mut Treasury,
    batch: &pinocchio::AccountView,
    treasury: &pinocchio::AccountView,
) -> Result<u64, ProgramError> {
    let amount = b.fees_accrued()?;
    if amount == 0 {
        return Ok(0);
    }
    b.set_fees_swept(crate::shared::math::add(b.fees_swept(), amount)?);
    t.set_total_collected(crate::shared::math::add(t.total_collected(), amount)?);
    crate::shared::lamports::transfer(batch, treasury, amount)?;
    Ok(amount)
}
