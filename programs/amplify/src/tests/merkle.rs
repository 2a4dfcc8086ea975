//! The skill commitment: the same vector as tests/test_skill_tree.py, so the
//! program and the SDK build the same tree.

use crate::shared::merkle::{leaf, node, proves, N};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn proof_of_the_third_worker_reaches_the_sdk_root() {
    let skill = [1u8; 32];
    let (a, b, c) = (
        leaf(&skill, &[2; 32], 10),
        leaf(&skill, &[3; 32], 20),
        leaf(&skill, &[4; 32], 30),
    );
    let ab = node(&a, &b);
    assert_eq!(node(&b, &a), ab);
    let root = node(&c, &ab);
    assert_eq!(root.len(), 20);
    assert_eq!(hex(&root), ROOT);
    assert_eq!(proves((&skill, &[4; 32], 30), &ab, &root), Some(true));
    assert_eq!(
        proves((&skill, &[2; 32], 10), &[b, c].concat(), &root),
        Some(true)
    );
    // A wrong value, another worker, a leaf as a node, a partial sibling.
    assert_eq!(proves((&skill, &[4; 32], 31), &ab, &root), Some(false));
    assert_eq!(proves((&skill, &[5; 32], 30), &ab, &root), Some(false));
    assert_eq!(
        proves((&skill, &[4; 32], 30), &[], &node(&c, &c)),
        Some(false)
    );
    assert_eq!(proves((&skill, &[4; 32], 30), &ab[..N - 1], &root), None);
}

const ROOT: &str = "8cc13020bf0ede6c2d10007806c0a997c48f625e";
