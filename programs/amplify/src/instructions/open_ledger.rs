//! `open_ledger(capacity: u32)`: create the signing worker's ledger for a batch,
//! with room for `capacity` acceptances and a bitmap covering the batch's items.
//!
//! Accounts:
//! 0. `[signer]` worker
//! 1. `[signer, writable]` payer — pays the rent (the worker, or a requester's
//!    agent); gets it back when the ledger closes
//! 2. `[]` batch
//! 3. `[writable]` ledger — `create_with_seed(worker, seeds::ledger(batch_number), program)`
//! 4. `[]` system_program

use crate::{
    error::AmplifyError,
    seeds,
    shared::{accounts, args::Args, seed_address},
    state::{
        self,
        ledger::{bitmap_for, ledger_size, LEDGER_VERSION},
        Batch, Layout, Ledger, LedgerHeader,
    },
    ID,
};
use pinocchio::{account::MAX_PERMITTED_DATA_INCREASE, AccountView, ProgramResult};

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let ([worker, payer, batch, ledger, system_program], _) = accounts::take::<5>(accounts)?;
    let mut args = Args::new(data);
    let capacity = args.u32()?;
    args.finish()?;

    accounts::signer(worker)?;
    accounts::signer(payer)?;
    accounts::writable(ledger)?;
    accounts::system_program(system_program)?;
    let b = state::load::<Batch>(batch, &ID)?;
    if !accounts::uninitialized(ledger) {
        return Err(AmplifyError::AlreadyExists.into());
    }
    let bitmap_bytes = bitmap_for(b.item_count());
    let size = ledger_size(bitmap_bytes, capacity as usize);
    if size > MAX_PERMITTED_DATA_INCREASE {
        return Err(AmplifyError::LedgerTooLarge.into());
    }
    let seed = seeds::ledger(b.batch_number());
    seed_address::create(payer, ledger, worker, &seed, size, &ID)?;

    // SAFETY: freshly created by this instruction; the view is the only one.
    let data = unsafe { ledger.borrow_unchecked_mut() };
    data[..8].copy_from_slice(&LedgerHeader::DISCRIMINATOR);
    write_lengths(data, bitmap_bytes, capacity);
    let l = Ledger::view(data).ok_or(AmplifyError::InvalidAccountData)?;
    l.header.version = LEDGER_VERSION;
    l.header.set_capacity(capacity);
    l.header.set_bitmap_bytes(bitmap_bytes as u32);
    l.header.batch = *batch.address();
    l.header.worker = *worker.address();
    l.header.rent_payer = *payer.address();
    l.header.set_batch_number(b.batch_number());
    Ok(())
}

/// Write the header's `capacity`/`bitmap_bytes` and the borsh length prefixes
/// of the bitmap and the slot vector (shared with `grow_ledger`).
pub fn write_lengths(data: &mut [u8], bitmap_bytes: usize, capacity: u32) {
    let h = LedgerHeader::LEN;
    if let Some(d) = data.get_mut(16..24) {
        d[..4].copy_from_slice(&capacity.to_le_bytes());
        d[4..].copy_from_slice(&(bitmap_bytes as u32).to_le_bytes());
    }
    if let Some(d) = data.get_mut(h..h.saturating_add(4)) {
        d.copy_from_slice(&(bitmap_bytes as u32).to_le_bytes());
    }
    let at = h.saturating_add(4).saturating_add(bitmap_bytes);
    if let Some(d) = data.get_mut(at..at.saturating_add(4)) {
        d.copy_from_slice(&capacity.to_le_bytes());
    }
}
