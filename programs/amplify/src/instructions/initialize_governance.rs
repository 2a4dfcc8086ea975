//! `initialize_governance(params, emission)`: the admin hands the protocol to
//! AMP holders. Creates the governance account and the stake vault (an AMP
//! token account owned by the governance PDA). The program's upgrade
//! authority must already be the governance PDA (the admin sets it with the
//! loader), and the AMP mint's mint authority the mint-authority PDA (for
//! emissions). From then on the governance PDA is the config's admin: the
//! admin key can no longer change what proposals govern.

use crate::{
    codec::{layout::Layout, log::Arena},
    error::AmplifyError,
    generated::{
        events::GovernanceInitialized,
        instructions::{InitializeGovernanceAccounts, InitializeGovernanceArgs},
    },
    seeds,
    shared::{accounts, clock, create::create_pda, loader, rent::rent_exempt},
    state::governance::Till,
    state::{self, governance::GOVERNANCE_VERSION, Config, Governance, Treasury},
    ID,
};
use pinocchio::{
    address::address_eq, cpi::Seed, error::ProgramError, AccountView, Address, ProgramResult,
};
use pinocchio_token::instructions::InitializeAccount3;

/// SPL token account size; a mint's `mint_authority` is a COption at offset 0.
const TOKEN_ACCOUNT_LEN: usize = 165;

pub fn process(
    a: InitializeGovernanceAccounts,
    args: InitializeGovernanceArgs,
    _: &[AccountView],
) -> ProgramResult {
    args.params.validate()?;
    args.emission.validate()?;
    let mut config = a.config;
    let mut cdata = state::borrow_mut(&mut config)?;
    let c = Config::view_mut(&mut cdata)?;
    if !address_eq(&c.admin, a.admin.address()) {
        return Err(AmplifyError::Unauthorized.into());
    }
    if !address_eq(&c.amp_mint, a.amp_mint.address()) {
        return Err(AmplifyError::WrongMint.into());
    }
    if !accounts::uninitialized(&a.governance) {
        return Err(AmplifyError::AlreadyInitialized.into());
    }
    let gov_bump = accounts::canonical_pda(&a.governance, &[seeds::GOVERNANCE], &ID)?;
    let vault_bump = accounts::canonical_pda(&a.vault, &[seeds::VAULT], &ID)?;
    let mint_bump = accounts::canonical_pda(&a.mint_authority, &[seeds::MINT_AUTHORITY], &ID)?;
    match loader::upgrade_authority(&a.program, &a.program_data)? {
        Some(auth) if address_eq(&auth, a.governance.address()) => {}
        _ => return Err(AmplifyError::NotAuthorityOfProgram.into()),
    }
    check_mint_authority(&a.amp_mint, a.mint_authority.address())?;

    let gb = [gov_bump];
    create_pda(
        &a.admin,
        &a.governance,
        Governance::LEN,
        &ID,
        &[Seed::from(seeds::GOVERNANCE), Seed::from(&gb)],
    )?;
    let vb = [vault_bump];
    create_pda(
        &a.admin,
        &a.vault,
        TOKEN_ACCOUNT_LEN,
        a.token_program.address(),
        &[Seed::from(seeds::VAULT), Seed::from(&vb)],
    )?;
    InitializeAccount3 {
        account: &a.vault,
        mint: &a.amp_mint,
        owner: a.governance.address(),
    }
    .invoke()?;

    let mut governance = a.governance;
    let mut gdata = state::borrow_mut(&mut governance)?;
    let g = Governance::init(&mut gdata)?;
    g.version = GOVERNANCE_VERSION;
    g.bump = gov_bump;
    g.vault_bump = vault_bump;
    g.mint_authority_bump = mint_bump;
    g.amp_mint = *a.amp_mint.address();
    g.vault = *a.vault.address();
    g.params = *args.params;
    g.emission = *args.emission;
    c.emission_min_stars = args.emission.min_stars;
    // From now on only executed proposals act as admin.
    c.admin = *a.governance.address();
    c.invariant()?;

    // Fees collected before today are the protocol's own: held.
    let tdata = state::borrow(&a.treasury)?;
    let t = Treasury::view(&tdata)?;
    g.update(t, &Till::of(&a.treasury, clock::now()?)?)?;
    g.invariant(
        t,
        a.treasury.lamports(),
        rent_exempt(a.treasury.data_len())?,
    )?;
    GovernanceInitialized {
        governance: a.governance.address(),
        vault: a.vault.address(),
    }
    .emit(&mut Arena::new())
}

/// The AMP mint's `mint_authority` (SPL layout: COption tag u32 + address).
fn check_mint_authority(mint: &AccountView, expected: &Address) -> Result<(), ProgramError> {
    let data = mint
        .try_borrow()
        .map_err(|_| ProgramError::from(AmplifyError::DuplicateAccount))?;
    let ok = data.len() >= 36 && data[..4] == [1, 0, 0, 0] && data[4..36] == *expected.as_array();
    if ok {
        Ok(())
    } else {
        Err(AmplifyError::WrongMint.into())
    }
}
