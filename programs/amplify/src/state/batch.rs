//! `Batch`, PDA `["batch", requester, batch_id (u64 LE)]`: the parameters, the
//! money, and the roster of workers.
//!
//! Account data: the fixed `Batch` fields, then `base_uri` (borsh string), then
//! the roster: `workers` (borsh vec of `roster_capacity` `RosterEntry`, the
//! first `roster_len` used) and `order` (borsh vec of `roster_capacity` u16: the
//! used roster indices sorted by worker address, so a worker's entry is found by
//! binary search and a worker can never get two entries).
//!
//! A place is a worker's while the batch still needs it to name that worker:
//! while it holds a reservation (a slot names its place) or completed work
//! awaiting a rating (a rating names the place). From version 3 a worker new
//! to a full roster takes the first place whose worker holds neither, so
//! identities that take a place and let their reservations lapse cannot lock
//! new workers out (docs/protocol.md, "The roster").
//!
//! Money is kept as counters; every amount follows exactly:
//! * escrow = `price × (slots − completed_count − cancelled_slots)`
//! * fees accrued = `fee_per_item × completed_count − fees_swept`
//! * bonds held = `bond × reserved_count`
//! * `lamports ≥ rent + escrow + fees accrued + bonds held`; the excess is the
//!   requester's uncommitted deposit.

use crate::{
    codec::layout::{Layout, Pod},
    error::AmplifyError,
    generated::layouts::{Batch, RosterEntry},
    shared::{math, rent::rent_exempt},
};
use pinocchio::{error::ProgramError, Address};

pub use crate::generated::constants::BATCH_VERSION;
/// The first version whose roster entries count `pending` from the start: only
/// those batches give a held-nothing place to another worker (an older batch's
/// entries may have unrated work they never counted).
pub const REUSABLE_ROSTER_VERSION: u8 = 3;
pub const STATUS_OPEN: u8 = 0;
pub const STATUS_PAUSED: u8 = 1;
pub const STATUS_CANCELLED: u8 = 2;
pub use crate::generated::constants::{MAX_BASE_URI_LEN, MAX_REDUNDANCY, MAX_ROSTER, MAX_TICK};
/// Bytes per roster entry: the entry and its place in `order`.
pub const ROSTER_ENTRY_BYTES: usize = core::mem::size_of::<RosterEntry>() + 2;

/// Where the length prefixes of a batch account's roster vectors lie, and where
/// its data ends, with `uri_len` bytes of base URI and room for `capacity`
/// workers. Roster capacities are u16, so the products here cannot wrap (and a
/// checked u64 multiply would need a 128-bit one, which the BPF backend cannot
/// lower).
#[derive(Clone, Copy)]
struct Offsets {
    /// `workers`' length prefix; its entries follow.
    workers: usize,
    /// `order`'s length prefix; its u16 indices follow.
    order: usize,
    end: usize,
}

const fn offsets(uri_len: usize, capacity: usize) -> Offsets {
    let workers = Batch::LEN.saturating_add(4).saturating_add(uri_len);
    let order = workers
        .saturating_add(4)
        .saturating_add(capacity.wrapping_mul(RosterEntry::SIZE));
    Offsets {
        workers,
        order,
        end: order
            .saturating_add(4)
            .saturating_add(capacity.wrapping_mul(2)),
    }
}

/// Byte size of a batch account with `uri_len` bytes of base URI and room for
/// `roster_capacity` workers.
pub const fn batch_size(uri_len: usize, roster_capacity: usize) -> usize {
    offsets(uri_len, roster_capacity).end
}

