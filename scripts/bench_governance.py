"""The governance part of ./scripts/bench: the compute units of each
governance instruction on a small DAO, beside the figures first measured."""

from __future__ import annotations

from governance import RELEASE, earn_fees, make_dao

from amplify_sdk import Amplify
from amplify_sdk.chain._embedded import EmbeddedBackend
from amplify_sdk.clients._admin import AMP
from market import Market

#: Governance compute units as first measured (docs/governance.md at the
#: governance issue), printed beside today's.
GOVERNANCE_BEFORE = {
    "initialize_governance (+ loader and mint hand-over)": 24_274,
    "stake (first: creates the stake account)": 10_052,
    "stake": 6_880,
    "claim": 2_426,
    "create_proposal": 8_651,
    "cast_vote": 8_364,
    "execute_proposal (SetFee)": 3_444,
    "unstake": 10_957,
    "claim_emissions": 18_902,
}


async def governance_cu(amp: Amplify) -> list[tuple[str, int]]:
    """Compute units of each governance instruction, on a small DAO."""

    backend = amp.backend
    assert isinstance(backend, EmbeddedBackend)
    admin = amp.admin()
    m = Market(amp, backend, admin, amp.requester())
    dao = await make_dao(m, [100 * AMP, 100 * AMP])
    a, b = dao.voters
    out = [("initialize_governance (+ loader and mint hand-over)", admin.last_receipt)]
    await a.stake(60 * AMP)
    out.append(("stake (first: creates the stake account)", a.last_receipt))
    await a.stake(40 * AMP)
    out.append(("stake", a.last_receipt))
    await b.stake(100 * AMP)
    _, w = await earn_fees(m, 10)
    backend.warp(RELEASE)  # the fees paid out to the stakers
    await a.claim()
    out.append(("claim", a.last_receipt))
    p = await a.propose({"SetFee": {"fee_bps": 400}})
    out.append(("create_proposal", a.last_receipt))
    await a.vote(p.address, 0)
    out.append(("cast_vote", a.last_receipt))
    backend.warp(111)
    await b.execute(p.address)
    out.append(("execute_proposal (SetFee)", b.last_receipt))
    await a.unstake(10 * AMP)
    out.append(("unstake", a.last_receipt))
    batch = await m.batch(n_items=1, salt=b"cu")
    await w.accept_tasks(batch.address, [0])
    await w.submit_results(batch.address, [(0, b"\x01")])
    await m.requester.rate_assignments(batch.address, [(0, w.address, 5)])
    await w.claim_emissions()
    out.append(("claim_emissions", w.last_receipt))
    return [(name, r.compute_units if r else 0) for name, r in out]
