//! Checked u64 arithmetic that the LLVM 22 BPF backend can compile.
//!
//! `u64::checked_mul` lowers to a 128-bit multiply (`__multi3`), which the BPF
//! backend rejects; the division-based check below needs only unsigned 64-bit
//! division. Every money computation goes through these helpers.

use crate::error::AmplifyError;
use pinocchio::error::ProgramError;

#[inline(always)]
pub fn mul(a: u64, b: u64) -> Result<u64, ProgramError> {
    match u64::MAX.checked_div(a) {
        Some(limit) if b > limit => Err(AmplifyError::ArithmeticOverflow.into()),
        _ => Ok(a.wrapping_mul(b)),
    }
}

#[inline(always)]
pub fn add(a: u64, b: u64) -> Result<u64, ProgramError> {
    a.checked_add(b)
        .ok_or_else(|| AmplifyError::ArithmeticOverflow.into())
}

#[inline(always)]
pub fn sub(a: u64, b: u64) -> Result<u64, ProgramError> {
    a.checked_sub(b)
        .ok_or_else(|| AmplifyError::ArithmeticOverflow.into())
}

/// `amount * bps / 10_000`, rounded down (the fee; the worker gets the rest, so
/// `fee + net == amount` exactly).
#[inline(always)]
pub fn bps_of(amount: u64, bps: u16) -> Result<u64, ProgramError> {
    Ok(mul(amount, bps as u64)?.wrapping_div(10_000))
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    #[test]
    fn mul_detects_overflow_at_the_boundary() {
        assert_eq!(mul(u64::MAX, 1).unwrap(), u64::MAX);
        assert_eq!(mul(0, u64::MAX).unwrap(), 0);
        assert_eq!(
            mul(1 << 32, (1 << 32) - 1).unwrap(),
            (1u64 << 32) * ((1 << 32) - 1)
        );
        assert!(mul(1 << 32, 1 << 32).is_err());
        assert!(mul(u64::MAX / 3 + 1, 3).is_err());
    }

    #[test]
    fn bps_split_is_exact() {
        for amount in [0u64, 1, 19, 20, 999, 1_000_000, u64::MAX / 1_000] {
            let fee = bps_of(amount, 500).unwrap();
            assert!(fee <= amount);
            assert_eq!(fee, amount / 20);
        }
    }
}
