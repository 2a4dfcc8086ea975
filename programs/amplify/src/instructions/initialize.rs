//! `initialize(fee_bps)`: create the protocol config and the treasury.
//!
//! Only the program's upgrade authority may initialize, so nobody can race the
//! deployer to the admin seat between deployment and initialization. (A program
//! deployed without an upgrade authority has no deployer to check; then the first
//! caller initializes, and the deployment must include initialization.)

use crate::{
    codec::layout::Layout,
    codec::log::Arena,
    error::AmplifyError,
    generated::{
        events::ProtocolInitialized,
        instructions::{InitializeAccounts, InitializeArgs},
    },
    seeds,
    shared::{
        accounts::{self, TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID},
        create::create_pda,
        loader,
    },
    state::{
        self,
        config::{
            CONFIG_VERSION, DEFAULT_QUORUM_BPS, DEFAULT_RATING_WINDOW_SECS,
            DEFAULT_VOTING_PERIOD_SECS, MAX_FEE_BPS,
        },
        treasury::TREASURY_VERSION,
        Config, Treasury,
    },
    ID,
};
use pinocchio::{address::address_eq, cpi::Seed, error::ProgramError, AccountView, ProgramResult};

/// SPL mint layout: 82 bytes, `is_initialized` at offset 45.
const MINT_LEN: usize = 82;
const MINT_INITIALIZED_OFFSET: usize = 45;

pub fn process(a: InitializeAccounts, args: InitializeArgs, _: &[AccountView]) -> ProgramResult {
    if args.fee_bps > MAX_FEE_BPS {
        return Err(AmplifyError::FeeTooHigh.into());
    }
    check_mint(&a.amp_mint)?;
    check_deployer(&a.admin, &a.program, &a.program_data)?;
    let config_bump = accounts::canonical_pda(&a.config, &[seeds::CONFIG], &ID)?;
    let treasury_bump = accounts::canonical_pda(&a.treasury, &[seeds::TREASURY], &ID)?;
    if !accounts::uninitialized(&a.config) || !accounts::uninitialized(&a.treasury) {
        return Err(AmplifyError::AlreadyInitialized.into());
    }

    let bump = [config_bump];
    create_pda(
        &a.admin,
        &a.config,
        Config::LEN,
        &ID,
        &[Seed::from(seeds::CONFIG), Seed::from(&bump)],
    )?;
    let tbump = [treasury_bump];
    create_pda(
        &a.admin,
        &a.treasury,
        Treasury::LEN,
        &ID,
        &[Seed::from(seeds::TREASURY), Seed::from(&tbump)],
    )?;

    let mut treasury = a.treasury;
    let mut tdata = state::borrow_mut(&mut treasury)?;
    let t = Treasury::init(&mut tdata)?;
    t.version = TREASURY_VERSION;
    t.bump = treasury_bump;
    t.invariant(a.treasury.lamports(), a.treasury.data_len())?;

    let mut config = a.config;
    let mut cdata = state::borrow_mut(&mut config)?;
    let c = Config::init(&mut cdata)?;
    c.version = CONFIG_VERSION;
    c.bump = config_bump;
    c.treasury_bump = treasury_bump;
    c.set_fee_bps(args.fee_bps);
    c.set_quorum_bps(DEFAULT_QUORUM_BPS);
    c.set_voting_period_secs(DEFAULT_VOTING_PERIOD_SECS);
    c.set_rating_window_secs(DEFAULT_RATING_WINDOW_SECS);
    c.reputation.set_defaults();
    c.admin = *a.admin.address();
    c.amp_mint = *a.amp_mint.address();
    c.invariant()?;

    ProtocolInitialized {
        admin: a.admin.address(),
        amp_mint: a.amp_mint.address(),
        fee_bps: args.fee_bps,
    }
    .emit(&mut Arena::new())
}

fn check_mint(mint: &AccountView) -> Result<(), ProgramError> {
    if !(mint.owned_by(&TOKEN_PROGRAM_ID) || mint.owned_by(&TOKEN_2022_PROGRAM_ID)) {
        return Err(AmplifyError::InvalidMint.into());
    }
    let data = mint
        .try_borrow()
        .map_err(|_| ProgramError::from(AmplifyError::DuplicateAccount))?;
    if data.len() < MINT_LEN || data[MINT_INITIALIZED_OFFSET] != 1 {
        return Err(AmplifyError::InvalidMint.into());
    }
    // A Token-2022 *token account* is also >= 82 bytes; its account-type byte at
    // offset 165 is 2 (account), a mint's is 1.
    if data.len() > MINT_LEN && (data.len() <= 165 || data[165] != 1) {
        return Err(AmplifyError::InvalidMint.into());
    }
    Ok(())
}

/// Only the program's upgrade authority may initialize (none: immutable, so
/// whoever deploys initializes in the same breath).
fn check_deployer(
    admin: &AccountView,
    program: &AccountView,
    program_data: &AccountView,
) -> ProgramResult {
    match loader::upgrade_authority(program, program_data)? {
        None => Ok(()),
        Some(a) if address_eq(&a, admin.address()) => Ok(()),
        Some(_) => Err(AmplifyError::Unauthorized.into()),
    }
}
