//! Skill values committed as a Merkle tree (docs/reputation.md, "Skills").
//!
//! A leaf hashes 66 bytes (0x00, skill, worker, value), a node 40 (two
//! nodes): no input is both, so a node can never be presented as a leaf (or
//! a leaf as a node), and the check builds the leaf itself. (A 0x01 prefix
//! on nodes would add nothing but a third slice to each syscall: 10 CU a
//! level.) Pairs are hashed sorted, so a proof is only the siblings, without
//! left/right flags.
//!
//! Every hash is cut to its first `SKILL_NODE_BYTES` (20) bytes. The issuer
//! builds the tree; a worker forging a value needs an input of its choice
//! that hashes to a node of a tree it did not build (a second preimage:
//! about 2^160 hashes at 20 bytes). Collisions (2^80) would help only
//! someone who writes two leaves, and a worker writes none: the issuer sets
//! every value, and a leaf binds the worker's key, which the worker would
//! have to grind as an ed25519 key pair per attempt. Twenty bytes rather than
//! 32 make a proof of 1,000 workers 120 bytes shorter: 30 more items in the
//! accept transaction.

use crate::{generated::constants::SKILL_NODE_BYTES, shared::hash::sha256_into};

const LEAF: &[u8] = &[0];
/// Bytes of a node.
pub const N: usize = SKILL_NODE_BYTES as usize;

/// A node: the first `N` bytes of a hash.
pub type Node = [u8; N];

/// `sha256(0x00 || skill || worker || value)`, whole: the skill's address
/// binds a proof to one skill, the worker's to one worker.
#[inline(always)]
fn leaf_into(skill: &[u8; 32], worker: &[u8; 32], value: u8, out: &mut [u8; 32]) {
    sha256_into(&[LEAF, skill, worker, &[value]], out);
}

/// Whether `a` sorts before (or equals) `b`. The first differing byte
/// decides, found by a plain loop: on hashes that is almost always the
/// first, where a generic slice comparison costs a call.
#[inline(always)]
fn sorts_first(a: &[u8], b: &[u8]) -> bool {
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return x < y;
        }
    }
    true
}

/// Whether the proof `siblings` (`N` bytes each, leaf upwards) leads from
/// the leaf of (`skill`, `worker`, `value`) to `root`; None when `siblings`
/// is not a whole number of nodes. Two 32-byte buffers take turns as the
/// syscall's output, and each level hashes the current node and the sibling
/// in place (the sibling straight from the instruction data): no copies.
/// (Copying a pair into one slice, to pay the syscall's per-slice minimum
/// once, measured dearer.)
#[inline(always)]
pub fn proves(
    (skill, worker, value): (&[u8; 32], &[u8; 32], u8),
    siblings: &[u8],
    root: &Node,
) -> Option<bool> {
    if !siblings.len().is_multiple_of(N) {
        return None;
    }
    let (mut one, mut two) = ([0u8; 32], [0u8; 32]);
    leaf_into(skill, worker, value, &mut one);
    let (mut at, mut spare) = (&mut one, &mut two);
    for s in siblings.chunks_exact(N) {
        let cur: &[u8] = node_of(at);
        let (lo, hi) = if sorts_first(cur, s) {
            (cur, s)
        } else {
            (s, cur)
        };
        sha256_into(&[lo, hi], spare);
        core::mem::swap(&mut at, &mut spare);
    }
    Some(same(node_of(at), root))
}

/// The node in a hash: its first `N` bytes.
#[inline(always)]
fn node_of(hash: &[u8; 32]) -> &Node {
    let (node, _) = hash.split_first_chunk::<N>().unwrap_or((&[0; N], &[]));
    node
}

/// `a == b` by 8-, 8- and 4-byte words: a byte loop, or `memcmp`, costs more.
#[inline(always)]
fn same(a: &Node, b: &Node) -> bool {
    let w = |n: &Node| {
        let (x, rest) = n.split_first_chunk::<8>().unwrap_or((&[0; 8], &[]));
        let (y, rest) = rest.split_first_chunk::<8>().unwrap_or((&[0; 8], &[]));
        let (z, _) = rest.split_first_chunk::<4>().unwrap_or((&[0; 4], &[]));
        (
            u64::from_ne_bytes(*x),
            u64::from_ne_bytes(*y),
            u32::from_ne_bytes(*z),
        )
    };
    w(a) == w(b)
}

/// The leaf node of (`skill`, `worker`, `value`) (tests build trees with it).
#[cfg(test)]
pub fn leaf(skill: &[u8; 32], worker: &[u8; 32], value: u8) -> Node {
    let mut out = [0u8; 32];
    leaf_into(skill, worker, value, &mut out);
    cut(&out)
}

/// `sha256(min(a, b) || max(a, b))`, cut to a node.
#[cfg(test)]
pub fn node(a: &Node, b: &Node) -> Node {
    let (lo, hi) = if sorts_first(a, b) { (a, b) } else { (b, a) };
    let mut out = [0u8; 32];
    sha256_into(&[lo, hi], &mut out);
    cut(&out)
}

#[cfg(test)]
fn cut(hash: &[u8; 32]) -> Node {
    let mut n = [0u8; N];
    n.copy_from_slice(&hash[..N]);
    n
}
