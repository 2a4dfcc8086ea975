//! Ledger layout: sizes, views, bitmap.

use crate::state::{
    ledger::{bitmap_for, ledger_size},
    Layout, Ledger, LedgerHeader, Slot,
};
use std::vec;

fn ledger_bytes(bitmap: usize, capacity: u32, taken: u32) -> std::vec::Vec<u8> {
    let mut data = vec![0u8; ledger_size(bitmap, capacity as usize)];
    data[..8].copy_from_slice(&LedgerHeader::DISCRIMINATOR);
    data[12..16].copy_from_slice(&taken.to_le_bytes());
    data[16..20].copy_from_slice(&capacity.to_le_bytes());
    data[20..24].copy_from_slice(&(bitmap as u32).to_le_bytes());
    let h = LedgerHeader::LEN;
    data[h..h + 4].copy_from_slice(&(bitmap as u32).to_le_bytes());
    data[h + 4 + bitmap..h + 8 + bitmap].copy_from_slice(&capacity.to_le_bytes());
    data
}

#[test]
fn sizes_and_bitmap_steps() {
    assert_eq!(LedgerHeader::LEN, 160);
    assert_eq!(core::mem::size_of::<Slot>(), 128);
    assert_eq!(ledger_size(32, 2), 160 + 4 + 32 + 4 + 256);
    assert_eq!(bitmap_for(0), 0);
    assert_eq!(bitmap_for(1), 32);
    assert_eq!(bitmap_for(256), 32);
    assert_eq!(bitmap_for(257), 64);
}

#[test]
fn view_and_slot_agree_and_refuse_inconsistent_data() {
    let mut data = ledger_bytes(64, 3, 2);
    let at = LedgerHeader::LEN + 8 + 64 + 128;
    data[at..at + 4].copy_from_slice(&77u32.to_le_bytes()); // slot 1's item
    let l = Ledger::view(&mut data).unwrap();
    assert_eq!(
        (l.bitmap.len(), l.slots.len(), l.slots[1].item_index()),
        (64, 3, 77)
    );
    let (_, slot) = Ledger::slot(&mut data, 1).unwrap();
    assert_eq!(slot.item_index(), 77);
    assert!(Ledger::slot(&mut data, 2).is_err()); // allocated but not taken
                                                  // A length prefix that disagrees with the header, or a short account.
    let mut bad = ledger_bytes(64, 3, 2);
    bad[LedgerHeader::LEN] = 32;
    assert!(Ledger::view(&mut bad).is_none());
    let mut short = ledger_bytes(64, 3, 3);
    short.truncate(short.len() - 1);
    assert!(Ledger::view(&mut short).is_none());
    assert!(Ledger::slot(&mut short, 2).is_err());
}

#[test]
fn holds_reads_the_bitmap() {
    let mut data = ledger_bytes(32, 1, 0);
    data[LedgerHeader::LEN + 4] = 0b0000_0100;
    let l = Ledger::view(&mut data).unwrap();
    assert_eq!(l.holds(2), Some(true));
    assert_eq!(l.holds(3), Some(false));
    assert_eq!(l.holds(256), None);
}
