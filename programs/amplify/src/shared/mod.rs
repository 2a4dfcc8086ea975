//! Logic shared by the instruction handlers.

pub mod accounts;
pub mod args;
pub mod create;
pub mod math;
#[cfg(target_arch = "bpf")]
pub mod mem;
pub mod rent;
