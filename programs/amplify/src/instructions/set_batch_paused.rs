//! `set_batch_paused(paused: bool)`: the requester stops or resumes acceptances
//! on one batch. Accepted work can still be submitted and is paid.
//!
//! Accounts:
//! 0. `[signer]` requester
//! 1. `[writable]` batch

use crate::{
    error::AmplifyError,
    shared::{accounts, args::Args},
    state::batch::{STATUS_CANCELLED, STATUS_OPEN, STATUS_PAUSED},
};
use pinocchio::{AccountView, ProgramResult};

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let ([requester, batch], _) = accounts::take::<2>(accounts)?;
    let mut args = Args::new(data);
    let paused = args.bool()?;
    args.finish()?;

    let b = accounts::requester_batch(requester, batch)?;
    if b.status == STATUS_CANCELLED {
        return Err(AmplifyError::BatchCancelled.into());
    }
    b.status = if paused { STATUS_PAUSED } else { STATUS_OPEN };
    Ok(())
}
