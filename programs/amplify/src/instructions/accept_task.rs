//! `accept_task(item_index: u32)`: reserve one slot of one item for the signing
//! worker, recorded in the next slot of the worker's ledger for the batch.
//!
//! Refused on chain when: the protocol or batch is paused, the batch is cancelled
//! or expired, the worker's rating is below the batch minimum, the item already
//! has `redundancy` workers, the worker already holds the item (its bit is set in
//! the ledger), or the worker reached the batch's per-worker cap. No account is
//! created, so no CPI: the ledger was opened once with `open_ledger`.
//!
//! Accounts:
//! 0. `[signer]` worker
//! 1. `[]` config
//! 2. `[]` clock — the Clock sysvar (read from the account: cheaper than the syscall)
//! 3. `[]` profile — the worker's `WorkerProfile`
//! 4. `[writable]` batch
//! 5. `[writable]` page — the page holding `item_index`
//! 6. `[writable]` ledger — the worker's ledger for this batch

use crate::{
    error::AmplifyError,
    events,
    shared::{accounts, args::Args, math},
    state::{
        self,
        batch::{STATUS_CANCELLED, STATUS_PAUSED},
        item_page::{PAGE_MASK, PAGE_SHIFT},
        ledger::SLOT_RESERVED,
        Batch, Config, ItemPage, Ledger, LedgerHeader, Slot, WorkerProfile,
    },
    ID,
};
use pinocchio::{address::address_eq, error::ProgramError, AccountView, ProgramResult};

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let ([worker, config, clock, profile, batch, page, ledger], _) = accounts::take::<7>(accounts)?;
    let mut args = Args::new(data);
    let item_index = args.u32()?;
    args.finish()?;

    accounts::signer(worker)?;
    if state::load::<Config>(config, &ID)?.paused != 0 {
        return Err(AmplifyError::ProtocolPaused.into());
    }
    let now = accounts::clock_unix_timestamp(clock)?;
    let b = state::load_mut::<Batch>(batch, &ID)?;
    match b.status {
        STATUS_CANCELLED => return Err(AmplifyError::BatchCancelled.into()),
        STATUS_PAUSED => return Err(AmplifyError::BatchPaused.into()),
        _ => {}
    }
    if now >= b.expires_at() {
        return Err(AmplifyError::BatchExpired.into());
    }
    let prof = state::load::<WorkerProfile>(profile, &ID)?;
    if !address_eq(&prof.worker, worker.address()) {
        return Err(AmplifyError::WrongWorker.into());
    }
    if prof.rating() < b.min_rating() {
        return Err(AmplifyError::RatingTooLow.into());
    }
    let p = state::load_mut::<ItemPage>(page, &ID)?;
    let item = &mut p.items[item_slot(p, batch, item_index)?];
    if (item.reserved as u16).saturating_add(item.completed as u16) >= b.redundancy as u16 {
        return Err(AmplifyError::ItemFull.into());
    }
    let l = load_ledger(ledger, worker, batch, b)?;
    match l.holds(item_index) {
        None => return Err(AmplifyError::LedgerFull.into()),
        Some(true) => return Err(AmplifyError::AlreadyAccepted.into()),
        Some(false) => {}
    }
    let taken = l.header.taken();
    let cap = b.per_worker_cap();
    if cap > 0 && taken >= cap as u32 {
        return Err(AmplifyError::WorkerCapReached.into());
    }
    let slot = l
        .slots
        .get_mut(taken as usize)
        .ok_or(AmplifyError::LedgerFull)?;

    let deadline = now.saturating_add(b.reservation_secs() as i64);
    slot.item_index = item_index.to_le_bytes();
    slot.status = SLOT_RESERVED;
    slot.deadline = deadline.to_le_bytes();
    if let Some(byte) = l.bitmap.get_mut((item_index >> 3) as usize) {
        *byte |= 1 << (item_index & 7);
    }
    l.header.set_taken(taken.saturating_add(1));
    l.header.set_active(l.header.active().saturating_add(1));
    item.reserved = item.reserved.saturating_add(1);
    b.set_reserved_count(math::add(b.reserved_count(), 1)?);
    events::task_accepted(
        batch.address(),
        item_index,
        worker.address(),
        taken,
        deadline,
    );
    Ok(())
}

/// The record index of `item_index` in `p`, after checking the page is this
/// batch's page for that item and the item exists.
#[inline(always)]
pub fn item_slot(
    p: &ItemPage,
    batch: &AccountView,
    item_index: u32,
) -> Result<usize, ProgramError> {
    if !address_eq(&p.batch, batch.address()) || p.page_index() != item_index >> PAGE_SHIFT {
        return Err(AmplifyError::WrongPage.into());
    }
    let slot = (item_index as u64 & PAGE_MASK) as usize;
    if slot >= p.count() as usize {
        return Err(AmplifyError::ItemNotFound.into());
    }
    Ok(slot)
}

/// View `ledger` (writable, owned by the program) and check it is `worker`'s
/// ledger for the batch `b` at `batch`.
#[inline(always)]
pub fn load_ledger(
    ledger: &AccountView,
    worker: &AccountView,
    batch: &AccountView,
    b: &Batch,
) -> Result<Ledger<'static>, ProgramError> {
    let l = ledger_view(ledger)?;
    if !address_eq(&l.header.worker, worker.address()) {
        return Err(AmplifyError::WrongWorker.into());
    }
    if !l.header.belongs_to(batch, b) {
        return Err(AmplifyError::WrongBatch.into());
    }
    Ok(l)
}

/// View a writable ledger owned by the program.
#[inline(always)]
pub fn ledger_view(ledger: &AccountView) -> Result<Ledger<'static>, ProgramError> {
    Ledger::view(ledger_data(ledger)?).ok_or_else(|| AmplifyError::InvalidAccountData.into())
}

/// Header and slot `index` of a writable ledger owned by the program
/// (`SlotNotFound` if the ledger has no such used slot).
#[inline(always)]
pub fn ledger_slot(
    ledger: &AccountView,
    index: u32,
) -> Result<(&'static mut LedgerHeader, &'static mut Slot), ProgramError> {
    Ledger::slot(ledger_data(ledger)?, index)
}

#[inline(always)]
fn ledger_data(ledger: &AccountView) -> Result<&'static mut [u8], ProgramError> {
    if !ledger.owned_by(&ID) {
        return Err(AmplifyError::InvalidOwner.into());
    }
    accounts::writable(ledger)?;
    // SAFETY: the runtime's input region outlives the instruction and this is the
    // only view of the ledger's data (see `state::load`).
    Ok(unsafe { core::slice::from_raw_parts_mut(ledger.data_ptr() as *mut u8, ledger.data_len()) })
}
