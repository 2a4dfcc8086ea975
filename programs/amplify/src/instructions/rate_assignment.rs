//! `rate_assignment(slot: u32, stars: u8)`: the batch's requester rates a
//! submitted slot of a worker's ledger once, 1–5 stars. The worker's score is,
//! for now, the running mean in milli-stars (the full reputation formula
//! replaces it later; the profile keeps sum and count so it can).
//!
//! Accounts:
//! 0. `[signer]` requester
//! 1. `[]` batch
//! 2. `[writable]` ledger — the worker's ledger for this batch
//! 3. `[writable]` profile — that worker's `WorkerProfile`

use crate::{
    error::AmplifyError,
    events,
    instructions::accept_task::ledger_slot,
    shared::{accounts, args::Args, math},
    state::{
        self,
        ledger::{SLOT_RATED, SLOT_SUBMITTED},
        worker_profile::MILLI_STARS_PER_STAR,
        Batch, WorkerProfile,
    },
    ID,
};
use pinocchio::{address::address_eq, AccountView, ProgramResult};

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let ([requester, batch, ledger, profile], _) = accounts::take::<4>(accounts)?;
    let mut args = Args::new(data);
    let slot_index = args.u32()?;
    let stars = args.u8()?;
    args.finish()?;

    accounts::signer(requester)?;
    if !(1..=5).contains(&stars) {
        return Err(AmplifyError::InvalidStars.into());
    }
    let b = state::load::<Batch>(batch, &ID)?;
    if !address_eq(&b.requester, requester.address()) {
        return Err(AmplifyError::Unauthorized.into());
    }
    let (header, slot) = ledger_slot(ledger, slot_index)?;
    if !header.belongs_to(batch, b) {
        return Err(AmplifyError::WrongBatch.into());
    }
    match slot.status {
        SLOT_SUBMITTED => {}
        SLOT_RATED => return Err(AmplifyError::AlreadyRated.into()),
        _ => return Err(AmplifyError::NotSubmitted.into()),
    }
    let prof = state::load_mut::<WorkerProfile>(profile, &ID)?;
    if !address_eq(&prof.worker, &header.worker) {
        return Err(AmplifyError::WrongWorker.into());
    }

    slot.rating = stars;
    slot.status = SLOT_RATED;
    let count = prof
        .rating_count()
        .checked_add(1)
        .ok_or(AmplifyError::ArithmeticOverflow)?;
    let sum = math::add(
        prof.rating_sum(),
        math::mul(stars as u64, MILLI_STARS_PER_STAR)?,
    )?;
    // count >= 1 here, and the mean of values <= 5,000 fits in u16.
    let mean = sum
        .checked_div(count as u64)
        .ok_or(AmplifyError::ArithmeticOverflow)?;
    let rating = u16::try_from(mean).map_err(|_| AmplifyError::ArithmeticOverflow)?;
    prof.set_rating_count(count);
    prof.set_rating_sum(sum);
    prof.set_rating(rating);
    events::assignment_rated(
        batch.address(),
        slot.item_index(),
        &header.worker,
        stars,
        rating,
    );
    Ok(())
}
