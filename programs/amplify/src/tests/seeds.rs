//! Seeds of worker ledgers.

#[test]
fn seeds_are_fixed_width_hex() {
    assert_eq!(&crate::seeds::ledger(0x1f), b"lg000000000000001f");
    assert_eq!(&crate::seeds::ledger(u64::MAX), b"lgffffffffffffffff");
}
