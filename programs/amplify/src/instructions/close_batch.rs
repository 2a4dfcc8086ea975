//! `close_batch()`: the requester closes a done batch together with all its
//! task tables (passed as writable remaining accounts), at once: no waiting
//! for expiry once every slot is settled. Accrued fees go to the treasury;
//! rent and any escrow of slots never taken return to the requester.
//!
//! Done means no slot can change any more: no reservation is outstanding, and
//! every slot is completed or refunded, or the batch is cancelled or expired.
//! Closing ends the rating window early: rate first.

use crate::{
    codec::{layout::Layout, log::Arena},
    error::AmplifyError,
    generated::{
        events::BatchClosed,
        instructions::{CloseBatchAccounts, CloseBatchArgs},
    },
    shared::{accounts::clock_unix_timestamp, lamports, math},
    state::{self, treasury::sweep, BatchView, TableView, Treasury},
};
use pinocchio::{address::address_eq, AccountView, ProgramResult};

pub fn process(a: CloseBatchAccounts, _: CloseBatchArgs, tables: &[AccountView]) -> ProgramResult {
    let now = clock_unix_timestamp(&a.clock)?;
    let (mut batch, mut treasury) = (a.batch, a.treasury);
    // Every lamport the close sends the requester: the tables' and the batch's.
    let mut returned = 0u64;
    {
        let mut bdata = state::borrow_mut(&mut batch)?;
        let b = BatchView::new(&mut bdata)?.b;
        if !address_eq(&b.requester, a.requester.address()) {
            return Err(AmplifyError::Unauthorized.into());
        }
        if b.reserved_count() != 0 {
            return Err(AmplifyError::ReservationsOutstanding.into());
        }
        if !b.done(now)? {
            return Err(AmplifyError::BatchNotDone.into());
        }
        if tables.len() != b.table_count() as usize {
            return Err(AmplifyError::TablesOutstanding.into());
        }
        for table in tables {
            let mut acc = *table;
            returned = math::add(returned, acc.lamports())?;
            {
                let mut tdata = state::borrow_mut(&mut acc)?;
                let t = TableView::new(&mut tdata)?;
                if !t.belongs_to(a.batch.address(), b.batch_number()) {
                    return Err(AmplifyError::WrongTable.into());
                }
            }
            // A table passed twice is refused when reached again: closed, it no
            // longer belongs to this program.
            lamports::close(&acc, &a.requester)?;
        }
        let mut tdata = state::borrow_mut(&mut treasury)?;
        let t = Treasury::view_mut(&mut tdata)?;
        let swept = sweep(b, t, &a.batch, &a.treasury)?;
        t.invariant(a.treasury.lamports(), a.treasury.data_len())?;
        if swept != 0 {
            crate::generated::events::FeesSwept {
                batch: a.batch.address(),
                amount: swept,
            }
            .emit(&mut Arena::new())?;
        }
    }
    let returned = math::add(returned, a.batch.lamports())?;
    lamports::close(&a.batch, &a.requester)?;
    BatchClosed {
        batch: a.batch.address(),
        returned,
    }
    .emit(&mut Arena::new())
}
