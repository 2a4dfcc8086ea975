"""The skill commitment off chain (`amplify_sdk.protocol.SkillTree`): every
worker's proof leads to the root, nothing else does, the published leaf list
rebuilds the same tree, and the program agrees (tests/test_accept_skilled_tasks.py
sends these proofs; the Rust unit test checks the same vector)."""

from __future__ import annotations

import hashlib
import random

import pytest
from solders.pubkey import Pubkey

from amplify_sdk.protocol import SkillTree, skill_leaf, skill_node, verify_skill_proof


def keys(n: int, seed: int) -> list[Pubkey]:
    rng = random.Random(seed)
    return [Pubkey.from_bytes(rng.randbytes(32)) for _ in range(n)]


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 17, 100])
def test_every_proof_verifies_and_only_its_own(n: int) -> None:
    skill, *workers = keys(n + 1, n)
    values = {w: i % 101 for i, w in enumerate(workers)}
    tree = SkillTree.build(skill, values)
    other_skill = keys(1, 999)[0]
    for w in workers:
        value, siblings = tree.proof(w)
        assert value == values[w]
        assert len(siblings) <= max(1, (n - 1).bit_length())
        assert verify_skill_proof(skill, w, value, siblings, tree.root)
        assert not verify_skill_proof(other_skill, w, value, siblings, tree.root)
        if value < 100:
            assert not verify_skill_proof(skill, w, value + 1, siblings, tree.root)
        for other in workers:
            if other != w:
                assert not verify_skill_proof(skill, other, value, siblings, tree.root)
                break


def test_the_root_is_the_leaf_hashes_folded_by_level() -> None:
    # Written out from the definition for 3 workers: leaves by worker
    # address; the odd one moves up unchanged.
    skill, a, b, c = sorted(keys(4, 3), key=bytes)
    tree = SkillTree.build(skill, {c: 7, a: 100, b: 0})
    # Every hash is cut to its first 20 bytes; nodes hash the sorted pair
    # alone (40 bytes), leaves 66 bytes from the 0x00 prefix.
    la, lb, lc = (
        hashlib.sha256(b"\x00" + bytes(skill) + bytes(w) + bytes([v])).digest()[:20]
        for w, v in ((a, 100), (b, 0), (c, 7))
    )
    ab = hashlib.sha256(min(la, lb) + max(la, lb)).digest()[:20]
    assert tree.root == hashlib.sha256(min(ab, lc) + max(ab, lc)).digest()[:20]
    assert len(tree.root) == 20
    assert skill_leaf(skill, a, 100) == la and skill_node(lb, la) == ab


def test_leaf_list_round_trips_and_rejects_damage() -> None:
    skill, *workers = keys(6, 4)
    tree = SkillTree.build(skill, {w: 50 + i for i, w in enumerate(workers)})
    data = tree.encode()
    assert len(data) == 8 + 1 + 32 + 4 + 33 * 5
    assert SkillTree.decode(data) == tree
    for bad in (data[:-1], b"X" + data[1:], data[:8] + b"\x02" + data[9:], data + b"\x00"):
        with pytest.raises(ValueError):
            SkillTree.decode(bad)
    dup = data[:45] + (6).to_bytes(4, "little")[:0] + data[45:] + data[45:78]
    dup = dup[:41] + (6).to_bytes(4, "little") + dup[45:]
    with pytest.raises(ValueError, match="twice"):
        SkillTree.decode(dup)


def test_values_outside_0_to_100_are_refused() -> None:
    skill, w = keys(2, 5)
    for v in (-1, 101):
        with pytest.raises(ValueError):
            SkillTree.build(skill, {w: v})


def test_an_empty_skill_has_the_zero_root_and_no_proof() -> None:
    skill, w = keys(2, 6)
    tree = SkillTree.build(skill, {})
    assert tree.root == bytes(20)
    with pytest.raises(KeyError):
        tree.proof(w)
    assert not verify_skill_proof(skill, w, 0, [], tree.root)


def test_rust_vector() -> None:
    # The same vector as programs/amplify/src/tests/merkle.rs.
    skill = Pubkey.from_bytes(bytes([1]) * 32)
    workers = [Pubkey.from_bytes(bytes([i]) * 32) for i in (2, 3, 4)]
    tree = SkillTree.build(skill, dict(zip(workers, (10, 20, 30), strict=True)))
    value, siblings = tree.proof(workers[2])
    assert value == 30 and len(siblings) == 1
    assert tree.root.hex() == RUST_ROOT


RUST_ROOT = "8cc13020bf0ede6c2d10007806c0a997c48f625e"
