use super::Layout;
use crate::discriminator;

pub const TREASURY_VERSION: u8 = 1;

/// The protocol treasury, PDA `["treasury"]`. Its lamports above rent are the
/// fees collected; `total_collected` counts every lamport ever swept in.
#[repr(C)]
pub struct Treasury {
    pub discriminator: [u8; 8],
    pub version: u8,
    pub bump: u8,
    pub _pad: [u8; 6],
    pub total_collected: [u8; 8],
    pub reserved: [u8; 32],
}

// SAFETY: repr(C), only byte arrays (alignment 1), no padding.
unsafe impl Layout for Treasury {
    const DISCRIMINATOR: [u8; 8] = discriminator::account::TREASURY;
}

impl Treasury {
    pub fn total_collected(&self) -> u64 {
        u64::from_le_bytes(self.total_collected)
    }
    pub fn set_total_collected(&mut self, v: u64) {
        self.total_collected = v.to_le_bytes();
    }
}
