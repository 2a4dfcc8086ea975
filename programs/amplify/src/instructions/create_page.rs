//! `create_page(page_index: u32)`: allocate the next item page of a batch.
//!
//! Pages are created apart from `add_tasks` so that `add_tasks` needs no system
//! program account: the 32 bytes saved are one more item hash per transaction
//! (30 instead of 29 within the 1,232-byte limit).
//!
//! Accounts:
//! 0. `[signer, writable]` requester — pays the page's rent (returned by `close_page`)
//! 1. `[writable]` batch
//! 2. `[writable]` page — PDA `["page", batch, page_index (u32 LE)]`
//! 3. `[]` system_program

use crate::{
    error::AmplifyError,
    seeds,
    shared::{accounts, args::Args, create::create_pda},
    state::{
        self,
        batch::STATUS_CANCELLED,
        item_page::{ITEM_PAGE_VERSION, PAGE_SHIFT},
        Batch, ItemPage, Layout,
    },
    ID,
};
use pinocchio::{address::address_eq, cpi::Seed, AccountView, ProgramResult};

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let ([requester, batch, page, system_program], _) = accounts::take::<4>(accounts)?;
    let mut args = Args::new(data);
    let page_index = args.u32()?;
    args.finish()?;

    accounts::signer(requester)?;
    accounts::writable(page)?;
    accounts::system_program(system_program)?;
    let b = state::load_mut::<Batch>(batch, &ID)?;
    if !address_eq(&b.requester, requester.address()) {
        return Err(AmplifyError::Unauthorized.into());
    }
    if b.status == STATUS_CANCELLED {
        return Err(AmplifyError::BatchCancelled.into());
    }
    // Pages are created in order, each when the items reach it.
    if page_index as u64 != b.item_count() >> PAGE_SHIFT || b.page_count() != page_index {
        return Err(AmplifyError::WrongPage.into());
    }
    if !accounts::uninitialized(page) {
        return Err(AmplifyError::AlreadyExists.into());
    }
    let index = page_index.to_le_bytes();
    let bump = accounts::canonical_pda(
        page,
        &[seeds::PAGE, batch.address().as_array(), &index],
        &ID,
    )?;
    let bump_seed = [bump];
    create_pda(
        requester,
        page,
        ItemPage::LEN,
        &ID,
        &[
            Seed::from(seeds::PAGE),
            Seed::from(batch.address().as_array()),
            Seed::from(&index),
            Seed::from(&bump_seed),
        ],
    )?;
    let p = state::init::<ItemPage>(page)?;
    p.version = ITEM_PAGE_VERSION;
    p.bump = bump;
    p.set_page_index(page_index);
    p.batch = *batch.address();
    b.set_page_count(
        page_index
            .checked_add(1)
            .ok_or(AmplifyError::ArithmeticOverflow)?,
    );
    Ok(())
}
