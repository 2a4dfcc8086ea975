//! `grow_roster(extra)`: room for `extra` more workers in the batch's roster.
//! The account grows by 42 bytes per worker (at most 10 KiB per instruction;
//! several instructions fit in one transaction); the requester pays the rent.

use crate::{
    error::AmplifyError,
    generated::instructions::{GrowRosterAccounts, GrowRosterArgs},
    shared::{lamports, math, rent::rent_exempt},
    state::{
        self,
        batch::{batch_size, MAX_ROSTER, STATUS_CANCELLED},
        BatchView,
    },
};
use pinocchio::{
    account::MAX_PERMITTED_DATA_INCREASE, address::address_eq, AccountView, ProgramResult, Resize,
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
    state::batch::grow_roster(&mut data, new_cap)?;
    let v = BatchView::new(&mut data)?;
    v.b.invariant(a.batch.lamports(), a.batch.data_len())
}
