//! Rent-exempt minimum, from the Rent sysvar.
//!
//! pinocchio 0.11's `Rent::get` is compiled only for `target_os = "solana"` (it
//! returns `UnsupportedSysvar` on `bpfel-unknown-none`) and assumes the
//! post-SIMD-0194 layout. This reads the sysvar through `sol_get_rent_sysvar` and
//! interprets the f64 exemption threshold exactly for the two values clusters
//! use (2.0 before SIMD-0194, 1.0 after), without floating point.

use crate::shared::math;
use pinocchio::error::ProgramError;

/// Bytes every account is charged for on top of its data.
pub const ACCOUNT_STORAGE_OVERHEAD: u64 = 128;
const THRESHOLD_ONE: u64 = 0x3FF0_0000_0000_0000; // 1.0f64
const THRESHOLD_TWO: u64 = 0x4000_0000_0000_0000; // 2.0f64

/// The Rent sysvar's bincode layout.
#[repr(C)]
#[derive(Default)]
struct RawRent {
    lamports_per_byte_year: u64,
    exemption_threshold_bits: u64,
    burn_percent: u8,
}

/// Minimum lamports for a rent-exempt account with `data_len` bytes.
#[inline(always)]
pub fn rent_exempt(data_len: usize) -> Result<u64, ProgramError> {
    let raw = read()?;
    let per_byte = match raw.exemption_threshold_bits {
        THRESHOLD_ONE => raw.lamports_per_byte_year,
        THRESHOLD_TWO => math::mul(raw.lamports_per_byte_year, 2)?,
        _ => return Err(ProgramError::UnsupportedSysvar),
    };
    minimum_balance(per_byte, data_len)
}

/// `(overhead + data_len) * lamports_per_byte`, checked.
#[inline(always)]
pub fn minimum_balance(lamports_per_byte: u64, data_len: usize) -> Result<u64, ProgramError> {
    math::mul(
        math::add(ACCOUNT_STORAGE_OVERHEAD, data_len as u64)?,
        lamports_per_byte,
    )
}

#[cfg(target_arch = "bpf")]
#[inline(always)]
fn read() -> Result<RawRent, ProgramError> {
    let mut raw = RawRent::default();
    // SAFETY: `raw` is a valid, writable RawRent; the syscall fills its 17 bytes.
    #[allow(deprecated)]
    let rc =
        unsafe { pinocchio::syscalls::sol_get_rent_sysvar(&mut raw as *mut RawRent as *mut u8) };
    if rc == 0 {
        Ok(raw)
    } else {
        Err(ProgramError::UnsupportedSysvar)
    }
}

/// Host builds (unit tests) use the default cluster rent.
#[cfg(not(target_arch = "bpf"))]
fn read() -> Result<RawRent, ProgramError> {
    Ok(RawRent {
        lamports_per_byte_year: 6960,
        exemption_threshold_bits: THRESHOLD_ONE,
        burn_percent: 50,
    })
}
