//! Account layouts. Every account starts with its 8-byte Anchor discriminator
//! and a version byte, and ends with reserved bytes so it can grow in place.
//! Multi-byte integers are stored as little-endian byte arrays: the structs have
//! alignment 1, so a view over account data is sound at any address and the
//! layout is exactly what borsh (and so every Anchor client) reads.

/// Little-endian accessors for integer fields stored as byte arrays: for each
/// `name: Int`, `name()` reads it and `set_name(v)` writes it.
macro_rules! le_fields {
    ($ty:ty { $($field:ident / $set:ident : $int:ty),* $(,)? }) => {
        impl $ty {
            $(
                #[inline(always)]
                pub fn $field(&self) -> $int {
                    <$int>::from_le_bytes(self.$field)
                }
                #[inline(always)]
                pub fn $set(&mut self, v: $int) {
                    self.$field = v.to_le_bytes();
                }
            )*
        }
    };
}

pub mod batch;
pub mod config;
pub mod item_page;
pub mod ledger;
pub mod treasury;
pub mod worker_profile;

pub use batch::Batch;
pub use config::Config;
pub use item_page::{ItemPage, ItemRecord};
pub use ledger::{Ledger, LedgerHeader, Slot};
pub use treasury::Treasury;
pub use worker_profile::WorkerProfile;

use crate::error::AmplifyError;
use pinocchio::{error::ProgramError, AccountView, Address};

/// A fixed-size account layout that can be viewed in place over account data.
///
/// # Safety
/// Implementors must be `#[repr(C)]`, have alignment 1, contain no padding the
/// compiler could add, and be valid for every bit pattern.
pub unsafe trait Layout: Sized {
    const DISCRIMINATOR: [u8; 8];
    const LEN: usize = core::mem::size_of::<Self>();

    /// View `data` as `Self`, checking length and discriminator.
    #[inline(always)]
    fn view(data: &[u8]) -> Result<&Self, ProgramError> {
        if data.len() < Self::LEN || data[..8] != Self::DISCRIMINATOR {
            return Err(AmplifyError::InvalidAccountData.into());
        }
        // SAFETY: length checked above; `Layout` types have alignment 1 and are
        // valid for every bit pattern.
        Ok(unsafe { &*(data.as_ptr() as *const Self) })
    }

    /// Mutable view of `data` as `Self`, checking length and discriminator.
    #[inline(always)]
    fn view_mut(data: &mut [u8]) -> Result<&mut Self, ProgramError> {
        if data.len() < Self::LEN || data[..8] != Self::DISCRIMINATOR {
            return Err(AmplifyError::InvalidAccountData.into());
        }
        // SAFETY: as in `view`; the exclusive borrow of `data` is carried over.
        Ok(unsafe { &mut *(data.as_mut_ptr() as *mut Self) })
    }

    /// Write the discriminator into freshly allocated (zeroed) data and return a view.
    #[inline(always)]
    fn init(data: &mut [u8]) -> Result<&mut Self, ProgramError> {
        if data.len() < Self::LEN {
            return Err(AmplifyError::InvalidAccountData.into());
        }
        data[..8].copy_from_slice(&Self::DISCRIMINATOR);
        Self::view_mut(data)
    }
}

/// View a program-owned account as `T`: checks owner, then size and discriminator.
///
/// The view is not tied to a borrow of `account`, so a handler can keep it while
/// moving lamports or making CPIs with the same account (neither touches the data
/// bytes the view covers).
///
/// # Safety (upheld by the handlers)
/// The runtime's input region outlives the instruction; each handler takes at most
/// one view per account, accounts of the same type appear in distinct roles only
/// where their addresses are checked to differ, and no view is used after the
/// account is closed.
#[inline(always)]
pub fn load<T: Layout>(
    account: &AccountView,
    program_id: &Address,
) -> Result<&'static T, ProgramError> {
    if !account.owned_by(program_id) {
        return Err(AmplifyError::InvalidOwner.into());
    }
    // SAFETY: see above; `data_ptr`/`data_len` describe the account's data region.
    let data = unsafe { core::slice::from_raw_parts(account.data_ptr(), account.data_len()) };
    T::view(data)
}

/// Mutable counterpart of [`load`]; also requires the account to be writable.
#[inline(always)]
#[allow(clippy::mut_from_ref)]
pub fn load_mut<T: Layout>(
    account: &AccountView,
    program_id: &Address,
) -> Result<&'static mut T, ProgramError> {
    if !account.owned_by(program_id) {
        return Err(AmplifyError::InvalidOwner.into());
    }
    if !account.is_writable() {
        return Err(AmplifyError::AccountNotWritable.into());
    }
    // SAFETY: see `load`. The region is writable memory owned by the runtime;
    // the pointer comes from the raw account pointer, not from a shared reference
    // to the bytes.
    let data = unsafe {
        core::slice::from_raw_parts_mut(account.data_ptr() as *mut u8, account.data_len())
    };
    T::view_mut(data)
}

/// Initialize freshly created account data as `T` (writes the discriminator).
#[inline(always)]
#[allow(clippy::mut_from_ref)]
pub fn init<T: Layout>(account: &AccountView) -> Result<&'static mut T, ProgramError> {
    // SAFETY: see `load`; called right after this instruction created the account.
    let data = unsafe {
        core::slice::from_raw_parts_mut(account.data_ptr() as *mut u8, account.data_len())
    };
    T::init(data)
}
