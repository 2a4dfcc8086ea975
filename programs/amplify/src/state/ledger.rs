use super::{Batch, Layout};
use crate::{discriminator, error::AmplifyError};
use pinocchio::{address::address_eq, error::ProgramError, AccountView, Address};

pub const LEDGER_VERSION: u8 = 1;
pub const SLOT_RESERVED: u8 = 0;
pub const SLOT_SUBMITTED: u8 = 1;
pub const SLOT_RATED: u8 = 2;
pub const SLOT_RELEASED: u8 = 3;
/// X25519 sealed box of a 32-byte key: 32 (ephemeral key) + 32 + 16 (MAC).
pub const SEALED_KEY_LEN: usize = 80;
/// The item bitmap grows in steps of one page of items (256 bits).
pub const BITMAP_STEP: usize = 32;

/// One of the worker's acceptances in this batch. 128 bytes.
#[repr(C)]
pub struct Slot {
    pub item_index: [u8; 4],
    /// `SLOT_RESERVED`, `SLOT_SUBMITTED`, `SLOT_RATED` or `SLOT_RELEASED`.
    pub status: u8,
    /// Stars given by the requester (1–5), 0 until rated.
    pub rating: u8,
    /// 1 once the requester's key agent delivered `sealed_key`.
    pub key_delivered: u8,
    pub _pad: u8,
    /// Submit before this, or anyone may release the reservation.
    pub deadline: [u8; 8],
    pub result_hash: [u8; 32],
    /// The item key sealed to the worker's X25519 key (encrypted batches).
    pub sealed_key: [u8; SEALED_KEY_LEN],
}

impl Slot {
    pub fn item_index(&self) -> u32 {
        u32::from_le_bytes(self.item_index)
    }
    pub fn deadline(&self) -> i64 {
        i64::from_le_bytes(self.deadline)
    }
}

/// A worker's ledger for one batch: every item the worker took, in order, with
/// its reservation, result, rating and sealed key.
///
/// Address: `create_with_seed(worker, seeds::ledger(batch_number), program_id)`,
/// one per (worker, batch), created once by `open_ledger`. Accepting an item
/// then writes a slot here instead of creating an account: no CPI, a fraction of
/// the compute, and 128 bytes of rent per acceptance instead of ~400.
///
/// Layout: this header, then `bitmap` as borsh bytes (u32 length, then one bit
/// per item index of the batch: set = the worker took it), then `slots` as a
/// borsh vec (u32 length = capacity, then `capacity` slots; the first `taken`
/// are used). The length prefixes repeat header fields so any borsh decoder
/// (Anchor clients) can read the account from the IDL alone.
#[repr(C)]
pub struct LedgerHeader {
    pub discriminator: [u8; 8],
    pub version: u8,
    pub _pad0: [u8; 3],
    /// Slots used: items this worker took from the batch (the per-worker cap
    /// counts these; released items were still seen).
    pub taken: [u8; 4],
    /// Slots allocated.
    pub capacity: [u8; 4],
    /// Bytes of the item bitmap (a multiple of 32: whole pages of items).
    pub bitmap_bytes: [u8; 4],
    /// Slots currently reserved (not yet submitted or released).
    pub active: [u8; 4],
    pub _pad1: [u8; 4],
    pub batch: Address,
    pub worker: Address,
    /// Who paid the rent, and gets it back when the ledger closes.
    pub rent_payer: Address,
    /// The batch's `batch_number`. A batch closed and created again at the same
    /// address gets a new number, so a ledger of the old batch is never taken for
    /// one of the new (which would give the worker a second ledger there).
    pub batch_number: [u8; 8],
    pub reserved: [u8; 24],
}

// SAFETY: repr(C), only byte arrays and `Address` (alignment 1), no padding.
unsafe impl Layout for LedgerHeader {
    const DISCRIMINATOR: [u8; 8] = discriminator::account::LEDGER;
}

le_fields!(LedgerHeader {
    taken / set_taken: u32,
    capacity / set_capacity: u32,
    bitmap_bytes / set_bitmap_bytes: u32,
    active / set_active: u32,
    batch_number / set_batch_number: u64,
});

impl LedgerHeader {
    /// Whether this is a ledger of the batch at `batch` holding `b` (its address
    /// and its number: see `batch_number`).
    #[inline(always)]
    pub fn belongs_to(&self, batch: &AccountView, b: &Batch) -> bool {
        address_eq(&self.batch, batch.address()) && self.batch_number() == b.batch_number()
    }
}

