"""`add_tasks` (and the SDK's upload): items committed by Merkle roots in a
hash chain, escrow taken exactly, exactly once across crashes and replays."""

from __future__ import annotations

import hashlib

import pytest
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.system_program import CreateAccountWithSeedParams, create_account_with_seed

from adversarial import Attack
from amplify_sdk import PROGRAM_ID, Batch, RequesterClient, TransactionError, instructions
from amplify_sdk.errors import (
    ArithmeticOverflow,
    BatchCancelled,
    DuplicateAccount,
    EmptyTaskList,
    IndexMismatch,
    InvalidAccountData,
    InvalidOwner,
    ManifestMismatchError,
    TableFull,
    Unauthorized,
    WrongTable,
)
from amplify_sdk.protocol import config_pda, merkle_root, table_address, table_seed
from conftest import report
from market import Market, item_hashes

#: The system program's error for a transfer the sender cannot cover.
SYSTEM_INSUFFICIENT_FUNDS = 1


def chain(prev: bytes, start: int, count: int, root: bytes) -> bytes:
    # The spec in docs/protocol.md, written out independently of the SDK.
    return hashlib.sha256(
        prev + start.to_bytes(4, "little") + count.to_bytes(4, "little") + root
    ).digest()


async def test_upload_commits_items_and_escrows_exactly(market: Market) -> None:
    req = market.requester
    price, redundancy, n = 7_000, 3, 10_000
    b = await req.create_batch(price=price, redundancy=redundancy)
    before = await req.balance()
    n0 = len(req.receipts)
    hashes = item_hashes(n)
    uploads = await req.add_tasks(b.address, hashes)
    txs = req.receipts[n0:]
    report("transactions to put 10,000 items on chain (after create_batch)", len(txs))
    assert len(txs) + 1 <= 10
    b = await req.get_batch(b.address)
    assert (b.item_count, b.items_capacity, b.table_count) == (n, n, 1)
    assert b.escrow == price * n * redundancy
    table_rent = await market.rent(market.table(b))
    fees = sum(r.fee for r in txs)
    assert before - await req.balance() == price * n * redundancy + table_rent + fees
    assert [(u.start, u.count) for u in uploads] == [(0, n)]
    assert uploads[0].root == merkle_root(0, hashes)
    assert b.manifest_hash == chain(bytes(32), 0, n, uploads[0].root)
    (event,) = [e for r in txs for e in r.events if e.name == "TasksAdded"]
    assert event.fields["escrow_added"] == price * n * redundancy
    assert event.fields["manifest_hash"] == b.manifest_hash
    await market.assert_escrow_invariant(b.address)


async def test_upload_resumes_exactly_once(market: Market) -> None:
    req = market.requester
    b = await req.create_batch(price=1_000, redundancy=2)
    hashes = item_hashes(50)
    # A run that stopped after 20 items; the next run resumes with the manifest.
    first = await req.add_tasks(b.address, hashes[:20])
    more = await req.add_tasks(b.address, hashes, uploads=first)
    b = await req.get_batch(b.address)
    assert b.item_count == 50 and b.escrow == 1_000 * 2 * 50
    assert [(u.start, u.count) for u in more] == [(0, 20), (20, 30)]
    expect = chain(chain(bytes(32), 0, 20, more[0].root), 20, 30, more[1].root)
    assert b.manifest_hash == expect
    # Running again adds nothing and sends nothing.
    n0 = len(req.receipts)
    assert await req.add_tasks(b.address, hashes, uploads=more) == more
    assert len(req.receipts) == n0


