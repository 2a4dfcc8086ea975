"""`submit_results`: paid at once from escrow, per-item outcomes, inline
answers in the event, and the refusals."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from solders.account import Account

from adversarial import Attack
from amplify_sdk import ProgramError, instructions
from amplify_sdk.errors import (
    DuplicateAccount,
    EmptyTaskList,
    InvalidAccountData,
    InvalidAnswers,
    InvalidInstructionData,
    InvalidOwner,
    ItemNotFound,
    NotInRoster,
    NotReserved,
    ResultUriTooLong,
    WrongTable,
)
from amplify_sdk.protocol import config_pda, load_idl
from amplify_sdk.quality._results import NotInAccounts, batch_results
from conftest import report
from market import SIGNATURE_FEE, Market, swap, with_data


async def test_submit_results_pays_each_item_at_once(market: Market) -> None:
    price, bond, fee_bps = 10_000, 900, 500
    b = await market.batch(n_items=12, redundancy=2, price=price, bond=bond)
    w = await market.worker()
    await w.accept_tasks(b.address, range(12))
    before = await w.balance()
    answers = [(i, bytes([i % 10])) for i in range(12)]
    outcomes = await w.submit_results(b.address, answers)
    assert all(o.ok for o in outcomes)
    receipt = w.last_receipt
    assert receipt is not None
    report("submit_results CU for 12 items", receipt.compute_units)
    # 5% of 10,000 is 500: the worker gets 9,500 and its bond back, per item.
    fee = -(-price * fee_bps // 10_000)
    assert await w.balance() - before == 12 * (price - fee + bond) - SIGNATURE_FEE
    b = await w.get_batch(b.address)
    assert (b.completed_count, b.reserved_count) == (12, 0)
    assert b.fees_accrued == 12 * fee
    assert b.roster[0].active == 0 and b.roster[0].taken == 12
    (event,) = [e for e in receipt.events if e.name == "ResultsSubmitted"]
    assert event.fields["items"] == list(range(12))
    assert event.fields["answers"] == bytes(i % 10 for i in range(12))
    assert (event.fields["paid"], event.fields["fee"], event.fields["bond"]) == (
        12 * (price - fee),
        12 * fee,
        12 * bond,
    )
    (table,) = await w.get_tables(b)
    assert (table.completed().sum(axis=1) == 1).all()
    await market.assert_escrow_invariant(b.address)


async def test_submit_results_reports_items_not_held(market: Market) -> None:
    b = await market.batch(n_items=6)
    w, other = await market.worker(), await market.worker()
    await w.accept_tasks(b.address, [0, 1, 2])
    await other.accept_tasks(b.address, [3])
    await w.submit_results(b.address, [(2, b"\x07")])
    out = await w.submit_results(
        b.address, [(0, b"\x01"), (3, b"\x02"), (2, b"\x03"), (9, b"\x04"), (1, b"\x05")]
    )
    got = [(o.item, o.ok, type(o.error).__name__ if o.error else None) for o in out]
    assert got == [
        (0, True, None),
        (3, False, "NotReserved"),  # another worker's
        (2, False, "NotReserved"),  # already submitted
        (9, False, "ItemNotFound"),
        (1, True, None),
    ]
    (event,) = [
        e for e in (w.last_receipt.events if w.last_receipt else []) if e.name == "ResultsSubmitted"
    ]
    assert event.fields["answers"] == b"\x01\x05"  # only the paid items' answers


async def test_submit_results_with_hashes_and_a_result_uri(market: Market) -> None:
    b = await market.batch(n_items=3)
    w = await market.worker()
    await w.accept_tasks(b.address, range(3))
    hashes = [bytes([i]) * 32 for i in range(3)]
    out = await w.submit_results(b.address, list(enumerate(hashes)), result_uri="ipfs://results/")
    assert all(o.ok for o in out)
    assert w.last_receipt is not None
    (event,) = [e for e in w.last_receipt.events if e.name == "ResultsSubmitted"]
    assert event.fields["answers"] == b"".join(hashes)
    assert event.fields["result_uri"] == "ipfs://results/"


async def test_submit_results_after_cancel_is_still_paid(market: Market) -> None:
    # Accepted work is paid even if the requester cancels meanwhile.
    b = await market.batch(n_items=2)
    w = await market.worker()
    await w.accept_tasks(b.address, [0])
    await market.requester.cancel_batch(b.address)
    out = await w.submit_results(b.address, [(0, b"\x01")])
    assert out[0].ok
    await market.assert_escrow_invariant(b.address)


async def test_fail_submit_results_with_a_worker_not_in_the_roster(market: Market) -> None:
    # Bug class: missing authority (payment to a worker that reserved nothing).
    b = await market.batch(n_items=2)
    w, stranger = await market.worker(), await market.worker()
    await w.accept_tasks(b.address, [0])
    ix = instructions.submit_results(stranger.address, b.address, market.table(b), [0], b"\x01")
    async with market.lamports(w.address, b.address, market.table(b)) as bal:
        with pytest.raises(NotInRoster):
            await stranger.send([ix])
        await bal.assert_unchanged()


async def test_fail_submit_results_with_a_place_that_passed_on(market: Market) -> None:
    # Bug class: stale authority (a worker whose place passed to another
    # submitting, or being paid, through that place).
    b = await market.batch(n_items=3, roster_capacity=1, reservation_secs=60)
    a, c = await market.worker(), await market.worker()
    await a.accept_tasks(b.address, [0])
    market.backend.warp(61 + b.tick_secs)
    await c.accept_tasks(b.address, [1])  # releases a's lapsed item 0, takes its place
    t = market.table(b)
    ix = instructions.submit_results(a.address, b.address, t, [0], b"\x01", "")
    async with market.lamports(a.address, b.address, t) as bal:
        with pytest.raises(NotInRoster):
            await a.send([ix])
        await bal.assert_unchanged(fee_payer=a.address)
    # Item 0 was released, not handed over: c is paid for its own item only.
    out = await c.submit_results(b.address, [(0, b"\x01"), (1, b"\x01")])
    assert [(o.ok, type(o.error).__name__) for o in out] == [
        (False, "NotReserved"),
        (True, "NoneType"),
    ]
    entry = (await c.get_batch(b.address)).roster[0]
    assert (entry.worker, entry.active, entry.pending) == (c.address, 0, 1)
    await market.assert_escrow_invariant(b.address)


async def test_fail_submit_results_with_substituted_accounts(market: Market) -> None:
    # Bug class: substituted accounts of the right type (another batch's table).
    b = await market.batch(n_items=2)
    other = await market.batch(n_items=2, salt=b"o")
    w = await market.worker()
    await w.accept_tasks(b.address, [0])
    base = instructions.submit_results(w.address, b.address, market.table(b), [0], b"\x01")
    for account, key, error in [
        ("table", market.table(other), WrongTable),
        ("table", b.address, DuplicateAccount),
        ("batch", other.address, WrongTable),
    ]:
        async with market.lamports(w.address, b.address, market.table(b)) as bal:
            with pytest.raises(error):
                await w.send([swap(base, account, key)])
            await bal.assert_unchanged(fee_payer=w.address)


@pytest.mark.parametrize(
    ("items", "answers", "uri", "error"),
    [
        ([], b"", "", EmptyTaskList),
        ([0], b"", "", InvalidAnswers),
        ([0, 1], b"\x01\x02\x03", "", InvalidAnswers),  # not a whole answer per item
        ([0], bytes(65), "", InvalidAnswers),  # over 64 bytes
        ([0], b"\x01", "u" * 201, ResultUriTooLong),
    ],
    ids=["empty", "no-answers", "ragged", "too-wide", "long-uri"],
)
async def test_fail_submit_results_with_bad_arguments(
    market: Market, items: list[int], answers: bytes, uri: str, error: type[ProgramError]
) -> None:
    # Bug class: out-of-range arguments (answers that do not split evenly, a URI too long).
    b = await market.batch(n_items=2)
    w = await market.worker()
    await w.accept_tasks(b.address, [0, 1])
    ix = instructions.submit_results(w.address, b.address, market.table(b), items, answers, uri)
    async with market.lamports(w.address, b.address) as bal:
        with pytest.raises(error):
            await w.send([ix])
        await bal.assert_unchanged(fee_payer=w.address)


@pytest.mark.parametrize(
    "args",
    [
        struct.pack("<II", 1, 0),  # no answers vector
        struct.pack("<II", 1, 0) + struct.pack("<I", 5) + b"\x01",  # answers length lies
        struct.pack("<II", 1, 0)
        + struct.pack("<I", 1)
        + b"\x01"
        + struct.pack("<I", 2)
        + b"\xff\xfe",
    ],
    ids=["truncated", "lying-length", "uri-not-utf8"],
)
async def test_fail_submit_results_with_malformed_data(market: Market, args: bytes) -> None:
    # Bug class: malformed instruction data.
    b = await market.batch(n_items=2)
    w = await market.worker()
    await w.accept_tasks(b.address, [0])
    ix = instructions.submit_results(w.address, b.address, market.table(b), [0], b"\x01")
    disc = load_idl().instructions["submit_results"].discriminator
    with pytest.raises(InvalidInstructionData):
        await w.send([with_data(ix, disc + args)])


async def test_submit_results_refused_by_the_sdk_for_mixed_widths(market: Market) -> None:
    b = await market.batch(n_items=2)
    w = await market.worker()
    with pytest.raises(InvalidAnswers):
        await w.submit_results(b.address, [(0, b"\x01"), (1, b"\x01\x02")])


async def test_not_reserved_is_not_paid(market: Market) -> None:
    b = await market.batch(n_items=2)
    w = await market.worker()
    await w.accept_tasks(b.address, [0])
    out = await w.submit_results(b.address, [(1, b"\x01")])
    assert isinstance(out[0].error, NotReserved)
    await market.assert_escrow_invariant(b.address)


# -- adversarial ---------------------------------------------------------------


@pytest.fixture
async def attack(market: Market) -> Attack:
    b = await market.batch(n_items=4, bond=300)
    w = await market.worker()
    await w.accept_tasks(b.address, [0, 1, 2])
    payer = await market.other_requester()
    ix = instructions.submit_results(w.address, b.address, market.table(b), [0, 1], b"\x01\x02")
    return Attack(market, ix, [w.wallet], payer, [], {"b": b, "w": w})


async def test_fail_submit_results_with_integer_extremes(attack: Attack) -> None:
    # Bug class: u32 extremes (an item past every table among held ones: the
    # whole submission fails, nothing is paid).
    await attack.arguments(
        [
            ({"items": [0, 2**32 - 1], "answers": b"\x01\x02"}, ItemNotFound),
            ({"items": [4], "answers": b"\x01"}, ItemNotFound),
            ({"items": [0, 1], "answers": bytes(2 * 65)}, InvalidAnswers),
        ]
    )
    # The same held item twice: paid once, the copy refused.
    await attack.expect_ok(attack.with_args(items=[0, 0], answers=b"\x01\x01"))


async def test_fail_submit_results_with_another_batch(market: Market, attack: Attack) -> None:
    # Bug class: substituted account of the right type (a worker's
    # reservation in one batch paid from another batch's escrow).
    other = await market.batch(n_items=2, salt=b"other")
    await attack.substituted([("batch", other.address, WrongTable)])
    ix = instructions.submit_results(
        attack.key("worker"), other.address, market.table(other), [0], b"\x01"
    )
    await attack.refused(ix, NotInRoster)


async def test_fail_submit_results_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion.
    await attack.substituted(
        [
            ("batch", config_pda()[0], InvalidAccountData),
            ("table", config_pda()[0], InvalidAccountData),
        ]
    )


async def test_fail_submit_results_with_accounts_of_another_owner(attack: Attack) -> None:
    # Bug class: wrong owner (a forged table saying the worker holds items).
    await attack.other_owner(["batch", "table"], InvalidOwner)


async def test_fail_submit_results_with_the_same_account_in_two_roles(attack: Attack) -> None:
    # Bug class: duplicate accounts.
    await attack.twice(
        [
            ("batch", "table", DuplicateAccount),
            ("table", "batch", InvalidAccountData),
            ("worker", "batch", InvalidOwner),
        ]
    )


async def test_fail_submit_results_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer (an authority named but not signing).
    await attack.missing_signers()
    await attack.expect_ok()


async def test_fail_submit_results_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags (every account it writes, passed read-only).
    await attack.read_only()


async def test_fail_submit_results_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_submit_results_with_truncated_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (truncated).
    await attack.truncated_data()


async def test_fail_submit_results_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()


async def test_fail_submit_results_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_submit_results_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion (another type's discriminator).
    await attack.unknown_discriminators()


async def test_fail_submit_results_with_lying_vector_lengths(attack: Attack) -> None:
    # Bug class: vector lengths that lie (more than the data holds, u32::MAX, one less).
    await attack.lying_lengths()


async def test_completed_slots_keep_the_answers(market: Market) -> None:
    # Issue 21: a batch's answers come back from its task tables (a few
    # getMultipleAccounts) without its transaction history, exactly as the
    # ResultsSubmitted events gave them.
    b = await market.batch(n_items=8, redundancy=2)
    w1, w2 = await market.worker(), await market.worker()
    for w in (w1, w2):
        await w.accept_tasks(b.address, range(8))
    # One byte, and two bytes up to 65,278 (the largest a 16-bit code keeps).
    one = [(i, bytes([255 - i])) for i in range(8)]
    two = [(i, (65_271 + i).to_bytes(2, "little")) for i in range(8)]
    assert all(o.ok for o in await w1.submit_results(b.address, one))
    assert all(o.ok for o in await w2.submit_results(b.address, two))
    want = {(i, w1.address, a) for i, a in one} | {(i, w2.address, a) for i, a in two}
    rows = await batch_results(market.backend, b.address, source="accounts")
    assert {(r.item, r.worker, r.answer) for r in rows} == want
    assert [r.item for r in rows] == sorted(r.item for r in rows)
    assert all(r.signature is None and not r.rated for r in rows)
    history = await batch_results(market.backend, b.address, source="history")
    assert {(r.item, r.worker, r.answer) for r in history} == want
    # Items 0-6 of w2 are kept (65,271..65,277 <= 65,278); item 7's 65,278 too.
    (table,) = await w1.get_tables(await w1.get_batch(b.address))
    assert all(
        table.answer(r, c) is not None for r, c in zip(*np.nonzero(table.completed()), strict=True)
    )


async def test_answers_the_slots_cannot_keep_come_from_history(market: Market) -> None:
    b = await market.batch(n_items=3)
    w = await market.worker()
    await w.accept_tasks(b.address, range(3))
    # 65,279 does not fit beside the one-byte codes and "not kept"; 3 bytes never do.
    await w.submit_results(b.address, [(0, (65_279).to_bytes(2, "little"))])
    with pytest.raises(NotInAccounts, match="item 0"):
        await batch_results(market.backend, b.address, source="accounts")
    auto = await batch_results(market.backend, b.address)
    assert [(r.item, r.answer) for r in auto] == [(0, (65_279).to_bytes(2, "little"))]
    assert auto[0].signature is not None  # read from the history
    await w.submit_results(b.address, [(1, b"abc"), (2, b"xyz")])
    auto = await batch_results(market.backend, b.address)
    assert [(r.item, r.answer) for r in auto] == [
        (0, (65_279).to_bytes(2, "little")),
        (1, b"abc"),
        (2, b"xyz"),
    ]


async def test_a_place_passed_on_after_rated_work_sends_readers_to_history(
    market: Market,
) -> None:
    # The slot names a roster place; once rated work frees the place for a
    # new worker, the slot would name the newcomer (Batch.places_reused).
    b = await market.batch(n_items=4, roster_capacity=1)
    a, c = await market.worker(), await market.worker()
    await a.accept_tasks(b.address, [0, 1])
    await a.submit_results(b.address, [(0, b"\x01"), (1, b"\x02")])
    rows = await batch_results(market.backend, b.address, source="accounts")
    assert {(r.item, r.worker) for r in rows} == {(0, a.address), (1, a.address)}
    rated = await market.requester.rate_assignments(
        b.address, [(0, a.address, 5), (1, a.address, 4)]
    )
    assert all(o.ok for o in rated)
    assert all(r.rated for r in await batch_results(market.backend, b.address, source="accounts"))
    await c.accept_tasks(b.address, [2])  # takes a's idle place
    await c.submit_results(b.address, [(2, b"\x03")])
    assert (await c.get_batch(b.address)).places_reused == 1
    with pytest.raises(NotInAccounts, match="passed on"):
        await batch_results(market.backend, b.address, source="accounts")
    auto = await batch_results(market.backend, b.address)
    assert {(r.item, r.worker, r.answer, r.stars) for r in auto} == {
        (0, a.address, b"\x01", 5),
        (1, a.address, b"\x02", 4),
        (2, c.address, b"\x03", None),
    }


async def test_a_version_1_table_is_read_and_converted(market: Market) -> None:
    # A table written before answers were kept: completed was tick 0 and bit
    # 14 unused. The SDK reads it as such; the program converts it when an
    # instruction next opens it, and completes the rest the new way.
    b = await market.batch(n_items=4)
    w = await market.worker()
    await w.accept_tasks(b.address, range(4))
    await w.submit_results(b.address, [(0, b"\x07"), (1, b"\x08")])
    t = market.table(b)
    acc = await market.backend.get_account(t)
    assert acc is not None
    data = bytearray(acc.data)
    header = len(data) - 4 * 4 * b.redundancy
    data[0 + 8] = 1  # TaskTable.version, after the discriminator
    for k in range(4 * b.redundancy):
        at = header + 4 * k
        (worker,) = struct.unpack_from("<H", data, at)
        if worker & 0x4000:  # completed: v1 had tick 0 and no bit 14
            struct.pack_into("<HH", data, at, worker & ~0x4000, 0)
    market.backend.set_account(t, Account(acc.lamports, bytes(data), acc.owner, False, 0))
    (v1,) = await w.get_tables(b)
    assert v1.version == 1 and v1.completed().sum() == 2 and v1.reserved().sum() == 2
    # No answer kept in a v1 table: the history has them.
    auto = await batch_results(market.backend, b.address)
    assert [(r.item, r.answer, r.signature is not None) for r in auto] == [
        (0, b"\x07", True),
        (1, b"\x08", True),
    ]
    out = await w.submit_results(b.address, [(2, b"\x09"), (0, b"\x01")])
    assert [(o.ok, type(o.error).__name__) for o in out] == [
        (True, "NoneType"),
        (False, "NotReserved"),
    ]
    (v2,) = await w.get_tables(b)
    assert v2.version == 2 and v2.completed().sum() == 3 and v2.reserved().sum() == 1
    assert [v2.answer(r, c) for r, c in zip(*np.nonzero(v2.completed()), strict=True)] == [
        None,
        None,
        b"\x09",
    ]
    await market.assert_escrow_invariant(b.address)
