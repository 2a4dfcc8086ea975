//! `init_table(index)`: make the account the requester created at
//! `create_with_seed(requester, seeds::table(batch_number, index), program)`
//! the batch's next task table. Its size fixes how many items it holds.
//!
//! The account is allocated by the requester's own top-level
//! `createAccountWithSeed` (up to 10 MiB; a CPI could allocate only 10 KiB), so
//! thousands of items need one transaction. An account that instruction just
//! assigned to this program is all zeros (the runtime lets only zeroed data
//! change owner), so a zero discriminator means "never initialized".

use crate::{
    codec::{layout::Layout, log::Arena},
    error::AmplifyError,
    generated::{
        events::TableInitialized,
        instructions::{InitTableAccounts, InitTableArgs},
        layouts::{Slot, TaskTable},
    },
    seeds,
    shared::{math, seed_address},
    state::{
        self,
        batch::STATUS_CANCELLED,
        table::{TABLE_HEADER, TABLE_VERSION},
        BatchView, TableView,
    },
    ID,
};
use pinocchio::{address::address_eq, AccountView, ProgramResult};

pub fn process(a: InitTableAccounts, args: InitTableArgs, _: &[AccountView]) -> ProgramResult {
    let mut batch = a.batch;
    let mut bdata = state::borrow_mut(&mut batch)?;
    let v = BatchView::new(&mut bdata)?;
    let b = v.b;
    if !address_eq(&b.requester, a.requester.address()) {
        return Err(AmplifyError::Unauthorized.into());
    }
    if b.status == STATUS_CANCELLED {
        return Err(AmplifyError::BatchCancelled.into());
    }
    if args.index != b.table_count() {
        return Err(AmplifyError::InvalidTable.into());
    }
    let seed = seeds::table(b.batch_number(), args.index);
    if !address_eq(
        a.table.address(),
        &seed_address::derive(a.requester.address(), &seed, &ID),
    ) {
        return Err(AmplifyError::InvalidTable.into());
    }

    let mut table = a.table;
    let mut tdata = state::borrow_mut(&mut table)?;
    if tdata.get(..8).is_none_or(|d| d != [0u8; 8]) {
        return Err(AmplifyError::AlreadyExists.into());
    }
    // At most 64 × 4: no overflow.
    let per_item = (b.redundancy as usize).wrapping_mul(core::mem::size_of::<Slot>());
    let body = tdata
        .len()
        .checked_sub(TABLE_HEADER)
        .filter(|n| *n >= per_item && n.checked_rem(per_item) == Some(0))
        .ok_or(AmplifyError::InvalidTable)?;
    let items = body
        .checked_div(per_item)
        .ok_or(AmplifyError::InvalidTable)?;
    let capacity = u32::try_from(items).map_err(|_| AmplifyError::InvalidTable)?;
    let first = u32::try_from(b.items_capacity()).map_err(|_| AmplifyError::InvalidTable)?;
    first
        .checked_add(capacity)
        .ok_or(AmplifyError::InvalidTable)?;

    // capacity <= 10 MiB / 4: times the redundancy it stays far below 2^32.
    let slots = capacity.wrapping_mul(b.redundancy as u32);
    tdata
        .get_mut(TaskTable::LEN..TABLE_HEADER)
        .ok_or(AmplifyError::InvalidTable)?
        .copy_from_slice(&slots.to_le_bytes());
    let t = TaskTable::init(&mut tdata)?;
    t.version = TABLE_VERSION;
    t.redundancy = b.redundancy;
    t.set_index(args.index);
    t.batch = *a.batch.address();
    t.set_batch_number(b.batch_number());
    t.set_first_item(first);
    t.set_capacity(capacity);
    TableView::new(&mut tdata)?.invariant()?;

    b.set_items_capacity(math::add(b.items_capacity(), capacity as u64)?);
    b.set_table_count(math::inc_u32(b.table_count(), 1)?);
    b.invariant(a.batch.lamports(), a.batch.data_len())?;
    TableInitialized {
        batch: a.batch.address(),
        table: a.table.address(),
        index: args.index,
        first_item: first,
        capacity,
    }
    .emit(&mut Arena::new())
}
