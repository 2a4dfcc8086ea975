//! `shared::rent`: exact rent without floating point.

use crate::shared::rent::*;

fn rent(per_byte_year: u64, threshold: f64) -> RawRent {
    RawRent {
        lamports_per_byte_year: per_byte_year,
        exemption_threshold_bits: threshold.to_bits(),
        burn_percent: 50,
    }
}

#[test]
fn matches_the_cluster_formula() {
    // 128 bytes of overhead at 3,480 lamports per byte-year, threshold 2.0
    // (6,960 per byte, as solders' LiteSVM reports).
    assert_eq!(rent_exempt(0).unwrap(), 890_880);
    assert_eq!(rent_exempt(160).unwrap(), (128 + 160) * 6960);
}

#[test]
fn any_threshold_matches_f64_where_f64_is_exact() {
    for threshold in [1.0, 2.0, 0.5, 1.5, 3.25, 0.0] {
        for len in [0usize, 1, 165, 10_240, 10 * 1024 * 1024] {
            let got = minimum_balance(&rent(3480, threshold), len).unwrap();
            let want = (((128 + len as u64) * 3480) as f64 * threshold) as u64;
            assert_eq!(got, want, "threshold {threshold}, len {len}");
        }
    }
}

#[test]
fn non_dyadic_threshold_is_the_exact_floor() {
    // 1.1 is not exact in binary; the result is floor(value x the f64 1.1).
    let got = minimum_balance(&rent(1000, 1.1), 0).unwrap();
    let exact = (128u128 * 1000 * (1.1f64.to_bits() as u128 & ((1 << 52) - 1) | 1 << 52)) >> 52;
    assert_eq!(got as u128, exact);
}

#[test]
fn wide_product_is_exact() {
    for (a, b) in [
        (u64::MAX, u64::MAX),
        (1 << 63, 3),
        (0xFFFF_FFFF, 0x1_0000_0001),
        (0, 5),
    ] {
        let (hi, lo) = mul_wide(a, b);
        assert_eq!(((hi as u128) << 64) | lo as u128, a as u128 * b as u128);
    }
}

#[test]
fn invalid_thresholds_and_overflow_are_errors() {
    assert!(minimum_balance(&rent(u64::MAX, 1.0), 1).is_err());
    assert!(scale_by_f64(10, (-1.0f64).to_bits()).is_err());
    assert!(scale_by_f64(10, f64::INFINITY.to_bits()).is_err());
    assert!(scale_by_f64(u64::MAX, 2.0f64.to_bits()).is_err());
}
