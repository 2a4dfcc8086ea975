//! `state::governance`: the treasury's books, and lamports sent to it.

use crate::{
    generated::layouts::{Governance, Treasury},
    state::governance::Till,
};

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
    g.update(
        &t,
        &Till {
            lamports: books + 1,
            rent,
            now: 0,
        },
    )
    .unwrap();
    assert_eq!(g.held(), 1);
    assert_eq!(g.releasing(), 50_000);
    assert!(g.invariant(&t, books + 1, rent).is_ok());
    // Nothing more to hold: a second update at the same time changes nothing.
    g.update(
        &t,
        &Till {
            lamports: books + 1,
            rent,
            now: 0,
        },
    )
    .unwrap();
    assert_eq!((g.held(), g.releasing(), g.distributed()), (1, 50_000, 0));
}

#[test]
fn fees_arriving_while_nobody_stakes_are_held() {
    let rent = 1_000;
    let mut t: Treasury = zeroed();
    t.set_total_collected(7);
    let mut g = governance();
    g.update(
        &t,
        &Till {
            lamports: rent + 7,
            rent,
            now: 0,
        },
    )
    .unwrap();
    assert_eq!((g.held(), g.distributed(), g.distributed_upto()), (7, 0, 7));
    assert!(g.invariant(&t, rent + 7, rent).is_ok());
}

#[test]
fn fees_are_paid_out_evenly_over_the_release_period() {
    // A fee is paid out over a voting period after it arrives; what falls
    // due at t seconds is floor(fee · t / period), and nothing at the moment
    // it arrives (a stake made then earns nothing).
    let (rent, fee, start) = (1_000, 86_401 * 3 + 5, 1_700_000_000i64);
    let period = 86_400u64;
    let mut t: Treasury = zeroed();
    let mut g = governance();
    g.params.set_voting_period_secs(period as u32);
    g.set_total_staked(3);
    g.update(
        &t,
        &Till {
            lamports: rent,
            rent,
            now: start,
        },
    )
    .unwrap();
    t.set_total_collected(fee);
    g.update(
        &t,
        &Till {
            lamports: rent + fee,
            rent,
            now: start,
        },
    )
    .unwrap();
    assert_eq!((g.releasing(), g.distributed()), (fee, 0));
    g.update(
        &t,
        &Till {
            lamports: rent + fee,
            rent,
            now: start,
        },
    )
    .unwrap();
    assert_eq!(g.distributed(), 0, "no time passed: nothing due");
    let mut paid = 0;
    for secs in [1u64, 2, 3_600, 43_200, 86_399] {
        g.update(
            &t,
            &Till {
                lamports: rent + fee,
                rent,
                now: start + secs as i64,
            },
        )
        .unwrap();
        paid = fee * secs / period;
        assert_eq!(g.distributed() + g.releasing(), fee);
        assert!(g.invariant(&t, rent + fee, rent).is_ok());
        // Floors along the way may lag the ideal by a lamport per update.
        assert!(
            g.distributed() <= paid && paid <= g.distributed() + 5,
            "{secs}"
        );
    }
    assert!(paid < fee);
    g.update(
        &t,
        &Till {
            lamports: rent + fee,
            rent,
            now: start + period as i64,
        },
    )
    .unwrap();
    assert_eq!((g.distributed(), g.releasing()), (fee, 0));
}

#[test]
fn the_highest_reachable_score_is_the_formulas_ceiling() {
    // Drive the formula itself: 5-star ratings at full weight from four
    // requesters each at its neutral average (a fresh profile each time),
    // until the score stops rising; max_reachable_score is that ceiling.
    use crate::generated::layouts::{ReputationParams, RequesterProfile, WorkerProfile};
    use crate::state::reputation::{apply, max_reachable_score};
    let mut p: ReputationParams = zeroed();
    p.set_defaults();
    let mut w: WorkerProfile = zeroed();
    let mut best = 0;
    for i in 0..20_000u32 {
        let mut r: RequesterProfile = zeroed();
        r.set_id(1 + i % 4);
        let done = apply(&p, &mut w, &mut r, 5, p.max_weight_per_rating()).unwrap();
        best = best.max(done.rating as u64);
    }
    assert_eq!(best, 4_584);
    assert_eq!(max_reachable_score(&p).unwrap(), best);
}
