"""`set_skill`: the authority publishes a new root (grant, raise, lower, revoke)."""

from __future__ import annotations

from pathlib import Path

import pytest
from solders.keypair import Keypair

from adversarial import Attack
from amplify_sdk import instructions
from amplify_sdk.errors import (
    InvalidAccountData,
    InvalidOwner,
    InvalidParams,
    Unauthorized,
    UriTooLong,
)
from amplify_sdk.protocol import SkillTree, config_pda
from amplify_sdk.storage import LocalStore
from market import Market


async def test_set_skill_sets_a_thousand_workers_in_one_transaction(
    market: Market, tmp_path: Path
) -> None:
    store = LocalStore(tmp_path)
    issuer = await market.other_requester()
    skill = await issuer.create_skill("s")
    values = {Keypair().pubkey(): i % 101 for i in range(1_000)}
    before = len(issuer.receipts)
    skill = await issuer.set_skill(skill.address, values, store)
    assert len(issuer.receipts) - before == 1
    assert (skill.epoch, skill.worker_count) == (1, 1_000)
    assert skill.root == SkillTree.build(skill.address, values).root
    assert issuer.last_receipt is not None
    assert issuer.last_receipt.events[0].fields["worker_count"] == 1_000
    # Anyone rebuilds the same tree from the published leaf list.
    reader = await market.worker()
    tree = await reader.skill_tree(skill.address, store)
    assert dict(tree.values) == values


@pytest.fixture
async def attack(market: Market) -> Attack:
    issuer = await market.other_requester()
    skill = await issuer.create_skill("s")
    w = Keypair().pubkey()
    root = SkillTree.build(skill.address, {w: 70}).root
    ix = instructions.set_skill(issuer.address, skill.address, root, 1, bytes(32), "file:///x")
    other = await (await market.other_requester()).create_skill("other")
    return Attack(
        market, ix, [issuer.wallet], market.requester, [], {"issuer": issuer, "other": other}
    )


async def test_fail_set_skill_with_another_signer(attack: Attack) -> None:
    # Bug class: missing authority (a stranger or another skill's authority
    # setting values).
    stranger = Keypair()
    await attack.market.backend.airdrop(stranger.pubkey(), 10**9)
    await attack.refused(attack.swap("authority", stranger.pubkey()), Unauthorized, [stranger])
    await attack.substituted([("skill", attack.scene["other"].address, Unauthorized)])
    await attack.expect_ok()


async def test_fail_set_skill_with_an_inconsistent_root(attack: Attack) -> None:
    # Bug class: unchecked input (a zero root claiming workers, a root
    # claiming none; a URI past the account's room).
    await attack.arguments(
        [
            ({"root": bytes(20)}, InvalidParams),
            ({"worker_count": 0}, InvalidParams),
            ({"leaves_uri": "x" * 201}, UriTooLong),
        ]
    )
    await attack.expect_ok(attack.with_args(root=bytes(20), worker_count=0))


async def test_fail_set_skill_with_accounts_of_another_owner(attack: Attack) -> None:
    # Bug class: wrong owner (a forged skill naming the attacker as authority).
    await attack.other_owner(["skill"], InvalidOwner)


async def test_fail_set_skill_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion.
    await attack.substituted([("skill", config_pda()[0], InvalidAccountData)])


async def test_fail_set_skill_with_the_same_account_in_two_roles(attack: Attack) -> None:
    # Bug class: duplicate accounts.
    await attack.twice([("authority", "skill", InvalidOwner)])


async def test_fail_set_skill_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer.
    await attack.missing_signers()
    await attack.expect_ok()


async def test_fail_set_skill_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags.
    await attack.read_only()


async def test_fail_set_skill_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_set_skill_with_truncated_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (truncated).
    await attack.truncated_data()


async def test_fail_set_skill_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()


async def test_fail_set_skill_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_set_skill_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion.
    await attack.unknown_discriminators()


async def test_fail_set_skill_with_lying_vector_lengths(attack: Attack) -> None:
    # Bug class: malformed lengths.
    await attack.lying_lengths()
