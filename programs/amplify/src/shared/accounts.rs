//! Account checks beyond the IDL's flags (which `generated` checks): PDAs,
//! fresh addresses, and the clock sysvar's time.

use crate::error::AmplifyError;
use pinocchio::{address::address_eq, error::ProgramError, AccountView, Address};

pub const SYSTEM_PROGRAM_ID: Address = Address::new_from_array([0; 32]);
pub const BPF_LOADER_UPGRADEABLE_ID: Address =
    Address::from_str_const("BPFLoaderUpgradeab1e11111111111111111111111");
pub const TOKEN_PROGRAM_ID: Address =
    Address::from_str_const("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
pub const TOKEN_2022_PROGRAM_ID: Address =
    Address::from_str_const("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb");

/// An account that has never been created: no data, system-owned. (Lamports
/// alone are tolerated by [`crate::shared::create`]: anyone can send lamports
/// to an address, and that must not block its creation.)
#[inline(always)]
pub fn uninitialized(account: &AccountView) -> bool {
    account.is_data_empty() && account.owned_by(&SYSTEM_PROGRAM_ID)
}

/// Derive the canonical PDA for `seeds` and check `account` is at it; returns
/// the bump. Costs a `sol_try_find_program_address` syscall, so it is used where
/// an account is created; afterwards an account is recognised by owner +
/// discriminator + the addresses it stores.
#[inline(always)]
pub fn canonical_pda(
    account: &AccountView,
    seeds: &[&[u8]],
    program_id: &Address,
) -> Result<u8, ProgramError> {
    let (address, bump) =
        Address::try_find_program_address(seeds, program_id).ok_or(AmplifyError::InvalidPda)?;
    if address_eq(account.address(), &address) {
        Ok(bump)
    } else {
        Err(AmplifyError::InvalidPda.into())
    }
}

/// `unix_timestamp` from the Clock sysvar account (offset 32 of its 40 bytes),
/// whose address the IDL fixes. Reading the account costs a few CU; the
/// `sol_get_clock_sysvar` syscall, 140.
#[inline(always)]
pub fn clock_unix_timestamp(clock: &AccountView) -> Result<i64, ProgramError> {
    let data = clock
        .try_borrow()
        .map_err(|_| ProgramError::from(AmplifyError::DuplicateAccount))?;
    let bytes: [u8; 8] = data
        .get(32..40)
        .and_then(|b| b.try_into().ok())
        .ok_or(AmplifyError::InvalidAccountData)?;
    Ok(i64::from_le_bytes(bytes))
}

/// Two accounts that must not be the same one.
#[inline(always)]
pub fn distinct(a: &AccountView, b: &AccountView) -> Result<(), ProgramError> {
    if address_eq(a.address(), b.address()) {
        Err(AmplifyError::DuplicateAccount.into())
    } else {
        Ok(())
    }
}
