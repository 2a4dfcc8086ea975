//! Seeds of task tables.

#[test]
fn table_seeds_are_fixed_width_hex() {
    assert_eq!(&crate::seeds::table(0x1f, 2), b"t000000000000001f0002");
    assert_eq!(
        &crate::seeds::table(u64::MAX, 0xffff),
        b"tffffffffffffffffffff"
    );
}
