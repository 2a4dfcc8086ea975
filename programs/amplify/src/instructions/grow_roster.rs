//! `grow_roster(extra)`: room for `extra` more workers in the batch's roster.
//! The account grows by 42 bytes per worker (at most 10 KiB per instruction;
//! several instructions fit in one transaction); the requester pays the rent.

use crate::{
    codec::layout::Layout,
    error::AmplifyError,
    generated::{
        instructions::{GrowRosterAccounts, GrowRosterArgs},
        layouts::RosterEntry,
    },
    shared::{lamports, math, rent::rent_exempt},
    state::{
        self,
        batch::{batch_size, MAX_ROSTER, STATUS_CANCELLED},
        BatchView,
    },
};
use pinocchio::{
    account::MAX_PERMITTED_DATA_INCREASE, address::address_eq, error::ProgramError, AccountView,
    ProgramResult, Resize,
};

pub fn process(a: GrowRosterAccounts, args: GrowRosterArgs, _: &[AccountView]) -> ProgramResult {
    let mut batch = a.batch;
    let (uri_len, old_cap) = {
        let mut data = state::borrow_mut(&mut batch)?;
        let v = BatchView::new(&mut data)?;
        if !address_eq(&v.b.requester, a.requester.address()) {
            return Err(AmplifyError::Unauthorized.into());
        }
        if v.b.status == STATUS_CANCELLED {
            return Err(AmplifyError::BatchCancelled.into());
        }
        (v.base_uri.len(), v.b.roster_capacity())
    };
    let new_cap = old_cap
        .checked_add(args.extra)
        .filter(|c| *c <= MAX_ROSTER)
        .ok_or(AmplifyError::RosterTooLarge)?;
    let old_size = batch.data_len();
    let new_size = batch_size(uri_len, new_cap as usize);
    if new_size.saturating_sub(old_size) > MAX_PERMITTED_DATA_INCREASE {
        return Err(AmplifyError::RosterTooLarge.into());
    }
    let rent = math::sub(rent_exempt(new_size)?, rent_exempt(old_size)?)?;
    lamports::pay(&a.requester, &a.batch, rent)?;
    batch.resize(new_size)?;

    let mut data = state::borrow_mut(&mut batch)?;
    let entry = core::mem::size_of::<RosterEntry>();
    let base = state::Batch::LEN.saturating_add(4).saturating_add(uri_len);
    let old_order = base
        .saturating_add(8)
        .saturating_add((old_cap as usize).wrapping_mul(entry));
    let new_prefix = base
        .saturating_add(4)
        .saturating_add((new_cap as usize).wrapping_mul(entry));
    let order_len = (old_cap as usize).wrapping_mul(2);
    let bad = || ProgramError::from(AmplifyError::InvalidAccountData);
    if new_prefix.saturating_add(4).saturating_add(order_len) > data.len() {
        return Err(bad());
    }
    // Move `order` right past the new worker entries, then clear what it and
    // its length prefix left behind (the new, empty entries).
    data.copy_within(
        old_order..old_order.saturating_add(order_len),
        new_prefix.saturating_add(4),
    );
    let old_prefix = old_order.saturating_sub(4);
    data.get_mut(old_prefix..new_prefix)
        .ok_or_else(bad)?
        .fill(0);
    let cap = (new_cap as u32).to_le_bytes();
    data.get_mut(base..base.saturating_add(4))
        .ok_or_else(bad)?
        .copy_from_slice(&cap);
    data.get_mut(new_prefix..new_prefix.saturating_add(4))
        .ok_or_else(bad)?
        .copy_from_slice(&cap);
    state::Batch::view_mut(&mut data)?.set_roster_capacity(new_cap);
    let v = BatchView::new(&mut data)?;
    v.b.invariant(a.batch.lamports(), a.batch.data_len())
}
