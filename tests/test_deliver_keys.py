"""`deliver_keys`: in an encrypted batch, the requester's key agent delivers
each accepted item's key sealed to the worker; the worker cannot submit
before, and a reservation whose key never came is released with its bond
returned, still counting against the worker's cap."""

from __future__ import annotations

import pytest
from solders.keypair import Keypair

from adversarial import Attack
from amplify_sdk import instructions
from amplify_sdk.errors import (
    DuplicateAccount,
    EmptyTaskList,
    InvalidAccountData,
    InvalidEncryptionKey,
    InvalidOwner,
    ItemNotFound,
    KeyAlreadyDelivered,
    KeyNotDelivered,
    NotEncrypted,
    NotInRoster,
    SealedKeyCountMismatch,
    Unauthorized,
    WorkerCapReached,
    WrongTable,
)
from amplify_sdk.protocol import config_pda
from amplify_sdk.protocol._crypto import (
    DecryptionError,
    decrypt_item,
    encrypt_item,
    item_key,
    new_master_key,
    open_sealed_key,
    x25519_secret,
)
from market import Market


async def test_keys_reach_only_the_accepting_worker(market: Market) -> None:
    req = market.requester
    b = await market.batch(n_items=4, encrypted=True, redundancy=2)
    master = new_master_key()
    blobs = {
        i: encrypt_item(item_key(master, b.address, i), b.address, i, f"secret {i}".encode())
        for i in range(4)
    }
    w, other = await market.worker(), await market.worker()
    await w.accept_tasks(b.address, [0, 1])
    # Before its key arrives the worker cannot submit.
    out = await w.submit_results(b.address, [(0, b"\x01")])
    assert isinstance(out[0].error, KeyNotDelivered)

    delivered = await req.deliver_keys(
        b.address, w.address, [(i, item_key(master, b.address, i)) for i in (0, 1, 2)]
    )
    assert [o.ok for o in delivered] == [True, True, False]  # item 2 is not the worker's
    (event,) = [e for e in req.last_receipt.events if e.name == "KeysDelivered"]  # type: ignore[union-attr]
    assert event.fields["items"] == [0, 1]
    # The worker opens its keys from the event alone and decrypts its items.
    secret = x25519_secret(w.wallet)
    for item, sealed in zip(event.fields["items"], event.fields["sealed_keys"], strict=True):
        key = open_sealed_key(sealed, secret)
        assert decrypt_item(key, b.address, item, blobs[item]) == f"secret {item}".encode()
    # Nobody else can: not another worker, not with another item's key or slot.
    with pytest.raises(DecryptionError):
        open_sealed_key(event.fields["sealed_keys"][0], x25519_secret(other.wallet))
    key0 = open_sealed_key(event.fields["sealed_keys"][0], secret)
    with pytest.raises(DecryptionError):
        decrypt_item(key0, b.address, 1, blobs[0])  # swapped into another item
    again = await req.deliver_keys(b.address, w.address, [(0, key0)])
    assert type(again[0].error).__name__ == "KeyAlreadyDelivered"
    assert all(o.ok for o in await w.submit_results(b.address, [(0, b"\x01"), (1, b"\x02")]))


async def test_undelivered_reservation_returns_the_bond_and_counts_against_the_cap(
    market: Market,
) -> None:
    bond = 1_000
    b = await market.batch(
        n_items=3, encrypted=True, per_worker_cap=2, bond=bond, reservation_secs=30
    )
    w = await market.worker()
    await w.accept_tasks(b.address, [0, 1])
    await market.requester.deliver_keys(b.address, w.address, [(0, bytes(32))])
    market.backend.warp(31 + b.tick_secs)
    before = await w.balance()
    out = await market.requester.release_expired(b.address, w.address)
    assert sorted(o.item for o in out if o.ok) == [0, 1]
    # Item 1's key never came: its bond went back, and it still counts (issue
    # 16: an undelivered reservation must not come back free).
    assert await w.balance() - before == bond
    b = await w.get_batch(b.address)
    assert b.roster[0].taken == 2 and b.forfeited_total == bond
    out = await w.accept_tasks(b.address, [1, 2])
    assert {type(o.error) for o in out} == {WorkerCapReached}


async def test_fail_deliver_keys_with_bad_requests(market: Market) -> None:
    # Bug class: missing authority, substituted table, counts that disagree.
    req = market.requester
    b = await market.batch(n_items=2, encrypted=True)
    plain = await market.batch(n_items=2, salt=b"p")
    other = await market.batch(n_items=2, encrypted=True, salt=b"o")
    w = await market.worker()
    await w.accept_tasks(b.address, [0])
    await w.accept_tasks(plain.address, [0])
    stranger = await market.other_requester()
    t = market.table(b)
    cases = [
        (
            req,
            instructions.deliver_keys(
                req.address, plain.address, market.table(plain), w.address, [0], [bytes(80)]
            ),
            NotEncrypted,
        ),
        (
            stranger,
            instructions.deliver_keys(stranger.address, b.address, t, w.address, [0], [bytes(80)]),
            Unauthorized,
        ),
        (
            req,
            instructions.deliver_keys(
                req.address, b.address, market.table(other), w.address, [0], [bytes(80)]
            ),
            WrongTable,
        ),
        (
            req,
            instructions.deliver_keys(req.address, b.address, t, w.address, [0], []),
            SealedKeyCountMismatch,
        ),
    ]
    for sender, ix, error in cases:
        async with market.lamports(t) as bal:
            with pytest.raises(error):
                await sender.send([ix])
            await bal.assert_unchanged()


