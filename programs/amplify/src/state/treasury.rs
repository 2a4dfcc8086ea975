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

le_fields!(Treasury { total_collected / set_total_collected: u64 });
