"""A worker's standing (amplify_sdk/quality/standing.py): the score with the
evidence behind it, every figure derived from what the test did, from the
plain reference of the formula (tests/reputation_ref.py, written from the
docs) and from docs/reputation.md ("Standing", "Market tiers")."""

from __future__ import annotations

import re

import pytest
import reputation_ref as ref
from solders.pubkey import Pubkey

from amplify_sdk.quality.qualification import MIN_QUALIFICATION_EVIDENCE
from amplify_sdk.quality.standing import (
    EVIDENCE_BOUNDS,
    TIER_MIN_WEIGHT,
    TIERS,
    SkillValue,
    Standing,
    stars_text,
    tier_index,
)
from conftest import ROOT
from market import Market, worker_tier

PRICE = 10_000
FEE = 500  # 5% of 10,000 (docs/protocol.md)


@pytest.mark.embedded_only
async def test_standing_shows_what_the_score_hides(market: Market) -> None:
    # Bug class: a standing that hides honest work — the case: one
    # worker rated 5 stars on 100 items, another 2 stars on 100, and both
    # shown as 2.50 stars with nothing to tell them apart.
    good, poor = await market.worker(), await market.worker()
    other = await market.other_requester()
    expected: dict[Pubkey, ref.Worker] = {}
    for i, (w, req, stars) in enumerate(((good, market.requester, 5), (poor, other, 2))):
        b = await market.batch(n_items=100, price=PRICE, salt=bytes([i]), requester=req)
        await w.accept_tasks(b.address, range(100))
        await w.submit_results(b.address, [(k, b"\x01") for k in range(100)])
        await req.rate_assignments(b.address, [(k, w.address, stars) for k in range(100)])
        # The same ratings through the plain reference of the formula.
        wk, rq = ref.Worker(), ref.Requester(id=i + 1)
        for _ in range(100):
            ref.rate(ref.DEFAULTS, wk, rq, stars, FEE)
        expected[w.address] = wk

    config = await market.requester.get_config()
    shown = {}
    for w in (good, poor):
        profile = await market.requester.get_worker_profile(w.address)
        s = profile.standing(config.reputation)
        assert await market.requester.get_standing(w.address) == s
        wk = expected[w.address]
        # One rater, far from qualifying: the whole prior, 20,000,000.
        assert (s.ratings, s.weight, s.prior_weight) == (100, wk.w, 20_000_000)
        assert (s.raters, s.qualified_raters) == (1, 0)
        assert s.mean == wk.s // wk.w
        assert s.evidence == "prior-bound"  # 50,000 of weight against 20M
        assert s.skills == []
        text = s.text()
        for part in (
            # Two decimals, truncated (docs/reputation.md).
            f"{s.score // 1000}.{s.score % 1000 // 10:02d}★ (prior-bound)",
            "100 ratings",
            f"mean {s.mean // 1000}.{s.mean % 1000 // 10:02d}★",
            f"weight {wk.w:,} of 20,000,000 prior",
            "1 rater, 0 qualifying",
        ):
            assert part in text, (part, text)
        shown[w.address] = s
    g, p = shown[good.address], shown[poor.address]
    # The scores barely differ (the prior weighs 400 times the evidence) ...
    assert abs(g.score - p.score) < 20
    # ... the standing does: 2 stars from a harsh rater are read as given
    # (2,000 exactly), 5 stars from a rater whose average rises above
    # neutral are discounted, yet stay two stars clear of them.
    assert p.mean == 2_000 and g.mean is not None and g.mean - p.mean >= 1_900
    assert (g.tier, p.tier) == ("mean ≥4★", "mean 2–3★")
    assert g.tier == worker_tier(g.ratings, g.weight, g.mean)


def make(weight: int, prior: int, ratings: int = 1, mean: int | None = 3_000) -> Standing:
    return Standing(
        worker=Pubkey.default(),
        score=2_500,
        ratings=ratings,
        weight=weight,
        prior_weight=prior,
        mean=mean,
        raters=1,
        qualified_raters=0,
    )


