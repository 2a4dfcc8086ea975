//! `Config`, PDA `["config"]`: fee, pause switch, governance parameters.

use crate::{error::AmplifyError, generated::layouts::Config};
use pinocchio::error::ProgramError;

/// Hard ceiling on the protocol fee (the IDL publishes it): governance can move
/// the fee, never above this.
pub use crate::generated::constants::MAX_FEE_BPS;
/// Governance defaults until the first proposal changes them.
pub const DEFAULT_VOTING_PERIOD_SECS: i64 = 3 * 24 * 60 * 60;
pub const DEFAULT_QUORUM_BPS: u16 = 1_000;
/// How long after a batch ends its requester may still rate its work.
pub const DEFAULT_RATING_WINDOW_SECS: u32 = 7 * 24 * 60 * 60;
pub const CONFIG_VERSION: u8 = 2;

impl Config {
    pub fn invariant(&self) -> Result<(), ProgramError> {
        if self.fee_bps() > MAX_FEE_BPS || self.paused > 1 || self.quorum_bps() > 10_000 {
            return Err(AmplifyError::InvalidAccountData.into());
        }
        self.reputation.validate()
    }
}
