//! `set_paused(paused)`: the admin stops or resumes new batches and acceptances.
//! Work already accepted can still be submitted and paid.

use crate::{
    codec::{layout::Layout, log::Arena},
    error::AmplifyError,
    generated::{
        events::PauseChanged,
        instructions::{SetPausedAccounts, SetPausedArgs},
    },
    state::{self, Config},
};
use pinocchio::{address::address_eq, AccountView, ProgramResult};

pub fn process(a: SetPausedAccounts, args: SetPausedArgs, _: &[AccountView]) -> ProgramResult {
    let mut config = a.config;
    let mut data = state::borrow_mut(&mut config)?;
    let c = Config::view_mut(&mut data)?;
    if !address_eq(&c.admin, a.admin.address()) {
        return Err(AmplifyError::Unauthorized.into());
    }
    c.paused = args.paused as u8;
    c.invariant()?;
    PauseChanged {
        paused: args.paused,
    }
    .emit(&mut Arena::new())
}
