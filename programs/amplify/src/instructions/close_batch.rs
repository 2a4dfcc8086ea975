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
    state::{self, Batch},
    ID,
};
use pinocchio::{address::address_eq, AccountView, ProgramResult};

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let ([requester, batch, treasury], _) = accounts::take::<3>(accounts)?;
    if !data.is_empty() {
        return Err(AmplifyError::InvalidInstructionData.into());
    }
    accounts::signer(requester)?;
    accounts::writable(requester)?;
    let b = state::load_mut::<Batch>(batch, &ID)?;
    if !address_eq(&b.requester, requester.address()) {
        return Err(AmplifyError::Unauthorized.into());
    }
    if !b.finished(clock::now()?) {
        return Err(AmplifyError::BatchActive.into());
    }
    if b.reserved_count() != 0 {
        return Err(AmplifyError::ReservationsOutstanding.into());
    }
    if b.page_count() != 0 {
        return Err(AmplifyError::PagesOutstanding.into());
    }
    sweep(batch, treasury)?;
    let returned = batch.lamports();
    lamports::close(batch, requester)?;
    events::batch_closed(batch.address(), returned);
    Ok(())
}
