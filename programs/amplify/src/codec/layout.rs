//! Zero-copy views of account data and instruction arguments.
//!
//! Multi-byte integers are stored as little-endian byte arrays, so every layout
//! struct has alignment 1 and no padding: a view is sound at any address and
//! the bytes are exactly the borsh encoding every Anchor client reads.

use crate::error::AmplifyError;
use pinocchio::error::ProgramError;

/// Little-endian accessors for integer fields stored as byte arrays: for each
/// `name: Int`, `name()` reads it and `set_name(v)` writes it.
#[macro_export]
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

/// Plain bytes: a type that can be viewed over any byte slice of its size.
///
/// # Safety
/// Implementors must be `#[repr(C)]`, have alignment 1, contain no padding and
/// be valid for every bit pattern.
pub unsafe trait Pod: Sized {
    const SIZE: usize = core::mem::size_of::<Self>();

    /// View `bytes` (exactly `n * SIZE` long) as `n` values.
    #[inline(always)]
    fn slice(bytes: &[u8]) -> &[Self] {
        let n = bytes.len().checked_div(Self::SIZE).unwrap_or(0);
        // SAFETY: alignment 1 and any bit pattern is valid (trait contract); `n`
        // whole values fit in `bytes`.
        unsafe { core::slice::from_raw_parts(bytes.as_ptr() as *const Self, n) }
    }

    /// Mutable counterpart of [`Pod::slice`].
    #[inline(always)]
    fn slice_mut(bytes: &mut [u8]) -> &mut [Self] {
        let n = bytes.len().checked_div(Self::SIZE).unwrap_or(0);
        // SAFETY: as in `slice`; the exclusive borrow of `bytes` is carried over.
        unsafe { core::slice::from_raw_parts_mut(bytes.as_mut_ptr() as *mut Self, n) }
    }
}

// SAFETY: byte arrays have alignment 1 and no invalid bit patterns.
unsafe impl<const N: usize> Pod for [u8; N] {}

/// A fixed-size account layout that starts with its 8-byte discriminator.
///
/// # Safety
/// As for [`Pod`].
pub unsafe trait Layout: Sized {
    const DISCRIMINATOR: [u8; 8];
    const LEN: usize = core::mem::size_of::<Self>();

    /// View `data` as `Self`, checking length and discriminator.
    #[inline(always)]
    fn view(data: &[u8]) -> Result<&Self, ProgramError> {
        if data.len() < Self::LEN || data[..8] != Self::DISCRIMINATOR {
            return Err(AmplifyError::InvalidAccountData.into());
        }
        // SAFETY: length checked above; alignment 1, any bit pattern (contract).
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

    /// Write the discriminator into freshly allocated (zeroed) data; return a view.
    #[inline(always)]
    fn init(data: &mut [u8]) -> Result<&mut Self, ProgramError> {
        if data.len() < Self::LEN {
            return Err(AmplifyError::InvalidAccountData.into());
        }
        data[..8].copy_from_slice(&Self::DISCRIMINATOR);
        Self::view_mut(data)
    }
}
