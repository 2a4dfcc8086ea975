"""`accept_skilled_tasks`: acceptance of a batch that requires skills, with a
Merkle proof of the worker's value per required skill."""

from __future__ import annotations

from pathlib import Path

import pytest
from skills import (
    SkillScene,
    gate_ix,
    qualification_batch,
    qualify,
    ro,
    set_rating,
    skill_scene,
)
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from adversarial import Attack
from amplify_sdk import instructions
from amplify_sdk.errors import (
    InvalidAccountData,
    InvalidOwner,
    InvalidPda,
    InvalidSkillProof,
    MalformedSkillProof,
    NotEnoughAccounts,
    SkillProofRequired,
    SkillTooLow,
    WrongSkill,
)
from amplify_sdk.protocol import (
    SkillTree,
    batch_skills_pda,
    config_pda,
    encode_skill_proofs,
    skill_leaf,
    skill_node,
)
from amplify_sdk.quality.grading import grade_batch
from amplify_sdk.quality.qualification import set_skill_from_grades
from amplify_sdk.storage import LocalStore
from market import Market


async def proof_ix(s: SkillScene, worker: Pubkey, proofs: bytes, items: list[int]) -> Instruction:
    return instructions.accept_skilled_tasks(
        worker, s.batch.address, s.market.table(s.batch), items, proofs, [ro(s.skill.address)]
    )


def tree(s: SkillScene) -> SkillTree:
    return SkillTree.build(s.skill.address, s.values)


async def test_accept_skilled_tasks_takes_qualified_workers_only(
    market: Market, tmp_path: Path
) -> None:
    s = await skill_scene(market, tmp_path)
    top, at_min, below, _ = s.workers
    # The SDK finds the gate, fetches the published leaf list and proves.
    for w, items in ((top, [0, 1]), (at_min, [2, 3])):
        got = await w.accept_tasks(s.batch.address, items, store=s.store)
        assert [o.ok for o in got] == [True, True]
    with pytest.raises(SkillTooLow):
        await below.accept_tasks(s.batch.address, [4], store=s.store)
    # Sent anyway, the program refuses it too: 49 < 50.
    value, siblings = tree(s).proof(below.address)
    assert value == 49
    with pytest.raises(SkillTooLow):
        await below.send(
            [await proof_ix(s, below.address, encode_skill_proofs([(49, siblings)]), [4])]
        )
    b = await market.requester.get_batch(s.batch.address)
    assert b.reserved_count == 4 and b.roster_len == 2
    # Without proofs, plain accept_tasks is refused whole on a gated batch.
    with pytest.raises(SkillProofRequired):
        await top.send(
            [instructions.accept_tasks(top.address, s.batch.address, market.table(b), [5])]
        )


async def test_fail_accept_skilled_tasks_with_a_worker_the_issuer_never_qualified(
    market: Market, tmp_path: Path
) -> None:
    # Bug class: forged qualification (a Sybil with a perfect rating and the
    # published leaf list in hand, trying every proof it can build).
    s = await skill_scene(market, tmp_path)
    outsider = await market.worker()
    await set_rating(market, outsider.address, 5_000)
    assert (await outsider.profile()).rating == 5_000
    with pytest.raises(InvalidSkillProof):
        await outsider.accept_tasks(s.batch.address, [0], store=s.store)
    t = tree(s)
    top = s.workers[0].address
    value, siblings = t.proof(top)
    levels = [[skill_leaf(s.skill.address, w, v) for w, v in t.values]]
    attempts = [
        (100, []),  # a claim with no proof
        (value, siblings),  # a qualified worker's proof, replayed
        (100, siblings),  # ... with a better value
        (100, siblings[1:]),  # a level shorter
        (0, [levels[0][1], *siblings[1:]]),  # leaf-of-another as sibling
    ]
    for v, sib in attempts:
        ix = await proof_ix(s, outsider.address, encode_skill_proofs([(v, sib)]), [0])
        with pytest.raises(InvalidSkillProof):
            await outsider.send([ix])
    # The tree is the one the docs define (so the attempts above were made
    # against the real structure): two levels of pairs over four leaves.
    inner = skill_node(levels[0][0], levels[0][1])
    assert skill_node(inner, skill_node(levels[0][2], levels[0][3])) == t.root
    # Its own skill (a ring's issuer qualifying it at 100) is not the one required.
    ring = await market.other_requester()
    own = await ring.create_skill("medical annotator")
    own = await ring.set_skill(own.address, {outsider.address: 100}, s.store)
    _, own_sib = SkillTree.build(own.address, {outsider.address: 100}).proof(outsider.address)
    ix = instructions.accept_skilled_tasks(
        outsider.address,
        s.batch.address,
        market.table(s.batch),
        [0],
        encode_skill_proofs([(100, own_sib)]),
        [ro(own.address)],
    )
    with pytest.raises(WrongSkill):
        await outsider.send([ix])
    b = await market.requester.get_batch(s.batch.address)
    assert b.reserved_count == 0 and b.roster_len == 0


