//! `cancel_batch()`: stop the batch and refund at once the escrow of every open
//! slot and any deposit not committed to items. Reserved slots stay payable: a
//! later submission is paid, a later release refunds that slot too.

use crate::{
    codec::log::Arena,
    error::AmplifyError,
    generated::{
        events::BatchCancelled,
        instructions::{CancelBatchAccounts, CancelBatchArgs},
    },
    shared::{clock, lamports, math},
    state::{self, batch::STATUS_CANCELLED, BatchView},
};
use pinocchio::{address::address_eq, AccountView, ProgramResult};

pub fn process(a: CancelBatchAccounts, _: CancelBatchArgs, _: &[AccountView]) -> ProgramResult {
    let mut batch = a.batch;
    let mut bdata = state::borrow_mut(&mut batch)?;
    let b = BatchView::new(&mut bdata)?.b;
    if !address_eq(&b.requester, a.requester.address()) {
        return Err(AmplifyError::Unauthorized.into());
    }
    if b.status == STATUS_CANCELLED {
        return Err(AmplifyError::BatchCancelled.into());
    }
    let taken = math::add(
        math::add(b.reserved_count(), b.completed_count())?,
        b.cancelled_slots(),
    )?;
    let open = math::sub(b.slots()?, taken)?;
    b.status = STATUS_CANCELLED;
    b.set_cancelled_at(clock::now()?);
    b.set_cancelled_slots(math::add(b.cancelled_slots(), open)?);
    // Everything not committed to reserved slots, bonds, accrued fees or rent
    // goes back: the open slots' escrow and any deposit never committed.
    let refund = math::sub(a.batch.lamports(), b.committed(a.batch.data_len())?)?;
    b.set_refunded_total(math::add(b.refunded_total(), refund)?);
    lamports::transfer(&a.batch, &a.requester, refund)?;
    b.invariant(a.batch.lamports(), a.batch.data_len())?;
    BatchCancelled {
        batch: a.batch.address(),
        slots: open,
        refunded: refund,
    }
    .emit(&mut Arena::new())
}
