//! `cancel_batch()`: stop the batch and refund at once the escrow of every open
//! slot and any deposit not yet committed to items. Reserved slots stay payable:
//! a later submission is paid, a later release refunds that slot too.
//!
//! Accounts:
//! 0. `[signer, writable]` requester
//! 1. `[writable]` batch

use crate::{
    error::AmplifyError,
    events,
    shared::{accounts, lamports, math},
    state::batch::STATUS_CANCELLED,
};
use pinocchio::{AccountView, ProgramResult};

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let ([requester, batch], _) = accounts::take::<2>(accounts)?;
    if !data.is_empty() {
        return Err(AmplifyError::InvalidInstructionData.into());
    }
    accounts::writable(requester)?;
    let b = accounts::requester_batch(requester, batch)?;
    if b.status == STATUS_CANCELLED {
        return Err(AmplifyError::BatchCancelled.into());
    }
    let total = math::mul(b.item_count(), b.redundancy as u64)?;
    let taken = math::add(
        math::add(b.reserved_count(), b.completed_count())?,
        b.cancelled_slots(),
    )?;
    let open = math::sub(total, taken)?;
    b.status = STATUS_CANCELLED;
    b.set_cancelled_slots(math::add(b.cancelled_slots(), open)?);
    // Everything not committed to reserved slots, accrued fees or rent goes back:
    // the open slots' escrow and any deposit never committed to items.
    let refund = math::sub(batch.lamports(), b.committed(batch.data_len())?)?;
    b.set_refunded_total(math::add(b.refunded_total(), refund)?);
    lamports::transfer(batch, requester, refund)?;
    events::batch_cancelled(batch.address(), open, refund);
    Ok(())
}
