//! `settle_items(items)`: the requester settles items whose label is already
//! confident (dynamic overlap): every open slot of each listed item is
//! refunded at once and marked settled, so no worker can take it. Reserved
//! slots stay payable — a worker holding one can still deliver and be paid,
//! and a later release of it refunds that slot too (`release_expired`) — and
//! completed slots stay rateable. Settled slots count as `cancelled_slots`,
//! so escrow, `done()` and `close_batch` treat them as refunded.
//!
//! Refused, failing the whole instruction: not the batch's requester
//! (`Unauthorized`), a cancelled batch (`BatchCancelled`: nothing open is
//! left), no items (`EmptyTaskList`), a table of another batch or an item
//! outside the table (`WrongTable`, `ItemNotFound`). Item-level refusals are
//! reported in `ItemsSettled.refused`: settled before, or listed twice
//! (`ItemSettled`), or no open slot — all reserved or completed (`ItemFull`;
//! such an item can be settled once a reservation is released).

use crate::{
    codec::log::Arena,
    error::AmplifyError,
    generated::{
        events::ItemsSettled,
        instructions::{SettleItemsAccounts, SettleItemsArgs},
    },
    shared::{lamports, math, outcomes::Outcomes},
    state::{self, batch::STATUS_CANCELLED, table::SLOT_SETTLED, BatchView, TableView},
};
use pinocchio::{address::address_eq, AccountView, ProgramResult};

pub fn process(a: SettleItemsAccounts, args: SettleItemsArgs, _: &[AccountView]) -> ProgramResult {
    if args.items.is_empty() {
        return Err(AmplifyError::EmptyTaskList.into());
    }
    let (mut batch, mut table) = (a.batch, a.table);
    let mut bdata = state::borrow_mut(&mut batch)?;
    let b = BatchView::new(&mut bdata)?.b;
    if !address_eq(&b.requester, a.requester.address()) {
        return Err(AmplifyError::Unauthorized.into());
    }
    if b.status == STATUS_CANCELLED {
        return Err(AmplifyError::BatchCancelled.into());
    }
    let mut tdata = state::borrow_mut(&mut table)?;
    let mut t = TableView::new(&mut tdata)?;
    if !t.belongs_to(a.batch.address(), b.batch_number()) {
        return Err(AmplifyError::WrongTable.into());
    }

    let mut arena = Arena::new();
    let mut out = Outcomes::new(&mut arena, args.items.len())?;
    let mut settled = 0u64;
    out.run(&mut t, b.item_count(), args.items, |_, slots| {
        let mut open = 0u64;
        let mut before = false;
        for s in slots.iter_mut() {
            if s.is_open() {
                s.set_worker(SLOT_SETTLED);
                open = open.wrapping_add(1); // at most MAX_REDUNDANCY
            } else if s.is_settled() {
                before = true;
            }
        }
        Ok(match (open, before) {
            (0, true) => Err(AmplifyError::ItemSettled),
            (0, false) => Err(AmplifyError::ItemFull),
            _ => {
                settled = math::add(settled, open)?;
                Ok(())
            }
        })
    })?;

    b.set_cancelled_slots(math::add(b.cancelled_slots(), settled)?);
    let refund = math::mul(b.price(), settled)?;
    b.set_refunded_total(math::add(b.refunded_total(), refund)?);
    lamports::transfer(&a.batch, &a.requester, refund)?;
    t.invariant()?;
    b.invariant(a.batch.lamports(), a.batch.data_len())?;
    ItemsSettled {
        batch: a.batch.address(),
        items: out.done()?,
        slots: settled,
        refunded: refund,
        refused: out.refused()?,
    }
    .emit(&mut arena)
}