def test_evidence_words_follow_the_share_of_the_score() -> None:
    # docs/reputation.md: prior-bound while the ratings make under a quarter
    # of the score, W / (P + W); evidence-led from half on.
    assert make(0, 20_000_000, ratings=0, mean=None).evidence == "unrated"
    assert make(1, 3).evidence == "evidence building"  # exactly 1/4
    assert make(999, 3_000).evidence == "prior-bound"  # just under 1/4
    assert make(2_999_999, 3_000_000).evidence == "evidence building"  # just under 1/2
    assert make(3_000_000, 3_000_000).evidence == "evidence-led"
    assert make(25_000_000, 5_000_000).evidence == "evidence-led"
    assert make(1, 3).evidence_share == 0.25


def test_skills_show_in_the_standing() -> None:
    skill, issuer = Pubkey.new_unique(), Pubkey.new_unique()
    s = make(50_000, 20_000_000).model_copy(
        update={"skills": [SkillValue(skill=skill, issuer=issuer, value=87)]}
    )
    assert s.as_dict()["skills"] == [{"skill": str(skill), "issuer": str(issuer), "value": 87}]
    assert s.text().endswith(f"skills {str(skill)[:8]}… 87")


def test_tiers_follow_the_docs() -> None:
    # Boundaries on both sides of the evidence floor and of each mean bound,
    # against the test's own reading of docs/reputation.md (tests/market.py).
    cases = [
        (n, w, m)
        for n in (0, 1, 100)
        for w in (0, 9_999, 10_000, 10**7)
        for m in (1_000, 1_999, 2_000, 2_999, 3_000, 3_999, 4_000, 5_000)
    ]
    for n, w, m in cases:
        assert TIERS[tier_index(n, w, m)] == worker_tier(n, w, m), (n, w, m)
    # The vector form agrees with the scalar one.
    ns, ws, ms = zip(*cases, strict=True)
    assert [TIERS[i] for i in tier_index(ns, ws, ms)] == [worker_tier(*c) for c in cases]


def test_standing_figures_in_the_docs() -> None:
    # docs/reputation.md's "Standing" and "Market tiers" quote the code's numbers.
    text = (ROOT / "docs/reputation.md").read_text()
    section = text[text.index("## Standing") :]
    m = re.search(r"prior-bound\*\* under (\d+) %.*?evidence-led\*\* from (\d+) %", section, re.S)
    assert m, "docs/reputation.md gives the evidence words' bounds"
    assert (int(m.group(1)) / 100, int(m.group(2)) / 100) == EVIDENCE_BOUNDS
    m = re.search(r"at least \*\*([\d,]+) lamports of fee weight\*\*", section)
    assert m and int(m.group(1).replace(",", "")) == TIER_MIN_WEIGHT
    for name in TIERS:
        assert f"`{name}`" in section, name
    # docs/cli.md repeats the floor and the qualification minimum.
    cli = " ".join((ROOT / "docs/cli.md").read_text().split())
    assert f"ratings weighing under {TIER_MIN_WEIGHT:,} lamports of fee" in cli
    assert f"none under {MIN_QUALIFICATION_EVIDENCE} graded answers" in cli


def test_the_standing_line_in_the_docs() -> None:
    # The example line docs/reputation.md shows is what `text()` prints for
    # the case it describes: 100 ratings of fee 500 (10,000-lamport items),
    # mean 4.9 stars, one rater, the whole default prior.
    text = (ROOT / "docs/reputation.md").read_text()
    line = next(x for x in text.splitlines() if x.startswith("2.51★ (prior-bound)"))
    s = Standing(
        worker=Pubkey.default(),
        score=2_510,
        ratings=100,
        weight=100 * FEE,
        prior_weight=20_000_000,
        mean=4_900,
        raters=1,
        qualified_raters=0,
    )
    assert s.text() == line


def test_stars_to_two_decimals_truncated() -> None:
    # A score shown as 4.00 must pass a 4-star gate: 3,999 shows as 3.99.
    shown = {m: stars_text(m) for m in (1_000, 2_510, 3_999, 4_000, 4_584, 4_999)}
    assert shown == {
        1_000: "1.00",
        2_510: "2.51",
        3_999: "3.99",
        4_000: "4.00",
        4_584: "4.58",
        4_999: "4.99",
    }
