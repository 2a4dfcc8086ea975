//! `shared::rent`.

use crate::shared::rent::*;

#[test]
fn matches_the_cluster_formula() {
    // 128 bytes of overhead at 6,960 lamports per byte (as solders' LiteSVM reports).
    assert_eq!(rent_exempt(0).unwrap(), 890_880);
    assert_eq!(rent_exempt(160).unwrap(), (128 + 160) * 6960);
}

#[test]
fn overflow_is_an_error() {
    assert!(minimum_balance(u64::MAX, 1).is_err());
}