async def test_fail_deliver_keys_with_a_worker_key_no_box_can_be_sealed_to(
    market: Market,
) -> None:
    # Bug class: bad-key squat (issue 16: sealing to an all-zero key raised
    # out of deliver_keys and killed the key agent). The SDK refuses with the
    # program's typed error before sending anything.
    b = await market.batch(n_items=2, encrypted=True)
    w = await market.worker()
    await w.accept_tasks(b.address, [0])
    for key in (bytes(32), (2**255 - 19).to_bytes(32, "little")):  # as registered before the fix
        await market.set_encryption_key(w.address, key)
        sent = len(market.requester.receipts)
        with pytest.raises(InvalidEncryptionKey):
            await market.requester.deliver_keys(b.address, w.address, [(0, bytes(32))])
        assert len(market.requester.receipts) == sent


async def test_a_named_key_agent_may_deliver(market: Market) -> None:
    agent = await market.other_requester()
    b = await market.batch(n_items=1, encrypted=True, key_agent=agent.address)
    w = await market.worker()
    await w.accept_tasks(b.address, [0])
    ix = instructions.deliver_keys(
        agent.address, b.address, market.table(b), w.address, [0], [bytes(80)]
    )
    await agent.send([ix])
    assert (await w.submit_results(b.address, [(0, b"\x01")]))[0].ok


# -- adversarial ---------------------------------------------------------------


@pytest.fixture
async def attack(market: Market) -> Attack:
    b = await market.batch(n_items=4, encrypted=True)
    w, idle = await market.worker(), await market.worker()
    await w.accept_tasks(b.address, [0, 1])
    payer = await market.other_requester()
    keys = [bytes([1]) * 80, bytes([2]) * 80]
    ix = instructions.deliver_keys(
        market.requester.address, b.address, market.table(b), w.address, [0, 1], keys
    )
    scene = {"b": b, "w": w, "idle": idle}
    return Attack(market, ix, [market.requester.wallet], payer, [], scene)


async def test_fail_deliver_keys_with_another_signer(attack: Attack) -> None:
    # Bug class: missing authority (a stranger marking keys delivered, so a
    # worker could submit work it never saw).
    stranger = Keypair()
    await attack.market.backend.airdrop(stranger.pubkey(), 10**9)
    await attack.refused(attack.swap("authority", stranger.pubkey()), Unauthorized, [stranger])
    await attack.expect_ok()


async def test_fail_deliver_keys_with_mismatched_or_extreme_lists(attack: Attack) -> None:
    # Bug class: vector lengths that disagree, u32 extremes.
    k = bytes(80)
    await attack.arguments(
        [
            ({"items": [0, 1], "sealed_keys": [k]}, SealedKeyCountMismatch),
            ({"items": [0], "sealed_keys": [k, k]}, SealedKeyCountMismatch),
            ({"items": [], "sealed_keys": []}, EmptyTaskList),
            ({"items": [2**32 - 1], "sealed_keys": [k]}, ItemNotFound),
            ({"items": [0, 4], "sealed_keys": [k, k]}, ItemNotFound),
        ]
    )


async def test_fail_deliver_keys_with_keys_delivered_already(attack: Attack) -> None:
    # Bug class: replay (a second key would replace the first in the event
    # log). Refused per item, not whole: the transaction lands, changing no slot.
    await attack.expect_ok()
    before = await attack.snapshot([attack.key("table")])
    await attack.expect_ok()
    assert await attack.snapshot([attack.key("table")]) == before
    (event,) = attack.payer.receipts[-1].events
    assert event.fields["items"] == [] and event.fields["sealed_keys"] == []
    code = KeyAlreadyDelivered.code
    assert event.fields["refused"] == [{"item": 0, "code": code}, {"item": 1, "code": code}]


async def test_fail_deliver_keys_with_a_worker_not_in_the_roster(attack: Attack) -> None:
    # Bug class: substituted account (keys for a worker that holds nothing).
    await attack.substituted([("worker", attack.scene["idle"].address, NotInRoster)])


async def test_fail_deliver_keys_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion.
    await attack.substituted(
        [
            ("batch", config_pda()[0], InvalidAccountData),
            ("table", config_pda()[0], InvalidAccountData),
        ]
    )


async def test_fail_deliver_keys_with_accounts_of_another_owner(attack: Attack) -> None:
    # Bug class: wrong owner (a forged batch naming the attacker as key agent).
    await attack.other_owner(["batch", "table"], InvalidOwner)


async def test_fail_deliver_keys_with_the_same_account_in_two_roles(attack: Attack) -> None:
    # Bug class: duplicate accounts.
    await attack.twice(
        [
            ("batch", "table", DuplicateAccount),
            ("table", "batch", InvalidAccountData),
            ("batch", "worker", NotInRoster),
        ]
    )


async def test_fail_deliver_keys_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer (an authority named but not signing).
    await attack.missing_signers()
    await attack.expect_ok()


async def test_fail_deliver_keys_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags (every account it writes, passed read-only).
    await attack.read_only()


async def test_fail_deliver_keys_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_deliver_keys_with_truncated_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (truncated).
    await attack.truncated_data()


async def test_fail_deliver_keys_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()


async def test_fail_deliver_keys_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_deliver_keys_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion (another type's discriminator).
    await attack.unknown_discriminators()


async def test_fail_deliver_keys_with_lying_vector_lengths(attack: Attack) -> None:
    # Bug class: vector lengths that lie (more than the data holds, u32::MAX, one less).
    await attack.lying_lengths()
