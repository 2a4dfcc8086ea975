//! `shared::math`: checked arithmetic the BPF backend can compile.

use crate::shared::math::*;

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
    assert!(mul(3, u64::MAX / 3 + 1).is_err());
    assert_eq!(mul(u64::MAX / 3, 3).unwrap(), u64::MAX / 3 * 3);
    // Exhaustive-ish agreement with u128 arithmetic around the 2^32 boundaries.
    let edges = [
        0u64,
        1,
        2,
        3,
        0xFFFF,
        0xFFFF_FFFF,
        0x1_0000_0000,
        0x1_0000_0001,
        0xFFFF_FFFF_FFFF,
        u64::MAX / 2,
        u64::MAX - 1,
        u64::MAX,
        10_000,
        1_000_000_007,
    ];
    for &x in &edges {
        for &y in &edges {
            let exact = x as u128 * y as u128;
            match mul(x, y) {
                Ok(v) => assert_eq!(v as u128, exact, "{x} * {y}"),
                Err(_) => assert!(exact > u64::MAX as u128, "{x} * {y} reported overflow"),
            }
        }
    }
}

#[test]
fn fee_rounds_up_to_a_whole_lamport() {
    // 5% of amounts whose exact fee is and is not a whole number of lamports.
    let cases = [
        (0u64, 0u64),
        (1, 1),
        (19, 1),
        (20, 1),
        (21, 2),
        (10_000, 500),
        (10_001, 501),
    ];
    for (amount, fee) in cases {
        assert_eq!(fee_of(amount, 500).unwrap(), fee, "fee of {amount}");
    }
    assert_eq!(fee_of(123_456, 0).unwrap(), 0);
    assert!(fee_of(u64::MAX, 500).is_err());
}

#[test]
fn narrow_counters_refuse_underflow() {
    assert!(dec_u16(0, 1).is_err());
    assert!(dec_u32(2, 3).is_err());
    assert!(inc_u16(u16::MAX, 1).is_err());
    assert_eq!(inc_u32(7, 3).unwrap(), 10);
}

#[test]
fn wide_product_is_exact_everywhere() {
    let edges = [
        0u64,
        1,
        0xFFFF,
        0x1_0000,
        0xFFFF_FFFF,
        0x1_0000_0000,
        u64::MAX / 3,
        u64::MAX,
    ];
    for &a in &edges {
        for &b in &edges {
            let (hi, lo) = mul_wide(a, b);
            assert_eq!(
                ((hi as u128) << 64) | lo as u128,
                a as u128 * b as u128,
                "{a} * {b}"
            );
        }
    }
}

#[test]
fn mul_div_is_the_floor_of_the_exact_quotient() {
    use crate::shared::math::mul_div;
    let cases = [
        (0u64, 5u64, 7u64),
        (200_000, 86_399, 86_400),
        (u64::MAX, 1_000, 1_000),
        (u64::MAX / 3, 2, 3),
        (123_456_789_012, 999, 1_000),
        (7, 0, 3),
    ];
    for (x, num, den) in cases {
        let exact = (x as u128 * num as u128 / den as u128) as u64;
        assert_eq!(mul_div(x, num, den).unwrap(), exact, "{x}·{num}/{den}");
    }
    assert!(mul_div(1, 1, 0).is_err());
    assert!(mul_div(u64::MAX, 2, 1).is_err());
}
