//! `close_page()`: the requester closes an item page of a finished batch with no
//! outstanding reservations, recovering its rent.
//!
//! Accounts:
//! 0. `[signer, writable]` requester
//! 1. `[writable]` batch
//! 2. `[writable]` page

use crate::{
    error::AmplifyError,
    shared::{accounts, clock, lamports},
    state::{self, Batch, ItemPage},
    ID,
};
use pinocchio::{address::address_eq, AccountView, ProgramResult};

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let ([requester, batch, page], _) = accounts::take::<3>(accounts)?;
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
    let p = state::load_mut::<ItemPage>(page, &ID)?;
    if !address_eq(&p.batch, batch.address()) {
        return Err(AmplifyError::WrongBatch.into());
    }
    b.set_page_count(
        b.page_count()
            .checked_sub(1)
            .ok_or(AmplifyError::ArithmeticOverflow)?,
    );
    lamports::close(page, requester)
}
