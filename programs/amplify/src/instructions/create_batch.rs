//! `create_batch(...)`: open a batch with room for `roster_capacity` workers.
//! The fee rate is fixed now; escrow arrives with the items (`add_tasks`).

use crate::{
    codec::{layout::Layout, log::Arena},
    error::AmplifyError,
    generated::{
        events::BatchCreated,
        instructions::{CreateBatchAccounts, CreateBatchArgs},
        layouts::ReputationParams,
    },
    seeds,
    shared::{accounts, clock, create::create_pda, math},
    state::{
        self,
        batch::{
            batch_size, BATCH_VERSION, MAX_BASE_URI_LEN, MAX_REDUNDANCY, MAX_ROSTER, MAX_TICK,
            STATUS_OPEN,
        },
        profile::MAX_RATING,
        reputation, BatchView, Config,
    },
    ID,
};
use pinocchio::{
    account::MAX_PERMITTED_DATA_INCREASE, cpi::Seed, error::ProgramError, AccountView,
    ProgramResult,
};

/// The parameter rules, in the order their errors take precedence.
fn validate(p: &CreateBatchArgs, fee: u64, now: i64, rep: &ReputationParams) -> ProgramResult {
    if p.price == 0 {
        return Err(AmplifyError::InvalidPrice.into());
    }
    if fee >= p.price {
        return Err(AmplifyError::PriceBelowFee.into());
    }
    if p.redundancy == 0 || p.redundancy > MAX_REDUNDANCY {
        return Err(AmplifyError::InvalidRedundancy.into());
    }
    if p.min_rating > MAX_RATING {
        return Err(AmplifyError::InvalidMinRating.into());
    }
    // A gate no worker can pass: the batch could never be worked.
    if p.min_rating as u64 > reputation::max_reachable_score(rep)? {
        return Err(AmplifyError::UnreachableRating.into());
    }
    if p.reservation_secs == 0 || p.max_active == 0 {
        return Err(AmplifyError::InvalidReservation.into());
    }
    if p.expires_at <= now {
        return Err(AmplifyError::InvalidExpiry.into());
    }
    // A deadline rounds up to a tick and a tick grows with the batch's span:
    // within 65,534 reservations of span a tick is at most one reservation,
    // so no reservation lasts twice its time (a 60 s one on a 100-year batch
    // lasted 13.4 hours).
    let span = p.expires_at.wrapping_sub(now) as u64; // > 0: checked above
    let longest = math::mul(p.reservation_secs as u64, (MAX_TICK as u64).wrapping_sub(1))?;
    if span > longest {
        return Err(AmplifyError::ExpiryTooFar.into());
    }
    if p.base_uri.len() > MAX_BASE_URI_LEN as usize {
        return Err(AmplifyError::UriTooLong.into());
    }
    let size = batch_size(p.base_uri.len(), p.roster_capacity as usize);
    if p.roster_capacity == 0
        || p.roster_capacity > MAX_ROSTER
        || size > MAX_PERMITTED_DATA_INCREASE
    {
        return Err(AmplifyError::RosterTooLarge.into());
    }
    Ok(())
}

/// Seconds per deadline tick: the smallest that lets every deadline the batch
/// can give (a reservation made just before expiry) fit in a u16.
fn tick_secs(p: &CreateBatchArgs, now: i64) -> Result<u32, ProgramError> {
    let span = p
        .expires_at
        .checked_sub(now)
        .and_then(|s| s.checked_add(p.reservation_secs as i64))
        .ok_or(AmplifyError::InvalidExpiry)?;
    let tick = math::div_ceil(span as u64, MAX_TICK as u64)?.max(1);
    u32::try_from(tick).map_err(|_| AmplifyError::InvalidExpiry.into())
}

