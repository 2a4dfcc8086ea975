//! `state::batch`: when a batch ends for rating purposes.

use crate::generated::layouts::Batch;
use crate::state::batch::{STATUS_CANCELLED, STATUS_OPEN};

fn batch(status: u8, expires_at: i64, cancelled_at: i64) -> Batch {
    // SAFETY: the layout is byte arrays: all zeros is a value.
    let mut b: Batch = unsafe { core::mem::zeroed() };
    b.status = status;
    b.set_expires_at(expires_at);
    b.set_cancelled_at(cancelled_at);
    b
}

#[test]
fn a_batch_ends_at_its_expiry_or_cancellation_whichever_came_first() {
    assert_eq!(batch(STATUS_OPEN, 1_000, 0).ended_at(), 1_000);
    assert_eq!(batch(STATUS_CANCELLED, 1_000, 400).ended_at(), 400);
    // Regression: a cancel after expiry reopened a rating window that had closed.
    assert_eq!(batch(STATUS_CANCELLED, 1_000, 9_000).ended_at(), 1_000);
}

/// Fresh batch data (version 3) with room for `capacity` workers and no URI.
fn roster_data(capacity: u16) -> Vec<u8> {
    use crate::codec::layout::Layout;
    use crate::state::batch::{batch_size, BATCH_VERSION};
    let mut data = vec![0u8; batch_size(0, capacity as usize)];
    let b = Batch::init(&mut data).unwrap();
    b.version = BATCH_VERSION;
    b.set_roster_capacity(capacity);
    let workers_prefix = Batch::LEN + 4;
    let order_prefix = workers_prefix + 4 + capacity as usize * 40;
    for at in [workers_prefix, order_prefix] {
        data[at..at + 4].copy_from_slice(&(capacity as u32).to_le_bytes());
    }
    data
}

fn address(seed: &mut u64) -> pinocchio::Address {
    let mut a = [0u8; 32];
    for chunk in a.chunks_mut(8) {
        // xorshift64: any spread of addresses will do.
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        chunk.copy_from_slice(&seed.to_le_bytes());
    }
    pinocchio::Address::new_from_array(a)
}

#[test]
fn a_reused_place_keeps_the_roster_searchable() {
    use crate::state::BatchView;
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut data = roster_data(16);
    let mut v = BatchView::new(&mut data).unwrap();
    let mut names: Vec<pinocchio::Address> = Vec::new();
    for _ in 0..16 {
        let w = address(&mut seed);
        let at = v.find(&w).unwrap().unwrap_err();
        assert_eq!(v.add(&w, at).unwrap() as usize, names.len());
        names.push(w);
    }
    // Nobody holds anything yet: the first place is the free one.
    assert_eq!(v.free_place(), Some(0));
    for (idx, e) in names.iter().enumerate() {
        v.entry(idx as u16).unwrap().set_active(1);
        assert_eq!(v.find(e).unwrap(), Ok(idx as u16));
    }
    assert_eq!(v.free_place(), None);
    // Places freed and reused in turn, each by a new address sorting anywhere:
    // every worker is still found at its place, the one replaced nowhere.
    for round in 0..200 {
        let idx = (round * 7 % 16) as u16;
        let entry = v.entry(idx).unwrap();
        entry.set_active(0);
        entry.set_pending(0);
        assert_eq!(v.free_place(), Some(idx));
        let w = address(&mut seed);
        let at = v.find(&w).unwrap().unwrap_err();
        let previous = v.replace(idx, &w, at).unwrap();
        assert_eq!(previous, names[idx as usize]);
        assert_eq!(v.find(&previous).unwrap().map_err(|_| ()), Err(()));
        names[idx as usize] = w;
        v.entry(idx).unwrap().set_active(1);
        for (i, n) in names.iter().enumerate() {
            assert_eq!(v.find(n).unwrap(), Ok(i as u16), "round {round}");
        }
        let mut sorted: Vec<[u8; 32]> = v
            .order
            .iter()
            .map(|o| *v.workers[u16::from_le_bytes(*o) as usize].worker.as_array())
            .collect();
        let before = sorted.clone();
        sorted.sort();
        assert_eq!(before, sorted);
    }
}

#[test]
fn a_place_with_unrated_work_or_an_old_batch_is_not_free() {
    use crate::state::BatchView;
    let mut data = roster_data(2);
    let mut v = BatchView::new(&mut data).unwrap();
    let mut seed = 7u64;
    for _ in 0..2 {
        let w = address(&mut seed);
        let at = v.find(&w).unwrap().unwrap_err();
        v.add(&w, at).unwrap();
    }
    v.entry(0).unwrap().set_pending(1);
    v.entry(1).unwrap().set_active(1);
    assert_eq!(v.free_place(), None);
    // Completing moves a reservation to awaiting a rating; the rating frees it.
    let e = v.entry(1).unwrap();
    e.complete(1).unwrap();
    assert_eq!((e.active(), e.pending()), (0, 1));
    e.rated();
    assert!(e.idle());
    assert_eq!(v.free_place(), Some(1));
    // Saturated: the exact count is lost, so the place is kept for good.
    let e = v.entry(1).unwrap();
    e.set_pending(u16::MAX - 1);
    e.set_active(2);
    e.complete(2).unwrap();
    e.rated();
    assert_eq!(e.pending(), u16::MAX);
    assert_eq!(v.free_place(), None);
    // A batch from before version 3 never counted pending: nothing is free.
    v.entry(1).unwrap().set_pending(0);
    assert_eq!(v.free_place(), Some(1));
    v.b.version = 2;
    assert_eq!(v.free_place(), None);
}
