//! The checked arithmetic every amount goes through (`shared::math`, and the
//! 64.64 fixed point of the treasury's sharing), against u128 arithmetic:
//! each result exact or an error exactly when the true value does not fit.
#![no_main]

use amplify::shared::math;
use amplify::state::governance::{div_shl64, mul_shr64};
use amplify_fuzz::Cursor;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let mut c = Cursor::new(input);
    let (a, b) = (c.u64(), c.u64());
    let wide = a as u128 * b as u128;
    assert_eq!(
        math::mul(a, b).ok(),
        u64::try_from(wide).ok(),
        "mul {a} {b}"
    );
    assert_eq!(math::mul_wide(a, b), ((wide >> 64) as u64, wide as u64));
    assert_eq!(math::add(a, b).ok(), a.checked_add(b));
    assert_eq!(math::sub(a, b).ok(), a.checked_sub(b));
    assert_eq!(math::div(a, b).ok(), a.checked_div(b));
    let bps = c.u16();
    let fee = (a as u128 * bps as u128).div_ceil(10_000);
    let want = if a as u128 * bps as u128 > u64::MAX as u128 {
        None
    } else {
        Some(fee as u64)
    };
    assert_eq!(math::fee_of(a, bps).ok(), want, "fee_of {a} {bps}");
    if b > 0 {
        let q = ((a as u128) << 64) / b as u128;
        assert_eq!(div_shl64(a, b).ok(), Some(q), "div_shl64 {a} {b}");
        // Rewards: (amount · q) >> 64 floored, an error only if it overflows.
        let amount = c.u64();
        let exact = (amount as u128 * (q >> 64)) + ((amount as u128 * (q as u64) as u128) >> 64);
        assert_eq!(mul_shr64(amount, q).ok(), u64::try_from(exact).ok());
    } else {
        assert!(div_shl64(a, 0).is_err());
    }
});
