//! Moving lamports out of program-owned accounts (no CPI needed) and closing them.

use crate::{error::AmplifyError, shared::math};
use pinocchio::{address::address_eq, error::ProgramError, AccountView, ProgramResult};

/// Move `amount` lamports from `from` (owned by this program) to `to`.
#[inline(always)]
pub fn transfer(from: &mut AccountView, to: &mut AccountView, amount: u64) -> ProgramResult {
    if amount == 0 {
        return Ok(());
    }
    let left = math::sub(from.lamports(), amount)?;
    from.set_lamports(left);
    let credited = math::add(to.lamports(), amount)?;
    to.set_lamports(credited);
    Ok(())
}

/// Close a program-owned account: all lamports to `to`, data and owner cleared.
#[inline(always)]
pub fn close(account: &mut AccountView, to: &mut AccountView) -> ProgramResult {
    if address_eq(account.address(), to.address()) {
        return Err(AmplifyError::InvalidAccountData.into());
    }
    let all = account.lamports();
    transfer(account, to, all)?;
    // SAFETY: handlers drop their views of `account` before closing it.
    unsafe { account.borrow_unchecked_mut()[..8].fill(0) };
    account
        .close()
        .map_err(|_| ProgramError::from(AmplifyError::InvalidAccountData))
}
