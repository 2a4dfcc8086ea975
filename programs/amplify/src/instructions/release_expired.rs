//! `release_expired(items)`: anyone releases the worker's reservations of the
//! listed items once their deadline has passed, reopening the slots.
//!
//! The worker's bond goes to the requester (the cost of holding an item and not
//! delivering, which is what makes squatting cost something) — except in an
//! encrypted batch whose key agent never delivered the item's key: the worker
//! could not work, so its bond returns; the item still counts against its cap,
//! so an undelivered reservation does not come back free (docs/privacy.md).
//! In a cancelled batch, or when the item is settled (`settle_items`), the
//! slot's escrow is refunded to the requester (a settled item's slot is
//! settled, not reopened). Items
//! not releasable (not reserved by this worker, or not yet expired) are
//! skipped and reported in `TasksReleased.refused`.

use crate::{
    codec::log::Arena,
    error::AmplifyError,
    generated::{
        events::TasksReleased,
        instructions::{ReleaseExpiredAccounts, ReleaseExpiredArgs},
    },
    shared::{accounts::clock_unix_timestamp, lamports, math, outcomes::Outcomes},
    state::{
        self,
        batch::STATUS_CANCELLED,
        table::{reservation, SLOT_SETTLED},
        BatchView, TableView,
    },
};
use pinocchio::{address::address_eq, AccountView, ProgramResult};

pub fn process(
    a: ReleaseExpiredAccounts,
    args: ReleaseExpiredArgs,
    _: &[AccountView],
) -> ProgramResult {
    let n = args.items.len();
    if n == 0 {
        return Err(AmplifyError::EmptyTaskList.into());
    }
    let now = clock_unix_timestamp(&a.clock)?;
    let (mut batch, mut table) = (a.batch, a.table);
    let mut bdata = state::borrow_mut(&mut batch)?;
    let mut v = BatchView::new(&mut bdata)?;
    if !address_eq(&v.b.requester, a.requester.address()) {
        return Err(AmplifyError::Unauthorized.into());
    }
    let mut tdata = state::borrow_mut(&mut table)?;
    let mut t = TableView::new(&mut tdata)?;
    if !t.belongs_to(a.batch.address(), v.b.batch_number()) {
        return Err(AmplifyError::WrongTable.into());
    }
    let idx = v
        .find(a.worker.address())?
        .map_err(|_| AmplifyError::NotInRoster)?;
    let holder = math::inc_u16(idx, 1)?;
    let item_count = v.b.item_count();
    let encrypted = v.b.encrypted != 0;

    let mut arena = Arena::new();
    let mut out = Outcomes::new(&mut arena, n)?;
    let mut unseen = 0u32; // keys never delivered: bonds returned
    let cancelled = v.b.status == STATUS_CANCELLED;
    let mut settled = 0u64; // slots of settled items: refunded, not reopened
    out.run(&mut t, item_count, args.items, |_, slots| {
        // A settled item (`settle_items`) takes no worker any more: its
        // released slot is settled too. (A cancelled batch refunds it anyway.)
        let settle = !cancelled && slots.iter().any(|s| s.is_settled());
        Ok(match reservation(slots, holder) {
            None => Err(AmplifyError::NotReserved),
            Some(s) if now <= v.b.tick_time(s.tick())? => Err(AmplifyError::ReservationActive),
            Some(s) => {
                if encrypted && !s.flag() {
                    unseen = math::inc_u32(unseen, 1)?;
                }
                s.set_worker(if settle { SLOT_SETTLED } else { 0 });
                s.set_tick(0);
                if settle {
                    settled = math::add(settled, 1)?;
                }
                Ok(())
            }
        })
    })?;
    let nl = out.count();

    let count = nl as u64;
    let entry = v.entry(idx)?;
    let gone = u16::try_from(nl).map_err(|_| AmplifyError::ArithmeticOverflow)?;
    entry.set_active(math::dec_u16(entry.active(), gone)?);
    let b = v.b;
    b.set_reserved_count(math::sub(b.reserved_count(), count)?);
    let bond_returned = math::mul(b.bond(), unseen as u64)?;
    let forfeited = math::sub(math::mul(b.bond(), count)?, bond_returned)?;
    let refunded_slots = if cancelled { count } else { settled };
    b.set_cancelled_slots(math::add(b.cancelled_slots(), refunded_slots)?);
    let refunded = math::mul(b.price(), refunded_slots)?;
    b.set_forfeited_total(math::add(b.forfeited_total(), forfeited)?);
    b.set_refunded_total(math::add(b.refunded_total(), refunded)?);
    lamports::transfer(&a.batch, &a.requester, math::add(forfeited, refunded)?)?;
    lamports::transfer(&a.batch, &a.worker, bond_returned)?;
    t.invariant()?;
    b.invariant(a.batch.lamports(), a.batch.data_len())?;
    TasksReleased {
        batch: a.batch.address(),
        worker: a.worker.address(),
        items: out.done()?,
        forfeited,
        bond_returned,
        refunded,
        refused: out.refused()?,
    }
    .emit(&mut arena)
}
