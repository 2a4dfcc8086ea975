//! `state::table`: the answer a completed slot keeps, and version 1 tables
//! converted when first opened.

use crate::codec::layout::{Layout, Pod};
use crate::generated::layouts::{Slot, TaskTable};
use crate::state::table::{answer_code, TableView, SLOT_DONE, SLOT_FLAG, TABLE_VERSION};

#[test]
fn a_slot_keeps_one_and_two_byte_answers_and_says_when_it_cannot() {
    // Codes per the IDL's Slot docs: 0 not kept, byte + 1, u16 LE value + 257.
    assert_eq!(answer_code(&[0]), 1);
    assert_eq!(answer_code(&[255]), 256);
    assert_eq!(answer_code(&[0, 0]), 257);
    assert_eq!(answer_code(&[0x01, 0x02]), 0x0201 + 257);
    assert_eq!(answer_code(&[0xfe, 0xfe]), u16::MAX); // 65,278: the largest kept
    assert_eq!(answer_code(&[0xff, 0xfe]), 0);
    assert_eq!(answer_code(&[1, 2, 3]), 0);
    assert_eq!(answer_code(&[]), 0);
}

#[test]
fn completing_and_rating_a_slot_keep_holder_and_answer() {
    let mut data = [0u8; 4];
    let s = &mut Slot::slice_mut(&mut data)[0];
    s.set_worker(7 | SLOT_FLAG); // reserved, key delivered
    s.set_tick(900);
    assert!(s.is_reserved() && !s.is_completed());
    s.complete(b"x");
    assert!(s.is_completed() && !s.is_reserved() && !s.flag());
    assert_eq!((s.holder(), s.tick()), (7, u16::from(b'x') + 1));
    s.mark_rated();
    assert!(s.is_completed() && s.flag());
    assert_eq!((s.holder(), s.tick()), (7, u16::from(b'x') + 1));
}

fn table_data(version: u8, slots: &[(u16, u16)]) -> Vec<u8> {
    let mut data = vec![0u8; TaskTable::LEN + 4 + slots.len() * 4];
    let t = TaskTable::init(&mut data[..TaskTable::LEN]).unwrap();
    t.version = version;
    t.redundancy = 1;
    t.set_capacity(slots.len() as u32);
    t.set_count(slots.len() as u32);
    let at = TaskTable::LEN;
    data[at..at + 4].copy_from_slice(&(slots.len() as u32).to_le_bytes());
    for (k, (w, tick)) in slots.iter().enumerate() {
        let o = at + 4 + k * 4;
        data[o..o + 2].copy_from_slice(&w.to_le_bytes());
        data[o + 2..o + 4].copy_from_slice(&tick.to_le_bytes());
    }
    data
}

#[test]
fn a_version_1_table_is_converted_once_when_opened() {
    // open, settled, reserved (deadline 40), completed, completed and rated.
    let v1 = [(0, 0), (SLOT_FLAG, 0), (3, 40), (4, 0), (5 | SLOT_FLAG, 0)];
    let mut data = table_data(1, &v1);
    let view = TableView::new(&mut data).unwrap();
    assert_eq!(view.t.version, TABLE_VERSION);
    let got: Vec<(u16, u16)> = view.slots.iter().map(|s| (s.worker(), s.tick())).collect();
    assert_eq!(
        got,
        [
            (0, 0),
            (SLOT_FLAG, 0),
            (3, 40),
            (4 | SLOT_DONE, 0),
            (5 | SLOT_DONE | SLOT_FLAG, 0)
        ]
    );
    let states: Vec<(bool, bool, bool, bool)> = view
        .slots
        .iter()
        .map(|s| {
            (
                s.is_open(),
                s.is_settled(),
                s.is_reserved(),
                s.is_completed(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            (true, false, false, false),
            (false, true, false, false),
            (false, false, true, false),
            (false, false, false, true),
            (false, false, false, true),
        ]
    );
    view.invariant().unwrap();
    // Opened again: already today's version, nothing changes.
    let once = data.clone();
    TableView::new(&mut data).unwrap();
    assert_eq!(data, once);
}

#[test]
fn a_version_1_table_with_a_holder_past_14_bits_is_refused() {
    let mut data = table_data(1, &[(SLOT_DONE | 1, 50)]);
    assert!(TableView::new(&mut data).is_err());
}
