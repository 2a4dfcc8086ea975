"""`require_skills`: a requester gates its batch on skills, its own or another issuer's."""

from __future__ import annotations

from pathlib import Path

import pytest
from skills import ro, skill_scene
from solders.instruction import Instruction
from solders.keypair import Keypair

from adversarial import Attack
from amplify_sdk import instructions
from amplify_sdk.errors import (
    BatchCancelled,
    InvalidAccountData,
    InvalidOwner,
    InvalidPda,
    InvalidSkillRequirement,
    Unauthorized,
    WrongSkill,
)
from amplify_sdk.protocol import batch_skills_pda, config_pda
from market import Market, swap


async def test_require_skills_sets_and_lifts_the_gate(market: Market, tmp_path: Path) -> None:
    s = await skill_scene(market, tmp_path)
    req = await market.requester.get_batch_skills(s.batch.address)
    assert req is not None and req.required == ((s.skill.address, 50),)
    assert s.batch.skill_count == 1
    second = await s.issuer.create_skill("second")
    req = await market.requester.require_skills(
        s.batch.address, [(second.address, 1), (s.skill.address, 100)]
    )
    assert req is not None and req.required == ((second.address, 1), (s.skill.address, 100))
    req = await market.requester.require_skills(s.batch.address, [])
    assert req is not None and req.count == 0
    b = await market.requester.get_batch(s.batch.address)
    assert b.skill_count == 0
    # Lifted: any worker, plain accept_tasks.
    w = await market.worker()
    assert (await w.accept_tasks(b.address, [0]))[0].ok


@pytest.fixture
async def attack(market: Market, tmp_path: Path) -> Attack:
    issuer = await market.other_requester()
    skills = [await issuer.create_skill(f"s{i}") for i in range(4)]
    b = await market.batch(n_items=2)
    other = await market.batch(n_items=1, salt=b"o", requester=await market.other_requester())
    ix = instructions.require_skills(
        market.requester.address,
        b.address,
        bytes([10, 20]),
        [ro(skills[0].address), ro(skills[1].address)],
    )
    return Attack(
        market,
        ix,
        [market.requester.wallet],
        await market.other_requester(),
        [],
        {"skills": skills, "b": b, "other": other},
    )


async def test_fail_require_skills_with_bad_requirements(attack: Attack) -> None:
    # Bug class: unchecked input (too many skills, minimums out of 1-100, a
    # skill twice, minimums and skill accounts of different counts).
    sk = [ro(s.address) for s in attack.scene["skills"]]
    cases = [
        (bytes([10, 20, 30, 40]), sk),
        (bytes([0, 20]), sk[:2]),
        (bytes([10, 101]), sk[:2]),
        (bytes([10, 20]), [sk[0], sk[0]]),
        (bytes([10]), sk[:2]),
        (bytes([10, 20, 30]), sk[:2]),
    ]
    for mins, metas in cases:
        fixed = list(attack.ix.accounts)[:4]
        data = bytes(attack.with_args(minimums=mins).data)
        ix = Instruction(attack.ix.program_id, data, [*fixed, *metas])
        await attack.refused(ix, InvalidSkillRequirement, what=f"{mins.hex()} x {len(metas)}")
    await attack.expect_ok()


async def test_fail_require_skills_with_something_not_a_skill(attack: Attack) -> None:
    # Bug class: type confusion / wrong owner in the remaining accounts (a
    # config, a batch, an address with no account, a forged skill copy).
    sk = attack.scene["skills"][0].address
    fake = await attack.clone(sk, Keypair().pubkey())
    for bad in (config_pda()[0], attack.scene["b"].address, Keypair().pubkey(), fake):
        await attack.refused(attack.with_remaining([ro(sk), ro(bad)]), WrongSkill)


async def test_fail_require_skills_with_another_requester(attack: Attack) -> None:
    # Bug class: missing authority (gating someone else's batch).
    stranger = Keypair()
    await attack.market.backend.airdrop(stranger.pubkey(), 10**9)
    other = attack.scene["other"].address
    await attack.refused(attack.swap("requester", stranger.pubkey()), Unauthorized, [stranger])
    ix = swap(attack.swap("batch", other), "batch_skills", batch_skills_pda(other)[0])
    await attack.refused(ix, Unauthorized)


async def test_fail_require_skills_with_a_fake_pda(attack: Attack) -> None:
    # Bug class: fake PDA (another batch's requirement account, or any address).
    other = attack.scene["other"].address
    await attack.substituted(
        [
            ("batch_skills", batch_skills_pda(other)[0], InvalidPda),
            ("batch_skills", Keypair().pubkey(), InvalidPda),
        ]
    )


async def test_fail_require_skills_with_a_cancelled_batch(market: Market, attack: Attack) -> None:
    # Bug class: state-machine bypass.
    await market.requester.cancel_batch(attack.scene["b"].address)
    await attack.refused(attack.ix, BatchCancelled)


async def test_fail_require_skills_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion.
    await attack.substituted([("batch", config_pda()[0], InvalidAccountData)])


async def test_fail_require_skills_with_accounts_of_another_owner(attack: Attack) -> None:
    # Bug class: wrong owner (a forged batch naming the attacker).
    await attack.other_owner(["batch"], InvalidOwner)


async def test_fail_require_skills_with_the_same_account_in_two_roles(attack: Attack) -> None:
    # Bug class: duplicate accounts.
    await attack.twice([("requester", "batch", InvalidOwner)])


async def test_fail_require_skills_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer.
    await attack.missing_signers()
    await attack.expect_ok()


async def test_fail_require_skills_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags.
    await attack.read_only()


async def test_fail_require_skills_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_require_skills_with_truncated_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (truncated).
    await attack.truncated_data()


async def test_fail_require_skills_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()


async def test_fail_require_skills_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_require_skills_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion.
    await attack.unknown_discriminators()


async def test_fail_require_skills_with_substituted_programs(attack: Attack) -> None:
    # Bug class: fake system program.
    await attack.substituted_programs()


async def test_fail_require_skills_with_lying_vector_lengths(attack: Attack) -> None:
    # Bug class: malformed lengths.
    await attack.lying_lengths()
