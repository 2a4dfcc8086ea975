//! The reputation formula (`state::reputation::apply`) under any parameters
//! within `ReputationParams::validate`'s bounds, changed at any time (as a
//! governance proposal would), over any sequence of ratings by up to twelve
//! requesters with any fee. A rating must never fail (a worker whose rating
//! overflowed could no longer be rated: a denial of service), and after each
//! one both profiles keep their invariants, the score and the adjusted
//! rating stay within 1–5 stars, and the weight stays within its caps.
#![no_main]

use amplify::generated::layouts::{ReputationParams, RequesterProfile, WorkerProfile};
use amplify::state::reputation::{apply, MAX_HORIZON};
use amplify_fuzz::Cursor;
use libfuzzer_sys::fuzz_target;

fn params(c: &mut Cursor) -> ReputationParams {
    // SAFETY: a struct of byte arrays: all zeros is a value.
    let mut p: ReputationParams = unsafe { std::mem::zeroed() };
    p.set_prior_mean(c.range(1_000, 5_000) as u16);
    p.set_neutral(c.range(1_000, 5_000) as u16);
    p.distinct_cap = c.range(1, 8) as u8;
    p.set_prior_weight(c.range(1, 1_000_000_000_000));
    // Edge values often: the bounds are where products come closest to 2^64.
    let edge = |c: &mut Cursor, lo: u64, hi: u64| match c.u8() % 4 {
        0 => hi,
        1 => lo,
        _ => c.range(lo, hi),
    };
    p.set_horizon(edge(c, 1, MAX_HORIZON));
    p.set_requester_horizon(edge(c, 1, MAX_HORIZON));
    let most = p.horizon().min(p.requester_horizon());
    p.set_max_weight_per_rating(edge(c, 1, most));
    p.set_max_weight_per_requester(edge(c, 1, u32::MAX as u64));
    p.set_qualifying_weight(edge(c, 1, u64::MAX));
    assert!(p.validate().is_ok(), "built parameters out of bounds");
    p
}

fuzz_target!(|input: &[u8]| {
    let mut c = Cursor::new(input);
    let mut p = params(&mut c);
    // SAFETY: as above.
    let mut worker: WorkerProfile = unsafe { std::mem::zeroed() };
    let mut requesters: Vec<RequesterProfile> = (1..=12u32)
        .map(|id| {
            // SAFETY: as above.
            let mut r: RequesterProfile = unsafe { std::mem::zeroed() };
            r.set_id(id);
            r
        })
        .collect();
    for _ in 0..200 {
        if c.is_empty() {
            break;
        }
        let op = c.u8();
        if op.is_multiple_of(16) {
            p = params(&mut c);
            continue;
        }
        let r = &mut requesters[(op as usize >> 4) % 12];
        let stars = c.range(1, 5) as u8;
        let fee = match c.u8() % 3 {
            0 => c.u64(),
            1 => p.max_weight_per_rating(),
            _ => c.range(0, 200_000),
        };
        let before = r.rated_weight();
        let done = apply(&p, &mut worker, r, stars, fee).unwrap_or_else(|e| {
            panic!("rating {stars} stars, fee {fee} failed: {e:?}");
        });
        assert!(
            (1_000..=5_000).contains(&done.rating),
            "score {}",
            done.rating
        );
        assert!(
            (1_000..=5_000).contains(&done.adjusted),
            "adjusted {}",
            done.adjusted
        );
        assert!(done.weight <= fee.min(p.max_weight_per_rating()));
        assert_eq!(
            r.rated_weight() - before,
            fee.min(p.max_weight_per_rating())
        );
        assert!(worker.invariant().is_ok(), "worker profile invariant");
        assert!(r.invariant().is_ok(), "requester profile invariant");
        for e in worker.raters.iter() {
            assert!(e.weight() as u64 <= u32::MAX as u64);
        }
    }
});
