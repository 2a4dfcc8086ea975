//! Seeds of task tables, and the addresses fixed by the program's own.

#[test]
fn table_seeds_are_fixed_width_hex() {
    assert_eq!(&crate::seeds::table(0x1f, 2), b"t000000000000001f0002");
    assert_eq!(
        &crate::seeds::table(u64::MAX, 0xffff),
        b"tffffffffffffffffffff"
    );
}

#[test]
fn program_data_is_this_programs() {
    let (address, _) = pinocchio::Address::find_program_address(
        &[crate::ID.as_array()],
        &crate::shared::accounts::BPF_LOADER_UPGRADEABLE_ID,
    );
    assert_eq!(address, crate::shared::loader::PROGRAM_DATA_ID);
}
