"""Gates whose price exceeds their prize: the forge cost `create_batch`
states for a `min_rating` gate (`RequesterClient.gate_price`, the search in
`amplify_sdk.quality.forge`), checked on the program and for soundness.
The refusal itself is in tests/test_create_batch.py."""

from __future__ import annotations

import time

import numpy as np
import pytest

from amplify_sdk.clients._gate import GatePrice, check_gate
from amplify_sdk.errors import ForgeableGateError, RatingTooLow
from amplify_sdk.protocol._ceiling import max_reachable_score
from amplify_sdk.protocol._fee import DEFAULT_FEE_BPS
from amplify_sdk.protocol._models import ReputationParams
from amplify_sdk.quality import forge
from amplify_sdk.quality.forge import forge_cost
from amplify_sdk.quality.reputation import DEFAULT_PARAMS
from conftest import report
from gates import price_with_fee
from market import Market


@pytest.mark.embedded_only  # ~180 transactions of one rating each: once, on LiteSVM
async def test_the_cheapest_computed_ring_forges_a_four_star_gate_on_chain(market: Market) -> None:
    # The forge cost create_batch states is what a ring really pays on the
    # program: its requester keys rate a fresh identity (and decoys) as the
    # search planned, the identity's rating passes the gate exactly when the
    # fees paid reach the stated cost, and not at 80% of it.
    gate = 4_000
    req = market.requester
    config = await req.get_config()
    price = await req.gate_price(price=100_000, min_rating=gate)
    assert price is not None and price.forge.exact
    ring = price.forge.cheapest
    assert ring is not None and ring.lamports == price.forge_cost
    keys = [await market.other_requester() for _ in range(ring.requesters)]
    target, decoy = await market.worker(), await market.worker()
    plan = ring.ratings()
    # One batch per (requester, fee, identity): items in the order they are rated.
    slots: dict[tuple[int, int, bool], list[int]] = {}
    order = []
    for r, to_decoy, fee in plan:
        items = slots.setdefault((r, fee, to_decoy), [])
        order.append((r, fee, len(items), to_decoy))
        items.append(0)
    batches = {}
    for (r, fee, to_decoy), items in slots.items():
        b = await market.batch(
            n_items=len(items),
            requester=keys[r],
            price=price_with_fee(fee, config.fee_bps),
            salt=bytes([r, to_decoy]) + fee.to_bytes(8, "little"),
        )
        assert b.fee_per_item == fee
        batches[(r, fee, to_decoy)] = b
        w = decoy if to_decoy else target
        await w.accept_tasks(b.address, range(len(items)))
        await w.submit_results(b.address, [(i, b"\x01") for i in range(len(items))])
    gated = await market.batch(n_items=2, min_rating=gate, per_worker_cap=1, salt=b"gate")

    paid = 0
    checked_short = False
    for r, fee, item, to_decoy in order:
        b = batches[(r, fee, to_decoy)]
        if not checked_short and paid + b.fee_per_item > 0.8 * ring.lamports:
            # 80% of the cost spent: the identity is still refused.
            assert (await target.profile()).rating < gate
            with pytest.raises(RatingTooLow):
                await target.accept_tasks(gated.address, [0])
            checked_short = True
        if not to_decoy and item == len(slots[(r, fee, to_decoy)]) - 1 and fee == ring.last_fee:
            # Before the last 5-star every other lamport is spent: still short.
            assert paid == ring.lamports - ring.last_fee
            assert (await target.profile()).rating < gate
        who = decoy if to_decoy else target
        out = await keys[r].rate_assignments(b.address, [(item, who.address, 1 if to_decoy else 5)])
        assert out[0].ok, out
        paid += b.fee_per_item  # the protocol fee the rated work paid, read from the chain
    assert checked_short
    assert paid == ring.lamports
    profile = await target.profile()
    assert profile.rating >= gate
    assert (await target.accept_tasks(gated.address, [0]))[0].ok
    report(
        "forged 4-star gate on chain: keys / 5-stars / decoys / fees (decoys) / rating",
        (
            ring.requesters,
            ring.fives,
            ring.decoys,
            f"{paid:,} ({ring.decoy_lamports:,})",
            profile.rating,
        ),
    )


