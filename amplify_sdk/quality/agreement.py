"""Agreement among redundant answers, and star ratings from it
(docs/reputation.md, "Grading").

A batch with redundancy > 1 gets several answers per item. Nobody tells the
requester which is right, so the answers are aggregated into a consensus and
each worker is graded by how well it agrees with it:

- **Plurality vote**: the most frequent answer per item; a worker's agreement is
  the share of the *other* workers on its items who gave its answer
  (leave-one-out, so with redundancy 3 a worker does not vote for itself).
- **Dawid–Skene**: EM over a confusion matrix per worker (the probability it
  answers l when the truth is c) and the labels' prior. It learns that a
  worker who answers at random, or always the same, carries no information,
  and that a reliable one outvotes two unreliable ones; with workers of mixed
  quality it recovers more true labels than a vote. Initialised from the vote
  (as crowd-kit's `DawidSkene` is), smoothed by a small Dirichlet pseudo-count
  so a worker with few answers gets no zero probabilities, in log space so
  long products do not underflow. A worker's agreement is the posterior
  probability that its answers are right, on average.
- **One-coin Dawid–Skene**: the same EM with one parameter per worker, its
  accuracy p (a wrong answer is any other label, each with (1 − p)/(K − 1)).
  With a few answers per worker a full confusion matrix (K² parameters) is
  mostly noise; one number is learnt well, so on typical crowds (overlap 3–5,
  tens to hundreds of answers per worker) it labels more items right.
- **Convergence**: both EM methods report their iterations and whether they
  converged (`Consensus.converged`); one stopped by `max_iter` says so.
- **Ties**: an item whose top labels tie gets one of them at random (a
  pseudo-random draw per item from `Consensus.tie_seed`, so anyone recomputes
  the same labels). Breaking ties toward the label most common overall would
  side with biased workers, whose favourite label is the common one.
- **Gold**: items whose answers the requester committed before the batch
  opened (`amplify_sdk.quality.gold`). Dawid–Skene takes them as known (their
  posterior is fixed), and a worker's accuracy on them, when it answered
  some, outweighs its agreement with the consensus: q = (gold right +
  k·agreement) / (gold answered + k), k = `gold_prior` (2 by default).

Stars from accuracy q with K labels: skill κ = (q − 1/K) / (1 − 1/K), chance
being 0 and perfect 1, then thresholds (`StarScale`: κ ≥ 0.85 → 5, ≥ 0.7 → 4,
≥ 0.5 → 3, ≥ 0.25 → 2, else 1). A worker gets its stars on each of its
assignments in the batch: a worker-level estimate pools all its answers,
where a verdict per item against a consensus of three would be noise. The
formula then weighs them by the fee each paid and reads them against this
requester's habits. A worker with too little evidence (fewer than
`min_evidence` answers on items someone else also answered, or gold) is not
rated at all.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from solders.pubkey import Pubkey

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
Method = Literal["one_coin", "dawid_skene", "plurality_vote"]


@dataclass(frozen=True)
class Answer:
    """One delivered answer: a worker's label (the answer's bytes) for an item."""

    item: int
    worker: Pubkey
    answer: bytes


@dataclass(frozen=True)
class Encoded:
    """Answers as integer codes: `item[a]`, `worker[a]`, `label[a]` index
    `items`, `workers` and `labels`. Build it with `encode` from `Answer`s
    or with `from_arrays` from three parallel arrays (any hashable worker and
    label ids); every method takes either."""

    items: list[int]
    workers: list[Any]
    labels: list[Any]
    item: I64
    worker: I64
    label: I64

    @classmethod
    def from_arrays(
        cls,
        items: Sequence[int] | npt.ArrayLike,
        workers: Sequence[Hashable],
        labels: Sequence[Hashable],
        extra_labels: Iterable[Hashable] = (),
    ) -> Encoded:
        """Three parallel arrays, one answer per position: 100,000 items at
        overlap 3 encode in a fraction of a second (no per-answer objects)."""
        item_ids, item = np.unique(np.asarray(items, dtype=np.int64), return_inverse=True)
        if not (len(item) == len(workers) == len(labels)):
            raise ValueError("items, workers and labels must have the same length")
        worker_ids, worker = _factorize(workers)
        label_ids, label = _factorize([*labels, *extra_labels])
        label = label[: len(item)]
        pairs = item * max(len(worker_ids), 1) + worker
        if len(np.unique(pairs)) != len(pairs):
            first = np.unique(pairs, return_counts=True)
            twice = int(first[0][first[1] > 1][0])
            w = worker_ids[twice % len(worker_ids)]
            raise ValueError(
                f"two answers of worker {w} for item {int(item_ids[twice // len(worker_ids)])}"
            )
        return cls([int(i) for i in item_ids], worker_ids, label_ids, item, worker, label)


def _factorize(values: Sequence[Hashable]) -> tuple[list[Any], I64]:
    """Codes in order of first appearance, and the distinct values."""
    codes: dict[Hashable, int] = {}
    out = np.fromiter((codes.setdefault(v, len(codes)) for v in values), np.int64, len(values))
    return list(codes), out


def encode(answers: Sequence[Answer] | Encoded, extra_labels: Iterable[bytes] = ()) -> Encoded:
    """`Answer`s as codes, workers sorted by key and labels by bytes, the
    answers in (item, worker) order (an `Encoded` is returned as it is, with
    `extra_labels` added)."""
    if isinstance(answers, Encoded):
        extra = [x for x in extra_labels if x not in set(answers.labels)]
        if not extra:
            return answers
        return Encoded(
            answers.items,
            answers.workers,
            [*answers.labels, *extra],
            answers.item,
            answers.worker,
            answers.label,
        )
    items = sorted({a.item for a in answers})
    workers = sorted({a.worker for a in answers}, key=bytes)
    labels = sorted({a.answer for a in answers} | set(extra_labels))
    ii = {x: i for i, x in enumerate(items)}
    wi = {x: i for i, x in enumerate(workers)}
    li = {x: i for i, x in enumerate(labels)}
    seen: set[tuple[int, Pubkey]] = set()
    for a in answers:
        if (a.item, a.worker) in seen:
            raise ValueError(f"two answers of worker {a.worker} for item {a.item}")
        seen.add((a.item, a.worker))
    item = np.array([ii[a.item] for a in answers], dtype=np.int64)
    worker = np.array([wi[a.worker] for a in answers], dtype=np.int64)
    label = np.array([li[a.answer] for a in answers], dtype=np.int64)
    # One order whatever the answers came in (history: delivery order; task
    # tables: item order): the fits sum in it, and a sum's last bit can tip
    # a worker across a star boundary.
    order = np.lexsort((worker, item))
    return Encoded(items, workers, labels, item[order], worker[order], label[order])


@dataclass(frozen=True)
class Consensus:
    """The aggregate of a batch's answers.

    `posterior[i, c]`: the probability that item `items[i]`'s true label is
    `labels[c]`; `agreement[w]`: how well worker `workers[w]` agrees with the
    consensus (see the module's docstring); `confusion[w, c, l]` (Dawid–Skene
    only): the probability that the worker answers `labels[l]` when the truth
    is `labels[c]`."""

    method: Method
    items: list[int]
    #: Worker ids: `Pubkey`s for `Answer` input, else the ids given.
    workers: list[Any]
    labels: list[Any]
    posterior: F64
    agreement: F64
    #: Answers of each worker on items someone else answered too.
    overlap: I64
    prior: F64
    confusion: F64 | None = None
    iterations: int = 0
    #: False when EM stopped at its iteration cap before converging.
    converged: bool = True
    #: The seed of the per-item draw that breaks ties (see `label_of`).
    tie_seed: int = 0

    def label_index(self) -> I64:
        """Each item's consensus label (an index into `labels`): the most
        probable; between labels that tie, one drawn at random (seeded by
        `tie_seed`, so the same answers always give the same labels)."""
        best = self.posterior.max(axis=1, keepdims=True)
        tied = np.isclose(self.posterior, best, rtol=0, atol=1e-12)
        draw = np.random.default_rng(self.tie_seed).random(self.posterior.shape)
        return np.asarray(np.where(tied, draw, -1.0).argmax(axis=1), dtype=np.int64)

    def label_of(self) -> dict[int, Any]:
        """The consensus label of each item (ties: see `label_index`)."""
        pick = self.label_index()
        return {item: self.labels[int(c)] for item, c in zip(self.items, pick, strict=True)}

    def confidence(self) -> F64:
        """The posterior probability of each item's consensus label."""
        return np.asarray(self.posterior.max(axis=1), dtype=np.float64)


