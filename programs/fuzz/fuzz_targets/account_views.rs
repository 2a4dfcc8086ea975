//! The account views every handler reads program data through:
//! `state::BatchView::new` / `BatchRef::new` (fixed part, base URI, roster of
//! workers and its sorted `order`) and `state::TableView::new` (slots). Over
//! arbitrary bytes, and over well-formed layouts with fuzz-chosen fields and a
//! few corrupted bytes: never a panic; a view that opens agrees with the
//! account's size; roster search, insertion and item lookup stay in bounds,
//! and insertion keeps `order` sorted so every worker is found again.
#![no_main]

use amplify::codec::layout::Layout;
use amplify::generated::layouts::{Batch, TaskTable};
use amplify::state::batch::{batch_size, BatchRef, BatchView, ROSTER_ENTRY_BYTES};
use amplify::state::table::{TableView, TABLE_HEADER};
use amplify_fuzz::Cursor;
use libfuzzer_sys::fuzz_target;
use pinocchio::Address;
use std::mem::offset_of;

fn put(data: &mut [u8], at: usize, bytes: &[u8]) {
    if let Some(d) = data.get_mut(at..at + bytes.len()) {
        d.copy_from_slice(bytes);
    }
}

/// A batch account image: header from the input, a base URI, a roster of
/// `len` workers of `cap`, `order` sorted or not, then a few bytes corrupted.
fn batch_image(c: &mut Cursor) -> (Vec<u8>, bool) {
    let cap = c.range(0, 48) as usize;
    let uri = c.range(0, 40) as usize;
    let mut data = vec![0u8; batch_size(uri, cap)];
    let header: [u8; Batch::LEN] = c.bytes();
    data[..Batch::LEN].copy_from_slice(&header);
    put(&mut data, 0, &Batch::DISCRIMINATOR);
    let len = c.range(0, cap as u64) as usize;
    put(
        &mut data,
        offset_of!(Batch, roster_capacity),
        &(cap as u16).to_le_bytes(),
    );
    put(
        &mut data,
        offset_of!(Batch, roster_len),
        &(len as u16).to_le_bytes(),
    );
    let mut at = Batch::LEN;
    put(&mut data, at, &(uri as u32).to_le_bytes());
    at += 4 + uri;
    put(&mut data, at, &(cap as u32).to_le_bytes());
    let workers_at = at + 4;
    let mut keys: Vec<[u8; 32]> = (0..len)
        .map(|i| {
            let mut k = [0u8; 32];
            k[..2].copy_from_slice(&c.u16().to_be_bytes());
            k[31] = i as u8; // distinct
            k
        })
        .collect();
    for (i, k) in keys.iter().enumerate() {
        put(&mut data, workers_at + i * 40, k);
    }
    let order_prefix = workers_at + cap * 40;
    put(&mut data, order_prefix, &(cap as u32).to_le_bytes());
    let sorted = c.u8() & 1 == 0;
    let mut order: Vec<usize> = (0..len).collect();
    if sorted {
        order.sort_by_key(|&i| keys[i]);
    }
    for (pos, idx) in order.iter().enumerate() {
        put(
            &mut data,
            order_prefix + 4 + pos * 2,
            &(*idx as u16).to_le_bytes(),
        );
    }
    keys.clear();
    // Corrupt a few bytes anywhere (length prefixes included).
    let mut corrupted = false;
    for _ in 0..c.range(0, 3) {
        let at = c.u16() as usize % data.len();
        data[at] = c.u8();
        corrupted = true;
    }
    (data, sorted && !corrupted)
}