/// Give the roster room for `new_capacity` workers, in batch account data just
/// grown to `batch_size(uri_len, new_capacity)` (the new bytes zeroed): `order`
/// moves right past the new, empty entries, and both length prefixes and the
/// header's capacity say the new capacity.
pub fn grow_roster(data: &mut [u8], new_capacity: u16) -> Result<(), ProgramError> {
    let bad = || ProgramError::from(AmplifyError::InvalidAccountData);
    let old_capacity = Batch::view(data)?.roster_capacity();
    let uri_len = prefix(data, Batch::LEN)?;
    let old = offsets(uri_len, old_capacity as usize);
    let new = offsets(uri_len, new_capacity as usize);
    if new_capacity < old_capacity || new.end > data.len() {
        return Err(bad());
    }
    // Move `order` right past the new worker entries, then clear what it and
    // its length prefix left behind (the new, empty entries).
    data.copy_within(
        old.order.saturating_add(4)..old.end,
        new.order.saturating_add(4),
    );
    data.get_mut(old.order..new.order).ok_or_else(bad)?.fill(0);
    let cap = (new_capacity as u32).to_le_bytes();
    for at in [new.workers, new.order] {
        data.get_mut(at..at.saturating_add(4))
            .ok_or_else(bad)?
            .copy_from_slice(&cap);
    }
    Batch::view_mut(data)?.set_roster_capacity(new_capacity);
    Ok(())
}

impl RosterEntry {
    /// Holds nothing the batch needs its place for: no reservation, and no
    /// completed work awaiting a rating.
    #[inline(always)]
    pub fn idle(&self) -> bool {
        self.active() == 0 && self.pending() == 0
    }

    /// `n` of its reservations completed: they now await a rating. `pending`
    /// saturates and then stays at u16::MAX — the exact count is lost, so the
    /// place is kept for good (only a worker with 65,535 unrated items in one
    /// batch gets there).
    #[inline(always)]
    pub fn complete(&mut self, n: u16) -> Result<(), ProgramError> {
        self.set_active(math::dec_u16(self.active(), n)?);
        self.set_pending(self.pending().saturating_add(n));
        Ok(())
    }

    /// One of its completed items rated.
    #[inline(always)]
    pub fn rated(&mut self) {
        self.rated_many(1);
    }

    /// `n` of its completed items rated.
    #[inline(always)]
    pub fn rated_many(&mut self, n: u16) {
        let pending = self.pending();
        if pending != u16::MAX {
            // Version 3 counts exactly; an older batch's count may start below
            // its unrated work and must not wrap.
            self.set_pending(pending.saturating_sub(n));
        }
    }
}

impl Batch {
    #[inline(always)]
    pub fn slots(&self) -> Result<u64, ProgramError> {
        math::mul(self.item_count(), self.redundancy as u64)
    }

    /// Over: cancelled, or past its expiry. Nothing new can be accepted.
    #[inline(always)]
    pub fn finished(&self, now: i64) -> bool {
        self.status == STATUS_CANCELLED || now >= self.expires_at()
    }

    /// Done: no slot can change any more — none is reserved, and every slot is
    /// completed or refunded, or the batch is over.
    #[inline(always)]
    pub fn done(&self, now: i64) -> Result<bool, ProgramError> {
        if self.reserved_count() != 0 {
            return Ok(false);
        }
        let settled = math::add(self.completed_count(), self.cancelled_slots())?;
        Ok(settled == self.slots()? || self.finished(now))
    }

    /// When the batch ended for rating purposes: its cancellation or expiry,
    /// whichever came first (a cancel after expiry must not reopen a rating
    /// window that already closed).
    #[inline(always)]
    pub fn ended_at(&self) -> i64 {
        if self.status == STATUS_CANCELLED {
            self.cancelled_at().min(self.expires_at())
        } else {
            self.expires_at()
        }
    }

    /// Lamports held for slots still payable (open or reserved).
    #[inline(always)]
    pub fn escrow(&self) -> Result<u64, ProgramError> {
        let settled = math::add(self.completed_count(), self.cancelled_slots())?;
        math::mul(self.price(), math::sub(self.slots()?, settled)?)
    }

    /// Fees earned by completed work and not yet swept to the treasury.
    #[inline(always)]
    pub fn fees_accrued(&self) -> Result<u64, ProgramError> {
        math::sub(
            math::mul(self.fee_per_item(), self.completed_count())?,
            self.fees_swept(),
        )
    }

