//! `initialize(fee_bps: u16)`: create the protocol config and the treasury.
//!
//! Only the program's upgrade authority may initialize, so nobody can race the
//! deployer to the admin seat between deployment and initialization. (A program
//! deployed without an upgrade authority has no deployer to check; then the first
//! caller initializes, and the deployment must include initialization.)
//!
//! Accounts:
//! 0. `[signer, writable]` admin — pays rent, becomes the config's admin
//! 1. `[writable]` config — PDA `["config"]`
//! 2. `[writable]` treasury — PDA `["treasury"]`
//! 3. `[]` amp_mint — the AMP governance token mint (SPL Token or Token-2022)
//! 4. `[]` program — this program's account
//! 5. `[]` program_data — its ProgramData account (upgradeable loader)
//! 6. `[]` system_program
//!
//! Data: discriminator, `fee_bps: u16` (at most [`MAX_FEE_BPS`]).

use crate::{
    error::AmplifyError,
    events, seeds,
    shared::{
        accounts::{self, BPF_LOADER_UPGRADEABLE_ID, TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID},
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
use pinocchio::{address::address_eq, cpi::Seed, error::ProgramError, AccountView, ProgramResult};

/// SPL mint layout: 82 bytes, `is_initialized` at offset 45.
const MINT_LEN: usize = 82;
const MINT_INITIALIZED_OFFSET: usize = 45;

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let ([admin, config, treasury, amp_mint, program, program_data, system_program], _) =
        accounts::take::<7>(accounts)?;
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
    check_deployer(admin, program, program_data)?;

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

/// The upgradeable loader's program account is `tag 2 (u32) || programdata
/// address`; its ProgramData is `tag 3 (u32) || slot (u64) || Option<authority>`.
fn check_deployer(
    admin: &AccountView,
    program: &AccountView,
    program_data: &AccountView,
) -> ProgramResult {
    if !address_eq(program.address(), &ID) || !program.owned_by(&BPF_LOADER_UPGRADEABLE_ID) {
        return Err(AmplifyError::InvalidProgramAccount.into());
    }
    // SAFETY: read-only looks at loader-owned accounts this instruction never writes.
    let (p, pd) = unsafe { (program.borrow_unchecked(), program_data.borrow_unchecked()) };
    let points_here =
        p.len() >= 36 && p[..4] == [2, 0, 0, 0] && p[4..36] == *program_data.address().as_array();
    if !points_here
        || !program_data.owned_by(&BPF_LOADER_UPGRADEABLE_ID)
        || pd.len() < 45
        || pd[..4] != [3, 0, 0, 0]
    {
        return Err(AmplifyError::InvalidProgramAccount.into());
    }
    match pd[12] {
        0 => Ok(()), // immutable: no deployer to check
        1 if pd[13..45] == *admin.address().as_array() => Ok(()),
        1 => Err(AmplifyError::Unauthorized.into()),
        _ => Err(AmplifyError::InvalidProgramAccount.into()),
    }
}
