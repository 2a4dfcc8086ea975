//! `stake(amount)`: move AMP from the owner's token account into the vault,
//! creating its stake account the first time. The treasury's fees due so far
//! are paid out over the stake as it stood, and this stake's rewards settled,
//! before its amount changes: new stake earns only from fees paid out after
//! it (`state::governance`).

use crate::{
    codec::{layout::Layout, log::Arena},
    error::AmplifyError,
    generated::{
        events::Staked,
        instructions::{StakeAccounts, StakeArgs},
    },
    seeds,
    shared::{accounts, clock, create::create_pda},
    state::governance::Till,
    state::{self, governance::STAKE_VERSION, Governance, StakeAccount, Treasury},
    ID,
};
use pinocchio::{address::address_eq, cpi::Seed, AccountView, ProgramResult};
use pinocchio_token::instructions::Transfer;

pub fn process(a: StakeAccounts, args: StakeArgs, _: &[AccountView]) -> ProgramResult {
    if args.amount == 0 {
        return Err(AmplifyError::InsufficientStake.into());
    }
    let owner = a.owner.address().as_array();
    if accounts::uninitialized(&a.stake_account) {
        let bump = accounts::canonical_pda(&a.stake_account, &[seeds::STAKE, owner], &ID)?;
        let b = [bump];
        create_pda(
            &a.owner,
            &a.stake_account,
            StakeAccount::LEN,
            &ID,
            &[Seed::from(seeds::STAKE), Seed::from(owner), Seed::from(&b)],
        )?;
        let mut sacc = a.stake_account;
        let mut sdata = state::borrow_mut(&mut sacc)?;
        let s = StakeAccount::init(&mut sdata)?;
        s.version = STAKE_VERSION;
        s.bump = bump;
        s.owner = *a.owner.address();
    }
    {
        let gdata = state::borrow(&a.governance)?;
        let g = Governance::view(&gdata)?;
        if !address_eq(&g.vault, a.vault.address()) {
            return Err(AmplifyError::InvalidPda.into());
        }
    }
    // The transfer runs first (it needs the accounts unborrowed); a failure
    // undoes the whole instruction.
    Transfer::new(&a.owner_tokens, &a.vault, &a.owner, args.amount).invoke()?;

    let (mut gacc, mut sacc) = (a.governance, a.stake_account);
    let mut gdata = state::borrow_mut(&mut gacc)?;
    let g = Governance::view_mut(&mut gdata)?;
    let mut sdata = state::borrow_mut(&mut sacc)?;
    let s = StakeAccount::view_mut(&mut sdata)?;
    if !address_eq(&s.owner, a.owner.address()) {
        return Err(AmplifyError::Unauthorized.into());
    }
    let tdata = state::borrow(&a.treasury)?;
    let t = Treasury::view(&tdata)?;
    g.restake(
        s,
        t,
        &Till::of(&a.treasury, clock::now()?)?,
        args.amount,
        true,
    )?;
    Staked {
        owner: a.owner.address(),
        amount: args.amount,
        unstake: false,
        total_staked: g.total_staked(),
    }
    .emit(&mut Arena::new())
}
