//! `state::governance`: the treasury's books, and lamports sent to it.

use crate::generated::layouts::{Governance, Treasury};

fn zeroed<T>() -> T {
    // SAFETY: the layouts are byte arrays: all zeros is a value.
    unsafe { core::mem::zeroed() }
}

fn governance() -> Governance {
    let mut g: Governance = zeroed();
    g.params.set_voting_period_secs(1);
    g.params.set_threshold_bps(5_001);
    g.params.set_execution_window_secs(1);
    g
}

#[test]
fn lamports_sent_to_the_treasury_are_held_not_refused() {
    // Regression: one lamport above the books made every governance
    // instruction fail (the equation was checked with `==`), for good.
    let rent = 1_280_640;
    let mut t: Treasury = zeroed();
    t.set_total_collected(50_000);
    let mut g = governance();
    g.set_total_staked(10);
    let books = g.books(&t, rent).unwrap();
    assert_eq!(books, rent + 50_000);
    assert!(g.invariant(&t, books + 1, rent).is_err());
    g.update(&t, books + 1, rent).unwrap();
    assert_eq!(g.held(), 1);
    assert_eq!(g.distributed(), 50_000);
    assert!(g.invariant(&t, books + 1, rent).is_ok());
    // Nothing more to hold: a second update changes nothing.
    g.update(&t, books + 1, rent).unwrap();
    assert_eq!((g.held(), g.distributed()), (1, 50_000));
}

#[test]
fn fees_arriving_while_nobody_stakes_are_held() {
    let rent = 1_000;
    let mut t: Treasury = zeroed();
    t.set_total_collected(7);
    let mut g = governance();
    g.update(&t, rent + 7, rent).unwrap();
    assert_eq!((g.held(), g.distributed(), g.distributed_upto()), (7, 0, 7));
    assert!(g.invariant(&t, rent + 7, rent).is_ok());
}