async def test_chunked_upload_hashes_each_item_once(
    market: Market, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file uploaded in chunks calls add_tasks with a growing list; the
    # prefix already matched with the batch's manifest is not hashed again.
    import amplify_sdk.clients._requester as requester_module

    hashed: list[int] = []
    real = requester_module.merkle_root

    def counting(start: int, leaves: list[bytes]) -> bytes:
        hashed.append(len(leaves))
        return real(start, leaves)

    monkeypatch.setattr(requester_module, "merkle_root", counting)
    req = market.requester
    b = await req.create_batch(price=1_000)
    hashes, chunk, done = item_hashes(1_000), 25, []
    for end in range(chunk, len(hashes) + 1, chunk):
        done = await req.add_tasks(b.address, hashes[:end], uploads=done)
    assert (await req.get_batch(b.address)).item_count == len(hashes)
    report("items hashed for 1,000 items in 40 chunks", sum(hashed))
    assert sum(hashed) == len(hashes)
    # Another client (a resumed process) checks the whole prefix once.
    again = market.amp.requester(req.wallet)
    hashed.clear()
    assert await again.add_tasks(b.address, hashes, uploads=done) == done
    assert sum(hashed) == len(hashes)


async def test_upload_refuses_a_different_file_before_sending(market: Market) -> None:
    req = market.requester
    b = await req.create_batch(price=1_000)
    first = await req.add_tasks(b.address, item_hashes(10))
    before = await req.balance()
    with pytest.raises(ManifestMismatchError):
        await req.add_tasks(b.address, item_hashes(20, salt=b"other"), uploads=first)
    with pytest.raises(ManifestMismatchError):
        await req.add_tasks(b.address, item_hashes(20))  # no manifest given
    one_changed = item_hashes(20)
    one_changed[3] = bytes(32)
    with pytest.raises(ManifestMismatchError):
        await req.add_tasks(b.address, one_changed, uploads=first)
    assert await req.balance() == before


async def test_fail_add_tasks_with_a_replayed_upload(market: Market) -> None:
    # Bug class: replay. The same instruction again cannot add items twice.
    req = market.requester
    b = await req.create_batch(price=1_000)
    await req.add_tasks(b.address, item_hashes(4))
    b = await req.get_batch(b.address)
    again = instructions.add_tasks(req.address, b.address, market.table(b), 0, 4, bytes(32))
    async with market.lamports(req.address, b.address) as bal:
        with pytest.raises(IndexMismatch):
            await req.send([again])
        await bal.assert_unchanged(fee_payer=req.address)


async def test_fail_add_tasks_with_bad_requests(market: Market) -> None:
    # Bug class: substituted account and missing authority (another batch's
    # table, a stranger's upload).
    req = market.requester
    b = await market.batch(n_items=4)
    other = await market.batch(n_items=4, salt=b"x")
    stranger = await market.other_requester()
    t = market.table(b)
    cases: list[tuple[Instruction, type[Exception], object]] = [
        (instructions.add_tasks(req.address, b.address, t, 4, 0, bytes(32)), EmptyTaskList, req),
        (instructions.add_tasks(req.address, b.address, t, 4, 1, bytes(32)), TableFull, req),
        (
            instructions.add_tasks(req.address, b.address, market.table(other), 4, 1, bytes(32)),
            WrongTable,
            req,
        ),
        (
            instructions.add_tasks(stranger.address, b.address, t, 4, 1, bytes(32)),
            Unauthorized,
            stranger,
        ),
    ]
    for ix, error, sender in cases:
        async with market.lamports(req.address, b.address, t) as bal:
            with pytest.raises(error):
                await sender.send([ix])  # type: ignore[attr-defined]
            await bal.assert_unchanged(fee_payer=req.address if sender is req else None)
    await req.cancel_batch(b.address)
    with pytest.raises(BatchCancelled):
        await req.send([instructions.add_tasks(req.address, b.address, t, 4, 1, bytes(32))])


async def test_add_tasks_uses_a_deposit_first(market: Market) -> None:
    # Lamports sent to the batch beforehand pay for the escrow before the wallet.
    req = market.requester
    b = await req.create_batch(price=1_000, redundancy=1)
    await market.backend.airdrop(b.address, 3_000)
    before = await req.balance()
    await req.add_tasks(b.address, item_hashes(5))
    txs = req.receipts[-1:]
    table_rent = await market.rent(market.table(await req.get_batch(b.address)))
    assert before - await req.balance() == 5 * 1_000 - 3_000 + table_rent + txs[0].fee
    await market.assert_escrow_invariant(b.address)


# -- adversarial ---------------------------------------------------------------


@pytest.fixture
async def attack(market: Market) -> Attack:
    # A table of 10 items (redundancy 2) holding 5: room for 5 more.
    req = market.requester
    b = await req.create_batch(price=1_000, redundancy=2)
    table = await table_of(req, b, 10)
    await req.send([instructions.add_tasks(req.address, b.address, table, 0, 5, bytes(32))])
    other = await market.batch(n_items=2, salt=b"other")
    payer = await market.other_requester()
    ix = instructions.add_tasks(req.address, b.address, table, 5, 2, b"\x07" * 32)
    return Attack(market, ix, [req.wallet], payer, [], {"b": b, "other": other})


async def test_add_tasks_escrows_price_times_slots(attack: Attack) -> None:
    b = attack.key("batch")
    before = await attack.snapshot([b])
    await attack.expect_ok()
    after = await attack.snapshot([b])
    assert after[b][0] - before[b][0] == 1_000 * 2 * 2  # price × items × redundancy
    await attack.market.assert_escrow_invariant(b)


async def test_fail_add_tasks_with_another_signer(attack: Attack) -> None:
    # Bug class: missing authority (items added to someone else's batch, paid by them).
    stranger = Keypair()
    await attack.market.backend.airdrop(stranger.pubkey(), 10**9)
    await attack.refused(attack.swap("requester", stranger.pubkey()), Unauthorized, [stranger])
    await attack.expect_ok()


async def test_fail_add_tasks_with_integer_extremes(attack: Attack) -> None:
    # Bug class: u32 extremes (a start that skips or repeats items, a count
    # that overflows the table or the escrow).
    await attack.arguments(
        [
            ({"start_index": 4}, IndexMismatch),
            ({"start_index": 6}, IndexMismatch),
            ({"start_index": 2**32 - 1}, IndexMismatch),
            ({"count": 0}, EmptyTaskList),
            ({"count": 6}, TableFull),
            ({"count": 2**32 - 1}, TableFull),
        ]
    )
    await attack.expect_ok(attack.with_args(count=5))  # exactly full


async def table_of(req: RequesterClient, b: Batch, capacity: int) -> Pubkey:
    """Allocate and initialize table 0 of `b` with room for `capacity` items."""
    table = table_address(req.address, b.batch_number, 0)
    size = 100 + capacity * b.redundancy * 4
    alloc = create_account_with_seed(
        CreateAccountWithSeedParams(
            from_pubkey=req.address,
            to_pubkey=table,
            base=req.address,
            seed=table_seed(b.batch_number, 0),
            lamports=await req.backend.minimum_balance(size),
            space=size,
            owner=PROGRAM_ID,
        )
    )
    await req.send([alloc, instructions.init_table(req.address, b.address, table, 0)])
    return table


async def test_fail_add_tasks_with_an_escrow_that_overflows(market: Market) -> None:
    # Bug class: u64 overflow (price × count × redundancy past 2^64).
    req = market.requester
    b = await req.create_batch(price=2**64 // 1_000, redundancy=64)
    table = await table_of(req, b, 1_000)
    payer = await market.other_requester()
    ix = instructions.add_tasks(req.address, b.address, table, 0, 1_000, bytes(32))
    attack = Attack(market, ix, [req.wallet], payer)
    await attack.refused(ix, ArithmeticOverflow)


async def test_fail_add_tasks_with_an_unfunded_escrow(market: Market) -> None:
    # Bug class: unfunded work. The requester's wallet cannot cover the
    # escrow: the system program refuses the transfer, nothing is added.
    wallet = Keypair()
    await market.backend.airdrop(wallet.pubkey(), 10**8)
    poor = market.amp.requester(wallet)
    b = await poor.create_batch(price=10**9, redundancy=1, roster_capacity=1)
    table = await table_of(poor, b, 4)
    payer = await market.other_requester()
    ix = instructions.add_tasks(poor.address, b.address, table, 0, 1, bytes(32))
    attack = Attack(market, ix, [wallet], payer)
    await attack.refused(ix, TransactionError, code=SYSTEM_INSUFFICIENT_FUNDS)


async def test_fail_add_tasks_with_another_table(attack: Attack) -> None:
    # Bug class: substituted account of the right type (another batch's table).
    await attack.substituted([("table", attack.market.table(attack.scene["other"]), WrongTable)])


async def test_fail_add_tasks_with_a_cancelled_batch(market: Market, attack: Attack) -> None:
    # Bug class: state-machine bypass (escrow into a cancelled batch).
    await market.requester.cancel_batch(attack.key("batch"))
    await attack.refused(attack.ix, BatchCancelled)


async def test_fail_add_tasks_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion.
    await attack.substituted(
        [
            ("batch", config_pda()[0], InvalidAccountData),
            ("table", config_pda()[0], InvalidAccountData),
        ]
    )


async def test_fail_add_tasks_with_accounts_of_another_owner(attack: Attack) -> None:
    # Bug class: wrong owner.
    await attack.other_owner(["batch", "table"], InvalidOwner)


async def test_fail_add_tasks_with_the_same_account_in_two_roles(attack: Attack) -> None:
    # Bug class: duplicate accounts.
    await attack.twice(
        [
            ("batch", "table", DuplicateAccount),
            ("table", "batch", InvalidAccountData),
            ("requester", "batch", InvalidOwner),
        ]
    )


async def test_fail_add_tasks_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer (an authority named but not signing).
    await attack.missing_signers()
    await attack.expect_ok()


async def test_fail_add_tasks_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags (every account it writes, passed read-only).
    await attack.read_only()


async def test_fail_add_tasks_with_substituted_programs(attack: Attack) -> None:
    # Bug class: substituted program or sysvar (a CPI target or clock the attacker chose).
    await attack.substituted_programs()


async def test_fail_add_tasks_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_add_tasks_with_truncated_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (truncated).
    await attack.truncated_data()


async def test_fail_add_tasks_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()


async def test_fail_add_tasks_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_add_tasks_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion (another type's discriminator).
    await attack.unknown_discriminators()
