"""`amplify skill`: an issuer sets values for workers from a file, a batch
requires the skill (`batch create --require-skill`), a qualified worker
accepts with the published leaf list, an unqualified or revoked one cannot.
And values set from grading (`batch grade --skill`): a gold qualification
batch, previewed, applied, a gated batch, a re-grading that lowers one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from skills import QUAL_ITEMS, expected_value, qualification_batch

from amplify_sdk import Amplify

from .conftest import Node, load


def test_skill_lifecycle(node: Node, tmp_path: Path) -> None:
    store = tmp_path / "store"
    good, weak, outsider = (tmp_path / f"{n}.json" for n in ("good", "weak", "outsider"))
    addr = {p: node.wallet(p) for p in (good, weak, outsider)}
    for p in addr:
        node.ok("worker", "register", keypair=p)
    made = node.ok("skill", "create", "medical annotator")
    skill = made["skill"]
    assert made["workers"] == 0 and made["epoch"] == 0 and made["name"] == "medical annotator"
    values = tmp_path / "values.csv"
    values.write_text(f"worker,value\n{addr[good]},90\n{addr[weak]},40\n")
    set_ = node.ok("skill", "set", skill, values, "--store", store)
    assert set_["workers"] == 2 and set_["epoch"] == 1
    shown = node.ok("skill", "show", skill, "--store", store)
    assert shown["values"] == {str(addr[good]): 90, str(addr[weak]): 40}

    b = node.ok("batch", "create", "--price", "10000", "--require-skill", f"{skill}:50")
    assert b["skill_count"] == 1
    items = tmp_path / "items.csv"
    items.write_text("id,text\n" + "".join(f"{i},post {i}\n" for i in range(6)))
    node.ok("batch", "upload", b["address"], items)
    took = node.ok("worker", "accept", b["address"], "--items", "0", "--store", store, keypair=good)
    assert took["ok"] == [0]
    for who, error in ((weak, "SkillTooLow"), (outsider, "InvalidSkillProof")):
        r = node.cli(
            "worker", "accept", b["address"], "--items", "1", "--store", store, keypair=who
        )
        assert r.code == 1 and error in r.error, r.stderr
    r = node.cli("worker", "accept", b["address"], "--items", "1", keypair=good)
    assert r.code == 2 and "requires skills" in r.error

    revoked = node.ok("skill", "revoke", skill, str(addr[good]), "--store", store)
    assert revoked["workers"] == 1 and revoked["epoch"] == 2
    r = node.cli("worker", "accept", b["address"], "--items", "1", "--store", store, keypair=good)
    assert r.code == 1 and "InvalidSkillProof" in r.error

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({str(addr[good]): 101}))
    r = node.cli("skill", "set", skill, bad, "--store", store)
    assert r.code == 2 and "0 to 100" in r.error
    lifted = node.ok("skill", "require", b["address"])
    assert lifted["required"] == []


def _qualification(node: Node, tmp: Path, keys: list[Path], right: list[int], name: str) -> str:
    """A gold batch answered by `keys` (set up in process: `worker` commands
    are tested above); its gold opening and instructions written to tmp."""

    async def step(amp: Amplify) -> str:
        workers = [amp.worker(load(k)) for k in keys]
        batch, opening, doc = await qualification_batch(amp.requester(), workers, right)
        (tmp / f"{name}.instructions.txt").write_bytes(doc)
        (tmp / f"{name}.gold.json").write_text(opening.to_json())
        return str(batch)

    return node.run(step)


def changes(graded: Any) -> dict[str, tuple[int | None, int | None, str]]:
    """worker → (before, after, outcome) of `batch grade --skill -o json`."""
    return {
        c["worker"]: (c["before"], c["after"], c["outcome"]) for c in graded["skill"]["changes"]
    }


def test_skill_set_from_grading(node: Node, tmp_path: Path) -> None:
    store = tmp_path / "store"
    keys = [tmp_path / f"{n}.json" for n in ("good", "slipping", "weak", "outsider")]
    addr = [node.wallet(k) for k in keys]
    for k in keys:
        node.ok("worker", "register", keypair=k)
    skill = node.ok("skill", "create", "moderation")["skill"]
    right = [20, 18, 10]
    batch = _qualification(node, tmp_path, keys[:3], right, "first")

    def grade_gold(name: str) -> tuple[Any, ...]:
        return (
            "--gold", tmp_path / f"{name}.gold.json",
            "--instructions", tmp_path / f"{name}.instructions.txt",
        )  # fmt: skip

    def grade(batch: str, name: str, *extra: str) -> Any:
        return node.ok(
            "batch", "grade", batch, *grade_gold(name), "--skill", skill, "--store", store, *extra,
        )  # fmt: skip

    r = node.cli("batch", "grade", batch, "--skill", skill)
    assert r.code == 2 and "--skill and --store go together" in r.error
    # Without gold, stars from agreement alone are sent only when asked for
    # (nothing is: the --apply below still rates every assignment).
    r = node.cli("batch", "grade", batch, "--apply")
    assert r.code == 2 and "--without-gold" in r.error and "colluders" in r.error
    r = node.cli("batch", "grade", batch, "--apply", "--without-gold", *grade_gold("first"))
    assert r.code == 2 and "contradict" in r.error
    # The preview: what each worker's value would become; nothing sent.
    want = {a: expected_value(n) for a, n in zip(addr[:3], right, strict=True)}
    preview = grade(batch, "first")
    assert preview["skill"]["sent"] is False and preview["skill"]["epoch"] == 0
    assert preview["gold"] is True
    assert changes(preview) == {a: (None, v, "granted") for a, v in want.items()}
    assert {w["worker"]: w["qualification"] for w in preview["workers"]} == want
    assert node.ok("skill", "show", skill)["workers"] == 0
    text = node.cli(
        "batch", "grade", batch, "--gold", tmp_path / "first.gold.json",
        "--instructions", tmp_path / "first.instructions.txt", "--skill", skill, "--store", store,
    )  # fmt: skip
    assert text.code == 0 and "granted" in text.stdout and "--apply sets them" in text.stdout
    applied = grade(batch, "first", "--apply")
    assert applied["skill"]["sent"] is True and applied["skill"]["epoch"] == 1
    assert applied["rated"] == 3 * QUAL_ITEMS
    assert node.ok("skill", "show", skill, "--store", store)["values"] == want

    # A real batch for workers at 60 or more: 100 and 80 pass; 0 and a
    # worker never graded do not.
    b = node.ok("batch", "create", "--price", "10000", "--require-skill", f"{skill}:60")
    items = tmp_path / "items.csv"
    items.write_text("id,text\n" + "".join(f"{i},post {i}\n" for i in range(6)))
    node.ok("batch", "upload", b["address"], items)

    def accept(k: Path, item: int) -> Any:
        return node.cli(
            "worker", "accept", b["address"], "--items", str(item), "--store", store, keypair=k
        )

    for i, k in enumerate(keys[:2]):
        assert accept(k, i).code == 0
    for k, error in ((keys[2], "SkillTooLow"), (keys[3], "InvalidSkillProof")):
        r = accept(k, 2)
        assert r.code == 1 and error in r.error, r.stderr

    # Graded again, `slipping` right on 12 of 20 (20 < 60): lowered, and out.
    again = _qualification(node, tmp_path, keys[:2], [20, 12], "second")
    regraded = grade(again, "second", "--apply")
    assert changes(regraded) == {
        addr[0]: (100, 100, "unchanged"),
        addr[1]: (80, expected_value(12), "lowered"),
    }
    shown = node.ok("skill", "show", skill, "--store", store)["values"]
    assert shown == {addr[0]: 100, addr[1]: 20, addr[2]: 0}
    r = accept(keys[1], 3)
    assert r.code == 1 and "SkillTooLow" in r.error, r.stderr
    assert accept(keys[0], 3).code == 0