pub fn process(a: CreateBatchAccounts, p: CreateBatchArgs, _: &[AccountView]) -> ProgramResult {
    let mut config = a.config;
    let mut cdata = state::borrow_mut(&mut config)?;
    let c = Config::view_mut(&mut cdata)?;
    if c.paused != 0 {
        return Err(AmplifyError::ProtocolPaused.into());
    }
    let now = clock::now()?;
    let fee = math::fee_of(p.price, c.fee_bps())?;
    validate(&p, fee, now, &c.reputation)?;
    if !accounts::uninitialized(&a.batch) {
        return Err(AmplifyError::AlreadyExists.into());
    }
    let id = p.batch_id.to_le_bytes();
    let requester = a.requester.address().as_array();
    let bump = accounts::canonical_pda(&a.batch, &[seeds::BATCH, requester, &id], &ID)?;
    let bump_seed = [bump];
    let size = batch_size(p.base_uri.len(), p.roster_capacity as usize);
    create_pda(
        &a.requester,
        &a.batch,
        size,
        &ID,
        &[
            Seed::from(seeds::BATCH),
            Seed::from(requester),
            Seed::from(&id),
            Seed::from(&bump_seed),
        ],
    )?;

    let mut batch = a.batch;
    let mut data = state::borrow_mut(&mut batch)?;
    write_tail(&mut data, p.base_uri.as_bytes(), p.roster_capacity)?;
    let v = BatchView::new(&mut data)?;
    let b = v.b;
    b.version = BATCH_VERSION;
    b.bump = bump;
    b.status = STATUS_OPEN;
    b.encrypted = p.encrypted as u8;
    b.redundancy = p.redundancy;
    b.set_fee_bps(c.fee_bps());
    b.set_min_rating(p.min_rating);
    b.set_max_active(p.max_active);
    b.set_per_worker_cap(p.per_worker_cap);
    b.set_reservation_secs(p.reservation_secs);
    b.set_tick_secs(tick_secs(&p, now)?);
    b.requester = *a.requester.address();
    b.key_agent = p.key_agent;
    b.set_batch_id(p.batch_id);
    b.set_batch_number(c.batch_count());
    b.set_price(p.price);
    b.set_fee_per_item(fee);
    b.set_bond(p.bond);
    b.set_created_at(now);
    b.set_expires_at(p.expires_at);
    b.set_rating_window_secs(c.rating_window_secs());
    b.instructions_hash = *p.instructions_hash;
    b.invariant(a.batch.lamports(), a.batch.data_len())?;

    c.set_batch_count(math::add(c.batch_count(), 1)?);
    c.invariant()?;
    BatchCreated {
        batch: a.batch.address(),
        requester: a.requester.address(),
        batch_id: p.batch_id,
        price: p.price,
        bond: p.bond,
        redundancy: p.redundancy,
        min_rating: p.min_rating,
        per_worker_cap: p.per_worker_cap,
        max_active: p.max_active,
        expires_at: p.expires_at,
        encrypted: p.encrypted,
        fee_bps: c.fee_bps(),
    }
    .emit(&mut Arena::new())
}

/// Write the discriminator and the variable part's length prefixes into fresh
/// (zeroed) batch data: base URI, then the roster's two vectors.
fn write_tail(data: &mut [u8], uri: &[u8], capacity: u16) -> ProgramResult {
    let bad = || ProgramError::from(AmplifyError::InvalidAccountData);
    state::Batch::init(data)?.set_roster_capacity(capacity);
    let mut at = state::Batch::LEN;
    let mut put = |at: &mut usize, bytes: &[u8]| -> ProgramResult {
        let end = at.checked_add(bytes.len()).ok_or_else(bad)?;
        data.get_mut(*at..end)
            .ok_or_else(bad)?
            .copy_from_slice(bytes);
        *at = end;
        Ok(())
    };
    put(&mut at, &(uri.len() as u32).to_le_bytes())?;
    put(&mut at, uri)?;
    put(&mut at, &(capacity as u32).to_le_bytes())?;
    at = at
        .checked_add((capacity as usize).wrapping_mul(core::mem::size_of::<state::RosterEntry>()))
        .ok_or_else(bad)?;
    put(&mut at, &(capacity as u32).to_le_bytes())
}
