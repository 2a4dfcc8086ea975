"""`init_table`: a requester-allocated account becomes the batch's next task
table only at its create_with_seed address, once, with a size that fits."""

from __future__ import annotations

import pytest
from solders.account import Account
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.system_program import CreateAccountWithSeedParams, create_account_with_seed

from adversarial import Attack
from amplify_sdk import PROGRAM_ID, Batch, RequesterClient, instructions
from amplify_sdk.errors import (
    AlreadyExists,
    BatchCancelled,
    InvalidAccountData,
    InvalidOwner,
    InvalidTable,
    Unauthorized,
)
from amplify_sdk.protocol import TaskTable, config_pda, table_address, table_seed
from market import Market, swap


def allocate(req: RequesterClient, b: Batch, index: int, size: int, rent: int) -> Instruction:
    return create_account_with_seed(
        CreateAccountWithSeedParams(
            from_pubkey=req.address,
            to_pubkey=table_address(req.address, b.batch_number, index),
            base=req.address,
            seed=table_seed(b.batch_number, index),
            lamports=rent,
            space=size,
            owner=PROGRAM_ID,
        )
    )


async def test_init_table_sizes_capacity_from_the_account(market: Market) -> None:
    req = market.requester
    b = await req.create_batch(price=1_000, redundancy=3)
    size = 100 + 7 * 3 * 4  # header + 7 items of 3 slots of 4 bytes
    rent = await market.backend.minimum_balance(size)
    address = table_address(req.address, b.batch_number, 0)
    await req.send(
        [
            allocate(req, b, 0, size, rent),
            instructions.init_table(req.address, b.address, address, 0),
        ]
    )
    t = await req.fetch(TaskTable, address)
    assert (t.index, t.first_item, t.capacity, t.count, t.redundancy) == (0, 0, 7, 0, 3)
    assert t.batch == b.address and t.batch_number == b.batch_number
    b2 = await req.get_batch(b.address)
    assert (b2.table_count, b2.items_capacity) == (1, 7)
    # Bug class: re-initialization. Index 0 is taken: the table cannot be
    # initialized again (reset to empty) under its old index.
    with pytest.raises(InvalidTable):
        await req.send([instructions.init_table(req.address, b.address, address, 0)])
    assert (await req.fetch(TaskTable, address)).capacity == 7


@pytest.mark.parametrize("case", ["index", "size", "address", "owner", "stranger", "cancelled"])
async def test_fail_init_table_with_bad_requests(market: Market, case: str) -> None:
    # Bug class: fake address, wrong size, wrong owner, missing authority.
    req = market.requester
    b = await req.create_batch(price=1_000, redundancy=2)
    size = 100 + 5 * 2 * 4
    rent = await market.backend.minimum_balance(size)
    address = table_address(req.address, b.batch_number, 0)
    ixs: list[Instruction] = [allocate(req, b, 0, size, rent)]
    sender: RequesterClient = req
    error: type[Exception] = InvalidTable
    init = instructions.init_table(req.address, b.address, address, 0)
    if case == "index":
        init = instructions.init_table(req.address, b.address, address, 1)
    elif case == "size":
        ixs = [allocate(req, b, 0, size + 3, rent * 2)]  # not a whole number of items
    elif case == "address":
        # A program-owned account at any other address.
        fake = Keypair().pubkey()
        market.backend.set_account(fake, Account(rent, bytes(size), PROGRAM_ID, False, 0))
        ixs, init = [], instructions.init_table(req.address, b.address, fake, 0)
    elif case == "owner":
        ixs = []
        market.backend.set_account(address, Account(rent, bytes(size), Pubkey.default(), False, 0))
        error = InvalidOwner
    elif case == "stranger":
        sender = await market.other_requester()
        init = instructions.init_table(sender.address, b.address, address, 0)
        error = Unauthorized
    elif case == "cancelled":
        await req.cancel_batch(b.address)
        error = BatchCancelled
    if ixs:
        await req.send(ixs)
    with pytest.raises(error):
        await sender.send([init])
    assert (await req.get_batch(b.address)).table_count == 0


# -- adversarial ---------------------------------------------------------------


@pytest.fixture
async def attack(market: Market) -> Attack:
    req = market.requester
    b = await req.create_batch(price=1_000, redundancy=2)
    size = 100 + 5 * 2 * 4
    rent = await market.backend.minimum_balance(size)
    address = table_address(req.address, b.batch_number, 0)
    await req.send([allocate(req, b, 0, size, rent)])
    other = await market.batch(n_items=2, salt=b"other")  # a table initialized already
    payer = await market.other_requester()
    ix = instructions.init_table(req.address, b.address, address, 0)
    return Attack(market, ix, [req.wallet], payer, [], {"b": b, "other": other})


