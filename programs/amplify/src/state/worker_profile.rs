use super::Layout;
use crate::discriminator;
use pinocchio::Address;

pub const WORKER_PROFILE_VERSION: u8 = 1;
/// Ratings are stored in milli-stars: 1 star = 1,000, 5 stars = 5,000.
pub const MILLI_STARS_PER_STAR: u64 = 1_000;
pub const MAX_RATING: u16 = 5_000;

/// A worker, PDA `["worker", worker]`. 184 bytes.
#[repr(C)]
pub struct WorkerProfile {
    pub discriminator: [u8; 8],
    pub version: u8,
    pub bump: u8,
    /// Current score in milli-stars; 0 = no rating yet (gates acceptance).
    pub rating: [u8; 2],
    pub rating_count: [u8; 4],
    pub worker: Address,
    /// X25519 public key that sealed task keys are addressed to.
    pub encryption_key: [u8; 32],
    /// Sum of all ratings received, in milli-stars.
    pub rating_sum: [u8; 8],
    pub registered_at: [u8; 8],
    pub reserved: [u8; 88],
}

// SAFETY: repr(C), only byte arrays and `Address` (alignment 1), no padding.
unsafe impl Layout for WorkerProfile {
    const DISCRIMINATOR: [u8; 8] = discriminator::account::WORKER_PROFILE;
}

le_fields!(WorkerProfile {
    rating / set_rating: u16,
    rating_count / set_rating_count: u32,
    rating_sum / set_rating_sum: u64,
    registered_at / set_registered_at: i64,
});
