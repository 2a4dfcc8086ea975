//! `sweep_fees()`: anyone moves a batch's accrued fees to the treasury.
//!
//! Payouts leave the fee in the batch so they never contend on the treasury;
//! this permissionless sweep collects them (and `close_batch` sweeps too).

use crate::{
    codec::{layout::Layout, log::Arena},
    generated::{
        events::FeesSwept,
        instructions::{SweepFeesAccounts, SweepFeesArgs},
    },
    state::{self, treasury::sweep, BatchView, Treasury},
};
use pinocchio::{AccountView, ProgramResult};

pub fn process(a: SweepFeesAccounts, _: SweepFeesArgs, _: &[AccountView]) -> ProgramResult {
    let (mut batch, mut treasury) = (a.batch, a.treasury);
    let mut bdata = state::borrow_mut(&mut batch)?;
    let b = BatchView::new(&mut bdata)?.b;
    let mut tdata = state::borrow_mut(&mut treasury)?;
    let t = Treasury::view_mut(&mut tdata)?;
    let amount = sweep(b, t, &a.batch, &a.treasury)?;
    b.invariant(a.batch.lamports(), a.batch.data_len())?;
    t.invariant(a.treasury.lamports(), a.treasury.data_len())?;
    if amount == 0 {
        return Ok(());
    }
    FeesSwept {
        batch: a.batch.address(),
        amount,
    }
    .emit(&mut Arena::new())
}
