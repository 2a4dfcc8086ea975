//! Amplify: an on-chain marketplace for micro-work.
//!
//! The program is written against pinocchio but is Anchor-compatible to its
//! clients: 8-byte `sha256("global:<ix>")` instruction discriminators, 8-byte
//! account and event discriminators, borsh-compatible layouts (every field is
//! naturally aligned and padding is explicit, so the zero-copy view and the
//! borsh encoding are the same bytes), and custom errors numbered from 6000.
//! `idl/amplify.json` describes all of it; host tests hold the two together.
#![cfg_attr(target_arch = "bpf", no_std)]

pub mod discriminator;
pub mod error;
pub mod events;
pub mod instructions;
pub mod seeds;
pub mod shared;
pub mod state;

#[cfg(target_arch = "bpf")]
mod entrypoint;

use pinocchio::Address;

/// The program's address (`AMPDC2UG…`, keypair in `programs/amplify/program-keypair.json`).
pub const ID: Address = Address::from_str_const("AMPDC2UGZ3Lxsia6pSZYJssqBc7WLmwrA3hhMjRNZVAx");

#[cfg(test)]
mod tests;
