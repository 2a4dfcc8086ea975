//! Creating program-owned PDA accounts.

use crate::shared::rent::rent_exempt;
use pinocchio::{
    cpi::{Seed, Signer},
    AccountView, Address, ProgramResult,
};
use pinocchio_system::instructions::{Allocate, Assign, CreateAccount, Transfer};

/// Create `account` at its PDA (signed by `seeds`, bump included) with `space`
/// bytes owned by `owner`, rent paid by `payer`.
///
/// The common path is one `CreateAccount` CPI. If someone already sent lamports to
/// the address (which anyone can do, to block creation), it tops the balance up
/// and allocates + assigns instead, as Anchor does.
#[inline(always)]
pub fn create_pda(
    payer: &AccountView,
    account: &AccountView,
    space: usize,
    owner: &Address,
    seeds: &[Seed],
) -> ProgramResult {
    let rent = rent_exempt(space)?;
    let signer = [Signer::from(seeds)];
    if account.lamports() == 0 {
        return CreateAccount {
            from: payer,
            to: account,
            lamports: rent,
            space: space as u64,
            owner,
        }
        .invoke_signed(&signer);
    }
    top_up(payer, account, rent)?;
    Allocate {
        account,
        space: space as u64,
    }
    .invoke_signed(&signer)?;
    Assign { account, owner }.invoke_signed(&signer)
}

/// Bring a prefunded address up to `rent` (anyone can send lamports to an
/// address before it is created; that must not block its creation).
#[inline(always)]
pub fn top_up(payer: &AccountView, account: &AccountView, rent: u64) -> ProgramResult {
    let shortfall = rent.saturating_sub(account.lamports());
    if shortfall > 0 {
        Transfer {
            from: payer,
            to: account,
            lamports: shortfall,
        }
        .invoke()?;
    }
    Ok(())
}