def plurality_vote(
    answers: Sequence[Answer] | Encoded, gold: Mapping[int, Any] | None = None
) -> Consensus:
    """The most frequent answer per item (gold items: their known answer)."""
    gold = dict(gold or {})
    e = encode(answers, gold.values())
    n_i, k = len(e.items), len(e.labels)
    counts = np.bincount(e.item * k + e.label, minlength=n_i * k).reshape(n_i, k).astype(float)
    per_item = counts.sum(axis=1)
    posterior = counts / np.maximum(per_item, 1)[:, None]
    _clamp_gold(posterior, e, gold)
    # Leave-one-out: the share of the other answers on the item equal to mine.
    others = per_item[e.item] - 1
    same = counts[e.item, e.label] - 1
    shared = others > 0
    agree = np.bincount(
        e.worker[shared], weights=same[shared] / others[shared], minlength=len(e.workers)
    )
    overlap = np.bincount(e.worker[shared], minlength=len(e.workers))
    prior = counts.sum(axis=0) / max(counts.sum(), 1)
    return Consensus(
        "plurality_vote",
        e.items,
        e.workers,
        e.labels,
        posterior,
        agree / np.maximum(overlap, 1),
        overlap,
        prior,
    )


def dawid_skene(
    answers: Sequence[Answer] | Encoded,
    gold: Mapping[int, Any] | None = None,
    *,
    max_iter: int = 100,
    tol: float = 1e-7,
    smoothing: float = 0.01,
) -> Consensus:
    """Dawid–Skene by EM (see the module's docstring): stops when the
    log-likelihood per answer gains less than `tol`, or after `max_iter`."""
    gold = dict(gold or {})
    e = encode(answers, gold.values())
    n_i, n_w, k = len(e.items), len(e.workers), len(e.labels)
    t = plurality_vote(e, gold).posterior
    classes = np.arange(k)
    # Flat indices: conf[w, c, l] for each answer and each c; post[i, c] likewise.
    conf_at = ((e.worker[:, None] * k + classes[None, :]) * k + e.label[:, None]).ravel()
    item_at = (e.item[:, None] * k + classes[None, :]).ravel()
    last = -np.inf
    iterations, converged = 0, False
    conf = np.full((n_w, k, k), 1 / k)
    prior = np.full(k, 1 / k)
    for iterations in range(1, max_iter + 1):  # noqa: B007 -- the count is reported
        # M-step: the prior and each worker's confusion matrix from the posteriors.
        prior = (t.sum(axis=0) + smoothing) / (n_i + k * smoothing)
        counts = np.bincount(conf_at, weights=t[e.item].ravel(), minlength=n_w * k * k)
        conf = counts.reshape(n_w, k, k) + smoothing
        conf /= conf.sum(axis=2, keepdims=True)
        # E-step: log posterior of each item's label, shifted before exp.
        log_conf = np.log(conf).ravel()[conf_at]
        log_post = np.bincount(item_at, weights=log_conf, minlength=n_i * k).reshape(n_i, k)
        log_post += np.log(prior)[None, :]
        t, loglik = _posterior(log_post, len(e.item))
        _clamp_gold(t, e, gold)
        if loglik - last < tol:
            converged = True
            break
        last = loglik
    agree = np.bincount(e.worker, weights=t[e.item, e.label], minlength=n_w)
    n_answers = np.bincount(e.worker, minlength=n_w)
    per_item = np.bincount(e.item, minlength=n_i)
    overlap = np.bincount(e.worker[per_item[e.item] > 1], minlength=n_w)
    return Consensus(
        "dawid_skene",
        e.items,
        e.workers,
        e.labels,
        t,
        agree / np.maximum(n_answers, 1),
        overlap,
        prior,
        conf,
        iterations,
        converged,
    )


