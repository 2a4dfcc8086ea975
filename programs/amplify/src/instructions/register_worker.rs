//! `register_worker(encryption_key: [u8; 32])`: create the worker's profile.
//!
//! Accounts:
//! 0. `[signer, writable]` worker — pays rent
//! 1. `[writable]` profile — PDA `["worker", worker]`
//! 2. `[]` system_program

use crate::{
    error::AmplifyError,
    events, seeds,
    shared::{accounts, args::Args, clock, create::create_pda},
    state::{self, worker_profile::WORKER_PROFILE_VERSION, Layout, WorkerProfile},
    ID,
};
use pinocchio::{cpi::Seed, AccountView, ProgramResult};

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let ([worker, profile, system_program], _) = accounts::take::<3>(accounts)?;
    let mut args = Args::new(data);
    let encryption_key = *args.bytes::<32>()?;
    args.finish()?;

    accounts::signer(worker)?;
    accounts::writable(profile)?;
    accounts::system_program(system_program)?;
    if !accounts::uninitialized(profile) {
        return Err(AmplifyError::AlreadyExists.into());
    }
    let bump =
        accounts::canonical_pda(profile, &[seeds::WORKER, worker.address().as_array()], &ID)?;
    let bump_seed = [bump];
    create_pda(
        worker,
        profile,
        WorkerProfile::LEN,
        &ID,
        &[
            Seed::from(seeds::WORKER),
            Seed::from(worker.address().as_array()),
            Seed::from(&bump_seed),
        ],
    )?;
    let p = state::init::<WorkerProfile>(profile)?;
    p.version = WORKER_PROFILE_VERSION;
    p.bump = bump;
    p.worker = *worker.address();
    p.encryption_key = encryption_key;
    p.set_registered_at(clock::now()?);
    events::worker_registered(worker.address(), &encryption_key);
    Ok(())
}
