//! `close_batch()`: the requester closes a finished batch once no reservation is
//! outstanding and its pages are closed. Accrued fees go to the treasury; the
//! rest (rent and the escrow of slots never taken) returns to the requester.
//!
//! Accounts:
//! 0. `[signer, writable]` requester
//! 1. `[writable]` batch
//! 2. `[writable]` treasury

use crate::{
    error::AmplifyError,
    events,
    instructions::sweep_fees::sweep,
    shared::{accounts, clock, lamports},
};
use pinocchio::{AccountView, ProgramResult};

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let ([requester, batch, treasury], _) = accounts::take::<3>(accounts)?;
    if !data.is_empty() {
        return Err(AmplifyError::InvalidInstructionData.into());
    }
    accounts::writable(requester)?;
    let b = accounts::requester_batch(requester, batch)?;
    b.check_winding_down(clock::now()?)?;
    if b.page_count() != 0 {
        return Err(AmplifyError::PagesOutstanding.into());
    }
    sweep(batch, treasury)?;
    let returned = batch.lamports();
    lamports::close(batch, requester)?;
    events::batch_closed(batch.address(), returned);
    Ok(())
}