def one_coin(
    answers: Sequence[Answer] | Encoded,
    gold: Mapping[int, Any] | None = None,
    *,
    max_iter: int = 100,
    tol: float = 1e-7,
    smoothing: float = 0.01,
) -> Consensus:
    """One-coin Dawid–Skene by EM (see the module's docstring): each worker
    is one accuracy p, a wrong answer any other label with (1 − p)/(K − 1).
    Stops like `dawid_skene`. `confusion` holds the implied matrices."""
    gold = dict(gold or {})
    e = encode(answers, gold.values())
    n_i, n_w, k = len(e.items), len(e.workers), len(e.labels)
    t = plurality_vote(e, gold).posterior
    n_answers = np.bincount(e.worker, minlength=n_w).astype(float)
    answer_at = e.item * k + e.label
    last = -np.inf
    iterations, converged = 0, False
    prior = np.full(k, 1 / k)
    p = np.full(n_w, 0.5)
    for iterations in range(1, max_iter + 1):  # noqa: B007 -- the count is reported
        prior = (t.sum(axis=0) + smoothing) / (n_i + k * smoothing)
        right = np.bincount(e.worker, weights=t[e.item, e.label], minlength=n_w)
        p = (right + smoothing) / (n_answers + 2 * smoothing)
        # With one label nothing can be wrong; keep the logs finite anyway.
        wrong = np.log(np.maximum(1 - p, 1e-300) / max(k - 1, 1))
        lift = np.log(np.maximum(p, 1e-300)) - wrong
        log_post = np.bincount(e.item, weights=wrong[e.worker], minlength=n_i)[:, None]
        log_post = log_post + np.bincount(
            answer_at, weights=lift[e.worker], minlength=n_i * k
        ).reshape(n_i, k)
        log_post += np.log(prior)[None, :]
        t, loglik = _posterior(log_post, len(e.item))
        _clamp_gold(t, e, gold)
        if loglik - last < tol:
            converged = True
            break
        last = loglik
    agree = np.bincount(e.worker, weights=t[e.item, e.label], minlength=n_w)
    per_item = np.bincount(e.item, minlength=n_i)
    overlap = np.bincount(e.worker[per_item[e.item] > 1], minlength=n_w)
    off = (1 - p) / max(k - 1, 1)
    conf = np.repeat(off[:, None, None], k, axis=1).repeat(k, axis=2)
    conf[:, np.arange(k), np.arange(k)] = p[:, None]
    return Consensus(
        "one_coin",
        e.items,
        e.workers,
        e.labels,
        t,
        agree / np.maximum(n_answers, 1),
        overlap,
        prior,
        conf,
        iterations,
        converged,
    )