    /// Workers' bonds for the reservations outstanding.
    #[inline(always)]
    pub fn bonds_held(&self) -> Result<u64, ProgramError> {
        math::mul(self.bond(), self.reserved_count())
    }

    /// Lamports the batch must keep: rent + escrow + accrued fees + bonds.
    #[inline(always)]
    pub fn committed(&self, data_len: usize) -> Result<u64, ProgramError> {
        let owed = math::add(
            math::add(self.escrow()?, self.fees_accrued()?)?,
            self.bonds_held()?,
        )?;
        math::add(rent_exempt(data_len)?, owed)
    }

    /// The deadline tick for a reservation made at `now`: the reservation ends
    /// at the first tick boundary at or after `now + reservation_secs`.
    #[inline(always)]
    pub fn deadline_tick(&self, now: i64) -> Result<u16, ProgramError> {
        let offset = now
            .checked_sub(self.created_at())
            .and_then(|d| d.checked_add(self.reservation_secs() as i64))
            .filter(|d| *d > 0)
            .ok_or(AmplifyError::ArithmeticOverflow)?;
        let tick = math::div_ceil(offset as u64, self.tick_secs() as u64)?;
        u16::try_from(tick).map_err(|_| AmplifyError::BatchExpired.into())
    }

    /// Unix time at which a reservation with deadline `tick` lapses.
    #[inline(always)]
    pub fn tick_time(&self, tick: u16) -> Result<i64, ProgramError> {
        let offset = math::mul(tick as u64, self.tick_secs() as u64)?;
        self.created_at()
            .checked_add(offset as i64)
            .ok_or_else(|| AmplifyError::ArithmeticOverflow.into())
    }

    /// Counters within bounds and the lamports to cover what the batch owes.
    pub fn invariant(&self, lamports: u64, data_len: usize) -> Result<(), ProgramError> {
        let settled = math::add(
            math::add(self.reserved_count(), self.completed_count())?,
            self.cancelled_slots(),
        )?;
        let bad = settled > self.slots()?
            || self.rated_count() > self.completed_count()
            || self.item_count() > self.items_capacity()
            || self.roster_len() > self.roster_capacity()
            || self.roster_capacity() > MAX_ROSTER
            || self.status > STATUS_CANCELLED
            || self.fee_per_item() >= self.price()
            || self.fees_swept() > math::mul(self.fee_per_item(), self.completed_count())?
            || lamports < self.committed(data_len)?;
        if bad {
            return Err(AmplifyError::InvalidAccountData.into());
        }
        Ok(())
    }
}

/// Where the variable parts of batch account data lie, after checking every
/// length prefix against the header and the account's size.
struct Parts {
    uri: core::ops::Range<usize>,
    workers: core::ops::Range<usize>,
    order: core::ops::Range<usize>,
}

/// A borsh u32 length prefix at `at`.
#[inline(always)]
fn prefix(data: &[u8], at: usize) -> Result<usize, ProgramError> {
    let bytes: [u8; 4] = data
        .get(at..at.saturating_add(4))
        .and_then(|b| b.try_into().ok())
        .ok_or(AmplifyError::InvalidAccountData)?;
    Ok(u32::from_le_bytes(bytes) as usize)
}

fn parts(data: &[u8]) -> Result<Parts, ProgramError> {
    let b = Batch::view(data)?;
    let capacity = b.roster_capacity() as usize;
    let o = offsets(prefix(data, Batch::LEN)?, capacity);
    if prefix(data, o.workers)? != capacity
        || prefix(data, o.order)? != capacity
        || o.end != data.len()
        || b.roster_len() > b.roster_capacity()
    {
        return Err(AmplifyError::InvalidAccountData.into());
    }
    Ok(Parts {
        uri: Batch::LEN.saturating_add(4)..o.workers,
        workers: o.workers.saturating_add(4)..o.order,
        order: o.order.saturating_add(4)..o.end,
    })
}

