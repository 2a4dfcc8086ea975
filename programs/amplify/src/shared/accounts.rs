//! Account checks. Each returns the program's typed error so a client always
//! learns which rule an account broke.

use crate::error::AmplifyError;
use pinocchio::{error::ProgramError, AccountView, Address};

pub const SYSTEM_PROGRAM_ID: Address = Address::new_from_array([0; 32]);
pub const TOKEN_PROGRAM_ID: Address =
    Address::from_str_const("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
pub const TOKEN_2022_PROGRAM_ID: Address =
    Address::from_str_const("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb");

#[inline(always)]
pub fn signer(account: &AccountView) -> Result<(), ProgramError> {
    if account.is_signer() {
        Ok(())
    } else {
        Err(AmplifyError::MissingSigner.into())
    }
}

#[inline(always)]
pub fn writable(account: &AccountView) -> Result<(), ProgramError> {
    if account.is_writable() {
        Ok(())
    } else {
        Err(AmplifyError::AccountNotWritable.into())
    }
}

#[inline(always)]
pub fn system_program(account: &AccountView) -> Result<(), ProgramError> {
    if account.address() == &SYSTEM_PROGRAM_ID {
        Ok(())
    } else {
        Err(AmplifyError::InvalidProgramAccount.into())
    }
}

/// An account that has never been created: no lamports, no data, system-owned.
/// (Lamports alone are tolerated by [`crate::shared::create`]: anyone can send
/// lamports to an address, and that must not block its creation.)
#[inline(always)]
pub fn uninitialized(account: &AccountView) -> bool {
    account.is_data_empty() && account.owned_by(&SYSTEM_PROGRAM_ID)
}

/// Derive the canonical PDA for `seeds` and check `account` is at it; returns the bump.
/// Costs a `sol_try_find_program_address` syscall, so it is used where an account is
/// created; afterwards an account is recognised by owner + discriminator + the
/// addresses it stores.
#[inline(always)]
pub fn canonical_pda(
    account: &AccountView,
    seeds: &[&[u8]],
    program_id: &Address,
) -> Result<u8, ProgramError> {
    let (address, bump) =
        Address::try_find_program_address(seeds, program_id).ok_or(AmplifyError::InvalidPda)?;
    if account.address() == &address {
        Ok(bump)
    } else {
        Err(AmplifyError::InvalidPda.into())
    }
}

/// Split the fixed accounts of an instruction off the front of `accounts`.
#[inline(always)]
pub fn take<const N: usize>(
    accounts: &mut [AccountView],
) -> Result<(&mut [AccountView; N], &mut [AccountView]), ProgramError> {
    if accounts.len() < N {
        return Err(AmplifyError::NotEnoughAccounts.into());
    }
    let (head, rest) = accounts.split_at_mut(N);
    let head: &mut [AccountView; N] = head
        .try_into()
        .map_err(|_| ProgramError::from(AmplifyError::NotEnoughAccounts))?;
    Ok((head, rest))
}
