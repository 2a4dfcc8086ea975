//! A bounds-checked reader for borsh-encoded instruction arguments.

use crate::error::AmplifyError;
use pinocchio::{error::ProgramError, Address};

pub struct Args<'a> {
    data: &'a [u8],
}

impl<'a> Args<'a> {
    #[inline(always)]
    pub fn new(data: &'a [u8]) -> Self {
        Self { data }
    }

    #[inline(always)]
    pub fn bytes<const N: usize>(&mut self) -> Result<&'a [u8; N], ProgramError> {
        if self.data.len() < N {
            return Err(AmplifyError::InvalidInstructionData.into());
        }
        let (head, rest) = self.data.split_at(N);
        self.data = rest;
        head.try_into()
            .map_err(|_| AmplifyError::InvalidInstructionData.into())
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
            _ => Err(AmplifyError::InvalidInstructionData.into()),
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

    /// Borsh `Vec<[u8; N]>`: u32 length, then the elements.
    #[inline(always)]
    pub fn vec_of<const N: usize>(&mut self) -> Result<&'a [[u8; N]], ProgramError> {
        let len = self.u32()? as usize;
        // Division, not `checked_mul`: the BPF backend cannot lower the latter's
        // 128-bit overflow check.
        if len > self.data.len().checked_div(N).unwrap_or(0) {
            return Err(AmplifyError::InvalidInstructionData.into());
        }
        let bytes = len.wrapping_mul(N);
        let (head, rest) = self.data.split_at(bytes);
        self.data = rest;
        // SAFETY: `[u8; N]` has alignment 1 and `head` holds exactly `len * N` bytes.
        Ok(unsafe { core::slice::from_raw_parts(head.as_ptr() as *const [u8; N], len) })
    }

    /// Borsh `String` / `Vec<u8>`: u32 length, then the bytes.
    #[inline(always)]
    pub fn byte_vec(&mut self) -> Result<&'a [u8], ProgramError> {
        let len = self.u32()? as usize;
        if self.data.len() < len {
            return Err(AmplifyError::InvalidInstructionData.into());
        }
        let (head, rest) = self.data.split_at(len);
        self.data = rest;
        Ok(head)
    }

    /// All arguments must be consumed: trailing bytes mean a client and the
    /// program disagree about the layout.
    #[inline(always)]
    pub fn finish(self) -> Result<(), ProgramError> {
        if self.data.is_empty() {
            Ok(())
        } else {
            Err(AmplifyError::InvalidInstructionData.into())
        }
    }
}
