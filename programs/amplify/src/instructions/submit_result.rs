//! `submit_result(slot: u32, result_hash: [u8; 32], result_uri: string)`: deliver
//! the result for slot `slot` of the worker's ledger and get paid at once from
//! escrow — no requester veto.
//!
//! The worker receives `price - fee_per_item`; the fee stays in the batch until
//! `sweep_fees` moves it to the treasury, so payouts never write a shared
//! account. `paid + fee == price` exactly. A submission is accepted as long as
//! the reservation stands, even past its deadline, and even if the batch was
//! paused or cancelled meanwhile: accepted work is paid.
//!
//! Accounts:
//! 0. `[signer, writable]` worker — receives the payment
//! 1. `[writable]` batch
//! 2. `[writable]` page — the page holding the item
//! 3. `[writable]` ledger — the worker's ledger for this batch

use crate::{
    error::AmplifyError,
    events::{self, MAX_RESULT_URI_LEN},
    instructions::accept_task::{item_slot, ledger_slot},
    shared::{accounts, args::Args, lamports, math},
    state::{
        self,
        ledger::{SLOT_RESERVED, SLOT_SUBMITTED},
        Batch, ItemPage,
    },
    ID,
};
use pinocchio::{address::address_eq, AccountView, ProgramResult};

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let ([worker, batch, page, ledger], _) = accounts::take::<4>(accounts)?;
    let mut args = Args::new(data);
    let slot_index = args.u32()?;
    let result_hash = *args.bytes::<32>()?;
    let result_uri = args.byte_vec()?;
    args.finish()?;
    if result_uri.len() > MAX_RESULT_URI_LEN {
        return Err(AmplifyError::ResultUriTooLong.into());
    }

    accounts::signer(worker)?;
    accounts::writable(worker)?;
    let (header, slot) = ledger_slot(ledger, slot_index)?;
    if !address_eq(&header.worker, worker.address()) {
        return Err(AmplifyError::WrongWorker.into());
    }
    if slot.status != SLOT_RESERVED {
        return Err(AmplifyError::NotReserved.into());
    }
    let b = state::load_mut::<Batch>(batch, &ID)?;
    if !header.belongs_to(batch, b) {
        return Err(AmplifyError::WrongBatch.into());
    }
    let p = state::load_mut::<ItemPage>(page, &ID)?;
    let item_index = slot.item_index();
    let item = &mut p.items[item_slot(p, batch, item_index)?];

    // The fee stays in the batch (accrued = fee_per_item × completed − swept).
    let fee = b.fee_per_item();
    let paid = math::sub(b.price(), fee)?;
    b.set_reserved_count(math::sub(b.reserved_count(), 1)?);
    b.set_completed_count(math::add(b.completed_count(), 1)?);
    item.reserved = item.reserved.saturating_sub(1);
    item.completed = item.completed.saturating_add(1);
    slot.status = SLOT_SUBMITTED;
    slot.result_hash = result_hash;
    header.set_active(header.active().saturating_sub(1));
    lamports::transfer(batch, worker, paid)?;

    events::result_submitted(
        batch.address(),
        item_index,
        worker.address(),
        slot_index,
        (paid, fee),
    );
    Ok(())
}