async def test_fail_init_table_with_another_signer(attack: Attack) -> None:
    # Bug class: missing authority (a stranger deciding a batch's tables).
    stranger = Keypair()
    await attack.market.backend.airdrop(stranger.pubkey(), 10**9)
    await attack.refused(attack.swap("requester", stranger.pubkey()), Unauthorized, [stranger])
    await attack.expect_ok()


async def test_fail_init_table_with_another_table(attack: Attack) -> None:
    # Bug class: substituted account (another batch's live table, the next
    # index's address, an address the requester does not derive).
    other = attack.scene["other"]
    b = attack.scene["b"]
    req = attack.key("requester")
    await attack.substituted(
        [
            ("table", attack.market.table(other), InvalidTable),
            ("table", table_address(req, b.batch_number, 1), InvalidTable),
            ("table", table_address(Keypair().pubkey(), b.batch_number, 0), InvalidTable),
        ]
    )


async def test_fail_init_table_with_extreme_indices(attack: Attack) -> None:
    # Bug class: u32 extremes (an index out of sequence).
    await attack.arguments([({"index": 1}, InvalidTable), ({"index": 2**32 - 1}, InvalidTable)])


async def test_fail_init_table_with_a_table_initialized_already(attack: Attack) -> None:
    # Bug class: re-initialization (a table reset would free its slots).
    await attack.expect_ok()
    await attack.refused(attack.ix, InvalidTable)  # index 0 is taken
    again = attack.with_args(index=1)
    await attack.refused(again, InvalidTable)  # index 1 lives at another address


async def test_fail_init_table_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion.
    await attack.substituted(
        [
            ("batch", config_pda()[0], InvalidAccountData),
            ("batch", attack.market.table(attack.scene["other"]), InvalidAccountData),
        ]
    )


async def test_fail_init_table_with_accounts_of_another_owner(attack: Attack) -> None:
    # Bug class: wrong owner (a batch forged, a table assigned to another program).
    await attack.other_owner(["batch"], InvalidOwner)


async def test_fail_init_table_with_the_same_account_in_two_roles(attack: Attack) -> None:
    # Bug class: duplicate accounts.
    await attack.twice(
        [
            ("batch", "table", InvalidTable),
            ("table", "batch", InvalidAccountData),
            ("requester", "batch", InvalidOwner),
        ]
    )


async def test_fail_init_table_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer (an authority named but not signing).
    await attack.missing_signers()
    await attack.expect_ok()


async def test_fail_init_table_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags (every account it writes, passed read-only).
    await attack.read_only()


async def test_fail_init_table_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_init_table_with_truncated_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (truncated).
    await attack.truncated_data()


async def test_fail_init_table_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()


async def test_fail_init_table_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_init_table_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion (another type's discriminator).
    await attack.unknown_discriminators()


async def test_fail_init_table_with_several_faults(market: Market, attack: Attack) -> None:
    # Bug class: a refusal that names the wrong fault. Two faults at once:
    # the rule docs/protocol.md ("Order of checks") lists first wins.
    req, b, ix = market.requester, attack.scene["b"], attack.ix
    address, size = attack.key("table"), 100 + 5 * 2 * 4
    rent = await market.backend.minimum_balance(size)
    stranger = await market.other_requester()
    foreign = instructions.init_table(stranger.address, b.address, address, 1)
    # A stranger, with the wrong index: the signer comes first.
    await attack.refused(foreign, Unauthorized, [stranger.wallet], "stranger, index 1")
    # The next index's address, never allocated: the address before the owner.
    await attack.refused(
        swap(ix, "table", table_address(req.address, b.batch_number, 1)), InvalidTable
    )
    # At the right address: an account of another owner, not sized to whole
    # items: the owner before the size.
    odd = Account(rent, bytes(size + 3), Pubkey.default(), False, 0)
    market.backend.set_account(address, odd)
    await attack.refused(ix, InvalidOwner, what="other owner, odd size")
    # This program's, initialized (a discriminator), not sized to whole items:
    # initialized before the size.
    marked = Account(rent, b"\x01" + bytes(size + 2), PROGRAM_ID, False, 0)
    market.backend.set_account(address, marked)
    await attack.refused(ix, AlreadyExists, what="initialized, odd size")
    # Cancelled, with the wrong index too: the batch's state before the index.
    await req.cancel_batch(b.address)
    await attack.refused(attack.with_args(index=1), BatchCancelled, what="cancelled, index 1")
    # Cancelled, and a stranger signs: the signer before the batch's state.
    await attack.refused(foreign, Unauthorized, [stranger.wallet], "stranger, cancelled")
