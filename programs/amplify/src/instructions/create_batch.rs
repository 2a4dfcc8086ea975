//! `create_batch(...)`: open a batch. Escrow arrives later, with the items.
//!
//! Accounts:
//! 0. `[signer, writable]` requester — pays rent
//! 1. `[writable]` config — fee snapshot, pause switch, batch counter
//! 2. `[writable]` batch — PDA `["batch", requester, batch_id (u64 LE)]`
//! 3. `[]` system_program
//!
//! Data: `batch_id: u64, price: u64, redundancy: u8, min_rating: u16,
//! per_worker_cap: u16, reservation_secs: u32, expires_at: i64, encrypted: bool,
//! instructions_hash: [u8; 32], base_uri: string`.

use crate::{
    error::AmplifyError,
    events, seeds,
    shared::{accounts, args::Args, clock, create::create_pda, math},
    state::{
        self,
        batch::{BATCH_VERSION, MAX_BASE_URI_LEN, STATUS_OPEN},
        worker_profile::MAX_RATING,
        Batch, Config, Layout,
    },
    ID,
};
use pinocchio::{cpi::Seed, error::ProgramError, AccountView, ProgramResult};

struct Params<'a> {
    batch_id: u64,
    price: u64,
    redundancy: u8,
    min_rating: u16,
    per_worker_cap: u16,
    reservation_secs: u32,
    expires_at: i64,
    encrypted: bool,
    instructions_hash: [u8; 32],
    base_uri: &'a [u8],
}

fn parse(data: &[u8]) -> Result<Params<'_>, ProgramError> {
    let mut args = Args::new(data);
    let p = Params {
        batch_id: args.u64()?,
        price: args.u64()?,
        redundancy: args.u8()?,
        min_rating: args.u16()?,
        per_worker_cap: args.u16()?,
        reservation_secs: args.u32()?,
        expires_at: args.i64()?,
        encrypted: args.bool()?,
        instructions_hash: *args.bytes::<32>()?,
        base_uri: args.byte_vec()?,
    };
    args.finish()?;
    Ok(p)
}

fn validate(p: &Params, now: i64) -> ProgramResult {
    if p.price == 0 {
        return Err(AmplifyError::InvalidPrice.into());
    }
    if p.redundancy == 0 {
        return Err(AmplifyError::InvalidRedundancy.into());
    }
    if p.min_rating > MAX_RATING {
        return Err(AmplifyError::InvalidMinRating.into());
    }
    if p.reservation_secs == 0 {
        return Err(AmplifyError::InvalidReservation.into());
    }
    if p.expires_at <= now {
        return Err(AmplifyError::InvalidExpiry.into());
    }
    if p.base_uri.len() > MAX_BASE_URI_LEN {
        return Err(AmplifyError::UriTooLong.into());
    }
    Ok(())
}

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let ([requester, config, batch, system_program], _) = accounts::take::<4>(accounts)?;
    let p = parse(data)?;
    accounts::signer(requester)?;
    accounts::writable(batch)?;
    accounts::system_program(system_program)?;
    let c = state::load_mut::<Config>(config, &ID)?;
    if c.paused != 0 {
        return Err(AmplifyError::ProtocolPaused.into());
    }
    let now = clock::now()?;
    validate(&p, now)?;
    if !accounts::uninitialized(batch) {
        return Err(AmplifyError::AlreadyExists.into());
    }

    let id = p.batch_id.to_le_bytes();
    let bump = accounts::canonical_pda(
        batch,
        &[seeds::BATCH, requester.address().as_array(), &id],
        &ID,
    )?;
    let bump_seed = [bump];
    // Fixed part, then base_uri as a borsh string (u32 length + bytes).
    let space = Batch::LEN
        .saturating_add(4)
        .saturating_add(p.base_uri.len());
    create_pda(
        requester,
        batch,
        space,
        &ID,
        &[
            Seed::from(seeds::BATCH),
            Seed::from(requester.address().as_array()),
            Seed::from(&id),
            Seed::from(&bump_seed),
        ],
    )?;

    let b = state::init::<Batch>(batch)?;
    b.version = BATCH_VERSION;
    b.bump = bump;
    b.status = STATUS_OPEN;
    b.encrypted = p.encrypted as u8;
    b.redundancy = p.redundancy;
    b.set_fee_bps(c.fee_bps());
    b.set_fee_per_item(math::bps_of(p.price, c.fee_bps())?);
    b.set_batch_number(c.batch_count());
    b.set_min_rating(p.min_rating);
    b.set_per_worker_cap(p.per_worker_cap);
    b.set_reservation_secs(p.reservation_secs);
    b.requester = *requester.address();
    b.set_batch_id(p.batch_id);
    b.set_price(p.price);
    b.set_created_at(now);
    b.set_expires_at(p.expires_at);
    b.instructions_hash = p.instructions_hash;
    // SAFETY: the account was just allocated with room for the URI tail.
    let tail = unsafe {
        core::slice::from_raw_parts_mut(
            (batch.data_ptr() as *mut u8).add(Batch::LEN),
            space.saturating_sub(Batch::LEN),
        )
    };
    tail[..4].copy_from_slice(&(p.base_uri.len() as u32).to_le_bytes());
    tail[4..].copy_from_slice(p.base_uri);

    c.set_batch_count(math::add(c.batch_count(), 1)?);
    events::batch_created(&events::BatchCreated {
        batch: batch.address(),
        requester: requester.address(),
        batch_id: p.batch_id,
        price: p.price,
        redundancy: p.redundancy,
        min_rating: p.min_rating,
        per_worker_cap: p.per_worker_cap,
        expires_at: p.expires_at,
        encrypted: p.encrypted,
        fee_bps: b.fee_bps(),
    });
    Ok(())
}
