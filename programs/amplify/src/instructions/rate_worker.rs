//! `rate_worker(worker, ratings)`: the requester rates one worker's completed
//! assignments in one table of a batch, 1–5 stars each, once each, while the
//! batch's rating window is open — the rules and the reputation formula of
//! `rate_assignments`, applied rating by rating in the order given.
//!
//! Why a second rating instruction: a rating there carries its worker and
//! profile index (8 bytes), reads and writes the worker's profile and logs an
//! event of its own (about 1,400 CU in bulk, 67 per transaction by the log
//! limit). Here the worker is named once: 5 bytes per rating, the profiles are
//! read once into locals and written once (`reputation::Session`), the score
//! is computed once (it depends on the sums alone), and one `WorkerRated`
//! event lists the ratings.
//!
//! Refused, failing the whole instruction: as `rate_assignments` —
//! `SelfRating`, `NotSubmitted`, `AlreadyRated` (also an item given twice),
//! `InvalidStars`, `WrongWorker` (a profile of another worker),
//! `RequesterNotRegistered`, `NotInRoster`, `RatingWindowClosed`,
//! `WrongTable`; and `EmptyTaskList` for no ratings.

use crate::codec::layout::Layout;
use crate::{
    codec::log::Arena,
    error::AmplifyError,
    generated::{
        events::WorkerRated,
        instructions::{RateWorkerAccounts, RateWorkerArgs},
    },
    shared::{
        accounts::{self, clock_unix_timestamp},
        math,
    },
    state::{self, reputation, BatchView, Config, RequesterProfile, TableView, WorkerProfile},
};
use pinocchio::{address::address_eq, AccountView, ProgramResult};

pub fn process(
    a: RateWorkerAccounts,
    args: RateWorkerArgs,
    _remaining: &[AccountView],
) -> ProgramResult {
    if args.ratings.is_empty() {
        return Err(AmplifyError::EmptyTaskList.into());
    }
    let now = clock_unix_timestamp(&a.clock)?;
    let cdata = state::borrow(&a.config)?;
    let config = Config::view(&cdata)?;
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
    let entry = v
        .entry(args.worker)
        .map_err(|_| AmplifyError::NotInRoster)?;
    let worker = entry.worker;
    if address_eq(&worker, a.requester.address()) {
        return Err(AmplifyError::SelfRating.into());
    }
    let mut profile = a.worker_profile;
    let mut pdata = state::borrow_mut(&mut profile)?;
    let p = WorkerProfile::view_mut(&mut pdata)?;
    if !address_eq(&p.worker, &worker) {
        return Err(AmplifyError::WrongWorker.into());
    }

    let holder = math::inc_u16(args.worker, 1)?;
    let mut session =
        reputation::Session::begin(&config.reputation, p, requester, config.emission_min_stars);
    let mut weight = 0u64;
    for r in args.ratings {
        if !(1..=5).contains(&r.stars) {
            return Err(AmplifyError::InvalidStars.into());
        }
        let slot = t
            .item(r.item(), item_count)?
            .iter_mut()
            .find(|s| s.holder() == holder && s.is_completed())
            .ok_or(AmplifyError::NotSubmitted)?;
        if slot.flag() {
            return Err(AmplifyError::AlreadyRated.into());
        }
        slot.mark_rated();
        weight = math::add(weight, session.rate(r.stars, fee)?.weight)?;
    }
    // Rated: the place no longer needs to name this worker for them (a count
    // past u16 saturates, as the count does).
    entry.rated_many(u16::try_from(args.ratings.len()).unwrap_or(u16::MAX));
    let rating = session.finish(p, requester)?;
    p.invariant()?;
    requester.invariant()?;
    let n = u64::try_from(args.ratings.len()).map_err(|_| AmplifyError::ArithmeticOverflow)?;
    v.b.set_rated_count(math::add(v.b.rated_count(), n)?);
    t.invariant()?;
    v.b.invariant(a.batch.lamports(), a.batch.data_len())?;
    WorkerRated {
        batch: a.batch.address(),
        worker: &worker,
        ratings: args.ratings,
        weight,
        rating,
    }
    .emit(&mut Arena::new())
}