def consensus(
    answers: Sequence[Answer] | Encoded,
    gold: Mapping[int, Any] | None = None,
    method: Method = "one_coin",
) -> Consensus:
    """The consensus by `method`."""
    if method == "one_coin":
        return one_coin(answers, gold)
    if method == "dawid_skene":
        return dawid_skene(answers, gold)
    return plurality_vote(answers, gold)


def _posterior(log_post: npt.NDArray[Any], answers: int) -> tuple[F64, float]:
    """The E-step's normalisation: posteriors from log scores (shifted by each
    row's maximum before `exp`, so long products do not underflow) and the
    log-likelihood per answer."""
    top = log_post.max(axis=1, keepdims=True)
    t = np.exp(log_post - top)
    norm = t.sum(axis=1, keepdims=True)
    t /= norm
    return t, float((top + np.log(norm)).sum()) / max(answers, 1)


def _clamp_gold(posterior: F64, e: Encoded, gold: Mapping[int, bytes]) -> None:
    """Gold items' posteriors: certain of the committed answer."""
    row = {x: i for i, x in enumerate(e.items)}
    col = {x: i for i, x in enumerate(e.labels)}
    for item, answer in gold.items():
        if item in row:
            posterior[row[item]] = 0.0
            posterior[row[item], col[answer]] = 1.0


