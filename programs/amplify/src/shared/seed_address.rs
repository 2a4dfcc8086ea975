//! Addresses made by `SystemProgram.createAccountWithSeed`:
//! `sha256(base || seed || owner)`.
//!
//! Task tables live at such addresses. The requester creates them with a
//! top-level instruction (which may allocate up to 10 MiB; a CPI from this
//! program only 10 KiB), so they cannot be PDAs; the address check makes each
//! (requester, batch, index) have exactly one table, found by any client
//! without an index of accounts.

use crate::shared::hash::sha256;
use pinocchio::Address;

/// The address `create_with_seed(base, seed, owner)` derives.
#[inline(always)]
pub fn derive(base: &Address, seed: &[u8], owner: &Address) -> Address {
    Address::new_from_array(sha256(&[base.as_array(), seed, owner.as_array()]))
}
