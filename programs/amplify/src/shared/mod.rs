//! Logic shared by the instruction handlers.

pub mod accounts;
pub mod args;
pub mod clock;
pub mod create;
pub mod lamports;
pub mod math;
#[cfg(target_arch = "bpf")]
pub mod mem;
pub mod rent;
pub mod seed_address;
