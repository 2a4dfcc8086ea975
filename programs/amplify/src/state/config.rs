use super::Layout;
use crate::discriminator;
use pinocchio::Address;

/// Hard ceiling on the protocol fee. Governance can move the fee, never above this.
pub const MAX_FEE_BPS: u16 = 1_000;
/// Fee at launch: 5% of every payment.
pub const DEFAULT_FEE_BPS: u16 = 500;
pub const BPS_DENOMINATOR: u64 = 10_000;
/// Governance defaults until the first proposal changes them.
pub const DEFAULT_VOTING_PERIOD_SECS: i64 = 3 * 24 * 60 * 60;
pub const DEFAULT_QUORUM_BPS: u16 = 1_000;

pub const CONFIG_VERSION: u8 = 1;

/// Protocol configuration, PDA `["config"]`. 176 bytes.
#[repr(C)]
pub struct Config {
    pub discriminator: [u8; 8],
    pub version: u8,
    pub bump: u8,
    pub treasury_bump: u8,
    /// 1 while the protocol is paused: no new acceptances.
    pub paused: u8,
    pub fee_bps: [u8; 2],
    pub quorum_bps: [u8; 2],
    /// The authority allowed to change parameters (later: the governance PDA).
    pub admin: Address,
    /// The AMP governance token's mint.
    pub amp_mint: Address,
    pub voting_period_secs: [u8; 8],
    pub batch_count: [u8; 8],
    pub reserved: [u8; 64],
}

// SAFETY: repr(C), only byte arrays and `Address` (alignment 1), no padding.
unsafe impl Layout for Config {
    const DISCRIMINATOR: [u8; 8] = discriminator::account::CONFIG;
}

impl Config {
    pub fn fee_bps(&self) -> u16 {
        u16::from_le_bytes(self.fee_bps)
    }
    pub fn set_fee_bps(&mut self, v: u16) {
        self.fee_bps = v.to_le_bytes();
    }
    pub fn quorum_bps(&self) -> u16 {
        u16::from_le_bytes(self.quorum_bps)
    }
    pub fn set_quorum_bps(&mut self, v: u16) {
        self.quorum_bps = v.to_le_bytes();
    }
    pub fn voting_period_secs(&self) -> i64 {
        i64::from_le_bytes(self.voting_period_secs)
    }
    pub fn set_voting_period_secs(&mut self, v: i64) {
        self.voting_period_secs = v.to_le_bytes();
    }
    pub fn batch_count(&self) -> u64 {
        u64::from_le_bytes(self.batch_count)
    }
    pub fn set_batch_count(&mut self, v: u64) {
        self.batch_count = v.to_le_bytes();
    }
}
