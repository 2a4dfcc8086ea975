//! PDA seeds, in one place. The IDL declares the same seeds for every derived
//! account so Anchor clients can resolve accounts on their own.

pub const CONFIG: &[u8] = b"config";
pub const TREASURY: &[u8] = b"treasury";
pub const WORKER: &[u8] = b"worker";
pub const BATCH: &[u8] = b"batch";
pub const PAGE: &[u8] = b"page";

/// Seed of a worker's ledger for one batch, for `create_with_seed` with the
/// worker as base: "lg" and 16 hex digits of the batch number. Lower-case
/// ASCII, so it is valid UTF-8 as the system program requires.
#[inline(always)]
pub fn ledger(batch_number: u64) -> [u8; 18] {
    let mut out = [0u8; 18];
    out[0] = b'l';
    out[1] = b'g';
    hex_into(&mut out[2..], batch_number);
    out
}

/// Write the low `out.len()` hex digits of `value`, most significant first.
#[inline(always)]
fn hex_into(out: &mut [u8], mut value: u64) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for byte in out.iter_mut().rev() {
        *byte = DIGITS[(value & 0xF) as usize];
        value >>= 4;
    }
}
