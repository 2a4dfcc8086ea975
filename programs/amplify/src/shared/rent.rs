//! Rent-exempt minimum, from the Rent sysvar.
//!
//! pinocchio 0.11's `Rent::get` is compiled only for `target_os = "solana"` (it
//! returns `UnsupportedSysvar` on `bpfel-unknown-none`). This reads the sysvar
//! through `sol_get_rent_sysvar` and applies the f64 exemption threshold to the
//! integer rent without floating point (which this BPF backend cannot compile):
//! the threshold is decoded into `mantissa × 2^exponent` and the product is
//! formed exactly in 128 bits. For every dyadic threshold (1.0 and 2.0, the
//! values clusters use, but also 0.5, 1.5, ...) this equals the runtime's f64
//! result; for others it is the exact floor, which the runtime's rounded f64
//! product can differ from by at most one lamport.

use crate::shared::math;
use pinocchio::error::ProgramError;

/// Bytes every account is charged for on top of its data.
pub const ACCOUNT_STORAGE_OVERHEAD: u64 = 128;

/// The Rent sysvar's bincode layout.
#[repr(C)]
#[derive(Default)]
pub struct RawRent {
    pub lamports_per_byte_year: u64,
    pub exemption_threshold_bits: u64,
    pub burn_percent: u8,
}

/// Minimum lamports for a rent-exempt account with `data_len` bytes.
#[inline(always)]
pub fn rent_exempt(data_len: usize) -> Result<u64, ProgramError> {
    minimum_balance(&read()?, data_len)
}

/// `floor((overhead + data_len) × lamports_per_byte_year × threshold)`, exactly.
#[inline(always)]
pub fn minimum_balance(rent: &RawRent, data_len: usize) -> Result<u64, ProgramError> {
    let bytes = math::add(ACCOUNT_STORAGE_OVERHEAD, data_len as u64)?;
    let base = math::mul(bytes, rent.lamports_per_byte_year)?;
    scale_by_f64(base, rent.exemption_threshold_bits)
}

/// `floor(value × f)` for the f64 with bits `bits` (finite, non-negative).
pub fn scale_by_f64(value: u64, bits: u64) -> Result<u64, ProgramError> {
    let exp_bits = (bits >> 52) & 0x7FF;
    let frac = bits & ((1u64 << 52) - 1);
    if bits >> 63 != 0 || exp_bits == 0x7FF {
        return Err(ProgramError::UnsupportedSysvar);
    }
    if exp_bits == 0 && frac == 0 {
        return Ok(0);
    }
    // value of the f64 = mant × 2^(exp - 1075)
    let (mant, exp) = if exp_bits == 0 {
        (frac, -1074i64)
    } else {
        (frac | (1u64 << 52), (exp_bits as i64).wrapping_sub(1075))
    };
    let (hi, lo) = mul_wide(value, mant);
    if exp >= 0 {
        let shift = exp as u32;
        if hi != 0 || shift >= 64 || (shift > 0 && lo >> 64u32.wrapping_sub(shift) != 0) {
            return Err(crate::error::AmplifyError::ArithmeticOverflow.into());
        }
        return Ok(lo << shift);
    }
    let shift = exp.unsigned_abs();
    if shift >= 128 {
        return Ok(0);
    }
    let shift = shift as u32;
    if shift >= 64 {
        return Ok(hi >> shift.wrapping_sub(64));
    }
    if hi >> shift != 0 {
        return Err(crate::error::AmplifyError::ArithmeticOverflow.into());
    }
    Ok(if shift == 0 {
        lo
    } else {
        (lo >> shift) | (hi << 64u32.wrapping_sub(shift))
    })
}

pub use crate::shared::math::mul_wide;

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
        lamports_per_byte_year: 3480,
        exemption_threshold_bits: 2.0f64.to_bits(),
        burn_percent: 50,
    })
}
