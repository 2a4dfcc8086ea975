//! `set_paused(paused: bool)`: the admin stops or resumes new batches and acceptances.
//! Work already accepted can still be submitted and paid.
//!
//! Accounts:
//! 0. `[signer]` admin
//! 1. `[writable]` config

use crate::{
    error::AmplifyError,
    events,
    shared::{accounts, args::Args},
    state::{self, Config},
    ID,
};
use pinocchio::{address::address_eq, AccountView, ProgramResult};

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let ([admin, config], _) = accounts::take::<2>(accounts)?;
    let mut args = Args::new(data);
    let paused = args.bool()?;
    args.finish()?;

    accounts::signer(admin)?;
    let c = state::load_mut::<Config>(config, &ID)?;
    if !address_eq(&c.admin, admin.address()) {
        return Err(AmplifyError::Unauthorized.into());
    }
    c.paused = paused as u8;
    events::pause_changed(paused);
    Ok(())
}
