//! `add_tasks(start_index, count, root)`: append `count` items to the batch's
//! last task table and escrow `price × count × redundancy` for them.
//!
//! The items' content is committed, not stored: `root` is the Merkle root of
//! their content hashes (the manifest lives in storage beside the items), and
//! the batch's `manifest_hash` chains every upload's (start, count, root), so
//! any client can check an item against chain data with a proof from the
//! manifest. Items are appended in order: `start_index` must equal the batch's
//! `item_count`, so a replayed or retried upload fails with `IndexMismatch`
//! instead of adding twice, and an interrupted upload resumes from the
//! on-chain count. Lamports the batch holds beyond what it owes (a deposit sent
//! earlier) pay first; the rest is transferred from the requester.

use crate::{
    codec::log::Arena,
    error::AmplifyError,
    generated::{
        events::TasksAdded,
        instructions::{AddTasksAccounts, AddTasksArgs},
    },
    shared::{hash::sha256, lamports, math},
    state::{self, batch::STATUS_CANCELLED, BatchView, TableView},
};
use pinocchio::{address::address_eq, AccountView, ProgramResult};

pub fn process(a: AddTasksAccounts, args: AddTasksArgs, _: &[AccountView]) -> ProgramResult {
    let (mut batch, mut table) = (a.batch, a.table);
    let deposit = {
        let mut bdata = state::borrow_mut(&mut batch)?;
        let b = BatchView::new(&mut bdata)?.b;
        if !address_eq(&b.requester, a.requester.address()) {
            return Err(AmplifyError::Unauthorized.into());
        }
        if b.status == STATUS_CANCELLED {
            return Err(AmplifyError::BatchCancelled.into());
        }
        if args.start_index as u64 != b.item_count() {
            return Err(AmplifyError::IndexMismatch.into());
        }
        if args.count == 0 {
            return Err(AmplifyError::EmptyTaskList.into());
        }
        let mut tdata = state::borrow_mut(&mut table)?;
        let t = TableView::new(&mut tdata)?;
        if !t.belongs_to(a.batch.address(), b.batch_number())
            || t.t.first_item().checked_add(t.t.count()) != Some(args.start_index)
        {
            return Err(AmplifyError::WrongTable.into());
        }
        if args.count > t.t.capacity().saturating_sub(t.t.count()) {
            return Err(AmplifyError::TableFull.into());
        }
        let deposit = math::mul(
            math::mul(b.price(), args.count as u64)?,
            b.redundancy as u64,
        )?;
        let free = a
            .batch
            .lamports()
            .saturating_sub(b.committed(a.batch.data_len())?);
        (deposit, deposit.saturating_sub(free))
    };
    let (deposit, shortfall) = deposit;
    lamports::pay(&a.requester, &a.batch, shortfall)?;

    let mut bdata = state::borrow_mut(&mut batch)?;
    let b = BatchView::new(&mut bdata)?.b;
    let mut tdata = state::borrow_mut(&mut table)?;
    let t = TableView::new(&mut tdata)?;
    let start = args.start_index.to_le_bytes();
    let count = args.count.to_le_bytes();
    b.manifest_hash = sha256(&[&b.manifest_hash, &start, &count, args.root]);
    b.set_item_count(math::add(b.item_count(), args.count as u64)?);
    t.t.set_count(math::inc_u32(t.t.count(), args.count)?);
    t.invariant()?;
    b.invariant(a.batch.lamports(), a.batch.data_len())?;
    TasksAdded {
        batch: a.batch.address(),
        start_index: args.start_index,
        count: args.count,
        root: args.root,
        manifest_hash: &b.manifest_hash,
        escrow_added: deposit,
    }
    .emit(&mut Arena::new())
}
