//! The account rules the IDL states (signer, writable, fixed address), each with
//! the program's typed error so a client learns which rule an account broke.

use crate::error::AmplifyError;
use pinocchio::{address::address_eq, error::ProgramError, AccountView, Address};

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
pub fn address(account: &AccountView, expected: &Address) -> Result<(), ProgramError> {
    if address_eq(account.address(), expected) {
        Ok(())
    } else {
        Err(AmplifyError::InvalidProgramAccount.into())
    }
}

#[inline(always)]
pub fn not_enough_accounts() -> ProgramError {
    AmplifyError::NotEnoughAccounts.into()
}

#[inline(always)]
pub fn unknown_instruction() -> ProgramError {
    AmplifyError::UnknownInstruction.into()
}