/// Byte size of a ledger with `bitmap_bytes` of bitmap and `capacity` slots.
pub const fn ledger_size(bitmap_bytes: usize, capacity: usize) -> usize {
    LedgerHeader::LEN
        .saturating_add(4)
        .saturating_add(bitmap_bytes)
        .saturating_add(4)
        .saturating_add(capacity.saturating_mul(core::mem::size_of::<Slot>()))
}

/// Bitmap bytes that cover item indices `0..items`, in whole pages.
pub const fn bitmap_for(items: u64) -> usize {
    let bytes = items.div_ceil(8) as usize;
    bytes.div_ceil(BITMAP_STEP).saturating_mul(BITMAP_STEP)
}

/// The parts of a ledger, viewed over its data.
pub struct Ledger<'a> {
    pub header: &'a mut LedgerHeader,
    pub bitmap: &'a mut [u8],
    pub slots: &'a mut [Slot],
}

impl<'a> Ledger<'a> {
    /// Split ledger data into header, bitmap and slots, checking the sizes agree.
    pub fn view(data: &'a mut [u8]) -> Option<Ledger<'a>> {
        let (head, rest) = data.split_at_mut_checked(LedgerHeader::LEN)?;
        let header = LedgerHeader::view_mut(head).ok()?;
        let bitmap_bytes = header.bitmap_bytes() as usize;
        let capacity = header.capacity() as usize;
        let (bitmap_len, rest) = rest.split_at_mut_checked(4)?;
        if u32::from_le_bytes(bitmap_len.try_into().ok()?) as usize != bitmap_bytes {
            return None;
        }
        let (bitmap, rest) = rest.split_at_mut_checked(bitmap_bytes)?;
        let (slots_len, rest) = rest.split_at_mut_checked(4)?;
        if u32::from_le_bytes(slots_len.try_into().ok()?) as usize != capacity {
            return None;
        }
        let bytes = capacity.checked_mul(core::mem::size_of::<Slot>())?;
        if rest.len() != bytes {
            return None;
        }
        // SAFETY: `Slot` is repr(C) of byte arrays (alignment 1, no padding) and
        // `rest` holds exactly `capacity` of them.
        let slots =
            unsafe { core::slice::from_raw_parts_mut(rest.as_mut_ptr() as *mut Slot, capacity) };
        Some(Ledger {
            header,
            bitmap,
            slots,
        })
    }

    /// Header and slot `index` (< `taken`) of ledger data, without building the
    /// whole view: the path `submit_result`, `release_expired` and
    /// `rate_assignment` take, which never touch the bitmap.
    /// Fails with `InvalidAccountData` if `data` is not a ledger and `SlotNotFound`
    /// if slot `index` is not a used slot.
    pub fn slot(
        data: &'a mut [u8],
        index: u32,
    ) -> Result<(&'a mut LedgerHeader, &'a mut Slot), ProgramError> {
        let len = data.len();
        let (head, rest) = data
            .split_at_mut_checked(LedgerHeader::LEN)
            .ok_or(AmplifyError::InvalidAccountData)?;
        let header = LedgerHeader::view_mut(head)?;
        let not_found = || ProgramError::from(AmplifyError::SlotNotFound);
        if index >= header.taken() {
            return Err(not_found());
        }
        let at = (header.bitmap_bytes() as usize)
            .checked_add(8)
            .and_then(|a| {
                a.checked_add((index as usize).checked_mul(core::mem::size_of::<Slot>())?)
            })
            .ok_or_else(not_found)?;
        let end = at
            .checked_add(core::mem::size_of::<Slot>())
            .ok_or_else(not_found)?;
        if end > len.saturating_sub(LedgerHeader::LEN) {
            return Err(not_found());
        }
        // SAFETY: `at..end` lies within `rest` (checked above); `Slot` is repr(C)
        // of byte arrays (alignment 1, no padding).
        let slot = unsafe { &mut *(rest.as_mut_ptr().add(at) as *mut Slot) };
        Ok((header, slot))
    }

    /// Whether the worker took `item_index`; None when the bitmap does not reach it.
    #[inline(always)]
    pub fn holds(&self, item_index: u32) -> Option<bool> {
        let byte = self.bitmap.get((item_index >> 3) as usize)?;
        Some(byte & (1 << (item_index & 7)) != 0)
    }
}
