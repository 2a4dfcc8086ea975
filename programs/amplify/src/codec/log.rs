//! Event logging without an allocator.
//!
//! Events with lists (accepted items, answers) have no size known at compile
//! time, and an 8-byte discriminator plus body must be logged as one buffer
//! (a second slice would become a second base64 word, which Anchor's parser
//! does not read). `Arena` hands out scratch memory from the SBF heap region,
//! which nothing else uses (the program declares no allocator).

use crate::codec::layout::Pod;
use crate::error::AmplifyError;
use pinocchio::{error::ProgramError, ProgramResult};

/// Bump allocation over the 32 KiB heap region, for one instruction.
pub struct Arena {
    used: usize,
}

/// Where the runtime maps the heap, and its default size.
#[cfg(target_arch = "bpf")]
const HEAP_START: usize = 0x3_0000_0000;
pub const HEAP_LEN: usize = 32 * 1024;

impl Arena {
    /// One per instruction: each instruction starts with a fresh heap.
    #[inline(always)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Self { used: 0 }
    }

    /// `len` bytes of zeroed scratch memory, valid until the instruction ends.
    #[inline(always)]
    pub fn bytes(&mut self, len: usize) -> Result<&'static mut [u8], ProgramError> {
        let end = self
            .used
            .checked_add(len)
            .filter(|end| *end <= HEAP_LEN)
            .ok_or(AmplifyError::ArithmeticOverflow)?;
        let at = self.used;
        self.used = end;
        #[cfg(target_arch = "bpf")]
        {
            // SAFETY: `at..end` lies in the heap region (checked above), which this
            // program never uses otherwise (no allocator), and each range is handed
            // out once. The runtime zeroes the heap for every instruction.
            Ok(unsafe {
                core::slice::from_raw_parts_mut(HEAP_START.wrapping_add(at) as *mut u8, len)
            })
        }
        #[cfg(not(target_arch = "bpf"))]
        {
            let _ = at;
            Ok(std::vec![0u8; len].leak())
        }
    }

    /// Scratch room for `n` values of `T`.
    #[inline(always)]
    pub fn slice<T: Pod>(&mut self, n: usize) -> Result<&'static mut [T], ProgramError> {
        // Bounded first: a u64 `checked_mul` would need a 128-bit multiply,
        // which the BPF backend cannot lower.
        if n > HEAP_LEN.checked_div(T::SIZE).unwrap_or(0) {
            return Err(AmplifyError::ArithmeticOverflow.into());
        }
        Ok(T::slice_mut(self.bytes(n.wrapping_mul(T::SIZE))?))
    }
}

/// Writes one event (discriminator + borsh body) into arena memory.
pub struct EventWriter {
    buf: &'static mut [u8],
    at: usize,
}

impl EventWriter {
    #[inline(always)]
    pub fn new(arena: &mut Arena, len: usize) -> Result<Self, ProgramError> {
        Ok(Self {
            buf: arena.bytes(len)?,
            at: 0,
        })
    }

    /// Append bytes. The buffer was sized from the same fields, so a write that
    /// would not fit cannot happen; it is dropped rather than out of bounds.
    #[inline(always)]
    pub fn put(&mut self, bytes: &[u8]) {
        let end = self.at.saturating_add(bytes.len());
        if let Some(dst) = self.buf.get_mut(self.at..end) {
            dst.copy_from_slice(bytes);
            self.at = end;
        }
    }

    /// Borsh bytes/string: u32 length, then the bytes.
    #[inline(always)]
    pub fn bytes(&mut self, bytes: &[u8]) {
        self.put(&(bytes.len() as u32).to_le_bytes());
        self.put(bytes);
    }

    /// Borsh vec of plain-bytes values.
    #[inline(always)]
    pub fn pods<T: Pod>(&mut self, items: &[T]) {
        self.put(&(items.len() as u32).to_le_bytes());
        // SAFETY: `T: Pod` is plain bytes without padding.
        let raw = unsafe {
            core::slice::from_raw_parts(
                items.as_ptr() as *const u8,
                items.len().wrapping_mul(T::SIZE),
            )
        };
        self.put(raw);
    }

    #[inline(always)]
    pub fn emit(self) -> ProgramResult {
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
        Ok(())
    }
}
