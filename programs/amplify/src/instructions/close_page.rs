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
    state::{self, ItemPage},
    ID,
};
use pinocchio::{address::address_eq, AccountView, ProgramResult};

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let ([requester, batch, page], _) = accounts::take::<3>(accounts)?;
    if !data.is_empty() {
        return Err(AmplifyError::InvalidInstructionData.into());
    }
    accounts::writable(requester)?;
    let b = accounts::requester_batch(requester, batch)?;
    b.check_winding_down(clock::now()?)?;
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
