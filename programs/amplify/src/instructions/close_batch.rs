//! `close_batch()`: the requester closes a done batch together with all its
//! task tables (passed as writable remaining accounts), at once: no waiting
//! for expiry once every slot is settled. Accrued fees go to the treasury;
//! rent and any escrow of slots never taken return to the requester.
//!
//! Done means no slot can change any more: no reservation is outstanding, and
//! every slot is completed or refunded, or the batch is cancelled or expired.
//! Closing ends the rating window early: rate first.
//!
//! The batch's `BatchSkills` (require_skills) follows the tables and closes
//! with them: required while the batch requires skills, optional once the
//! requirement was lifted (the account stays until then). Recognised by
//! owner, discriminator and the batch it names: only `require_skills` writes
//! one, at the batch's PDA. Any other account after the tables is one too
//! many (`TablesOutstanding`, as before skills). A trailing account rather
//! than a new instruction keeps close_batch's released layout, and one
//! transaction closes all.

use crate::{
    codec::{layout::Layout, log::Arena},
    error::AmplifyError,
    generated::{
        events::BatchClosed,
        instructions::{CloseBatchAccounts, CloseBatchArgs},
    },
    shared::{accounts::clock_unix_timestamp, lamports, math},
    state::{self, treasury::sweep, BatchSkills, BatchView, TableView, Treasury},
};
use pinocchio::{address::address_eq, error::ProgramError, AccountView, ProgramResult};

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
        let (tables, skills) = tables
            .split_at_checked(b.table_count() as usize)
            .ok_or(AmplifyError::TablesOutstanding)?;
        match skills {
            [] if b.skill_count != 0 => return Err(AmplifyError::BatchSkillsOutstanding.into()),
            [] => {}
            [req] => returned = math::add(returned, close_batch_skills(req, &a)?)?,
            _ => return Err(AmplifyError::TablesOutstanding.into()),
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

/// Close the batch's `BatchSkills` to the requester; its lamports.
#[inline(never)]
fn close_batch_skills(req: &AccountView, a: &CloseBatchAccounts) -> Result<u64, ProgramError> {
    let mut acc = *req;
    {
        let data = state::borrow_mut(&mut acc)?;
        // Not a BatchSkills (a table passed twice, say): one account too many.
        let req = BatchSkills::view(&data).map_err(|_| AmplifyError::TablesOutstanding)?;
        if !address_eq(&req.batch, a.batch.address()) {
            return Err(AmplifyError::InvalidPda.into());
        }
    }
    let lamports = acc.lamports();
    lamports::close(&acc, &a.requester)?;
    Ok(lamports)
}