async def test_fail_accept_skilled_tasks_with_a_revoked_or_lowered_worker(
    market: Market, tmp_path: Path
) -> None:
    # Bug class: stale authorization (a proof from before the issuer's new root).
    s = await skill_scene(market, tmp_path)
    top, at_min = s.workers[:2]
    old = tree(s)
    stale = {w.address: encode_skill_proofs([old.proof(w.address)]) for w in (top, at_min)}
    assert (await top.accept_tasks(s.batch.address, [0], store=s.store))[0].ok
    skill = await s.issuer.revoke_skill(s.skill.address, [top.address], s.store)
    assert skill.epoch == 2 and skill.worker_count == 3
    skill = await s.issuer.set_skill(s.skill.address, {at_min.address: 30}, s.store)
    assert skill.epoch == 3
    with pytest.raises(InvalidSkillProof):
        await top.send([await proof_ix(s, top.address, stale[top.address], [1])])
    with pytest.raises(InvalidSkillProof):
        await at_min.send([await proof_ix(s, at_min.address, stale[at_min.address], [1])])
    with pytest.raises(InvalidSkillProof):
        await top.accept_tasks(s.batch.address, [1], store=s.store)
    with pytest.raises(SkillTooLow):
        await at_min.accept_tasks(s.batch.address, [1], store=s.store)
    fresh = SkillTree.build(s.skill.address, {**s.values, at_min.address: 30})
    fresh = SkillTree.build(s.skill.address, {w: v for w, v in fresh.values if w != top.address})
    assert fresh.root == skill.root
    with pytest.raises(SkillTooLow):
        await at_min.send(
            [
                await proof_ix(
                    s, at_min.address, encode_skill_proofs([fresh.proof(at_min.address)]), [1]
                )
            ]
        )
    # Raised again: passes with the new root.
    await s.issuer.set_skill(s.skill.address, {at_min.address: 80}, s.store)
    assert (await at_min.accept_tasks(s.batch.address, [1], store=s.store))[0].ok


async def test_fail_accept_skilled_tasks_with_malformed_proofs(
    market: Market, tmp_path: Path
) -> None:
    # Bug class: malformed data (proof bytes that do not parse).
    s = await skill_scene(market, tmp_path)
    w = s.workers[0]
    good = encode_skill_proofs([tree(s).proof(w.address)])
    for bad in (
        b"",
        good[:1],
        good[:-1],
        good + b"\x00",
        bytes([101, 0]),
        bytes([90, 21]) + bytes(21 * 32),
    ):
        with pytest.raises(MalformedSkillProof):
            await w.send([await proof_ix(s, w.address, bad, [0])])
    assert (await w.send([await proof_ix(s, w.address, good, [0])])).events


# -- adversarial ---------------------------------------------------------------


@pytest.fixture
async def attack(market: Market, tmp_path: Path) -> Attack:
    s = await skill_scene(market, tmp_path)
    w = s.workers[0]
    other = await market.batch(n_items=2, salt=b"other")
    await market.requester.require_skills(other.address, [(s.skill.address, 1)])
    proofs = encode_skill_proofs([tree(s).proof(w.address)])
    ix = await proof_ix(s, w.address, proofs, [0, 1])
    payer = await market.other_requester()
    return Attack(market, ix, [w.wallet], payer, [], {"s": s, "other": other})


async def test_fail_accept_skilled_tasks_with_substituted_requirements(attack: Attack) -> None:
    # Bug class: substituted accounts (another batch's requirement, a fake PDA,
    # the skill account left out, repeated or replaced).
    s: SkillScene = attack.scene["s"]
    other = attack.scene["other"]
    await attack.substituted(
        [
            ("batch_skills", batch_skills_pda(other.address)[0], InvalidPda),
            ("batch_skills", config_pda()[0], InvalidAccountData),
            ("batch_skills", Keypair().pubkey(), InvalidOwner),
        ]
    )
    await attack.refused(attack.with_remaining([]), NotEnoughAccounts)
    skill = ro(s.skill.address)
    await attack.refused(attack.with_remaining([skill, skill]), WrongSkill)
    await attack.refused(attack.with_remaining([ro(config_pda()[0])]), WrongSkill)
    await attack.expect_ok()


async def test_fail_accept_skilled_tasks_with_a_forged_skill_account(attack: Attack) -> None:
    # Bug class: wrong owner / fake PDA (a copy of the skill with the
    # attacker's root, at another address or owned by another program).
    s: SkillScene = attack.scene["s"]
    from amplify_sdk.protocol import PROGRAM_ID

    for owner in (PROGRAM_ID, Keypair().pubkey()):
        fake = await attack.clone(s.skill.address, owner)
        await attack.refused(attack.with_remaining([ro(fake)]), WrongSkill)


async def test_fail_accept_skilled_tasks_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion.
    s: SkillScene = attack.scene["s"]
    await attack.substituted(
        [
            ("batch", config_pda()[0], InvalidPda),
            ("batch_skills", s.skill.address, InvalidAccountData),
        ]
    )


async def test_fail_accept_skilled_tasks_with_the_same_account_in_two_roles(
    attack: Attack,
) -> None:
    # Bug class: duplicate accounts.
    await attack.twice([("batch", "batch_skills", InvalidAccountData)])


