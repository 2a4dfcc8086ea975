//! Moving lamports: directly out of program-owned accounts (no CPI), through
//! the system program out of wallets, and closing accounts.

use crate::{error::AmplifyError, shared::math};
use pinocchio::{address::address_eq, error::ProgramError, AccountView, ProgramResult};
use pinocchio_system::instructions::Transfer;

/// Move `amount` lamports from `from` (owned by this program) to `to`.
#[inline(always)]
pub fn transfer(from: &AccountView, to: &AccountView, amount: u64) -> ProgramResult {
    if amount == 0 {
        return Ok(());
    }
    // Views are copies of one handle; the runtime account behind them is shared.
    let (mut from, mut to) = (*from, *to);
    let left = math::sub(from.lamports(), amount)?;
    from.set_lamports(left);
    let credited = math::add(to.lamports(), amount)?;
    to.set_lamports(credited);
    Ok(())
}

/// Move `amount` lamports out of a wallet that signed (system program CPI).
#[inline(always)]
pub fn pay(from: &AccountView, to: &AccountView, amount: u64) -> ProgramResult {
    if amount == 0 {
        return Ok(());
    }
    Transfer {
        from,
        to,
        lamports: amount,
    }
    .invoke()
}

/// Close a program-owned account: all lamports to `to`, discriminator cleared,
/// data length, owner and lamports zeroed. Any view of its data must be gone
/// (the borrow check below enforces it).
#[inline(always)]
pub fn close(account: &AccountView, to: &AccountView) -> ProgramResult {
    if address_eq(account.address(), to.address()) {
        return Err(AmplifyError::DuplicateAccount.into());
    }
    let mut account = *account;
    {
        let mut data = account
            .try_borrow_mut()
            .map_err(|_| ProgramError::from(AmplifyError::DuplicateAccount))?;
        // A later instruction of the same transaction must not see a live
        // account type in the bytes the runtime has not zeroed yet.
        if let Some(disc) = data.get_mut(..8) {
            disc.fill(0);
        }
    }
    transfer(&account, to, account.lamports())?;
    account
        .close()
        .map_err(|_| ProgramError::from(AmplifyError::DuplicateAccount))
}
