//! `claim()`: pay the owner its share of the treasury's fees paid out so far
//! (they are paid out over a day after they arrive: `state::governance`), in
//! lamports, straight from the treasury (program-owned: no CPI).

use crate::{
    codec::{layout::Layout, log::Arena},
    error::AmplifyError,
    generated::{
        events::RewardsClaimed,
        instructions::{ClaimAccounts, ClaimArgs},
    },
    shared::{clock, lamports, math, rent::rent_exempt},
    state::governance::Till,
    state::{self, Governance, StakeAccount, Treasury},
};
use pinocchio::{address::address_eq, AccountView, ProgramResult};

pub fn process(a: ClaimAccounts, _: ClaimArgs, _: &[AccountView]) -> ProgramResult {
    let (mut gacc, mut sacc, mut tacc) = (a.governance, a.stake_account, a.treasury);
    let mut gdata = state::borrow_mut(&mut gacc)?;
    let g = Governance::view_mut(&mut gdata)?;
    let mut sdata = state::borrow_mut(&mut sacc)?;
    let s = StakeAccount::view_mut(&mut sdata)?;
    if !address_eq(&s.owner, a.owner.address()) {
        return Err(AmplifyError::Unauthorized.into());
    }
    let mut tdata = state::borrow_mut(&mut tacc)?;
    let t = Treasury::view_mut(&mut tdata)?;
    g.update(t, &Till::of(&a.treasury, clock::now()?)?)?;
    g.settle(s)?;
    let amount = s.pending();
    if amount == 0 {
        return Err(AmplifyError::NothingToClaim.into());
    }
    s.set_pending(0);
    s.set_claimed(math::add(s.claimed(), amount)?);
    g.set_claimed(math::add(g.claimed(), amount)?);
    lamports::transfer(&a.treasury, &a.owner, amount)?;
    s.invariant(g)?;
    g.invariant(
        t,
        a.treasury.lamports(),
        rent_exempt(a.treasury.data_len())?,
    )?;
    RewardsClaimed {
        owner: a.owner.address(),
        lamports: amount,
    }
    .emit(&mut Arena::new())
}