async def test_fail_accept_skilled_tasks_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer.
    await attack.missing_signers()
    await attack.expect_ok()


async def test_fail_accept_skilled_tasks_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags.
    await attack.read_only()


async def test_fail_accept_skilled_tasks_with_substituted_programs(attack: Attack) -> None:
    # Bug class: fake system program / clock.
    await attack.substituted_programs()


async def test_fail_accept_skilled_tasks_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_accept_skilled_tasks_with_truncated_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (truncated).
    await attack.truncated_data()


async def test_fail_accept_skilled_tasks_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()


async def test_fail_accept_skilled_tasks_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_accept_skilled_tasks_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion.
    await attack.unknown_discriminators()


async def test_fail_accept_skilled_tasks_with_lying_vector_lengths(attack: Attack) -> None:
    # Bug class: malformed lengths.
    await attack.lying_lengths()


# -- gates on skills set from grading (amplify_sdk.quality.qualification) -------------------


async def test_fail_accept_skilled_tasks_with_a_worker_the_grading_never_qualified(
    market: Market, tmp_path: Path
) -> None:
    # Bug class: qualification forged around the grading: a Sybil with a
    # perfect rating that never took the test, one that answered a few gold
    # items right (too little evidence: no value), each trying the proofs it
    # can build from the published leaf list.
    req = market.requester
    store = LocalStore(tmp_path / "skills")
    good, lucky, outsider = [await market.worker() for _ in range(3)]
    batch, opening, doc = await qualification_batch(req, [good, lucky], [20, 5], answered=[20, 5])
    grades = await grade_batch(req, batch, gold=opening, instructions=doc)
    skill = await req.create_skill("moderation")
    update = await set_skill_from_grades(req, skill.address, grades, store)
    # The lucky one: 5 gold answers, 5 shared: 10 graded answers < 20.
    assert {c.worker: c.outcome for c in update.changes} == {
        good.address: "granted",
        lucky.address: "none",
    }
    assert dict((await req.skill_tree(skill.address, store)).values) == {good.address: 100}
    await set_rating(market, outsider.address, 5_000)
    gated = await market.batch(n_items=4)
    await req.require_skills(gated.address, [(skill.address, 50)])
    gated = await req.get_batch(gated.address)
    tree = SkillTree.build(skill.address, {good.address: 100})
    _, siblings = tree.proof(good.address)
    for w in (lucky, outsider):
        with pytest.raises(InvalidSkillProof):
            await w.accept_tasks(gated.address, [0], store=store)
        # Sent anyway, claiming the qualified worker's value with its proof.
        claims: list[list[tuple[int, list[bytes]]]] = [[(100, siblings)], [(100, [])]]
        for proof in claims:
            with pytest.raises(InvalidSkillProof):
                await w.send([gate_ix(market, gated, w.address, skill.address, proof, [0])])
    assert (await req.get_batch(gated.address)).reserved_count == 0
    assert [o.ok for o in await good.accept_tasks(gated.address, [0], store=store)] == [True]


async def test_fail_accept_skilled_tasks_with_a_value_graded_below_the_minimum_since(
    market: Market, tmp_path: Path
) -> None:
    # Bug class: a qualification that outlives the worker's decline (an old
    # value, or its proof against an older root, still passing the gate).
    req = market.requester
    store = LocalStore(tmp_path / "skills")
    steady, slipping, absent = [await market.worker() for _ in range(3)]
    skill = (await req.create_skill("moderation")).address
    outcomes, values = await qualify(market, store, skill, [steady, slipping, absent], [20, 18, 19])
    assert values == {steady.address: 100, slipping.address: 80, absent.address: 90}
    gated = await market.batch(n_items=8)
    await req.require_skills(gated.address, [(skill, 60)])
    gated = await req.get_batch(gated.address)
    assert [o.ok for o in await slipping.accept_tasks(gated.address, [0], store=store)] == [True]
    old = SkillTree.build(skill, values).proof(slipping.address)

    # Graded again, 12 of 20 right: 20 < 60. Merged: `absent`, not graded
    # this time, keeps its 90.
    outcomes, values = await qualify(market, store, skill, [steady, slipping], [20, 12])
    assert outcomes == {"unchanged", "lowered"}
    assert values == {steady.address: 100, slipping.address: 20, absent.address: 90}
    with pytest.raises(SkillTooLow):
        await slipping.accept_tasks(gated.address, [1], store=store)
    ix = gate_ix(market, gated, slipping.address, skill, [old], [1])
    with pytest.raises(InvalidSkillProof):  # its proof of 80, against the old root
        await slipping.send([ix])
    for w, item in ((steady, 2), (absent, 3)):
        assert [o.ok for o in await w.accept_tasks(gated.address, [item], store=store)] == [True]

    # Replaced by a grading without `absent`: it loses the skill.
    outcomes, values = await qualify(
        market, store, skill, [steady, slipping], [20, 12], replace=True
    )
    assert outcomes == {"unchanged", "removed"}
    assert values == {steady.address: 100, slipping.address: 20}
    with pytest.raises(InvalidSkillProof):
        await absent.accept_tasks(gated.address, [4], store=store)
