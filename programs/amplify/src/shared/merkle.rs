//! Skill values committed as a Merkle tree (docs/reputation.md, "Skills").
//!
//! Leaves and inner nodes hash under different prefixes, so a node can never
//! be presented as a leaf (or a leaf as a node); pairs are hashed sorted, so a
//! proof is only the siblings, without left/right flags.

use crate::shared::hash::sha256;

const LEAF: &[u8] = &[0];
const NODE: &[u8] = &[1];

/// `sha256(0x00 || skill || worker || value)`: the skill's address binds a
/// proof to one skill, the worker's to one worker.
#[inline(always)]
pub fn leaf(skill: &[u8; 32], worker: &[u8; 32], value: u8) -> [u8; 32] {
    sha256(&[LEAF, skill, worker, &[value]])
}

/// `sha256(0x01 || min(a, b) || max(a, b))`. The order is decided by the
/// first differing byte, found by a plain loop: on hashes that is almost
/// always the first, where a generic slice comparison costs a call. (Copying
/// the pair into one 65-byte slice, to pay the syscall's per-slice minimum
/// once, measured dearer: 382 CU a level against 242.)
#[inline(always)]
pub fn node(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    let a_first = a
        .iter()
        .zip(b)
        .find(|(x, y)| x != y)
        .is_none_or(|(x, y)| x < y);
    let (lo, hi) = if a_first { (a, b) } else { (b, a) };
    sha256(&[NODE, lo, hi])
}

/// The root `leaf` leads to through `siblings` (32 bytes each, leaf
/// upwards); None when `siblings` is not a whole number of hashes.
#[inline(always)]
pub fn root_of(leaf: [u8; 32], siblings: &[u8]) -> Option<[u8; 32]> {
    if !siblings.len().is_multiple_of(32) {
        return None;
    }
    let mut at = leaf;
    for s in siblings.chunks_exact(32) {
        at = node(&at, s.try_into().ok()?);
    }
    Some(at)
}
