//! `rate_assignments(ratings)`: the requester rates completed assignments 1–5
//! stars, once each, while the batch's rating window is open
//! (`rating_window_secs` after its expiry or cancellation). Work stays
//! rateable whatever the worker does: the slots live in the requester's table.
//!
//! Each rating names the item, the worker's roster index, and the position of
//! that worker's (writable) `WorkerProfile` among the remaining accounts. Each
//! updates the worker's score by the reputation formula (`state::reputation`):
//! weighted by the fee the work paid, read against this requester's habits
//! (kept in its `RequesterProfile`), bounded per rating and per requester.
//! Refused, failing the whole instruction: a requester rating its own work
//! (`SelfRating`), an assignment not completed (`NotSubmitted`) or already
//! rated (`AlreadyRated`), stars out of 1–5 (`InvalidStars`), a profile of
//! another worker (`WrongWorker`), a requester without its own requester
//! profile (`RequesterNotRegistered`: none yet, or another's passed).

use crate::{
    codec::{layout::Layout, log::Arena},
    error::AmplifyError,
    generated::{
        events::AssignmentRated,
        instructions::{RateAssignmentsAccounts, RateAssignmentsArgs},
    },
    shared::{
        accounts::{self, clock_unix_timestamp},
        math,
    },
    state::{self, reputation, BatchView, Config, RequesterProfile, TableView, WorkerProfile},
};
use pinocchio::{address::address_eq, AccountView, ProgramResult};

pub fn process(
    a: RateAssignmentsAccounts,
    args: RateAssignmentsArgs,
    remaining: &[AccountView],
) -> ProgramResult {
    if args.ratings.is_empty() {
        return Err(AmplifyError::EmptyTaskList.into());
    }
    let now = clock_unix_timestamp(&a.clock)?;
    let cdata = state::borrow(&a.config)?;
    let config = Config::view(&cdata)?;
    let (params, min_stars) = (&config.reputation, config.emission_min_stars);
    let mut rp = a.requester_profile;
    // No profile yet (the PDA holds no account): the one error an unregistered
    // requester gets, whichever account it passed for its profile.
    if accounts::uninitialized(&rp) {
        return Err(AmplifyError::RequesterNotRegistered.into());
    }
    let mut rdata = state::borrow_mut(&mut rp)?;
    let requester = RequesterProfile::view_mut(&mut rdata)?;
    if !address_eq(&requester.requester, a.requester.address()) {
        return Err(AmplifyError::RequesterNotRegistered.into());
    }
    let (mut batch, mut table) = (a.batch, a.table);
    let mut bdata = state::borrow_mut(&mut batch)?;
    let mut v = BatchView::new(&mut bdata)?;
    if !address_eq(&v.b.requester, a.requester.address()) {
        return Err(AmplifyError::Unauthorized.into());
    }
    let closes =
        v.b.ended_at()
            .checked_add(v.b.rating_window_secs() as i64)
            .ok_or(AmplifyError::ArithmeticOverflow)?;
    if now > closes {
        return Err(AmplifyError::RatingWindowClosed.into());
    }
    let mut tdata = state::borrow_mut(&mut table)?;
    let mut t = TableView::new(&mut tdata)?;
    if !t.belongs_to(a.batch.address(), v.b.batch_number()) {
        return Err(AmplifyError::WrongTable.into());
    }
    let item_count = v.b.item_count();
    let fee = v.b.fee_per_item();
    let mut rated = v.b.rated_count();
    let mut arena = Arena::new();
    for r in args.ratings {
        if !(1..=5).contains(&r.stars) {
            return Err(AmplifyError::InvalidStars.into());
        }
        let idx = r.worker();
        let entry = v.entry(idx).map_err(|_| AmplifyError::NotInRoster)?;
        // Rated: the place no longer needs to name this worker for it (a
        // refusal below fails the whole instruction, this included).
        entry.rated();
        let worker = entry.worker;
        if address_eq(&worker, a.requester.address()) {
            return Err(AmplifyError::SelfRating.into());
        }
        let holder = math::inc_u16(idx, 1)?;
        let slot = t
            .item(r.item(), item_count)?
            .iter_mut()
            .find(|s| s.holder() == holder && s.is_completed())
            .ok_or(AmplifyError::NotSubmitted)?;
        if slot.flag() {
            return Err(AmplifyError::AlreadyRated.into());
        }
        slot.mark_rated();

        let mut profile = *remaining
            .get(r.profile as usize)
            .ok_or(AmplifyError::NotEnoughAccounts)?;
        let mut pdata = state::borrow_mut(&mut profile)?;
        let p = WorkerProfile::view_mut(&mut pdata)?;
        if !address_eq(&p.worker, &worker) {
            return Err(AmplifyError::WrongWorker.into());
        }
        let mut session = reputation::Session::begin(params, p, requester, min_stars);
        let done = session.rate(r.stars, fee)?;
        let rating = session.finish(p, requester)?;
        p.invariant()?;
        rated = math::add(rated, 1)?;
        AssignmentRated {
            batch: a.batch.address(),
            item_index: r.item(),
            worker: &worker,
            stars: r.stars,
            adjusted: done.adjusted,
            weight: done.weight,
            rating,
        }
        .emit(&mut arena)?;
    }
    requester.invariant()?;
    v.b.set_rated_count(rated);
    t.invariant()?;
    v.b.invariant(a.batch.lamports(), a.batch.data_len())
}
