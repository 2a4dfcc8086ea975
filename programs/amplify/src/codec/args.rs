//! A bounds-checked reader for borsh-encoded instruction arguments. Every
//! failure is `InvalidInstructionData`: the client and the IDL disagree.

use crate::codec::layout::Pod;
use crate::error::AmplifyError;
use pinocchio::{error::ProgramError, Address};

pub struct Args<'a> {
    data: &'a [u8],
}

/// A parsed argument and the bytes it was parsed from (to store as is).
pub struct Encoded<'a, T> {
    pub value: T,
    pub raw: &'a [u8],
}

#[inline(always)]
fn invalid() -> ProgramError {
    AmplifyError::InvalidInstructionData.into()
}

impl<'a> Args<'a> {
    #[inline(always)]
    pub fn new(data: &'a [u8]) -> Self {
        Self { data }
    }

    #[inline(always)]
    pub fn bytes<const N: usize>(&mut self) -> Result<&'a [u8; N], ProgramError> {
        let (head, rest) = self.data.split_first_chunk::<N>().ok_or_else(invalid)?;
        self.data = rest;
        Ok(head)
    }

    #[inline(always)]
    pub fn u8(&mut self) -> Result<u8, ProgramError> {
        Ok(self.bytes::<1>()?[0])
    }

    /// Borsh bool: exactly 0 or 1.
    #[inline(always)]
    pub fn bool(&mut self) -> Result<bool, ProgramError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(invalid()),
        }
    }

    #[inline(always)]
    pub fn u16(&mut self) -> Result<u16, ProgramError> {
        Ok(u16::from_le_bytes(*self.bytes::<2>()?))
    }

    #[inline(always)]
    pub fn u32(&mut self) -> Result<u32, ProgramError> {
        Ok(u32::from_le_bytes(*self.bytes::<4>()?))
    }

    #[inline(always)]
    pub fn u64(&mut self) -> Result<u64, ProgramError> {
        Ok(u64::from_le_bytes(*self.bytes::<8>()?))
    }

    #[inline(always)]
    pub fn i64(&mut self) -> Result<i64, ProgramError> {
        Ok(i64::from_le_bytes(*self.bytes::<8>()?))
    }

    #[inline(always)]
    pub fn address(&mut self) -> Result<Address, ProgramError> {
        Ok(Address::new_from_array(*self.bytes::<32>()?))
    }

    /// Borsh `Vec<u8>`: u32 length, then the bytes. A length longer than the
    /// data left is refused before anything is read.
    #[inline(always)]
    pub fn byte_vec(&mut self) -> Result<&'a [u8], ProgramError> {
        let len = self.u32()? as usize;
        let (head, rest) = self.data.split_at_checked(len).ok_or_else(invalid)?;
        self.data = rest;
        Ok(head)
    }

    /// Borsh `String`: as `Vec<u8>`, and it must be valid UTF-8 (every borsh and
    /// IDL decoder would refuse anything else).
    #[inline(always)]
    pub fn string(&mut self) -> Result<&'a str, ProgramError> {
        core::str::from_utf8(self.byte_vec()?).map_err(|_| invalid())
    }

    /// Borsh `Vec<T>` of a plain-bytes element: u32 length, then the elements,
    /// viewed in place.
    #[inline(always)]
    pub fn pod_slice<T: Pod>(&mut self) -> Result<&'a [T], ProgramError> {
        let len = self.u32()? as usize;
        // Division, not a multiply: the length may lie, and `len * SIZE` could
        // wrap; the BPF backend also cannot lower `checked_mul`'s 128-bit check.
        if len > self.data.len().checked_div(T::SIZE).unwrap_or(0) {
            return Err(invalid());
        }
        let (head, rest) = self
            .data
            .split_at_checked(len.wrapping_mul(T::SIZE))
            .ok_or_else(invalid)?;
        self.data = rest;
        Ok(T::slice(head))
    }

    /// A plain-bytes struct argument, viewed in place.
    #[inline(always)]
    pub fn pod<T: Pod>(&mut self) -> Result<&'a T, ProgramError> {
        let (head, rest) = self.data.split_at_checked(T::SIZE).ok_or_else(invalid)?;
        self.data = rest;
        T::slice(head).first().ok_or_else(invalid)
    }

    /// Borsh `Vec<uN>` as little-endian byte arrays.
    #[inline(always)]
    pub fn vec_of<const N: usize>(&mut self) -> Result<&'a [[u8; N]], ProgramError> {
        self.pod_slice::<[u8; N]>()
    }

    /// Parse with `parse`, keeping the bytes it consumed.
    #[inline(always)]
    pub fn encoded<T>(
        &mut self,
        parse: impl FnOnce(&mut Args<'a>) -> Result<T, ProgramError>,
    ) -> Result<Encoded<'a, T>, ProgramError> {
        let start = self.data;
        let value = parse(self)?;
        let used = start.len().saturating_sub(self.data.len());
        Ok(Encoded {
            value,
            raw: start.get(..used).ok_or_else(invalid)?,
        })
    }

    /// All arguments must be consumed: trailing bytes mean a client and the
    /// program disagree about the layout.
    #[inline(always)]
    pub fn finish(self) -> Result<(), ProgramError> {
        if self.data.is_empty() {
            Ok(())
        } else {
            Err(invalid())
        }
    }
}
