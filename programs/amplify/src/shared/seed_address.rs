//! Creating a worker's records at `create_with_seed(worker, seed, program_id)`.
//!
//! A PDA created with a client-chosen bump is not unique (every valid bump gives
//! another address), and proving a bump canonical or searching for it costs
//! 300–3,000 CU. A seed address has no bump: the system program derives the one
//! address from (base, seed, owner) and refuses any other, and only the base —
//! the worker, who signs the acceptance — can create it. So the records are
//! unique per (worker, batch, item) for the cost of the `CreateAccountWithSeed`
//! CPI alone.

use crate::{
    error::AmplifyError,
    shared::{create::top_up, rent::rent_exempt},
};
use pinocchio::{AccountView, Address, ProgramResult};
use pinocchio_system::instructions::{AllocateWithSeed, AssignWithSeed, CreateAccountWithSeed};

/// Create `account` at `create_with_seed(base, seed, owner)` with `space` bytes,
/// rent paid by `payer`. `seed` must be ASCII (the seeds in `crate::seeds` are).
#[inline(always)]
pub fn create(
    payer: &AccountView,
    account: &AccountView,
    base: &AccountView,
    seed: &[u8],
    space: usize,
    owner: &Address,
) -> ProgramResult {
    if !seed.is_ascii() {
        return Err(AmplifyError::InvalidInstructionData.into());
    }
    // SAFETY: ASCII is valid UTF-8.
    let seed = unsafe { core::str::from_utf8_unchecked(seed) };
    let rent = rent_exempt(space)?;
    if account.lamports() == 0 {
        return CreateAccountWithSeed {
            from: payer,
            to: account,
            base: Some(base),
            seed,
            lamports: rent,
            space: space as u64,
            owner,
        }
        .invoke();
    }
    top_up(payer, account, rent)?;
    AllocateWithSeed {
        account,
        base,
        seed,
        space: space as u64,
        owner,
    }
    .invoke()?;
    AssignWithSeed {
        account,
        base,
        seed,
        owner,
    }
    .invoke()
}
