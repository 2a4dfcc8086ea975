use super::Layout;
use crate::{
    discriminator,
    error::AmplifyError,
    shared::{math, rent::rent_exempt},
};
use pinocchio::{error::ProgramError, Address};

pub const BATCH_VERSION: u8 = 1;
pub const STATUS_OPEN: u8 = 0;
pub const STATUS_PAUSED: u8 = 1;
pub const STATUS_CANCELLED: u8 = 2;
/// Longest base URI a batch may store.
pub const MAX_BASE_URI_LEN: usize = 200;

/// A batch of tasks, PDA `["batch", requester, batch_id (u64 LE)]`.
///
/// The fixed part below is followed by `base_uri` as a borsh string (u32 length,
/// bytes), so the account is exactly as large as its URI needs.
///
/// Money is kept as counters, so a payout writes two of them and nothing else.
/// Derived amounts (all exact integers):
/// * escrow = `price × (item_count × redundancy − completed_count − cancelled_slots)`
/// * fees accrued here = `fee_per_item × completed_count − fees_swept`
/// * paid to workers = `(price − fee_per_item) × completed_count`
///
/// and `lamports ≥ rent + escrow + fees accrued`; the excess is the requester's
/// uncommitted deposit.
#[repr(C)]
pub struct Batch {
    pub discriminator: [u8; 8],
    pub version: u8,
    pub bump: u8,
    /// `STATUS_OPEN`, `STATUS_PAUSED` or `STATUS_CANCELLED`.
    pub status: u8,
    /// 1 when items are encrypted with per-item keys delivered sealed to workers.
    pub encrypted: u8,
    /// Distinct workers that must complete each item.
    pub redundancy: u8,
    pub _pad0: u8,
    /// Protocol fee rate, fixed when the batch was created.
    pub fee_bps: [u8; 2],
    /// Minimum worker rating (milli-stars) to accept.
    pub min_rating: [u8; 2],
    /// Most items of this batch one worker may take; 0 = no cap.
    pub per_worker_cap: [u8; 2],
    /// Seconds a worker has to submit after accepting.
    pub reservation_secs: [u8; 4],
    pub requester: Address,
    pub batch_id: [u8; 8],
    /// Protocol-wide sequence number; seeds the addresses of workers' records.
    pub batch_number: [u8; 8],
    /// Lamports paid per item per worker, fee included.
    pub price: [u8; 8],
    /// `price × fee_bps / 10_000` (rounded down), fixed at creation.
    pub fee_per_item: [u8; 8],
    pub created_at: [u8; 8],
    pub expires_at: [u8; 8],
    pub item_count: [u8; 8],
    /// Slots currently reserved by a worker.
    pub reserved_count: [u8; 8],
    /// Slots completed (result submitted and paid).
    pub completed_count: [u8; 8],
    /// Slots refunded to the requester.
    pub cancelled_slots: [u8; 8],
    /// Fees already moved to the treasury.
    pub fees_swept: [u8; 8],
    /// Lamports returned to the requester by cancellation and releases.
    pub refunded_total: [u8; 8],
    /// Item pages that exist (created and not closed).
    pub page_count: [u8; 4],
    pub _pad1: [u8; 4],
    /// Content hash of the task instructions, at `base_uri` + hex(hash).
    pub instructions_hash: [u8; 32],
    pub reserved: [u8; 64],
}

// SAFETY: repr(C), only byte arrays and `Address` (alignment 1), no padding.
unsafe impl Layout for Batch {
    const DISCRIMINATOR: [u8; 8] = discriminator::account::BATCH;
}

le_fields!(Batch {
    fee_bps / set_fee_bps: u16,
    min_rating / set_min_rating: u16,
    per_worker_cap / set_per_worker_cap: u16,
    reservation_secs / set_reservation_secs: u32,
    batch_id / set_batch_id: u64,
    batch_number / set_batch_number: u64,
    price / set_price: u64,
    fee_per_item / set_fee_per_item: u64,
    created_at / set_created_at: i64,
    expires_at / set_expires_at: i64,
    item_count / set_item_count: u64,
    reserved_count / set_reserved_count: u64,
    completed_count / set_completed_count: u64,
    cancelled_slots / set_cancelled_slots: u64,
    fees_swept / set_fees_swept: u64,
    refunded_total / set_refunded_total: u64,
    page_count / set_page_count: u32,
});

impl Batch {
    /// Over: cancelled, or past its expiry. Records of a finished batch can close.
    #[inline(always)]
    pub fn finished(&self, now: i64) -> bool {
        self.status == STATUS_CANCELLED || now >= self.expires_at()
    }

    /// Its records may close: the batch is over and no reservation is outstanding.
    #[inline(always)]
    pub fn check_winding_down(&self, now: i64) -> Result<(), ProgramError> {
        if !self.finished(now) {
            return Err(AmplifyError::BatchActive.into());
        }
        if self.reserved_count() != 0 {
            return Err(AmplifyError::ReservationsOutstanding.into());
        }
        Ok(())
    }

    /// Lamports held for slots still payable (open or reserved).
    #[inline(always)]
    pub fn escrow(&self) -> Result<u64, ProgramError> {
        let slots = math::mul(self.item_count(), self.redundancy as u64)?;
        let done = math::add(self.completed_count(), self.cancelled_slots())?;
        math::mul(self.price(), math::sub(slots, done)?)
    }

    /// Fees earned by completed work and not yet swept to the treasury.
    #[inline(always)]
    pub fn fees_accrued(&self) -> Result<u64, ProgramError> {
        math::sub(
            math::mul(self.fee_per_item(), self.completed_count())?,
            self.fees_swept(),
        )
    }

    /// Lamports the batch must keep: rent-exempt minimum + escrow + accrued fees.
    #[inline(always)]
    pub fn committed(&self, data_len: usize) -> Result<u64, ProgramError> {
        math::add(
            math::add(rent_exempt(data_len)?, self.escrow()?)?,
            self.fees_accrued()?,
        )
    }
}
