//! Account checks. Each returns the program's typed error so a client always
//! learns which rule an account broke.

use crate::error::AmplifyError;
use pinocchio::{address::address_eq, error::ProgramError, AccountView, Address};

pub const SYSTEM_PROGRAM_ID: Address = Address::new_from_array([0; 32]);
pub const BPF_LOADER_UPGRADEABLE_ID: Address =
    Address::from_str_const("BPFLoaderUpgradeab1e11111111111111111111111");
pub const CLOCK_SYSVAR_ID: Address =
    Address::from_str_const("SysvarC1ock11111111111111111111111111111111");
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
    if address_eq(account.address(), &SYSTEM_PROGRAM_ID) {
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
    if address_eq(account.address(), &address) {
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

/// Fails with `BatchActive` unless the batch numbered `batch_number` is over:
/// closed (the address holds no batch, or a newer batch with another number),
/// cancelled, or past its expiry. Callers check that `batch` is the address
/// their record points at.
#[inline(always)]
pub fn batch_finished(
    batch: &AccountView,
    batch_number: u64,
    now: i64,
) -> Result<(), ProgramError> {
    if !batch.owned_by(&crate::ID) {
        return Ok(());
    }
    let b = crate::state::load::<crate::state::Batch>(batch, &crate::ID)?;
    if b.batch_number() != batch_number || b.finished(now) {
        Ok(())
    } else {
        Err(AmplifyError::BatchActive.into())
    }
}

/// `unix_timestamp` from the Clock sysvar *account* (offset 32 of its 40 bytes).
/// Reading the account costs a few CU; the `sol_get_clock_sysvar` syscall, 140.
#[inline(always)]
pub fn clock_unix_timestamp(clock: &AccountView) -> Result<i64, ProgramError> {
    if !address_eq(clock.address(), &CLOCK_SYSVAR_ID) {
        return Err(AmplifyError::InvalidProgramAccount.into());
    }
    // SAFETY: read-only look at the sysvar's data; no view of it is held elsewhere.
    let data = unsafe { clock.borrow_unchecked() };
    let bytes: [u8; 8] = data
        .get(32..40)
        .and_then(|b| b.try_into().ok())
        .ok_or(AmplifyError::InvalidAccountData)?;
    Ok(i64::from_le_bytes(bytes))
}

/// The batch, viewed mutably, after checking `requester` signed and is its
/// requester: the opening of every requester-only instruction.
#[inline(always)]
pub fn requester_batch(
    requester: &AccountView,
    batch: &AccountView,
) -> Result<&'static mut crate::state::Batch, ProgramError> {
    signer(requester)?;
    let b = crate::state::load_mut::<crate::state::Batch>(batch, &crate::ID)?;
    if !address_eq(&b.requester, requester.address()) {
        return Err(AmplifyError::Unauthorized.into());
    }
    Ok(b)
}