/// The roster index of `worker` among the used entries, or (as `Err`) where in
/// `order` it would go. Binary search over `order`.
fn search(
    workers: &[RosterEntry],
    order: &[[u8; 2]],
    len: u16,
    worker: &Address,
) -> Result<Result<u16, usize>, ProgramError> {
    Ok(locate(workers, order, len, worker)?.map(|(_, idx)| idx))
}

/// As `search`, with the worker's position in `order` beside its roster index.
fn locate(
    workers: &[RosterEntry],
    order: &[[u8; 2]],
    len: u16,
    worker: &Address,
) -> Result<Result<(usize, u16), usize>, ProgramError> {
    let key = sort_key(worker);
    let (mut lo, mut hi) = (0usize, len as usize);
    while lo < hi {
        let mid = lo.wrapping_add(hi.wrapping_sub(lo) >> 1);
        let idx = u16::from_le_bytes(*order.get(mid).ok_or(AmplifyError::InvalidAccountData)?);
        let entry = workers
            .get(idx as usize)
            .ok_or(AmplifyError::InvalidAccountData)?;
        match sort_key(&entry.worker).cmp(&key) {
            core::cmp::Ordering::Less => lo = mid.wrapping_add(1),
            core::cmp::Ordering::Greater => hi = mid,
            core::cmp::Ordering::Equal => return Ok(Ok((mid, idx))),
        }
    }
    Ok(Err(lo))
}

/// A batch account's fixed fields and roster, viewed over its data.
pub struct BatchView<'a> {
    pub b: &'a mut Batch,
    pub base_uri: &'a [u8],
    pub workers: &'a mut [RosterEntry],
    pub order: &'a mut [[u8; 2]],
}

impl<'a> BatchView<'a> {
    /// View batch account data, checking the discriminator and that every
    /// length prefix agrees with the header and the account's size.
    pub fn new(data: &'a mut [u8]) -> Result<Self, ProgramError> {
        let p = parts(data)?;
        let (head, rest) = data.split_at_mut(Batch::LEN);
        let (mid, order) = rest.split_at_mut(p.order.start.saturating_sub(Batch::LEN));
        let (uri_part, workers) = mid.split_at_mut(p.workers.start.saturating_sub(Batch::LEN));
        let bad = || ProgramError::from(AmplifyError::InvalidAccountData);
        let base_uri = uri_part
            .get(p.uri.start.saturating_sub(Batch::LEN)..p.uri.end.saturating_sub(Batch::LEN))
            .ok_or_else(bad)?;
        let workers = workers.get_mut(..p.workers.len()).ok_or_else(bad)?;
        Ok(Self {
            b: Batch::view_mut(head)?,
            base_uri,
            workers: RosterEntry::slice_mut(workers),
            order: <[u8; 2]>::slice_mut(order),
        })
    }

    /// The roster index of `worker`, or (as `Err`) where in `order` it would go.
    #[inline(always)]
    pub fn find(&self, worker: &Address) -> Result<Result<u16, usize>, ProgramError> {
        search(self.workers, self.order, self.b.roster_len(), worker)
    }

    /// Add `worker` as the next roster entry, at position `at` of `order` (as
    /// `find` reported). Returns its roster index.
    pub fn add(&mut self, worker: &Address, at: usize) -> Result<u16, ProgramError> {
        let len = self.b.roster_len();
        if len >= self.b.roster_capacity() {
            return Err(AmplifyError::RosterFull.into());
        }
        let entry = self
            .workers
            .get_mut(len as usize)
            .ok_or(AmplifyError::RosterFull)?;
        entry.worker = *worker;
        let end = (len as usize).saturating_add(1);
        let order = self.order.get_mut(..end).ok_or(AmplifyError::RosterFull)?;
        if at >= end {
            return Err(AmplifyError::InvalidAccountData.into());
        }
        order.copy_within(at..end.saturating_sub(1), at.saturating_add(1));
        order[at] = len.to_le_bytes();
        self.b.set_roster_len(math::inc_u16(len, 1)?);
        Ok(len)
    }

