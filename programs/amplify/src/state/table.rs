//! `TaskTable`: the slots of a range of a batch's items, at
//! `create_with_seed(requester, seeds::table(batch_number, index), program)`.
//!
//! Each item has `redundancy` slots of 4 bytes: who holds it and until when.
//! That is all the rules need per item — the item's content is committed by the
//! upload's Merkle root (the batch's `manifest_hash`), not stored — so an
//! assignment costs 4 bytes of requester-paid rent, and the per-item counters
//! (reserved, completed) are counted from the slots.

use crate::{
    codec::layout::{Layout, Pod},
    error::AmplifyError,
    generated::layouts::{Slot, TaskTable},
};
use pinocchio::{error::ProgramError, Address};

/// Bytes before the first slot: the fixed fields and the slot vector's length.
pub const TABLE_HEADER: usize = TaskTable::LEN + 4;
pub use crate::generated::constants::{SLOT_DONE, SLOT_FLAG, SLOT_HOLDER, TABLE_VERSION};
/// The version before completed slots kept their answers: completed was `tick == 0`.
const TABLE_VERSION_TICK_DONE: u8 = 1;
/// Largest two-byte answer a slot keeps (its code is the value + 257 <= 65,535).
const MAX_KEPT_PAIR: u16 = u16::MAX - 257;

/// The code `Slot.tick` keeps for a completed slot's answer: 0 when it is not
/// kept (too wide, or a two-byte value past `MAX_KEPT_PAIR`: the event has it).
#[inline(always)]
pub fn answer_code(answer: &[u8]) -> u16 {
    match *answer {
        [b] => u16::from(b).wrapping_add(1),
        [lo, hi] => match u16::from_le_bytes([lo, hi]) {
            v if v <= MAX_KEPT_PAIR => v.wrapping_add(257),
            _ => 0,
        },
        _ => 0,
    }
}

/// `Slot.worker` of a settled slot (`settle_items`): no holder, the flag set.
/// Its escrow was refunded; no worker can take it.
pub const SLOT_SETTLED: u16 = SLOT_FLAG;

impl Slot {
    /// Roster index + 1 of the worker on this slot; 0 when open or settled.
    #[inline(always)]
    pub fn holder(&self) -> u16 {
        self.worker() & SLOT_HOLDER
    }

    #[inline(always)]
    pub fn is_reserved(&self) -> bool {
        self.holder() != 0 && self.worker() & SLOT_DONE == 0
    }

    #[inline(always)]
    pub fn is_completed(&self) -> bool {
        self.holder() != 0 && self.worker() & SLOT_DONE != 0
    }

    /// Delivered by its holder: completed, not rated, the answer's code kept.
    #[inline(always)]
    pub fn complete(&mut self, answer: &[u8]) {
        self.set_worker((self.holder() | SLOT_DONE) & !SLOT_FLAG);
        self.set_tick(answer_code(answer));
    }

    /// A completed slot rated.
    #[inline(always)]
    pub fn mark_rated(&mut self) {
        self.set_worker(self.worker() | SLOT_FLAG);
    }

    /// Free for a worker to take: no holder, and not settled.
    #[inline(always)]
    pub fn is_open(&self) -> bool {
        self.worker() == 0
    }

    /// Settled: refunded to the requester, never to be taken.
    #[inline(always)]
    pub fn is_settled(&self) -> bool {
        self.worker() == SLOT_SETTLED
    }

    /// Reserved: the item's key was delivered. Completed: the work was rated.
    #[inline(always)]
    pub fn flag(&self) -> bool {
        self.worker() & SLOT_FLAG != 0
    }
}

/// A version 1 table's slots in today's form, once: completed was `tick ==
/// 0` with a holder (its answer is not kept: code 0). A holder past today's 14
/// bits (a roster of more than `MAX_ROSTER` places) cannot be converted.
#[inline(never)]
fn upgrade_slots(slots: &mut [Slot]) -> Result<(), ProgramError> {
    for s in slots.iter_mut() {
        let (worker, tick) = (s.worker(), s.tick());
        if worker & SLOT_DONE != 0 {
            return Err(AmplifyError::InvalidAccountData.into());
        }
        if worker & SLOT_HOLDER != 0 && tick == 0 {
            s.set_worker(worker | SLOT_DONE);
        }
    }
    Ok(())
}

/// The slot of one item's `slots` that the worker at roster index
/// `holder - 1` holds reserved, if any.
#[inline(always)]
pub fn reservation(slots: &mut [Slot], holder: u16) -> Option<&mut Slot> {
    slots
        .iter_mut()
        .find(|s| s.holder() == holder && s.is_reserved())
}

/// A task table's fixed fields and slots, viewed over its data.
pub struct TableView<'a> {
    pub t: &'a mut TaskTable,
    pub slots: &'a mut [Slot],
}

impl<'a> TableView<'a> {
    /// View table data, checking the discriminator and that the slot vector's
    /// length agrees with `capacity × redundancy` and the account's size.
    pub fn new(data: &'a mut [u8]) -> Result<Self, ProgramError> {
        let (head, rest) = data
            .split_at_mut_checked(TaskTable::LEN)
            .ok_or(AmplifyError::InvalidAccountData)?;
        let t = TaskTable::view_mut(head)?;
        let (len, slots) = rest
            .split_first_chunk_mut::<4>()
            .ok_or(AmplifyError::InvalidAccountData)?;
        // u32 × u8 and then × 4 stay far below 2^64: plain multiplies (a checked
        // u64 multiply needs a 128-bit one, which the BPF backend cannot lower).
        let n = (t.capacity() as usize).wrapping_mul(t.redundancy as usize);
        if u32::from_le_bytes(*len) as usize != n || slots.len() != n.wrapping_mul(Slot::SIZE) {
            return Err(AmplifyError::InvalidAccountData.into());
        }
        let slots = Slot::slice_mut(slots);
        if t.version == TABLE_VERSION_TICK_DONE {
            upgrade_slots(slots)?;
            t.version = TABLE_VERSION;
        }
        Ok(Self { t, slots })
    }

    /// Whether this is a table of the batch at `batch` numbered `batch_number`.
    #[inline(always)]
    pub fn belongs_to(&self, batch: &Address, batch_number: u64) -> bool {
        pinocchio::address::address_eq(&self.t.batch, batch)
            && self.t.batch_number() == batch_number
    }

    /// The slots of `item`, which must be one of this table's items: items past
    /// the batch's `item_count` do not exist (`ItemNotFound`); others are in
    /// another table (`WrongTable`).
    #[inline(always)]
    pub fn item(&mut self, item: u32, item_count: u64) -> Result<&mut [Slot], ProgramError> {
        if item as u64 >= item_count {
            return Err(AmplifyError::ItemNotFound.into());
        }
        let local = item
            .checked_sub(self.t.first_item())
            .filter(|l| *l < self.t.count())
            .ok_or(AmplifyError::WrongTable)?;
        let r = self.t.redundancy as usize;
        // u32 × u8: cannot wrap.
        let at = (local as usize).wrapping_mul(r);
        self.slots
            .get_mut(at..at.saturating_add(r))
            .ok_or_else(|| AmplifyError::InvalidAccountData.into())
    }

    pub fn invariant(&self) -> Result<(), ProgramError> {
        if self.t.count() > self.t.capacity() || self.t.version != TABLE_VERSION {
            return Err(AmplifyError::InvalidAccountData.into());
        }
        Ok(())
    }
}
