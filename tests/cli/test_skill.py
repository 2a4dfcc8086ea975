"""`amplify skill`: an issuer sets values for workers from a file, a batch
requires the skill (`batch create --require-skill`), a qualified worker
accepts with the published leaf list, an unqualified or revoked one cannot."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import Node


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