def test_the_forge_search_time() -> None:
    # What pricing a gate adds to create_batch, first under given parameters
    # and then from the cache (measured, not asserted: docs/reputation.md).
    times = {}
    for gate in (3_500, 4_000, 4_500):
        forge_cost.cache_clear()
        start = time.perf_counter()
        forge_cost(DEFAULT_PARAMS, DEFAULT_FEE_BPS, gate)
        first = time.perf_counter() - start
        start = time.perf_counter()
        forge_cost(DEFAULT_PARAMS, DEFAULT_FEE_BPS, gate)
        times[gate] = f"{first * 1e3:.0f} ms / {(time.perf_counter() - start) * 1e6:.0f} µs"
    report("forge search at the defaults, first / cached, by gate", times)


OTHER_PARAMS = [
    dict(DEFAULT_PARAMS.model_dump(), neutral=3_500, distinct_cap=2, prior_weight=8_000_000),
    dict(DEFAULT_PARAMS.model_dump(), max_weight_per_rating=40_000, qualifying_weight=500_000),
    dict(DEFAULT_PARAMS.model_dump(), max_weight_per_requester=2_000_000, prior_mean=2_000),
]


@pytest.mark.parametrize("changes", [0, 1, 2])
def test_the_forge_search_prunes_only_rings_that_cannot_win(
    changes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The search drops a ring once it provably cannot reach the gate (a bound
    # on the score) or has paid more than one that passed. Without the bound
    # (every ring runs until it passes or pays too much), each kind's cheapest
    # ring is the same: the bound never dropped a ring that would have passed.
    params = ReputationParams(**OTHER_PARAMS[changes])
    for gate in (3_000, 3_400, 3_800):
        if gate > max_reachable_score(params):
            continue
        pruned = forge.forge_cost.__wrapped__(params, DEFAULT_FEE_BPS, gate)
        with monkeypatch.context() as m:
            m.setattr(forge, "_reach", lambda p, ring, decoys: np.full(len(ring), 10**9))
            full = forge.forge_cost.__wrapped__(params, DEFAULT_FEE_BPS, gate)
        assert pruned.exact and full.exact
        assert {k: r and r.lamports for k, r in pruned.rings.items()} == {
            k: r and r.lamports for k, r in full.rings.items()
        }


def test_a_search_cut_short_states_a_lower_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    # Past its round limit the search states what the rings still running had
    # paid: less than the full search's cost, never more (a refusal on it errs
    # toward the requester).
    full = forge.forge_cost.__wrapped__(DEFAULT_PARAMS, DEFAULT_FEE_BPS, 4_000)
    monkeypatch.setattr(forge, "MAX_ROUNDS", 60)
    cut = forge.forge_cost.__wrapped__(DEFAULT_PARAMS, DEFAULT_FEE_BPS, 4_000)
    assert full.exact and not cut.exact
    assert cut.lamports is not None and full.lamports is not None
    # 60 rounds: 30 five-stars and 30 decoys at most per ring, each at the cap's fee or a third.
    assert 0 < cut.lamports <= 30 * 100_000 + 30 * 33_334 < full.lamports
    gate = GatePrice(4_000, cut, payout=95_000, per_worker_cap=0)
    with pytest.raises(ForgeableGateError, match=f"costs at least {cut.lamports:,} lamports"):
        check_gate(gate, allow_forgeable_gate=False)


def test_at_a_zero_fee_no_ring_lifts_anyone_above_the_prior() -> None:
    # A rating on fee-less work weighs nothing: a fresh identity rated once
    # sits at the prior (2,500), for free, and no ring takes it higher.
    free = forge.forge_cost(DEFAULT_PARAMS, 0, DEFAULT_PARAMS.prior_mean)
    assert free.lamports == 0 and free.exact
    above = forge.forge_cost(DEFAULT_PARAMS, 0, DEFAULT_PARAMS.prior_mean + 1)
    assert above.lamports is None and above.cheapest is None and above.exact
