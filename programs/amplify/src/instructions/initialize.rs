//! `initialize(fee_bps: u16)`: create the protocol config and the treasury.
//!
//! Accounts:
//! 0. `[signer, writable]` admin — pays rent, becomes the config's admin
//! 1. `[writable]` config — PDA `["config"]`
//! 2. `[writable]` treasury — PDA `["treasury"]`
//! 3. `[]` amp_mint — the AMP governance token mint (SPL Token or Token-2022)
//! 4. `[]` system_program
//!
//! Data: discriminator, `fee_bps: u16` (at most [`MAX_FEE_BPS`]).

use crate::{
    error::AmplifyError,
    events, seeds,
    shared::{
        accounts::{self, TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID},
        args::Args,
        create::create_pda,
    },
    state,
    state::{
        config::{CONFIG_VERSION, DEFAULT_QUORUM_BPS, DEFAULT_VOTING_PERIOD_SECS, MAX_FEE_BPS},
        treasury::TREASURY_VERSION,
        Config, Layout, Treasury,
    },
    ID,
};
use pinocchio::{cpi::Seed, error::ProgramError, AccountView, ProgramResult};

/// SPL mint layout: 82 bytes, `is_initialized` at offset 45.
const MINT_LEN: usize = 82;
const MINT_INITIALIZED_OFFSET: usize = 45;

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let ([admin, config, treasury, amp_mint, system_program], _) = accounts::take::<5>(accounts)?;
    let mut args = Args::new(data);
    let fee_bps = args.u16()?;
    args.finish()?;

    accounts::signer(admin)?;
    accounts::writable(config)?;
    accounts::writable(treasury)?;
    accounts::system_program(system_program)?;
    if fee_bps > MAX_FEE_BPS {
        return Err(AmplifyError::FeeTooHigh.into());
    }
    check_mint(amp_mint)?;

    let config_bump = accounts::canonical_pda(config, &[seeds::CONFIG], &ID)?;
    let treasury_bump = accounts::canonical_pda(treasury, &[seeds::TREASURY], &ID)?;
    if !accounts::uninitialized(config) {
        return Err(AmplifyError::AlreadyInitialized.into());
    }
    if !accounts::uninitialized(treasury) {
        return Err(AmplifyError::AlreadyInitialized.into());
    }

    let bump = [config_bump];
    create_pda(
        admin,
        config,
        Config::LEN,
        &ID,
        &[Seed::from(seeds::CONFIG), Seed::from(&bump)],
    )?;
    let tbump = [treasury_bump];
    create_pda(
        admin,
        treasury,
        Treasury::LEN,
        &ID,
        &[Seed::from(seeds::TREASURY), Seed::from(&tbump)],
    )?;

    let t = state::init::<Treasury>(treasury)?;
    t.version = TREASURY_VERSION;
    t.bump = treasury_bump;
    let c = state::init::<Config>(config)?;
    c.version = CONFIG_VERSION;
    c.bump = config_bump;
    c.treasury_bump = treasury_bump;
    c.paused = 0;
    c.set_fee_bps(fee_bps);
    c.set_quorum_bps(DEFAULT_QUORUM_BPS);
    c.set_voting_period_secs(DEFAULT_VOTING_PERIOD_SECS);
    c.admin = *admin.address();
    c.amp_mint = *amp_mint.address();

    events::protocol_initialized(admin.address(), amp_mint.address(), fee_bps);
    Ok(())
}

fn check_mint(mint: &AccountView) -> Result<(), ProgramError> {
    if !(mint.owned_by(&TOKEN_PROGRAM_ID) || mint.owned_by(&TOKEN_2022_PROGRAM_ID)) {
        return Err(AmplifyError::InvalidMint.into());
    }
    // SAFETY: read-only look at an account this instruction never writes.
    let data = unsafe { mint.borrow_unchecked() };
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
