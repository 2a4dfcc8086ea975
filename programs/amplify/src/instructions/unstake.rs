//! `unstake(amount)`: move staked AMP back to the owner's token account,
//! refused while a proposal it voted on is still in its vote (so the same
//! tokens never vote twice). Rewards are settled first.

use crate::{
    codec::{layout::Layout, log::Arena},
    error::AmplifyError,
    generated::{
        events::Staked,
        instructions::{UnstakeAccounts, UnstakeArgs},
    },
    seeds,
    shared::accounts::clock_unix_timestamp,
    state::governance::Till,
    state::{self, Governance, StakeAccount, Treasury},
};
use pinocchio::{address::address_eq, cpi::Seed, cpi::Signer, AccountView, ProgramResult};
use pinocchio_token::instructions::Transfer;

pub fn process(a: UnstakeAccounts, args: UnstakeArgs, _: &[AccountView]) -> ProgramResult {
    let now = clock_unix_timestamp(&a.clock)?;
    let bump = {
        let (mut gacc, mut sacc) = (a.governance, a.stake_account);
        let mut gdata = state::borrow_mut(&mut gacc)?;
        let g = Governance::view_mut(&mut gdata)?;
        if !address_eq(&g.vault, a.vault.address()) {
            return Err(AmplifyError::InvalidPda.into());
        }
        let mut sdata = state::borrow_mut(&mut sacc)?;
        let s = StakeAccount::view_mut(&mut sdata)?;
        if !address_eq(&s.owner, a.owner.address()) {
            return Err(AmplifyError::Unauthorized.into());
        }
        if now < s.locked_until() {
            return Err(AmplifyError::StakeLocked.into());
        }
        if args.amount == 0 || args.amount > s.amount() {
            return Err(AmplifyError::InsufficientStake.into());
        }
        let tdata = state::borrow(&a.treasury)?;
        let t = Treasury::view(&tdata)?;
        g.restake(s, t, &Till::of(&a.treasury, now)?, args.amount, false)?;
        Staked {
            owner: a.owner.address(),
            amount: args.amount,
            unstake: true,
            total_staked: g.total_staked(),
        }
        .emit(&mut Arena::new())?;
        g.bump
    };
    let b = [bump];
    let signer_seeds = [Seed::from(seeds::GOVERNANCE), Seed::from(&b)];
    Transfer::new(&a.vault, &a.owner_tokens, &a.governance, args.amount)
        .invoke_signed(&[Signer::from(&signer_seeds)])
}
