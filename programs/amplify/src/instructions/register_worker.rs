//! `register_worker(encryption_key)`: create the signer's worker profile, the
//! one account a worker ever pays rent for.
//!
//! The X25519 key must be one a sealed box can be addressed to: a low-order
//! point (the all-zero key among them) would make every delivery of an item
//! key to this worker fail (`InvalidEncryptionKey`, see `shared::x25519`).

use crate::{
    codec::{layout::Layout, log::Arena},
    error::AmplifyError,
    generated::{
        events::WorkerRegistered,
        instructions::{RegisterWorkerAccounts, RegisterWorkerArgs},
    },
    seeds,
    shared::{accounts, clock, create::create_pda, x25519},
    state::{self, profile::WORKER_PROFILE_VERSION, WorkerProfile},
    ID,
};
use pinocchio::{cpi::Seed, AccountView, ProgramResult};

pub fn process(
    a: RegisterWorkerAccounts,
    args: RegisterWorkerArgs,
    _: &[AccountView],
) -> ProgramResult {
    if !x25519::sealable(args.encryption_key) {
        return Err(AmplifyError::InvalidEncryptionKey.into());
    }
    if !accounts::uninitialized(&a.profile) {
        return Err(AmplifyError::AlreadyExists.into());
    }
    let worker = a.worker.address().as_array();
    let bump = accounts::canonical_pda(&a.profile, &[seeds::WORKER, worker], &ID)?;
    let bump_seed = [bump];
    create_pda(
        &a.worker,
        &a.profile,
        WorkerProfile::LEN,
        &ID,
        &[
            Seed::from(seeds::WORKER),
            Seed::from(worker),
            Seed::from(&bump_seed),
        ],
    )?;
    let mut profile = a.profile;
    let mut data = state::borrow_mut(&mut profile)?;
    let p = WorkerProfile::init(&mut data)?;
    p.version = WORKER_PROFILE_VERSION;
    p.bump = bump;
    p.worker = *a.worker.address();
    p.encryption_key = *args.encryption_key;
    p.set_registered_at(clock::now()?);
    p.invariant()?;
    WorkerRegistered {
        worker: a.worker.address(),
        encryption_key: args.encryption_key,
    }
    .emit(&mut Arena::new())
}
