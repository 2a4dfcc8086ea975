//! `close_ledger()`: anyone closes a worker's ledger once its batch is over
//! (cancelled, expired or closed) and none of its slots is still reserved; the
//! rent returns to whoever paid it.
//!
//! Accounts:
//! 0. `[writable]` ledger
//! 1. `[]` batch — the ledger's batch (may already be closed)
//! 2. `[writable]` rent_payer

use crate::{
    error::AmplifyError,
    shared::{accounts, clock, lamports},
    state::{self, LedgerHeader},
    ID,
};
use pinocchio::{address::address_eq, AccountView, ProgramResult};

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let ([ledger, batch, rent_payer], _) = accounts::take::<3>(accounts)?;
    if !data.is_empty() {
        return Err(AmplifyError::InvalidInstructionData.into());
    }
    let h = state::load_mut::<LedgerHeader>(ledger, &ID)?;
    if !address_eq(&h.batch, batch.address()) {
        return Err(AmplifyError::WrongBatch.into());
    }
    if !address_eq(&h.rent_payer, rent_payer.address()) {
        return Err(AmplifyError::WrongRentPayer.into());
    }
    if h.active() != 0 {
        return Err(AmplifyError::LedgerActive.into());
    }
    accounts::batch_finished(batch, h.batch_number(), clock::now()?)?;
    lamports::close(ledger, rent_payer)
}
