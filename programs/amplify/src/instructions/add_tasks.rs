//! `add_tasks(start_index: u64, hashes: Vec<[u8; 32]>)`: append items to a batch,
//! moving `price × items × redundancy` of the batch's deposit into escrow.
//!
//! Items are appended in order: `start_index` must equal the batch's item count,
//! so a retried or replayed upload fails with `IndexMismatch` instead of adding
//! duplicates, and a resumed upload continues from the on-chain count. One
//! instruction writes into one page (created beforehand by `create_page`).
//!
//! The deposit is any lamports the batch holds beyond rent, escrow and accrued
//! fees: the requester funds it with a plain system transfer (the SDK does this
//! once per upload). This keeps the system program out of the instruction, which
//! is what fits 30 hashes in one transaction.
//!
//! Accounts:
//! 0. `[signer]` requester
//! 1. `[writable]` batch
//! 2. `[writable]` page — PDA `["page", batch, start_index / 256 (u32 LE)]`

use crate::{
    error::AmplifyError,
    events,
    shared::{accounts, args::Args, math},
    state::{
        self,
        batch::STATUS_CANCELLED,
        item_page::{ITEMS_PER_PAGE, PAGE_MASK, PAGE_SHIFT},
        ItemPage,
    },
    ID,
};
use pinocchio::{address::address_eq, AccountView, ProgramResult};

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let ([requester, batch, page], _) = accounts::take::<3>(accounts)?;
    let mut args = Args::new(data);
    let start_index = args.u64()?;
    let hashes = args.vec_of::<32>()?;
    args.finish()?;

    let b = accounts::requester_batch(requester, batch)?;
    if b.status == STATUS_CANCELLED {
        return Err(AmplifyError::BatchCancelled.into());
    }
    if start_index != b.item_count() {
        return Err(AmplifyError::IndexMismatch.into());
    }
    if hashes.is_empty() {
        return Err(AmplifyError::EmptyTaskList.into());
    }
    let slot = (start_index & PAGE_MASK) as usize;
    let end = slot.saturating_add(hashes.len());
    if end > ITEMS_PER_PAGE {
        return Err(AmplifyError::PageFull.into());
    }
    let p = state::load_mut::<ItemPage>(page, &ID)?;
    if !address_eq(&p.batch, batch.address())
        || p.page_index() as u64 != start_index >> PAGE_SHIFT
        || p.count() as usize != slot
    {
        return Err(AmplifyError::WrongPage.into());
    }

    let n = hashes.len() as u64;
    let deposit = math::mul(math::mul(b.price(), n)?, b.redundancy as u64)?;
    if batch
        .lamports()
        .saturating_sub(b.committed(batch.data_len())?)
        < deposit
    {
        return Err(AmplifyError::InsufficientDeposit.into());
    }

    for (record, hash) in p.items[slot..end].iter_mut().zip(hashes) {
        record.content_hash = *hash;
    }
    p.set_count(end as u32);
    b.set_item_count(math::add(b.item_count(), n)?);
    events::tasks_added(batch.address(), start_index, n as u32, deposit);
    Ok(())
}
