use super::Layout;
use crate::discriminator;
use pinocchio::Address;

/// Hard ceiling on the protocol fee. Governance can move the fee, never above this.
pub const MAX_FEE_BPS: u16 = 1_000;
/// Governance defaults until the first proposal changes them.
pub const DEFAULT_VOTING_PERIOD_SECS: i64 = 3 * 24 * 60 * 60;
pub const DEFAULT_QUORUM_BPS: u16 = 1_000;

pub const CONFIG_VERSION: u8 = 1;

/// Protocol configuration, PDA `["config"]`. 160 bytes.
#[repr(C)]
pub struct Config {
    pub discriminator: [u8; 8],
    pub version: u8,
    pub bump: u8,
    pub treasury_bump: u8,
    /// 1 while the protocol is paused: no new batches or acceptances.
    pub paused: u8,
    pub fee_bps: [u8; 2],
    pub quorum_bps: [u8; 2],
    /// The authority allowed to change parameters (later: the governance PDA).
    pub admin: Address,
    /// The AMP governance token's mint.
    pub amp_mint: Address,
    pub voting_period_secs: [u8; 8],
    /// Batches ever created.
    pub batch_count: [u8; 8],
    pub reserved: [u8; 64],
}

// SAFETY: repr(C), only byte arrays and `Address` (alignment 1), no padding.
unsafe impl Layout for Config {
    const DISCRIMINATOR: [u8; 8] = discriminator::account::CONFIG;
}

le_fields!(Config {
    fee_bps / set_fee_bps: u16,
    quorum_bps / set_quorum_bps: u16,
    voting_period_secs / set_voting_period_secs: i64,
    batch_count / set_batch_count: u64,
});