    /// A place for a worker new to the full roster: the first whose worker
    /// holds nothing. None when every worker holds something there, or the
    /// batch predates `pending` counts.
    #[inline(never)]
    pub fn free_place(&self) -> Option<u16> {
        if self.b.version < REUSABLE_ROSTER_VERSION {
            return None;
        }
        let used = self.workers.get(..self.b.roster_len() as usize)?;
        u16::try_from(used.iter().position(RosterEntry::idle)?).ok()
    }

    /// Give place `idx` (a `free_place`) to `worker`, which `find` placed at
    /// `at` of `order`: the previous worker leaves `order`, the new one enters
    /// it, and the place's counters start over. Returns the previous worker.
    pub fn replace(
        &mut self,
        idx: u16,
        worker: &Address,
        at: usize,
    ) -> Result<Address, ProgramError> {
        let bad = || ProgramError::from(AmplifyError::InvalidAccountData);
        let len = self.b.roster_len();
        let previous = self.entry(idx)?.worker;
        let (from, found) = locate(self.workers, self.order, len, &previous)?.map_err(|_| bad())?;
        let order = self.order.get_mut(..len as usize).ok_or_else(bad)?;
        if found != idx || at > order.len() {
            return Err(bad());
        }
        // Take position `from` out and put `idx` in at `at` (which counts
        // `from` as still in): the entries between move one place towards it.
        let to = if from < at {
            order.copy_within(from.wrapping_add(1)..at, from);
            at.wrapping_sub(1)
        } else {
            order.copy_within(at..from, at.wrapping_add(1));
            at
        };
        *order.get_mut(to).ok_or_else(bad)? = idx.to_le_bytes();
        let entry = self.entry(idx)?;
        entry.worker = *worker;
        entry.set_taken(0);
        entry.set_active(0);
        entry.set_pending(0);
        // Completed slots of the previous worker now name this one: readers
        // of answers from the tables learn it here.
        self.b
            .set_places_reused(math::inc_u32(self.b.places_reused(), 1)?);
        Ok(previous)
    }

    /// The entry of roster index `idx` (a used one).
    #[inline(always)]
    pub fn entry(&mut self, idx: u16) -> Result<&mut RosterEntry, ProgramError> {
        if idx >= self.b.roster_len() {
            return Err(AmplifyError::InvalidAccountData.into());
        }
        self.workers
            .get_mut(idx as usize)
            .ok_or_else(|| AmplifyError::InvalidAccountData.into())
    }
}

/// A batch account viewed read-only (instructions that do not write it).
pub struct BatchRef<'a> {
    pub b: &'a Batch,
    pub workers: &'a [RosterEntry],
    pub order: &'a [[u8; 2]],
}

impl<'a> BatchRef<'a> {
    pub fn new(data: &'a [u8]) -> Result<Self, ProgramError> {
        let p = parts(data)?;
        let bad = || ProgramError::from(AmplifyError::InvalidAccountData);
        Ok(Self {
            b: Batch::view(data)?,
            workers: RosterEntry::slice(data.get(p.workers).ok_or_else(bad)?),
            order: <[u8; 2]>::slice(data.get(p.order).ok_or_else(bad)?),
        })
    }

    #[inline(always)]
    pub fn find(&self, worker: &Address) -> Result<Result<u16, usize>, ProgramError> {
        search(self.workers, self.order, self.b.roster_len(), worker)
    }
}

/// Workers are ordered by their address as four big-endian words: the same
/// order as comparing the 32 bytes, without a `memcmp` call per probe.
#[inline(always)]
fn sort_key(a: &Address) -> [u64; 4] {
    let b = a.as_array();
    let word = |i: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&b[i..i.saturating_add(8)]);
        u64::from_be_bytes(w)
    };
    [word(0), word(8), word(16), word(24)]
}
