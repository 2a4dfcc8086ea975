"""AMP governance through the CLI, on a node of its own (governance takes the
protocol over for good, and a fee change would reach other tests' batches):
AMP minted to three holders, `gov init` with a short vote, stake, propose
(a scalar action and a parameter struct from a file), vote, follow the
proposals (tallies, quorum progress, time left), execute, claim.

The node runs on the wall clock, so the vote lasts real seconds: the votes
land first, and the wait is filled with the work that earns the stakers'
fees — a batch graded by agreement and gold (`batch grade`), rated
(`--apply`) and closed, its fees shared among the stake.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from amplify_sdk import Amplify
from amplify_sdk.clients import content_hash
from amplify_sdk.clients._voter import ABSTAIN, AGAINST, FOR
from amplify_sdk.protocol import batch_pda
from amplify_sdk.protocol._pda import proposal_pda
from amplify_sdk.quality._results import batch_results
from amplify_sdk.quality.agreement import Answer, grade
from amplify_sdk.quality.gold import GoldSet

from .conftest import SOL, Node, parallel, start_node, stop_node

AMP = 10**6  # the decimals of the mint `program init` makes
#: Seconds a vote lasts: the votes land in the first few.
VOTING = 15
HELD = ["120", "50.5", "30"]  # AMP minted to each holder
STAKED = ["100", "50.5", "30"]  # and staked
TRUTH = [b"ok", b"no", b"ok", b"ok", b"no", b"ok"]  # one width: one transaction
GOLD = (0, 3)
FLIP = {b"ok": b"no", b"no": b"ok"}
#: The three workers' answers: right, right but for the last item, always wrong.
ANSWERS = [
    list(TRUTH),
    [*TRUTH[:-1], FLIP[TRUTH[-1]]],
    [FLIP[t] for t in TRUTH],
]
PRICE = 10_000


def base(amount: str) -> int:
    return int(Decimal(amount) * AMP)


@pytest.fixture(scope="module")
def dao_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    n = start_node(tmp_path_factory.mktemp("gov-ledger"))
    try:
        assert n.ok("program", "init")["fee_bps"] == 500
        yield n
    finally:
        stop_node(n)


async def _graded_work(node: Node, tmp: Path) -> tuple[str, list[str], int]:
    """A redundancy-3 batch with gold items committed in its instructions,
    answered by three workers (set up in process: `worker` commands are
    tested elsewhere). Its fees stay in the batch until it closes."""
    async with node.sdk() as amp:
        req = amp.requester()
        batch_id = secrets.randbits(62)
        gold = GoldSet.create(
            batch_pda(req.address, batch_id)[0], len(TRUTH), {i: TRUTH[i] for i in GOLD}
        )
        doc = gold.instructions(b"Is the post ok? (ok or no)\n")
        (tmp / "instructions.txt").write_bytes(doc)
        (tmp / "gold.json").write_text(gold.opening().to_json())
        b = await req.create_batch(
            price=PRICE, redundancy=3, batch_id=batch_id, instructions_hash=content_hash(doc)
        )
        await req.add_tasks(b.address, [content_hash(b"post %d" % i) for i in range(len(TRUTH))])
        workers = [amp.worker(Keypair()) for _ in ANSWERS]

        async def work(w: Any, answers: list[bytes]) -> None:
            await amp.backend.airdrop(w.address, SOL)
            await w.register()
            await w.accept_tasks(b.address, range(len(TRUTH)))
            await w.submit_results(b.address, list(enumerate(answers)))

        await asyncio.gather(*(work(w, a) for w, a in zip(workers, ANSWERS, strict=True)))
        b = await req.get_batch(b.address)
        return str(b.address), [str(w.address) for w in workers], b.fees_total


async def _stars_and_close(node: Node, batch: str) -> dict[tuple[int, str], int | None]:
    """The stars on chain per (item, worker); then the batch closes, its fees
    reaching the treasury (and the stakers)."""
    async with node.sdk() as amp:
        rows = await batch_results(amp.backend, Pubkey.from_string(batch), source="history")
        await amp.requester().close_batch(Pubkey.from_string(batch))
    return {(r.item, str(r.worker)): r.stars for r in rows}


def test_governance_end_to_end(dao_node: Node, tmp_path: Path) -> None:
    node = dao_node
    keys = [tmp_path / f"holder{i}.json" for i in range(3)]
    holders = [node.wallet(k) for k in keys]
    batch, workers, fees = asyncio.run(_graded_work(node, tmp_path))

    # One holder's AMP through the CLI, the others' in process (as for the
    # stakes and votes below: one CLI run per command and outcome keeps the
    # test short; the tallies count them all).
    minted, early = parallel(
        lambda: node.cli("gov", "mint-amp", HELD[0], holders[0], "-o", "json"),
        lambda: node.cli("gov", "status"),
    )
    assert minted.code == 0, minted.stderr
    assert minted.json()["amount"] == minted.json()["balance"] == base(HELD[0])
    assert early.code == 1 and "gov init" in early.error
    node.run(lambda amp: _mint(amp, holders[1:], HELD[1:]))

    params = {
        "voting_period_secs": VOTING,
        "timelock_secs": 0,
        "execution_window_secs": 600,
        "quorum_bps": 5_000,
        "threshold_bps": 6_000,
        "min_stake_to_propose": 60 * AMP,
    }
    options = [a for k, v in params.items() for a in (f"--{k.replace('_', '-')}", str(v))]
    init = node.ok("gov", "init", *options, "--emission-min-stars", "5")
    assert init["params"] == params and init["emission"]["min_stars"] == 5
    assert init["amp_decimals"] == 6

    node.run(lambda amp: _stake(amp, "50"), keys[1])
    staked = node.ok("gov", "stake", "0.5", keypair=keys[1])  # 50 + 0.5 = STAKED[1]
    assert staked["amount"] == AMP // 2 and staked["staked"] == base(STAKED[1])
    assert staked["amp_balance"] == base(HELD[1]) - base(STAKED[1])
    node.run(lambda amp: _stake(amp, STAKED[0]), keys[0])
    node.run(lambda amp: _stake(amp, STAKED[2]), keys[2])
    total = sum(map(base, STAKED))

    fee = node.ok("gov", "propose", "set-fee", "--fee-bps", "300", keypair=keys[0])
    assert fee["id"] == 0 and fee["action"] == {"SetFee": {"fee_bps": 300}}
    assert fee["stage"] == "voting" and fee["staked_at_creation"] == total
    assert 0 < fee["seconds_left"] <= VOTING
    # A parameter struct: the file's fields over the values in force, options over both.
    (tmp_path / "gov.yaml").write_text("voting_period_secs: 1m\nthreshold_bps: 7000\n")
    (tmp_path / "typo.yaml").write_text("quorum: 1\n")
    struct, typo, small, vote, too_soon, voting = parallel(
        lambda: node.cli(
            "gov",
            "propose",
            "set-governance-params",
            "--file",
            tmp_path / "gov.yaml",
            "--quorum-bps",
            "4000",
            "-o",
            "json",
            keypair=keys[0],
        ),
        lambda: node.cli(
            "gov", "propose", "set-governance-params", "--file", tmp_path / "typo.yaml"
        ),
        # 50.5 AMP staked, 60 needed to propose.
        lambda: node.cli(
            "gov", "propose", "spend", "--recipient", holders[1], "--lamports", "1", keypair=keys[1]
        ),
        lambda: node.cli("gov", "vote", "0", "for", "-o", "json", keypair=keys[0]),
        lambda: node.cli("gov", "execute", "0"),
        lambda: node.cli("gov", "list", "-o", "json"),
    )
    node.run(lambda amp: _vote(amp, 0, AGAINST), keys[1])
    node.run(lambda amp: _vote(amp, 0, ABSTAIN), keys[2])
    node.run(lambda amp: _vote(amp, 1, FOR), keys[1])
    assert struct.code == 0, struct.stderr
    proposed = struct.json()
    assert proposed["id"] == 1
    assert proposed["action"]["SetGovernanceParams"]["params"] == params | {
        "voting_period_secs": 60,
        "threshold_bps": 7_000,
        "quorum_bps": 4_000,
    }
    assert typo.code == 2 and "quorum not fields of GovernanceParams" in typo.error
    assert small.code == 1 and small.error.startswith("error: InsufficientStake (")
    assert vote.code == 0 and vote.json()["weight"] == base(STAKED[0])
    assert too_soon.code == 1 and too_soon.error.startswith("error: VotingActive (")
    p0 = next(p for p in voting.json()["proposals"] if p["id"] == 0)
    assert p0["stage"] == "voting" and 0 < p0["seconds_left"] <= VOTING

    # While the vote runs: grade the batch (Dawid-Skene; plurality vote with
    # gold, its stars sent), close it, share its fees.
    gold = ("--gold", tmp_path / "gold.json", "--instructions", tmp_path / "instructions.txt")
    graded, applied = parallel(
        lambda: node.cli("batch", "grade", batch, "-o", "json"),
        lambda: node.cli(
            "batch", "grade", batch, "--method", "plurality-vote", *gold, "--apply", "-o", "json"
        ),
    )
    ds = graded.json()
    assert ds["method"] == "dawid-skene" and ds["items"] == len(TRUTH)
    assert ds["ratings"] == 3 * len(TRUTH) and set(ds["labels"]) == {"ok", "no"}
    expected = _expected(workers, "dawid_skene", {})
    assert {w["worker"]: w["stars"] for w in ds["workers"]} == {
        w: g.stars for w, g in expected.items()
    }
    assert applied.code == 0, applied.stderr
    mv = applied.json()
    expected = _expected(workers, "plurality_vote", {i: TRUTH[i] for i in GOLD})
    for w in mv["workers"]:
        g = expected[w["worker"]]
        k = workers.index(w["worker"])
        assert (w["gold_answered"], w["gold_right"]) == (
            len(GOLD),
            sum(ANSWERS[k][i] == TRUTH[i] for i in GOLD),
        )
        assert w["stars"] == g.stars and w["accuracy"] == pytest.approx(g.accuracy, abs=1e-4)
    assert mv["workers"][-1]["worker"] == workers[2]  # always wrong: last
    # Each row's standing is read after the ratings: one per item it answered;
    # 6 items graded are under the 20 a qualification value needs.
    for w in mv["workers"]:
        assert w["standing"]["ratings"] == len(TRUTH) and w["qualification"] is None
        score = w["standing"]["score"]
        assert w["standing"]["text"].startswith(f"{score // 1000}.{score % 1000 // 10:02d}★ (")
    assert mv["rated"] == mv["ratings"] == 3 * len(TRUTH)
    on_chain = asyncio.run(_stars_and_close(node, batch))
    assert on_chain == {(i, w): expected[w].stars for w in workers for i in range(len(TRUTH))}

    node.wait_for_chain_time(max(fee["voting_ends_at"], proposed["voting_ends_at"]))
    # The fees reached the treasury after every stake, and paid out over a
    # voting period from the last stake (over by now): shared pro rata
    # (floored, at most a lamport of rounding each).
    status, claimed = parallel(
        lambda: node.cli("gov", "status", "-o", "json", keypair=keys[0]),
        lambda: node.cli("gov", "claim", "-o", "json", keypair=keys[1]),
    )
    pending = status.json()["wallet"]["pending_rewards"]
    assert fees * base(STAKED[0]) // total - 1 <= pending <= fees * base(STAKED[0]) // total
    paid = claimed.json()["lamports"]
    assert fees * base(STAKED[1]) // total - 1 <= paid <= fees * base(STAKED[1]) // total
    assert status.json()["total_staked"] == total

    done, defeated = parallel(
        lambda: node.cli("gov", "execute", "0", "-o", "json"),
        lambda: node.cli("gov", "execute", "1"),
    )
    assert done.code == 0 and done.json()["stage"] == "executed"
    assert defeated.code == 1 and defeated.error.startswith("error: QuorumNotMet (")
    text, listed, shown = parallel(
        lambda: node.cli("gov", "list"),
        lambda: node.cli("gov", "list", "-o", "json"),
        lambda: node.cli("gov", "show", "0", "-o", "json", keypair=keys[1]),
    )
    p0, p1 = listed.json()["proposals"]
    # The tally is the stake each holder voted with.
    assert (p0["votes_for"], p0["votes_against"], p0["votes_abstain"]) == tuple(map(base, STAKED))
    assert p0["quorum"] == total // 2 and p0["quorum_progress"] == pytest.approx(2.0)
    assert p0["for_share_bps"] == base(STAKED[0]) * 10_000 // (total - base(STAKED[2]))
    assert p0["stage"] == "executed" and shown.json()["stage"] == "executed"
    assert shown.json()["your_vote"] == {"choice": "against", "weight": base(STAKED[1])}
    assert p1["stage"] == "defeated" and not p1["quorum_met"]
    # Its quorum is the one in force when it was proposed (50%), not the one it proposes.
    assert p1["quorum_progress"] == pytest.approx(base(STAKED[1]) / (total / 2))
    assert "SetFee fee_bps=300" in text.stdout and "quorum not met" in text.stdout
    assert node.run(_fee_bps) == 300


async def _mint(amp: Amplify, owners: list[str], amounts: list[str]) -> None:
    admin = amp.admin()
    mint = (await admin.get_config()).amp_mint
    for owner, amount in zip(owners, amounts, strict=True):
        await admin.mint_amp(mint, Pubkey.from_string(owner), base(amount))


async def _stake(amp: Amplify, amount: str) -> None:
    await amp.voter().stake(base(amount))


async def _vote(amp: Amplify, proposal: int, choice: int) -> None:
    await amp.voter().vote(proposal_pda(proposal)[0], choice)


async def _fee_bps(amp: Amplify) -> int:
    return (await amp.admin().get_config()).fee_bps


def _expected(workers: list[str], method: Any, gold: dict[int, bytes]) -> dict[str, Any]:
    """The grades of the answers this test gave, computed here from them."""
    answers = [
        Answer(i, Pubkey.from_string(w), a)
        for w, given in zip(workers, ANSWERS, strict=True)
        for i, a in enumerate(given)
    ]
    grades = grade(answers, gold=gold, method=method)
    return {str(w): g for w, g in grades.workers.items()}
