//! Address seeds, in one place. The IDL declares the same PDA seeds so Anchor
//! clients resolve those accounts on their own.

pub const CONFIG: &[u8] = b"config";
pub const TREASURY: &[u8] = b"treasury";
pub const WORKER: &[u8] = b"worker";
pub const REQUESTER: &[u8] = b"requester";
pub const BATCH: &[u8] = b"batch";
pub const GOVERNANCE: &[u8] = b"governance";
pub const VAULT: &[u8] = b"vault";
pub const MINT_AUTHORITY: &[u8] = b"mint_authority";
pub const STAKE: &[u8] = b"stake";
pub const PROPOSAL: &[u8] = b"proposal";
pub const VOTE: &[u8] = b"vote";

/// Length of a task table's seed: "t", 16 hex digits, 4 hex digits.
pub const TABLE_SEED_LEN: usize = 21;

/// Seed of a batch's task table for `create_with_seed(requester, seed,
/// program_id)`: "t" + hex16(batch_number) + hex4(index). Lower-case ASCII, so
/// valid UTF-8 as the system program requires, and under its 32-byte limit.
#[inline(always)]
pub fn table(batch_number: u64, index: u32) -> [u8; TABLE_SEED_LEN] {
    let mut out = [0u8; TABLE_SEED_LEN];
    out[..1].copy_from_slice(crate::generated::constants::TABLE_SEED_PREFIX);
    hex_into(&mut out[1..17], batch_number);
    hex_into(&mut out[17..], index as u64);
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
pub const SKILL: &[u8] = b"skill";
pub const BATCH_SKILLS: &[u8] = b"batch_skills";
