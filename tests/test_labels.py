"""The labelled dataset (`amplify_sdk.quality.labels`) and the consensus
methods behind it: one-coin Dawid–Skene on planted crowds whose truth the
test knows, ties broken without favouring the label biased workers push,
convergence reported, array input with any hashable ids, and the files
`batch labels` writes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from test_agreement import crowd

from amplify_sdk.quality.agreement import (
    Answer,
    Encoded,
    dawid_skene,
    one_coin,
    plurality_vote,
)
from amplify_sdk.quality.labels import (
    FULL_MODEL_ANSWERS_PER_CLASS,
    dataset_labels,
    pick_method,
)
from conftest import report

K = 10


def planted(seed: int, items: int, overlap: int) -> tuple[Encoded, np.ndarray, list[str]]:
    """10 classes; 20 workers named by strings: 6 right 90 % of the time,
    6 right 60 %, 4 spammers (uniform) and 4 biased (label 0 half the time,
    else right 60 %); `overlap` distinct workers per item."""
    rng = np.random.default_rng(seed)
    kinds = ["good"] * 6 + ["fair"] * 6 + ["spam"] * 4 + ["biased"] * 4
    names = [f"{k}-{i}" for i, k in enumerate(kinds)]
    truth = rng.integers(K, size=items)
    item = np.repeat(np.arange(items), overlap)
    worker = np.argsort(rng.random((items, len(kinds))), axis=1)[:, :overlap].ravel()
    t = truth[item]
    wrong = (t + rng.integers(1, K, size=len(t))) % K
    u = rng.random(len(t))
    kind = np.array(kinds)[worker]
    right_p = np.select([kind == "good", kind == "fair", kind == "biased"], [0.9, 0.6, 0.6], 0.0)
    label = np.where(u < right_p, t, wrong)
    label = np.where(kind == "spam", rng.integers(K, size=len(t)), label)
    label = np.where((kind == "biased") & (rng.random(len(t)) < 0.5), 0, label)
    e = Encoded.from_arrays(item, [names[w] for w in worker], label.tolist())
    return e, truth, kinds


def correct(c_labels: dict[int, object], truth: np.ndarray) -> float:
    return float(np.mean([c_labels[i] == truth[i] for i in range(len(truth))]))


def test_one_coin_labels_more_items_right_than_a_vote() -> None:
    e, truth, _ = planted(1, 3_000, 3)
    vote = correct(plurality_vote(e).label_of(), truth)
    coin = one_coin(e)
    accuracy = correct(coin.label_of(), truth)
    report("planted crowd, 3,000 items x 3: plurality vote accuracy", round(vote, 4))
    report("planted crowd, 3,000 items x 3: one-coin accuracy", round(accuracy, 4))
    assert coin.converged and coin.iterations > 1
    assert accuracy > vote + 0.03
    # Its worker accuracies rank the kinds as planted: good > fair > the rest.
    p = np.einsum("wcc->wc", coin.confusion)[:, 0]
    by_kind = {k: [] for k in ("good", "fair", "spam", "biased")}
    for name, acc in zip(coin.workers, p, strict=True):
        by_kind[name.split("-")[0]].append(acc)
    mean = {k: float(np.mean(v)) for k, v in by_kind.items()}
    # (One coin cannot model bias: biased workers, agreeing on label 0 among
    # themselves, are estimated near the fair ones. The full model can.)
    assert mean["good"] > max(mean["fair"], mean["biased"]) and mean["fair"] > mean["spam"]
    assert abs(mean["good"] - 0.9) < 0.1 and abs(mean["spam"] - 0.1) < 0.1


def test_ties_do_not_side_with_the_commonest_label() -> None:
    # Bug class: a tie-break that follows the overall label frequency hands
    # every tied item to the label biased workers push.
    rng = np.random.default_rng(7)
    items = 2_000
    truth = rng.integers(1, K, size=items)  # never label 0
    # Two answers per item: a biased worker's 0 and an honest worker's truth,
    # plus a third item set where everyone says 0 (0 is the commonest label).
    item = np.concatenate([np.repeat(np.arange(items), 2), np.arange(items, 2 * items)])
    workers = [
        f"biased-{i % 5}" if j == 0 else f"honest-{i % 5}" for i in range(items) for j in (0, 1)
    ]
    workers += [f"other-{i % 7}" for i in range(items)]
    labels = [0 if j == 0 else int(truth[i]) for i in range(items) for j in (0, 1)]
    labels += [0] * items
    vote = plurality_vote(Encoded.from_arrays(item, workers, labels))
    picked = vote.label_of()
    to_zero = sum(picked[i] == 0 for i in range(items)) / items
    report("tied items given to the commonest label", round(to_zero, 3))
    assert 0.4 < to_zero < 0.6
    # Seeded: the same answers give the same labels, every time.
    assert vote.label_of() == picked


def test_convergence_is_reported() -> None:
    e, _, _ = planted(2, 500, 3)
    assert one_coin(e).converged
    for fit in (one_coin, dawid_skene):
        capped = fit(e, max_iter=2)
        assert capped.iterations == 2 and not capped.converged


def test_array_input_matches_answer_objects(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    answers, truth, workers = crowd(rng, [0.9, 0.8, 0.7, 0.4, 0.3], 400, 3, 4)
    from_objects = one_coin(answers).label_of()
    index = {w: f"w{i}" for i, w in enumerate(workers)}
    e = Encoded.from_arrays(
        [a.item for a in answers], [index[a.worker] for a in answers], [a.answer for a in answers]
    )
    assert one_coin(e).label_of() == from_objects
    with pytest.raises(ValueError, match="two answers of worker w0"):
        first = next(a for a in answers if index[a.worker] == "w0")
        Encoded.from_arrays([first.item, first.item], ["w0", "w0"], [first.answer, first.answer])
    assert truth  # the crowd has items


def test_dataset_rows_and_files(tmp_path: Path) -> None:
    e, truth, _ = planted(4, 600, 5)
    gold = {i: int(truth[i]) for i in range(0, 600, 50)}
    labels = dataset_labels(e, gold)
    assert [r.item for r in labels.rows] == list(range(600))
    for r in labels.rows:
        assert r.answers == 5 and 0 <= r.agreement <= 1 and 0 < r.confidence <= 1
        if r.item in gold:
            assert r.label == gold[r.item] and r.confidence == 1.0
    # The estimated accuracies order the workers as planted, best first.
    assert labels.workers[0].worker.startswith("good")
    assert labels.workers[-1].worker.startswith(("spam", "biased"))
    n = labels.write(tmp_path / "labels.csv")
    with (tmp_path / "labels.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert n == len(rows) == 600 and set(rows[0]) == {
        "item", "label", "confidence", "answers", "agreement"
    }  # fmt: skip
    labels.write(tmp_path / "labels.jsonl")
    lines = [json.loads(x) for x in (tmp_path / "labels.jsonl").read_text().splitlines()]
    assert [x["label"] for x in lines] == [r["label"] for r in rows]


def test_auto_picks_the_full_model_only_with_enough_answers_per_worker() -> None:
    few, _, _ = planted(5, 300, 3)  # 45 answers per worker, K^2 = 100
    assert pick_method(few) == "one_coin"
    need = FULL_MODEL_ANSWERS_PER_CLASS * K * K
    many, _, _ = planted(6, need * 20 // 3 + 1_000, 3)
    per_worker = np.bincount(many.worker)
    assert np.median(per_worker) >= need
    assert pick_method(many) == "dawid_skene"


def test_answer_objects_and_gold_labels_as_bytes() -> None:
    answers = [Answer(i, w, b"x" if i % 2 else b"y") for i in range(6) for w in _keys(3)]
    out = dataset_labels(answers, {0: b"x"})
    assert out.rows[0].label == b"x" and out.rows[0].confidence == 1.0
    assert [r.label for r in out.rows[1:]] == [b"x" if i % 2 else b"y" for i in range(1, 6)]


def _keys(n: int) -> list[object]:
    from solders.pubkey import Pubkey

    return [Pubkey.new_unique() for _ in range(n)]


def test_the_docs_state_the_threshold() -> None:
    text = (Path(__file__).resolve().parent.parent / "docs/reputation.md").read_text()
    assert f"`FULL_MODEL_ANSWERS_PER_CLASS` ({FULL_MODEL_ANSWERS_PER_CLASS})" in text


def test_a_label_shaped_like_a_formula_is_inert_in_csv(tmp_path: Path) -> None:
    # Bug class: CSV injection. Workers choose the labels; a majority
    # answering "=HYPERLINK(...)" must not put a live formula in the
    # requester's spreadsheet.
    evil = '=HYPERLINK("http://x","ok")'
    items = [0, 0, 0, 1, 1, 1]
    workers = ["a", "b", "c"] * 2
    answers = [evil, evil, "ok", "-1", "-1", "ok"]
    labels = dataset_labels(Encoded.from_arrays(items, workers, answers), method="plurality_vote")
    assert [r.label for r in labels.rows] == [evil, "-1"]
    labels.write(tmp_path / "labels.csv")
    with (tmp_path / "labels.csv").open() as f:
        cells = [r["label"] for r in csv.DictReader(f)]
    assert cells == ["'" + evil, "'-1"]
    labels.write(tmp_path / "labels.jsonl")
    lines = (tmp_path / "labels.jsonl").read_text().splitlines()
    assert [json.loads(x)["label"] for x in lines] == [evil, "-1"]