fn check_batch(c: &mut Cursor, data: &mut [u8], well_formed: bool) {
    let size = data.len();
    if let Ok(r) = BatchRef::new(data) {
        let _ = r.find(&Address::new_from_array(c.bytes()));
    }
    let Ok(mut v) = BatchView::new(data) else {
        assert!(!well_formed, "a well-formed batch did not open");
        return;
    };
    let cap = v.b.roster_capacity() as usize;
    assert_eq!(v.workers.len(), cap);
    assert_eq!(v.order.len(), cap);
    assert_eq!(batch_size(v.base_uri.len(), cap), size);
    assert_eq!(
        size,
        Batch::LEN + 4 + v.base_uri.len() + 8 + cap * ROSTER_ENTRY_BYTES
    );
    assert!(v.b.roster_len() as usize <= cap);
    // Arithmetic over any header: errors, never panics.
    let now = c.u64() as i64;
    let _ = (
        v.b.escrow(),
        v.b.fees_accrued(),
        v.b.bonds_held(),
        v.b.done(now),
    );
    let _ = (
        v.b.deadline_tick(now),
        v.b.tick_time(c.u16()),
        v.b.invariant(c.u64(), size),
    );
    let _ = v.entry(c.u16());
    // Workers join in any order; with a sorted order each is found again.
    for _ in 0..c.range(0, 6) {
        let mut k = [0u8; 32];
        k[..2].copy_from_slice(&c.u16().to_be_bytes());
        k[30] = 0xEE;
        let who = Address::new_from_array(k);
        match v.find(&who) {
            Ok(Ok(idx)) => assert!(!well_formed || v.entry(idx).is_ok()),
            Ok(Err(at)) => {
                let full = v.b.roster_len() >= v.b.roster_capacity();
                match v.add(&who, at) {
                    Ok(idx) => {
                        assert!(!full);
                        if well_formed {
                            assert_eq!(v.find(&who).ok().and_then(|r| r.ok()), Some(idx));
                        }
                    }
                    Err(_) => assert!(full || !well_formed, "a free place refused a worker"),
                }
            }
            Err(_) => assert!(!well_formed, "search failed on a well-formed roster"),
        }
    }
    if well_formed {
        let len = v.b.roster_len() as usize;
        let keys: Vec<[u8; 32]> = v.order[..len]
            .iter()
            .map(|o| *v.workers[u16::from_le_bytes(*o) as usize].worker.as_array())
            .collect();
        assert!(
            keys.windows(2).all(|w| w[0] < w[1]),
            "order no longer sorted"
        );
    }
}

/// A task table image: header from the input, `capacity × redundancy` slots.
fn table_image(c: &mut Cursor) -> Vec<u8> {
    let redundancy = c.range(0, 8) as usize;
    let capacity = c.range(0, 64) as usize;
    let mut data = vec![0u8; TABLE_HEADER + capacity * redundancy * 4];
    let header: [u8; TaskTable::LEN] = c.bytes();
    data[..TaskTable::LEN].copy_from_slice(&header);
    put(&mut data, 0, &TaskTable::DISCRIMINATOR);
    data[offset_of!(TaskTable, redundancy)] = redundancy as u8;
    put(
        &mut data,
        offset_of!(TaskTable, capacity),
        &(capacity as u32).to_le_bytes(),
    );
    let count = c.range(0, capacity as u64) as u32;
    put(
        &mut data,
        offset_of!(TaskTable, count),
        &count.to_le_bytes(),
    );
    put(
        &mut data,
        TaskTable::LEN,
        &((capacity * redundancy) as u32).to_le_bytes(),
    );
    for _ in 0..c.range(0, 2) {
        let at = c.u16() as usize % data.len();
        data[at] = c.u8();
    }
    data
}

fn check_table(c: &mut Cursor, data: &mut [u8]) {
    let size = data.len();
    let Ok(mut t) = TableView::new(data) else {
        return;
    };
    let r = t.t.redundancy as usize;
    assert_eq!(t.slots.len(), t.t.capacity() as usize * r);
    assert_eq!(size, TABLE_HEADER + t.slots.len() * 4);
    // Within its invariant (count <= capacity) every item of the table's
    // range is found; outside it (data only a bug could write) errors are fine.
    let sane = t.invariant().is_ok();
    let _ = t.belongs_to(&Address::new_from_array(c.bytes()), c.u64());
    for _ in 0..c.range(1, 4) {
        let (item, count) = (c.u32(), c.u64());
        let (first, n) = (t.t.first_item(), t.t.count());
        match t.item(item, count) {
            Ok(slots) => {
                assert_eq!(slots.len(), r);
                assert!((item as u64) < count && item >= first && item - first < n);
                for s in slots.iter() {
                    let _ = (s.holder(), s.is_reserved(), s.is_completed(), s.flag());
                }
            }
            Err(_) => assert!(
                !sane || (item as u64) >= count || item < first || item - first >= n,
                "item {item} of the table's range refused"
            ),
        }
    }
}

fuzz_target!(|input: &[u8]| {
    let mut c = Cursor::new(input);
    match c.u8() % 4 {
        0 => {
            let mut raw = c.rest().to_vec();
            let mut c2 = Cursor::new(&[]);
            check_batch(&mut c2, &mut raw, false);
            check_table(&mut c2, &mut raw);
        }
        1 => {
            let (mut data, well_formed) = batch_image(&mut c);
            check_batch(&mut c, &mut data, well_formed);
        }
        _ => {
            let mut data = table_image(&mut c);
            check_table(&mut c, &mut data);
        }
    }
});
