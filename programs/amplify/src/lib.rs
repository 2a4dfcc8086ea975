//! Amplify: an on-chain marketplace for micro-work.
//!
//! Written against pinocchio, Anchor-compatible to its clients: 8-byte
//! `sha256("global:<ix>")` instruction discriminators, account and event
//! discriminators, borsh layouts, custom errors from 6000. `idl/amplify.json`
//! is the one source of truth for all of it: `scripts/gen.py` generates
//! `generated/` (account lists and their flag checks, argument parsers,
//! layouts, events, errors, dispatch) from it, so the two cannot drift.
//!
//! Modules, from the bottom up: `codec` (argument reader, zero-copy layouts,
//! event writer), `generated` (the interface), `shared` (arithmetic, rent,
//! clock, lamports, account creation), `state` (rules of each account type,
//! invariants), `instructions` (one handler per instruction).
#![cfg_attr(target_arch = "bpf", no_std)]

pub mod codec;
pub mod generated;
pub mod instructions;
pub mod seeds;
pub mod shared;
pub mod state;

pub mod error;

#[cfg(target_arch = "bpf")]
mod entrypoint;

use pinocchio::Address;

/// The program's address: a build parameter (`scripts/build-program.sh
/// --program-id`, which sets `AMPLIFY_PROGRAM_ID` and its ProgramData address
/// `AMPLIFY_PROGRAM_DATA_ID`). The default, `AMPDC2UG…`, is the address of
/// `programs/amplify/program-keypair.json`: its key is public, so that build is
/// for local and test clusters only.
pub const ID: Address = Address::from_str_const(match option_env!("AMPLIFY_PROGRAM_ID") {
    Some(id) => id,
    None => "AMPDC2UGZ3Lxsia6pSZYJssqBc7WLmwrA3hhMjRNZVAx",
});

#[cfg(test)]
mod tests;