@dataclass(frozen=True)
class StarScale:
    """Skill thresholds (κ: 0 = chance, 1 = always right) for 5, 4, 3 and 2
    stars; below the last, 1 star."""

    thresholds: tuple[float, float, float, float] = (0.85, 0.7, 0.5, 0.25)

    def stars(self, accuracy: float, n_labels: int) -> int:
        chance = 1 / max(n_labels, 2)
        skill = (accuracy - chance) / (1 - chance)
        for stars, t in zip((5, 4, 3, 2), self.thresholds, strict=True):
            if skill >= t - 1e-12:
                return stars
        return 1


@dataclass(frozen=True)
class WorkerGrade:
    worker: Pubkey
    answers: int
    #: Agreement with the consensus (see `Consensus.agreement`).
    agreement: float
    gold_answered: int
    gold_right: int
    #: The accuracy the stars come from (gold and agreement combined).
    accuracy: float
    #: None: too little evidence to rate.
    stars: int | None

    @property
    def gold_accuracy(self) -> float | None:
        return self.gold_right / self.gold_answered if self.gold_answered else None


@dataclass(frozen=True)
class Grades:
    consensus: Consensus
    workers: dict[Pubkey, WorkerGrade]
    #: (item, worker, stars) for every assignment of a rated worker, in the
    #: order of the answers given: `RequesterClient.rate_assignments` input.
    ratings: list[tuple[int, Pubkey, int]] = field(default_factory=list)


def grade(
    answers: Sequence[Answer],
    *,
    gold: Mapping[int, bytes] | None = None,
    method: Method = "dawid_skene",
    scale: StarScale | None = None,
    gold_prior: float = 2.0,
    min_evidence: int = 3,
) -> Grades:
    """Stars for every assignment of a batch: the consensus by `method`, each
    worker's accuracy (gold when it answered gold items, else agreement), its
    stars on each of its assignments. Workers with fewer than `min_evidence`
    answers shared with another worker or on gold items are left unrated."""
    gold = dict(gold or {})
    scale = scale or StarScale()
    c = consensus(answers, gold, method)
    index = {w: i for i, w in enumerate(c.workers)}
    answered = dict.fromkeys(c.workers, 0)
    gold_n = dict.fromkeys(c.workers, 0)
    gold_right = dict.fromkeys(c.workers, 0)
    for a in answers:
        answered[a.worker] += 1
        if a.item in gold:
            gold_n[a.worker] += 1
            gold_right[a.worker] += int(a.answer == gold[a.item])
    out: dict[Pubkey, WorkerGrade] = {}
    for w, i in index.items():
        agreement = float(c.agreement[i])
        evidence = int(c.overlap[i]) + gold_n[w]
        # Gold answers are certain evidence; agreement stands in for k of them.
        accuracy = (gold_right[w] + gold_prior * agreement) / (gold_n[w] + gold_prior)
        stars = scale.stars(accuracy, len(c.labels)) if evidence >= min_evidence else None
        out[w] = WorkerGrade(w, answered[w], agreement, gold_n[w], gold_right[w], accuracy, stars)
    ratings = [(a.item, a.worker, s) for a in answers if (s := out[a.worker].stars) is not None]
    return Grades(c, out, ratings)


def accuracy(labels: Mapping[int, bytes], truth: Mapping[int, bytes]) -> float:
    """The share of `truth`'s items whose label in `labels` is right."""
    if not truth:
        return 0.0
    return sum(labels.get(i) == t for i, t in truth.items()) / len(truth)


__all__ = [
    "Answer",
    "Consensus",
    "Encoded",
    "Grades",
    "StarScale",
    "WorkerGrade",
    "accuracy",
    "consensus",
    "dawid_skene",
    "encode",
    "grade",
    "one_coin",
    "plurality_vote",
]
