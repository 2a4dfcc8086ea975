"""Agreement and grading: Dawid–Skene against plurality vote on synthetic
crowds of known accuracies, gold answers committed before the batch and
revealed at grading, and a batch graded from chain history and rated."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from solders.pubkey import Pubkey
from solders.signature import Signature

from amplify_sdk.clients import content_hash
from amplify_sdk.errors import InvalidArgumentError
from amplify_sdk.protocol import batch_pda
from amplify_sdk.quality._results import ResultRow, majority, majority_ratings
from amplify_sdk.quality.agreement import (
    Answer,
    Grades,
    StarScale,
    accuracy,
    dawid_skene,
    grade,
    plurality_vote,
)
from amplify_sdk.quality.gold import (
    GoldMismatchError,
    GoldOpening,
    GoldSet,
    gold_commitment,
    verify_reveal,
)
from amplify_sdk.quality.grading import batch_answers, grade_batch, rate_batch
from conftest import report
from market import Market


def crowd(
    rng: np.random.Generator,
    accuracies: list[float],
    n_items: int,
    redundancy: int,
    labels: int,
    *,
    constant: set[int] | None = None,
) -> tuple[list[Answer], dict[int, bytes], list[Pubkey]]:
    """Synthetic answers: each item answered by `redundancy` distinct workers
    drawn at random; worker w right with probability accuracies[w], else a
    uniformly wrong label; workers in `constant` always answer label 0."""
    workers = [Pubkey.new_unique() for _ in accuracies]
    truth = rng.integers(labels, size=n_items)
    out = []
    for i in range(n_items):
        for w in rng.choice(len(workers), size=redundancy, replace=False).tolist():
            if constant and w in constant:
                label = 0
            elif rng.random() < accuracies[w]:
                label = int(truth[i])
            else:
                label = int((truth[i] + rng.integers(1, labels)) % labels)
            out.append(Answer(i, workers[w], bytes([label])))
    return out, {i: bytes([int(t)]) for i, t in enumerate(truth)}, workers


def test_dawid_skene_recovers_more_true_labels_than_a_vote() -> None:
    # Four labels, three answers per item; a few reliable workers, more
    # mediocre ones and many who answer at random: the vote is swayed by the
    # crowd, Dawid–Skene learns whom to trust.
    rng = np.random.default_rng(11)
    accuracies = [0.92] * 6 + [0.65] * 8 + [0.25] * 10
    answers, truth, workers = crowd(rng, accuracies, 2_000, 3, 4)
    mv = accuracy(plurality_vote(answers).label_of(), truth)
    ds_fit = dawid_skene(answers)
    ds = accuracy(ds_fit.label_of(), truth)
    report("true labels recovered, plurality vote / Dawid–Skene", f"{mv:.3f} / {ds:.3f}")
    assert ds >= mv + 0.08
    # Its per-worker estimates track the true accuracies.
    est = dict(zip(ds_fit.workers, ds_fit.agreement.tolist(), strict=True))
    errors = [abs(est[w] - a) for w, a in zip(workers, accuracies, strict=True)]
    assert max(errors) < 0.12
    # And the stars follow: reliable ≥ 4, random 1.
    g = grade(answers)
    stars = [g.workers[w].stars for w in workers]
    assert all(s is not None and s >= 4 for s in stars[:6])
    assert all(s == 1 for s in stars[14:])


def test_dawid_skene_weighs_the_labels_prior() -> None:
    # Bug class: an aggregator that forgets how common each label is. 85% of
    # the items are "ok", 15% "spam"; every worker is right 70% of the time
    # on either. Two "spam" answers and one "ok" are then more likely a
    # mislabelled "ok" (0.85 × 0.3² × 0.7) than a "spam" (0.15 × 0.7² × 0.3):
    # only the prior says so.
    rng = np.random.default_rng(3)
    workers = [Pubkey.new_unique() for _ in range(12)]
    n, ok, spam = 3_000, b"ok", b"spam"
    truth = {i: spam if rng.random() < 0.15 else ok for i in range(n)}
    answers = []
    for i in range(n):
        for w in rng.choice(len(workers), size=3, replace=False).tolist():
            right = rng.random() < 0.7
            answers.append(
                Answer(i, workers[w], truth[i] if right else ({ok, spam} - {truth[i]}).pop())
            )
    fit = dawid_skene(answers, max_iter=1_000)
    # The prior it learns is the labels' frequency.
    frequency = sum(t == ok for t in truth.values()) / n
    assert abs(fit.prior[fit.labels.index(ok)] - frequency) < 0.03, (fit.prior, frequency)
    # Its posterior is Bayes' rule with that prior and its confusion matrices,
    # recomputed here answer by answer.
    assert fit.confusion is not None
    log_post = np.tile(np.log(fit.prior), (len(fit.items), 1))
    for a in answers:
        row = fit.items.index(a.item)
        w, label = fit.workers.index(a.worker), fit.labels.index(a.answer)
        log_post[row] += np.log(fit.confusion[w, :, label])
    post = np.exp(log_post - log_post.max(axis=1, keepdims=True))
    post /= post.sum(axis=1, keepdims=True)
    assert np.abs(post - fit.posterior).max() < 1e-9
    # So two "spam" against one "ok" come out "ok", and it beats the vote.
    by_item: dict[int, list[bytes]] = {}
    for a in answers:
        by_item.setdefault(a.item, []).append(a.answer)
    outvoted = [i for i, xs in by_item.items() if xs.count(spam) == 2]
    labels = fit.label_of()
    assert sum(labels[i] == ok for i in outvoted) >= 0.9 * len(outvoted)
    ds, mv = accuracy(labels, truth), accuracy(plurality_vote(answers).label_of(), truth)
    report("imbalanced labels: true labels by vote / Dawid–Skene", f"{mv:.3f} / {ds:.3f}")
    assert ds >= mv + 0.05


def test_strict_majority_and_its_ratings() -> None:
    # `amplify rate --majority`: the vote's consensus where it is a strict
    # majority (more than half of the item's answers), None on a tie.
    w = [Pubkey.new_unique() for _ in range(4)]
    sig = Signature.default()

    def row(item: int, worker: Pubkey, answer: bytes, stars: int | None = None) -> ResultRow:
        return ResultRow(
            item, worker, answer, 9_500, 500, sig, 1, None, "", stars, stars is not None
        )

    rows = [
        *(row(0, x, a) for x, a in zip(w, [b"a", b"a", b"b", b"a"], strict=True)),  # 3 of 4
        *(row(1, x, a) for x, a in zip(w, [b"a", b"b", b"a", b"b"], strict=True)),  # 2 of 4
        row(2, w[0], b"c"),  # alone
        *(row(3, x, a, s) for x, a, s in zip(w, [b"d", b"d", b"e"], [5, None, None], strict=False)),
    ]
    assert majority(rows) == {0: b"a", 1: None, 2: b"c", 3: b"d"}
    # Unrated results of items with two answers or more: 5 agreeing, 1 not or
    # without a majority; item 2 (one answer) and the rated result left out.
    assert majority_ratings(rows) == [
        (0, w[0], 5),
        (0, w[1], 5),
        (0, w[2], 1),
        (0, w[3], 5),
        *((1, x, 1) for x in w),
        (3, w[1], 5),
        (3, w[2], 1),
    ]


def test_gold_and_dawid_skene_expose_a_colluding_majority() -> None:
    # Three workers always answer "0" on a balanced yes/no task: they are the
    # majority on every item and agree perfectly with each other. Graded by
    # the vote, they come out on top and the two honest workers at the
    # bottom. Gold (10% of items) turns that round; Dawid–Skene sees that
    # their answers do not depend on the truth even without gold.
    rng = np.random.default_rng(5)
    answers, truth, workers = crowd(rng, [0.95, 0.95, 0, 0, 0], 400, 5, 2, constant={2, 3, 4})
    gold = {i: truth[i] for i in range(0, 400, 10)}
    by_vote = grade(answers, method="plurality_vote")
    by_vote_gold = grade(answers, method="plurality_vote", gold=gold)
    by_ds = grade(answers)
    by_ds_gold = grade(answers, gold=gold)
    found = [
        accuracy(g.consensus.label_of(), truth) for g in (by_vote, by_vote_gold, by_ds, by_ds_gold)
    ]
    report(
        "colluding majority: true labels by vote / vote+gold / Dawid–Skene / Dawid–Skene+gold",
        " / ".join(f"{a:.3f}" for a in found),
    )
    assert found[0] < 0.6 and found[2] > 0.9 and found[3] > 0.9

    def stars(g: Grades) -> list[int | None]:
        return [g.workers[w].stars for w in workers]

    fooled = [s or 0 for s in stars(by_vote)]
    assert fooled[0] < 3 <= min(fooled[2:])
    assert stars(by_vote_gold) == stars(by_ds) == stars(by_ds_gold) == [5, 5, 1, 1, 1]
    assert by_ds_gold.workers[workers[0]].gold_answered == 40


def test_star_scale_and_evidence() -> None:
    scale = StarScale()
    assert [scale.stars(q, 2) for q in (1.0, 0.93, 0.86, 0.76, 0.63, 0.5)] == [5, 5, 4, 3, 2, 1]
    # One answer on an item nobody else did: nothing to grade it by.
    w = Pubkey.new_unique()
    assert grade([Answer(0, w, b"a")]).ratings == []
    with pytest.raises(ValueError, match="two answers"):
        grade([Answer(0, w, b"a"), Answer(0, w, b"b")])


# -- gold commitments ----------------------------------------------------------------------


def test_gold_commitment_opens_and_a_wrong_reveal_fails() -> None:
    batch = Pubkey.new_unique()
    gold = GoldSet.create(batch, 100, {3: b"cat", 50: b"dog", 99: b"cat"})
    opening = GoldOpening.from_json(gold.opening().to_json())
    assert opening.verify() == {3: b"cat", 50: b"dog", 99: b"cat"}
    assert GoldSet.from_json(gold.to_json()) == gold
    doc = gold.instructions(b"Label each image: cat or dog.")
    opening.check_instructions(doc, content_hash(doc))
    # Commitments hide which items are gold: every item has one, all alike.
    assert len(set(gold.commitments)) == 100
    good = opening.reveals[0]
    for bad in (
        dataclasses.replace(good, answer=b"dog"),  # a different answer
        dataclasses.replace(good, salt=bytes(32)),  # a guessed salt
        dataclasses.replace(good, item=4),  # claimed for another item
        dataclasses.replace(good, proof=opening.reveals[1].proof),  # another item's proof
    ):
        assert not verify_reveal(batch, 100, opening.root, bad)
        with pytest.raises(GoldMismatchError):
            dataclasses.replace(opening, reveals=(bad,)).verify()
    assert not verify_reveal(Pubkey.new_unique(), 100, opening.root, good)  # another batch
    with pytest.raises(GoldMismatchError):  # instructions the batch did not commit to
        opening.check_instructions(doc + b" ", content_hash(doc))
    other = GoldSet.create(batch, 100, {3: b"dog"})
    with pytest.raises(GoldMismatchError):  # the batch's document names another root
        other.opening().check_instructions(doc, content_hash(doc))
    assert gold_commitment(batch, 3, b"cat", gold.salts[3]) == gold.commitments[3]


# -- a batch graded from chain history -----------------------------------------------------


async def test_grade_a_batch_from_chain_and_rate_it(market: Market) -> None:
    # 40 items, redundancy 3, five workers (two careful, two careless, one
    # answering at random), 8 gold items committed in the instructions
    # before the batch opened. The requester grades from the batch's history
    # alone and rates; the careful workers come out on top on chain too.
    req = market.requester
    rng = np.random.default_rng(2)
    n, labels = 40, 4
    truth = rng.integers(labels, size=n)
    batch_id = 77
    address = batch_pda(req.address, batch_id)[0]
    gold = GoldSet.create(address, n, {i: bytes([int(truth[i])]) for i in range(0, n, 5)})
    doc = gold.instructions(b"Pick the animal in the picture: 0 cat, 1 dog, 2 bird, 3 fish.\n")
    b = await market.batch(
        n_items=n,
        redundancy=3,
        price=10_000,
        batch_id=batch_id,
        instructions_hash=content_hash(doc),
    )
    assert b.address == address
    skill = [1.0, 0.95, 0.7, 0.6, 0.0]
    workers = [await market.worker() for _ in skill]
    for k, (w, acc) in enumerate(zip(workers, skill, strict=True)):
        mine = [i for i in range(n) if (i - k) % 5 < 3]  # item i: workers i, i+1, i+2 (mod 5)
        await w.accept_tasks(b.address, mine)
        answers = [int(truth[i]) if rng.random() < acc else int(rng.integers(labels)) for i in mine]
        await w.submit_results(
            b.address, [(i, bytes([a])) for i, a in zip(mine, answers, strict=True)]
        )
    found = await batch_answers(req, b.address)
    assert len(found) == n * 3
    opening = gold.opening()
    with pytest.raises(GoldMismatchError):
        await grade_batch(req, b.address, gold=opening, instructions=doc + b"tampered")
    forged = dataclasses.replace(
        opening, reveals=(dataclasses.replace(opening.reveals[0], answer=b"\x09"),)
    )
    with pytest.raises(GoldMismatchError):
        await grade_batch(req, b.address, gold=forged, instructions=doc)
    # Without gold, stars from agreement alone are not sent unless asked for.
    sent = len(req.receipts)
    with pytest.raises(InvalidArgumentError, match="without_gold=True"):
        await rate_batch(req, b.address)
    assert len(req.receipts) == sent
    grades, outcomes = await rate_batch(req, b.address, gold=opening, instructions=doc)
    assert all(o.ok for o in outcomes) and len(outcomes) == len(grades.ratings) == n * 3
    stars = [grades.workers[w.address].stars or 0 for w in workers]
    gold_acc = [grades.workers[w.address].gold_accuracy for w in workers]
    report("graded from chain: stars by worker (careful → random)", stars)
    assert stars[0] == 5 and stars[-1] == 1 and stars == sorted(stars, reverse=True)
    assert gold_acc[0] == 1.0
    ratings = [(await req.get_worker_profile(w.address)).rating for w in workers]
    assert ratings[0] > ratings[-1]
    # A second pass rates nothing twice: every assignment is rated, nothing is sent.
    sent = len(req.receipts)
    _, again = await rate_batch(req, b.address, gold=opening, instructions=doc)
    assert again == [] and len(req.receipts) == sent
