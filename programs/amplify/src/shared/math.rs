//! Checked u64 arithmetic that the LLVM 22 BPF backend can compile.
//!
//! `u64::checked_mul` lowers to a 128-bit multiply (`__multi3`), which the BPF
//! backend rejects — and so does a division-based check, because LLVM recognises
//! `b > u64::MAX / a` and turns it back into `umul.with.overflow`. The product is
//! therefore built from 32-bit halves, which needs only 64-bit multiplies. Every
//! money computation goes through these helpers.

use crate::error::AmplifyError;
use pinocchio::error::ProgramError;

#[inline(always)]
pub fn mul(a: u64, b: u64) -> Result<u64, ProgramError> {
    const LOW: u64 = 0xFFFF_FFFF;
    // The common case, both factors below 2^32, cannot wrap: one multiply
    // (the reputation formula runs a dozen products per rating).
    if (a | b) <= LOW {
        return Ok(a.wrapping_mul(b));
    }
    let (a_hi, a_lo) = (a >> 32, a & LOW);
    let (b_hi, b_lo) = (b >> 32, b & LOW);
    if a_hi != 0 && b_hi != 0 {
        return Err(AmplifyError::ArithmeticOverflow.into());
    }
    // At most one cross term is non-zero; each factor is below 2^32, so the
    // 64-bit products below cannot wrap.
    let cross = a_hi.wrapping_mul(b_lo) | a_lo.wrapping_mul(b_hi);
    if cross > LOW {
        return Err(AmplifyError::ArithmeticOverflow.into());
    }
    add(cross << 32, a_lo.wrapping_mul(b_lo))
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

/// The first `n` entries of a fixed buffer an instruction fills as it goes
/// (an event's lists). A count past the buffer is a broken count: an error,
/// never a silently empty list in the event.
#[inline(always)]
pub fn prefix<T>(buf: &[T], n: usize) -> Result<&[T], ProgramError> {
    buf.get(..n)
        .ok_or_else(|| AmplifyError::ArithmeticOverflow.into())
}

/// `floor(a / b)`, checked for `b == 0`.
#[inline(always)]
pub fn div(a: u64, b: u64) -> Result<u64, ProgramError> {
    a.checked_div(b)
        .ok_or_else(|| AmplifyError::ArithmeticOverflow.into())
}

/// `x · num / den`, floored, without a 128-bit division (the BPF backend
/// cannot lower one): `x = q·den + r`, so it is `q·num + r·num/den`; an error
/// when `den` is 0 or a product overflows (`r·num` fits whenever `num` and
/// `den` are below 2^32).
pub fn mul_div(x: u64, num: u64, den: u64) -> Result<u64, ProgramError> {
    let r = x.checked_rem(den).ok_or(AmplifyError::ArithmeticOverflow)?;
    add(mul(div(x, den)?, num)?, div(mul(r, num)?, den)?)
}

/// `ceil(a / b)` for `b > 0`.
#[inline(always)]
pub fn div_ceil(a: u64, b: u64) -> Result<u64, ProgramError> {
    if b == 0 {
        return Err(AmplifyError::ArithmeticOverflow.into());
    }
    Ok(a.div_ceil(b))
}

/// The protocol fee on `amount` at `bps` basis points, rounded *up* to a whole
/// lamport: any paid work pays a fee (rounding down let prices under 20
/// lamports at 5% pay none). The worker gets `amount - fee`, so
/// `fee + net == amount` exactly.
#[inline(always)]
pub fn fee_of(amount: u64, bps: u16) -> Result<u64, ProgramError> {
    div_ceil(mul(amount, bps as u64)?, 10_000)
}

/// Checked counter arithmetic for the narrower counters (u16/u32): an
/// underflow or overflow is an error, never a clamp.
#[inline(always)]
pub fn inc_u32(v: u32, by: u32) -> Result<u32, ProgramError> {
    v.checked_add(by)
        .ok_or_else(|| AmplifyError::ArithmeticOverflow.into())
}

#[inline(always)]
pub fn dec_u32(v: u32, by: u32) -> Result<u32, ProgramError> {
    v.checked_sub(by)
        .ok_or_else(|| AmplifyError::ArithmeticOverflow.into())
}

#[inline(always)]
pub fn inc_u16(v: u16, by: u16) -> Result<u16, ProgramError> {
    v.checked_add(by)
        .ok_or_else(|| AmplifyError::ArithmeticOverflow.into())
}

#[inline(always)]
pub fn dec_u16(v: u16, by: u16) -> Result<u16, ProgramError> {
    v.checked_sub(by)
        .ok_or_else(|| AmplifyError::ArithmeticOverflow.into())
}

/// The full 128-bit product `a × b` as (high, low) words.
///
/// Built from 32 × 16-bit partial products added with explicit carries. (The
/// textbook 32 × 32-bit version is recognised by LLVM as a 128-bit multiply,
/// which the BPF backend then cannot lower; this shape is not.)
pub fn mul_wide(a: u64, b: u64) -> (u64, u64) {
    let (a_hi, a_lo) = (a >> 32, a & 0xFFFF_FFFF);
    let (mut hi, mut lo) = (0u64, 0u64);
    for i in 0..4u32 {
        let at = i.wrapping_mul(16);
        let chunk = b.wrapping_shr(at) & 0xFFFF;
        // Each part is below 2^48, placed at bit `at` (low half of a) or
        // `at + 32` (high half).
        for (part, shift) in [
            (a_lo.wrapping_mul(chunk), at),
            (a_hi.wrapping_mul(chunk), at.wrapping_add(32)),
        ] {
            let (add_hi, add_lo) = if shift == 0 {
                (0, part)
            } else if shift < 64 {
                (
                    part.wrapping_shr(64u32.wrapping_sub(shift)),
                    part.wrapping_shl(shift),
                )
            } else {
                (part.wrapping_shl(shift.wrapping_sub(64)), 0)
            };
            let (sum, carry) = lo.overflowing_add(add_lo);
            lo = sum;
            hi = hi.wrapping_add(add_hi).wrapping_add(carry as u64);
        }
    }
    (hi, lo)
}
