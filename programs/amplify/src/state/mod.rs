//! Account layouts. Every account starts with its 8-byte Anchor discriminator
//! and a version byte, and ends with reserved bytes so it can grow in place.
//! Multi-byte integers are stored as little-endian byte arrays: the structs have
//! alignment 1, so a view over account data is sound at any address and the
//! layout is exactly what borsh (and so every Anchor client) reads.

pub mod config;
pub mod treasury;

pub use config::Config;
pub use treasury::Treasury;

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

/// Read a program-owned account of type `T`: owner, then discriminator and size.
#[inline(always)]
pub fn load<'a, T: Layout>(
    account: &'a AccountView,
    program_id: &Address,
) -> Result<&'a T, ProgramError> {
    if !account.owned_by(program_id) {
        return Err(AmplifyError::InvalidOwner.into());
    }
    // SAFETY: the handlers never hold a mutable borrow of the same account while
    // reading it (duplicates are rejected by address checks before this point).
    T::view(unsafe { account.borrow_unchecked() })
}

/// Mutable counterpart of [`load`]; also requires the account to be writable.
#[inline(always)]
pub fn load_mut<'a, T: Layout>(
    account: &'a mut AccountView,
    program_id: &Address,
) -> Result<&'a mut T, ProgramError> {
    if !account.owned_by(program_id) {
        return Err(AmplifyError::InvalidOwner.into());
    }
    if !account.is_writable() {
        return Err(AmplifyError::AccountNotWritable.into());
    }
    // SAFETY: see `load`.
    T::view_mut(unsafe { account.borrow_unchecked_mut() })
}
