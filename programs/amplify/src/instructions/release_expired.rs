//! `release_expired(slot: u32)`: anyone may release a reservation whose deadline
//! passed, reopening the item's slot. In a cancelled batch the slot's escrow goes
//! back to the requester. The ledger slot stays, marked released: the item still
//! counts towards the worker's cap (they saw its data).
//!
//! Accounts:
//! 0. `[writable]` batch
//! 1. `[writable]` page — the page holding the item
//! 2. `[writable]` ledger — the worker's ledger holding the slot
//! 3. `[writable]` requester — the batch's requester

use crate::{
    error::AmplifyError,
    events,
    instructions::accept_task::{item_slot, ledger_slot},
    shared::{accounts, args::Args, clock, lamports, math},
    state::{
        self,
        batch::STATUS_CANCELLED,
        ledger::{SLOT_RELEASED, SLOT_RESERVED},
        Batch, ItemPage,
    },
    ID,
};
use pinocchio::{address::address_eq, AccountView, ProgramResult};

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let ([batch, page, ledger, requester], _) = accounts::take::<4>(accounts)?;
    let mut args = Args::new(data);
    let slot_index = args.u32()?;
    args.finish()?;

    let (header, slot) = ledger_slot(ledger, slot_index)?;
    if slot.status != SLOT_RESERVED {
        return Err(AmplifyError::NotReserved.into());
    }
    if clock::now()? <= slot.deadline() {
        return Err(AmplifyError::ReservationActive.into());
    }
    let b = state::load_mut::<Batch>(batch, &ID)?;
    if !header.belongs_to(batch, b) {
        return Err(AmplifyError::WrongBatch.into());
    }
    if !address_eq(&b.requester, requester.address()) {
        return Err(AmplifyError::Unauthorized.into());
    }
    let p = state::load_mut::<ItemPage>(page, &ID)?;
    let item_index = slot.item_index();
    let item = &mut p.items[item_slot(p, batch, item_index)?];

    item.reserved = item.reserved.saturating_sub(1);
    b.set_reserved_count(math::sub(b.reserved_count(), 1)?);
    slot.status = SLOT_RELEASED;
    header.set_active(header.active().saturating_sub(1));
    if b.status == STATUS_CANCELLED {
        let price = b.price();
        b.set_cancelled_slots(math::add(b.cancelled_slots(), 1)?);
        b.set_refunded_total(math::add(b.refunded_total(), price)?);
        lamports::transfer(batch, requester, price)?;
    }
    events::task_released(batch.address(), item_index, &header.worker);
    Ok(())
}
