"""`settle_items`: dynamic overlap. The requester settles items whose label is
already confident: their open slots are refunded at once and no worker can
take them; reserved slots stay payable, completed ones rateable."""

from __future__ import annotations

import pytest
from solders.keypair import Keypair

from adversarial import Attack
from amplify_sdk import BatchStatus, instructions
from amplify_sdk.clients._bulk import refusal
from amplify_sdk.errors import (
    BatchCancelled,
    DuplicateAccount,
    EmptyTaskList,
    InvalidAccountData,
    InvalidOwner,
    ItemFull,
    ItemNotFound,
    ItemSettled,
    Unauthorized,
    WrongTable,
)
from amplify_sdk.protocol import config_pda, treasury_pda
from amplify_sdk.quality.agreement import Answer
from amplify_sdk.quality.labels import confident_items, dataset_labels
from market import SIGNATURE_FEE, Market


async def test_settle_items_refunds_open_slots_and_closes_them(market: Market) -> None:
    # Three workers per item; an odd price, so a refund of the wrong count of
    # slots cannot come out right by accident.
    price, bond, redundancy, n = 30_001, 1_000, 3, 5
    b = await market.batch(n_items=n, price=price, bond=bond, redundancy=redundancy)
    w1, w2 = await market.worker(), await market.worker()
    await w1.accept_tasks(b.address, [0, 1, 2])
    await w1.submit_results(b.address, [(0, b"\x01")])
    await w2.accept_tasks(b.address, [0])
    req = market.requester
    before = await req.balance()
    out = await req.settle_items(b.address, [0, 1, 3])
    assert [(o.item, o.ok) for o in out] == [(0, True), (1, True), (3, True)]
    # Item 0: 1 completed, 1 reserved, 1 open; item 1: 1 reserved, 2 open;
    # item 3: 3 open. 6 open slots, each refunded at its price.
    open_slots = (redundancy - 2) + (redundancy - 1) + redundancy
    assert open_slots == 6
    assert req.last_receipt is not None and req.last_receipt.fee == SIGNATURE_FEE
    assert await req.balance() - before == open_slots * price - SIGNATURE_FEE
    (event,) = [e for e in req.last_receipt.events if e.name == "ItemsSettled"]
    assert event.fields == {
        "batch": b.address,
        "items": [0, 1, 3],
        "slots": open_slots,
        "refunded": open_slots * price,
        "refused": [],
    }
    after = await req.get_batch(b.address)
    assert after.cancelled_slots == open_slots and after.refunded_total == open_slots * price
    assert after.status == BatchStatus.OPEN
    await market.assert_escrow_invariant(b.address)
    # No worker can take a settled item; the others are still open.
    w3 = await market.worker()
    assert sorted(await w3.open_items(b.address)) == [2, 4]
    out = await w3.accept_tasks(b.address, [0, 1, 3, 4])
    assert [(o.item, type(o.error)) for o in out if not o.ok] == [
        (0, ItemSettled),
        (1, ItemSettled),
        (3, ItemSettled),
    ]
    # Work in progress is never taken away: reserved slots are paid.
    w2_before = await w2.balance()
    assert all(o.ok for o in await w2.submit_results(b.address, [(0, b"\x02")]))
    assert all(o.ok for o in await w1.submit_results(b.address, [(1, b"\x01")]))
    assert w2.last_receipt is not None
    paid = await w2.balance() - w2_before + w2.last_receipt.fee
    assert paid == (price - after.fee_per_item) + bond
    await market.assert_escrow_invariant(b.address)


async def test_settle_items_reports_items_it_cannot_settle(market: Market) -> None:
    b = await market.batch(n_items=4, redundancy=2)
    w1, w2 = await market.worker(), await market.worker()
    for w in (w1, w2):
        await w.accept_tasks(b.address, [0])
    req = market.requester
    out = await req.settle_items(b.address, [0, 1, 1, 9, 0])
    assert [(o.item, o.ok, type(o.error)) for o in out] == [
        (0, False, ItemFull),  # every slot reserved: nothing open to settle
        (1, True, type(None)),
        (1, False, ItemSettled),  # listed twice: settled by the first copy
        (9, False, ItemNotFound),
        (0, False, ItemFull),  # still nothing open
    ]
    # Refused before sending: the SDK says so with no signature.
    assert [o.signature is None for o in out] == [True, False, True, True, True]
    out = await req.settle_items(b.address, [1])
    assert type(out[0].error) is ItemSettled and out[0].signature is None
    # The program's own refusals, past the SDK's checks: a repeated item and
    # an item settled before are reported, not fatal.
    ix = instructions.settle_items(req.address, b.address, market.table(b), [2, 2, 1, 0])
    receipt = await req.send([ix])
    (event,) = [e for e in receipt.events if e.name == "ItemsSettled"]
    assert event.fields["items"] == [2]
    assert [(r["item"], type(refusal(r["code"]))) for r in event.fields["refused"]] == [
        (2, ItemSettled),
        (1, ItemSettled),
        (0, ItemFull),
    ]
    assert event.fields["slots"] == 2 and event.fields["refunded"] == 2 * b.price
    await market.assert_escrow_invariant(b.address)


