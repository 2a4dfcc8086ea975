//! Anchor-style events: `sol_log_data` of one buffer holding the 8-byte event
//! discriminator followed by the borsh body, which Anchor's `EventParser`,
//! anchorpy and our SDK decode from the "Program data: ..." log line.
//! Bodies are listed in the IDL's `types` under the event's name.

use crate::discriminator::event;
use pinocchio::Address;

/// An event being built in a stack buffer of capacity `N`.
///
/// Fixed-size fields are written with compile-time lengths, so after inlining
/// the writes are plain stores (no `memcpy` syscalls) and an event costs little
/// more than the `sol_log_data` syscall itself.
pub struct EventBuf<const N: usize> {
    buf: [u8; N],
    at: usize,
}

impl<const N: usize> EventBuf<N> {
    #[inline(always)]
    pub fn new(disc: [u8; 8]) -> Self {
        let mut e = Self {
            buf: [0u8; N],
            at: 0,
        };
        e.put(&disc);
        e
    }

    /// Append a fixed-size field. Capacities are sized for the largest body; a
    /// write that would not fit is dropped, never out of bounds.
    #[inline(always)]
    pub fn put<const L: usize>(&mut self, bytes: &[u8; L]) -> &mut Self {
        let end = self.at.saturating_add(L);
        if let Some(dst) = self.buf.get_mut(self.at..end) {
            dst.copy_from_slice(bytes);
            self.at = end;
        }
        self
    }

    #[inline(always)]
    pub fn address(&mut self, a: &Address) -> &mut Self {
        self.put(a.as_array())
    }

    /// Log the event as a single slice: a second slice would be logged as a second
    /// base64 word, which Anchor's parser does not accept.
    #[inline(always)]
    pub fn emit(&self) {
        let data = &self.buf[..self.at];
        #[cfg(target_arch = "bpf")]
        {
            let slices: [&[u8]; 1] = [data];
            // SAFETY: `slices` is an array of one valid fat pointer, the (ptr, len)
            // layout the syscall reads.
            unsafe { pinocchio::syscalls::sol_log_data(slices.as_ptr() as *const u8, 1) };
        }
        #[cfg(not(target_arch = "bpf"))]
        let _ = data;
    }
}

pub fn protocol_initialized(admin: &Address, amp_mint: &Address, fee_bps: u16) {
    EventBuf::<{ 8 + 32 + 32 + 2 }>::new(event::PROTOCOL_INITIALIZED)
        .address(admin)
        .address(amp_mint)
        .put(&fee_bps.to_le_bytes())
        .emit()
}

pub fn pause_changed(paused: bool) {
    EventBuf::<9>::new(event::PAUSE_CHANGED)
        .put(&[paused as u8])
        .emit()
}

pub fn worker_registered(worker: &Address, encryption_key: &[u8; 32]) {
    EventBuf::<{ 8 + 64 }>::new(event::WORKER_REGISTERED)
        .address(worker)
        .put(encryption_key)
        .emit()
}

/// Fields of `BatchCreated`, in IDL order.
pub struct BatchCreated<'a> {
    pub batch: &'a Address,
    pub requester: &'a Address,
    pub batch_id: u64,
    pub price: u64,
    pub redundancy: u8,
    pub min_rating: u16,
    pub per_worker_cap: u16,
    pub expires_at: i64,
    pub encrypted: bool,
    pub fee_bps: u16,
}

pub fn batch_created(e: &BatchCreated) {
    EventBuf::<{ 8 + 32 + 32 + 8 + 8 + 1 + 2 + 2 + 8 + 1 + 2 }>::new(event::BATCH_CREATED)
        .address(e.batch)
        .address(e.requester)
        .put(&e.batch_id.to_le_bytes())
        .put(&e.price.to_le_bytes())
        .put(&[e.redundancy])
        .put(&e.min_rating.to_le_bytes())
        .put(&e.per_worker_cap.to_le_bytes())
        .put(&e.expires_at.to_le_bytes())
        .put(&[e.encrypted as u8])
        .put(&e.fee_bps.to_le_bytes())
        .emit()
}

pub fn tasks_added(batch: &Address, start_index: u64, count: u32, escrow_added: u64) {
    EventBuf::<{ 8 + 32 + 8 + 4 + 8 }>::new(event::TASKS_ADDED)
        .address(batch)
        .put(&start_index.to_le_bytes())
        .put(&count.to_le_bytes())
        .put(&escrow_added.to_le_bytes())
        .emit()
}

