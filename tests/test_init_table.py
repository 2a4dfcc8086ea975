"""`init_table`: a requester-allocated account becomes the batch's next task
table only at its create_with_seed address, once, with a size that fits."""

from __future__ import annotations

import pytest
from solders.account import Account
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.system_program import CreateAccountWithSeedParams, create_account_with_seed

from amplify_sdk import (
    PROGRAM_ID,
    Batch,
    BatchCancelled,
    InvalidOwner,
    InvalidTable,
    RequesterClient,
    TaskTable,
    Unauthorized,
    instructions,
    table_address,
    table_seed,
)
from market import Market


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
async def test_fail_init_table(market: Market, case: str) -> None:
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
