//! Anchor-style events: `sol_log_data` of one buffer holding the 8-byte event
//! discriminator followed by the borsh body, which Anchor's `EventParser`,
//! anchorpy and our SDK decode from the "Program data: ..." log line.

use crate::discriminator::event;
use pinocchio::Address;

/// Log `disc || body` as a single slice (a second slice would be logged as a
/// second base64 word, which Anchor's parser does not accept).
#[inline(always)]
pub fn emit<const N: usize>(buf: &[u8; N]) {
    #[cfg(target_arch = "bpf")]
    {
        let slice: [&[u8]; 1] = [buf];
        // SAFETY: `slice` is an array of one valid fat pointer, the layout the
        // syscall reads (pointer, length).
        unsafe { pinocchio::syscalls::sol_log_data(slice.as_ptr() as *const u8, 1) };
    }
    #[cfg(not(target_arch = "bpf"))]
    let _ = buf;
}

/// A fixed-size event buffer filled front to back.
pub struct EventBuf<const N: usize> {
    buf: [u8; N],
    at: usize,
}

impl<const N: usize> EventBuf<N> {
    #[inline(always)]
    pub fn new(disc: [u8; 8]) -> Self {
        let mut buf = [0u8; N];
        buf[..8].copy_from_slice(&disc);
        Self { buf, at: 8 }
    }

    /// Append bytes; the event sizes are compile-time constants checked by tests,
    /// so an overflow here is a programming error caught on the host.
    #[inline(always)]
    pub fn put(mut self, bytes: &[u8]) -> Self {
        let end = self.at.saturating_add(bytes.len()).min(N);
        let n = end.saturating_sub(self.at);
        self.buf[self.at..end].copy_from_slice(&bytes[..n]);
        self.at = end;
        self
    }

    #[inline(always)]
    pub fn emit(self) {
        debug_assert_eq!(self.at, N, "event size mismatch");
        emit(&self.buf)
    }
}

/// `ProtocolInitialized { admin, amp_mint, fee_bps }`
#[inline(always)]
pub fn protocol_initialized(admin: &Address, amp_mint: &Address, fee_bps: u16) {
    EventBuf::<{ 8 + 32 + 32 + 2 }>::new(event::PROTOCOL_INITIALIZED)
        .put(admin.as_array())
        .put(amp_mint.as_array())
        .put(&fee_bps.to_le_bytes())
        .emit()
}