async def test_settle_items_then_release_refunds_the_slot(market: Market) -> None:
    # A reservation on a settled item that lapses is refunded, not reopened:
    # no further worker can take the item.
    price, bond = 40_000, 2_000
    b = await market.batch(n_items=2, price=price, bond=bond, redundancy=2, reservation_secs=60)
    w = await market.worker()
    await w.accept_tasks(b.address, [0, 1])
    req = market.requester
    assert all(o.ok for o in await req.settle_items(b.address, [0]))
    market.backend.warp(61 + b.tick_secs)
    before = await req.balance()
    out = await (await market.worker(register=False)).release_expired(b.address, w.address)
    assert sorted(o.item for o in out if o.ok) == [0, 1]
    # Both bonds forfeited; item 0's slot refunded (settled), item 1's reopened.
    assert await req.balance() - before == 2 * bond + price
    after = await req.get_batch(b.address)
    assert after.cancelled_slots == 2  # item 0: one settled, one released
    other = await market.worker()
    assert sorted(await other.open_items(b.address)) == [1]
    out = await other.accept_tasks(b.address, [0, 1])
    assert [(o.item, o.ok, type(o.error)) for o in out] == [
        (0, False, ItemSettled),
        (1, True, type(None)),
    ]
    await market.assert_escrow_invariant(b.address)


