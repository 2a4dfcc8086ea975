//! The skill commitment: the same vector as tests/test_skill_tree.py, so the
//! program and the SDK build the same tree.

use crate::shared::merkle::{leaf, node, root_of};

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
    let root = root_of(c, &ab).unwrap();
    assert_eq!(
        hex(&root),
        "a66e9cd7333592c84d8c17fb6d7356c834c206c0441c2fc24731ece85e992e7f"
    );
    // A leaf as a node, a wrong value, a partial sibling: other roots.
    assert_ne!(root_of(leaf(&skill, &[4; 32], 31), &ab), Some(root));
    assert_ne!(root_of(node(&c, &c), &[]), Some(root));
    assert_eq!(root_of(c, &ab[..31]), None);
}
