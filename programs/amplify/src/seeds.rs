//! PDA seeds, in one place. The IDL declares the same seeds for every derived
//! account so Anchor clients can resolve accounts on their own.

pub const CONFIG: &[u8] = b"config";
pub const TREASURY: &[u8] = b"treasury";