async def test_settle_items_lets_a_batch_close_before_expiry(market: Market) -> None:
    # Every slot completed or settled: the batch is done and closes at once.
    b = await market.batch(n_items=3, redundancy=3)
    w = await market.worker()
    await w.accept_tasks(b.address, [0, 1, 2])
    await w.submit_results(b.address, [(i, b"\x01") for i in range(3)])
    req = market.requester
    assert all(o.ok for o in await req.settle_items(b.address, [0, 1, 2]))
    await market.assert_escrow_invariant(b.address)
    rent = await market.rent(b.address) + await market.rent(market.table(b))
    treasury = await market.backend.get_balance(treasury_pda()[0])
    before = await req.balance()
    await req.close_batch(b.address)
    assert req.last_receipt is not None
    assert await req.balance() - before == rent - req.last_receipt.fee
    fee_per_item = -(-b.price * b.fee_bps // 10_000)
    assert await market.backend.get_balance(treasury_pda()[0]) - treasury == 3 * fee_per_item


async def test_settle_items_after_cancel_is_refused(market: Market) -> None:
    b = await market.batch(n_items=2)
    req = market.requester
    await req.cancel_batch(b.address)
    with pytest.raises(BatchCancelled):
        await req.settle_items(b.address, [0])


def test_confident_items_picks_by_posterior_and_answers() -> None:
    # Three reliable workers agree on items 0-3; item 4 is split; item 5 has
    # one answer; item 6 is gold (posterior 1 by definition, never picked).
    a, b, c, d = (Keypair().pubkey() for _ in range(4))
    answers = [Answer(i, w, b"x") for i in range(4) for w in (a, b, c)]
    answers += [Answer(i, d, b"y") for i in range(4)]
    answers += [Answer(4, a, b"x"), Answer(4, b, b"y")]
    answers += [Answer(5, a, b"x")]
    answers += [Answer(6, w, b"x") for w in (a, b, c)]
    labels = dataset_labels(answers, {6: b"x"})
    conf = {r.item: r.confidence for r in labels.rows}
    assert min(conf[i] for i in range(4)) >= 0.9
    picked = confident_items(labels, 0.9, exclude=[6])
    # Item 5 has one answer: never picked at the default of two.
    assert 5 not in picked and {0, 1, 2, 3} <= set(picked)
    assert 5 in confident_items(labels, conf[5], min_answers=1)
    # The threshold is inclusive, and an item just under it is left.
    assert 4 in confident_items(labels, conf[4]) and 4 not in confident_items(
        labels, min(conf[4] + 1e-9, 1.0)
    )
    assert 6 in confident_items(labels, 0.9) and 6 not in picked
    with pytest.raises(ValueError):
        confident_items(labels, 0.0)


# -- adversarial ---------------------------------------------------------------


@pytest.fixture
async def attack(market: Market) -> Attack:
    b = await market.batch(n_items=4, redundancy=2)
    w = await market.worker()
    await w.accept_tasks(b.address, [0])
    other = await market.batch(n_items=1, salt=b"other", requester=await market.other_requester())
    payer = await market.other_requester()
    ix = instructions.settle_items(market.requester.address, b.address, market.table(b), [0, 1])
    return Attack(
        market, ix, [market.requester.wallet], payer, [w.address], {"b": b, "other": other}
    )


async def test_fail_settle_items_with_another_signer(attack: Attack) -> None:
    # Bug class: missing authority (refunds sent to whoever settles).
    stranger = Keypair()
    await attack.market.backend.airdrop(stranger.pubkey(), 10**9)
    await attack.refused(attack.swap("requester", stranger.pubkey()), Unauthorized, [stranger])
    await attack.substituted([("batch", attack.scene["other"].address, Unauthorized)])
    await attack.expect_ok()


async def test_fail_settle_items_with_another_batchs_table(attack: Attack) -> None:
    # Bug class: substituted account of the right type (another batch's slots).
    await attack.substituted([("table", attack.market.table(attack.scene["other"]), WrongTable)])


async def test_fail_settle_items_with_a_second_settle(attack: Attack) -> None:
    # Bug class: replay (a second refund of the same slots).
    await attack.expect_ok()
    receipt = await attack.market.requester.send([attack.ix])
    (event,) = [e for e in receipt.events if e.name == "ItemsSettled"]
    assert event.fields["items"] == [] and event.fields["refunded"] == 0
    assert [type(refusal(r["code"])) for r in event.fields["refused"]] == [ItemSettled] * 2


async def test_fail_settle_items_with_bad_items(attack: Attack) -> None:
    # Bug class: out-of-range input (an item past the batch, none at all).
    await attack.arguments([({"items": [0, 4]}, ItemNotFound), ({"items": []}, EmptyTaskList)])


async def test_fail_settle_items_with_a_cancelled_batch(attack: Attack) -> None:
    # Bug class: double refund (the open slots went back at cancel).
    await attack.market.requester.cancel_batch(attack.scene["b"].address)
    await attack.refused(attack.ix, BatchCancelled)


async def test_fail_settle_items_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion.
    await attack.substituted(
        [
            ("batch", config_pda()[0], InvalidAccountData),
            ("batch", attack.key("table"), InvalidAccountData),
            ("table", config_pda()[0], InvalidAccountData),
            ("table", treasury_pda()[0], InvalidAccountData),
        ]
    )


async def test_fail_settle_items_with_accounts_of_another_owner(attack: Attack) -> None:
    # Bug class: wrong owner (a forged batch or table: lamports that are not escrow).
    await attack.other_owner(["batch", "table"], InvalidOwner)


async def test_fail_settle_items_with_the_same_account_in_two_roles(attack: Attack) -> None:
    # Bug class: duplicate accounts.
    await attack.twice(
        [
            ("requester", "batch", InvalidOwner),
            ("requester", "table", InvalidOwner),
            ("batch", "table", DuplicateAccount),
            ("table", "batch", InvalidAccountData),
        ]
    )


async def test_fail_settle_items_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer (an authority named but not signing).
    await attack.missing_signers()
    await attack.expect_ok()


async def test_fail_settle_items_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags (every account it writes, passed read-only).
    await attack.read_only()


async def test_fail_settle_items_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_settle_items_with_truncated_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (truncated).
    await attack.truncated_data()


async def test_fail_settle_items_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()


async def test_fail_settle_items_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_settle_items_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion (another type's discriminator).
    await attack.unknown_discriminators()


async def test_fail_settle_items_with_lying_vector_lengths(attack: Attack) -> None:
    # Bug class: vector lengths that lie (more than the data holds, u32::MAX, one less).
    await attack.lying_lengths()


async def test_fail_settle_items_with_several_faults(attack: Attack) -> None:
    # Bug class: a refusal that names the wrong fault. Two faults at once: the
    # rule docs/protocol.md ("Order of checks") lists first wins.
    market, b = attack.market, attack.scene["b"]
    other_table = market.table(attack.scene["other"])
    rival = await market.other_requester()
    cases = [
        (attack.with_args(items=[]), EmptyTaskList),
        (attack.swap("table", other_table), WrongTable),
        (attack.with_args(items=[9, 0]), ItemNotFound),
    ]
    stranger = instructions.settle_items(rival.address, b.address, other_table, [])
    await attack.refused(stranger, EmptyTaskList, [rival.wallet], "a stranger, no items")
    stranger = instructions.settle_items(rival.address, b.address, other_table, [0])
    await attack.refused(stranger, Unauthorized, [rival.wallet], "a stranger, wrong table")
    for ix, error in cases:
        await attack.refused(ix, error, what=error.__name__)
    await market.requester.cancel_batch(b.address)
    late = instructions.settle_items(market.requester.address, b.address, other_table, [9])
    await attack.refused(late, BatchCancelled, what="cancelled, wrong table, bad item")
