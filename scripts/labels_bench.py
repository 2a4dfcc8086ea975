#!/usr/bin/env python3
"""Labelling accuracy and CPU of `amplify_sdk.quality.agreement` on planted
crowds, beside crowd-kit's when it is importable (it is not a dependency:
`pip install crowd-kit==1.4.2` in an environment with this checkout's
requirements to compare).

    python scripts/labels_bench.py [--items 2000,20000,100000] [--overlap 3,5] [--json]

A crowd: 10 classes with a skewed prior (the commonest label 30 %), 50
workers: 15 accurate (right 90 %), 15 mediocre (60 %), 8 spammers (uniform),
7 biased (the commonest label half the time, else right 60 %) and 5
colluders (the same label per item, agreed among them, right 20 %). Each item
goes to `overlap` distinct workers drawn at random.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from amplify_sdk.quality.agreement import Encoded, dawid_skene, one_coin, plurality_vote

K = 10
KINDS = {"accurate": 15, "mediocre": 15, "spammer": 8, "biased": 7, "colluder": 5}


def crowd(
    items: int, overlap: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    prior = np.array([0.3] + [0.7 / (K - 1)] * (K - 1))
    truth = rng.choice(K, size=items, p=prior)
    kinds = [k for k, n in KINDS.items() for _ in range(n)]
    n_w = len(kinds)
    who = np.argsort(rng.random((items, n_w)), axis=1)[:, :overlap]
    item = np.repeat(np.arange(items), overlap)
    worker = who.ravel()
    t = truth[item]
    other = (t + rng.integers(1, K, size=len(t))) % K
    u = rng.random(len(t))
    kind = np.array(kinds)[worker]
    label = np.where(u < 0.9, t, other)
    label = np.where(kind == "mediocre", np.where(u < 0.6, t, other), label)
    label = np.where(kind == "spammer", rng.integers(0, K, size=len(t)), label)
    biased = np.where(u < 0.5, 0, np.where(rng.random(len(t)) < 0.6, t, other))
    label = np.where(kind == "biased", biased, label)
    # Colluders agree on one label per item: the truth 20 % of the time.
    agreed = np.where(rng.random(items) < 0.2, truth, (truth + rng.integers(1, K, items)) % K)
    label = np.where(kind == "colluder", agreed[item], label)
    return item, worker, label, truth, kinds


def ours(
    item: np.ndarray, worker: np.ndarray, label: np.ndarray, truth: np.ndarray
) -> dict[str, object]:
    out: dict[str, object] = {}
    t0 = time.process_time()
    e = Encoded.from_arrays(item, worker.tolist(), label.tolist())
    out["prepare_cpu_s"] = round(time.process_time() - t0, 3)
    for name, fn in (("mv", plurality_vote), ("ds", dawid_skene), ("one_coin", one_coin)):
        t0 = time.process_time()
        c = fn(e)
        cpu = time.process_time() - t0
        pick = np.array([c.labels[i] for i in c.label_index()])
        acc = float((pick == truth[np.array(c.items)]).mean())
        out[name] = {
            "accuracy": round(100 * acc, 2),
            "cpu_s": round(cpu, 3),
            "iterations": c.iterations,
            "converged": c.converged,
        }
    return out


def crowdkit(
    item: np.ndarray, worker: np.ndarray, label: np.ndarray, truth: np.ndarray
) -> dict[str, object]:
    try:
        import pandas as pd
        from crowdkit.aggregation import DawidSkene, MajorityVote, OneCoinDawidSkene
    except ImportError:
        return {}
    df = pd.DataFrame({"task": item, "worker": worker, "label": label})
    out: dict[str, object] = {}
    for name, agg in (
        ("mv", MajorityVote()),
        ("ds", DawidSkene(n_iter=100)),
        ("one_coin", OneCoinDawidSkene(n_iter=100)),
    ):
        t0 = time.process_time()
        res = agg.fit_predict(df)
        cpu = time.process_time() - t0
        acc = float(
            (res.sort_index().to_numpy() == truth[res.sort_index().index.to_numpy()]).mean()
        )
        out[name] = {"accuracy": round(100 * acc, 2), "cpu_s": round(cpu, 3)}
    return out


def main() -> None:
    args = sys.argv[1:]
    sizes = [2_000, 20_000, 100_000]
    overlaps = [3, 5]
    for a in args:
        if a.startswith("--items="):
            sizes = [int(x) for x in a.split("=", 1)[1].split(",")]
        if a.startswith("--overlap="):
            overlaps = [int(x) for x in a.split("=", 1)[1].split(",")]
    rows = []
    for n in sizes:
        for o in overlaps:
            item, worker, label, truth, _ = crowd(n, o, seed=n + o)
            rows.append(
                {
                    "items": n,
                    "overlap": o,
                    "ours": ours(item, worker, label, truth),
                    "crowdkit": crowdkit(item, worker, label, truth),
                }
            )
    if "--json" in args:
        print(json.dumps(rows))
        return
    for r in rows:
        line = [f"{r['items']:>7,} items, overlap {r['overlap']}:"]
        for side in ("ours", "crowdkit"):
            for m in ("mv", "ds", "one_coin"):
                v = r[side].get(m)  # type: ignore[attr-defined]
                if v:
                    line.append(f"{side}.{m} {v['accuracy']:.2f}% {v['cpu_s']:.2f}s")
        print("  ".join(line))
        print(f"    prepare {r['ours']['prepare_cpu_s']} s")  # type: ignore[index]


if __name__ == "__main__":
    main()
