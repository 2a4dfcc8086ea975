//! Logic shared by the instruction handlers that is not about one account type.

pub mod accounts;
pub mod clock;
pub mod create;
pub mod hash;
pub mod lamports;
pub mod loader;
pub mod math;
#[cfg(target_arch = "bpf")]
pub mod mem;
pub mod merkle;
pub mod outcomes;
pub mod rent;
pub mod seed_address;
pub mod x25519;