/// Log a fixed-layout event struct (`#[repr(C)]`, byte arrays only) as is.
/// The hot paths build their events this way: every byte is written by a plain
/// store, so the event costs the `sol_log_data` syscall (200 CU + 1 per byte)
/// and little else.
#[inline(always)]
fn emit_struct<T>(event: &T) {
    // SAFETY: `T` is a repr(C) struct of byte arrays: no padding, every byte
    // initialised.
    let data = unsafe {
        core::slice::from_raw_parts(event as *const T as *const u8, core::mem::size_of::<T>())
    };
    #[cfg(target_arch = "bpf")]
    {
        let slices: [&[u8]; 1] = [data];
        // SAFETY: as in `EventBuf::emit`.
        unsafe { pinocchio::syscalls::sol_log_data(slices.as_ptr() as *const u8, 1) };
    }
    #[cfg(not(target_arch = "bpf"))]
    let _ = data;
}

/// `TaskAccepted { batch, item_index, worker, slot, deadline }`
#[repr(C)]
struct TaskAccepted {
    disc: [u8; 8],
    batch: [u8; 32],
    item_index: [u8; 4],
    worker: [u8; 32],
    slot: [u8; 4],
    deadline: [u8; 8],
}

#[inline(always)]
pub fn task_accepted(batch: &Address, item_index: u32, worker: &Address, slot: u32, deadline: i64) {
    emit_struct(&TaskAccepted {
        disc: event::TASK_ACCEPTED,
        batch: *batch.as_array(),
        item_index: item_index.to_le_bytes(),
        worker: *worker.as_array(),
        slot: slot.to_le_bytes(),
        deadline: deadline.to_le_bytes(),
    })
}

/// `ResultSubmitted { batch, item_index, worker, slot, paid, fee }`. The result
/// hash and URI are in the instruction data (decodable from the IDL); logging
/// them again would cost a CU per byte on every payout.
#[repr(C)]
struct ResultSubmitted {
    disc: [u8; 8],
    batch: [u8; 32],
    item_index: [u8; 4],
    worker: [u8; 32],
    slot: [u8; 4],
    paid: [u8; 8],
    fee: [u8; 8],
}

#[inline(always)]
pub fn result_submitted(
    batch: &Address,
    item_index: u32,
    worker: &Address,
    slot: u32,
    paid_fee: (u64, u64),
) {
    emit_struct(&ResultSubmitted {
        disc: event::RESULT_SUBMITTED,
        batch: *batch.as_array(),
        item_index: item_index.to_le_bytes(),
        worker: *worker.as_array(),
        slot: slot.to_le_bytes(),
        paid: paid_fee.0.to_le_bytes(),
        fee: paid_fee.1.to_le_bytes(),
    })
}

pub fn task_released(batch: &Address, item_index: u32, worker: &Address) {
    EventBuf::<{ 8 + 32 + 4 + 32 }>::new(event::TASK_RELEASED)
        .address(batch)
        .put(&item_index.to_le_bytes())
        .address(worker)
        .emit()
}

pub const MAX_RESULT_URI_LEN: usize = 200;

pub fn assignment_rated(
    batch: &Address,
    item_index: u32,
    worker: &Address,
    stars: u8,
    rating: u16,
) {
    EventBuf::<{ 8 + 32 + 4 + 32 + 1 + 2 }>::new(event::ASSIGNMENT_RATED)
        .address(batch)
        .put(&item_index.to_le_bytes())
        .address(worker)
        .put(&[stars])
        .put(&rating.to_le_bytes())
        .emit()
}

pub fn batch_cancelled(batch: &Address, slots: u64, refunded: u64) {
    EventBuf::<{ 8 + 32 + 8 + 8 }>::new(event::BATCH_CANCELLED)
        .address(batch)
        .put(&slots.to_le_bytes())
        .put(&refunded.to_le_bytes())
        .emit()
}

pub fn fees_swept(batch: &Address, amount: u64) {
    EventBuf::<{ 8 + 32 + 8 }>::new(event::FEES_SWEPT)
        .address(batch)
        .put(&amount.to_le_bytes())
        .emit()
}

pub fn batch_closed(batch: &Address, returned: u64) {
    EventBuf::<{ 8 + 32 + 8 }>::new(event::BATCH_CLOSED)
        .address(batch)
        .put(&returned.to_le_bytes())
        .emit()
}
