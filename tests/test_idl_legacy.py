"""scripts/idl_legacy.py: the IDL in the legacy (Anchor <= 0.29) format that
anchorpy reads. The round trip through anchorpy itself is
tests/interop/test_anchorpy.py; these pin the format rules on small IDLs."""

from __future__ import annotations

import json
from typing import Any

import idl_legacy
from conftest import ROOT

IDL: dict[str, Any] = json.loads((ROOT / "idl" / "amplify.json").read_text())


def test_accounts_flags_seeds_and_types() -> None:
    legacy = idl_legacy.to_legacy(IDL)
    assert legacy["metadata"] == {"address": IDL["address"]}
    assert (legacy["name"], legacy["version"]) == ("amplify", IDL["metadata"]["version"])
    accept = next(i for i in legacy["instructions"] if i["name"] == "accept_tasks")
    worker, _, clock, profile = accept["accounts"][:4]
    assert (worker["isMut"], worker["isSigner"]) == (True, True)
    assert (clock["isMut"], clock["isSigner"]) == (False, False) and "address" not in clock
    assert profile["pda"]["seeds"] == [
        {"kind": "const", "type": {"array": ["u8", 6]}, "value": list(b"worker")},
        {"kind": "account", "type": "publicKey", "path": "worker"},
    ]
    create = next(i for i in legacy["instructions"] if i["name"] == "create_batch")
    assert create["accounts"][2]["pda"]["seeds"][2] == {
        "kind": "arg",
        "type": "u64",
        "path": "batch_id",
    }
    key_agent = next(a for a in create["args"] if a["name"] == "key_agent")
    assert key_agent["type"] == "publicKey"
    batch = next(a for a in legacy["accounts"] if a["name"] == "Batch")
    workers = next(f for f in batch["type"]["fields"] if f["name"] == "workers")
    assert workers["type"] == {"vec": {"defined": "RosterEntry"}}
    # Account and event layouts are inlined, not repeated among the types.
    names = {t["name"] for t in legacy["types"]}
    inlined = {a["name"] for a in IDL["accounts"]} | {e["name"] for e in IDL["events"]}
    assert names == {t["name"] for t in IDL["types"]} - inlined
    assert {"RosterEntry", "Slot", "Rating", "Refusal", "ProposalAction"} <= names
    accepted = next(e for e in legacy["events"] if e["name"] == "TasksAccepted")
    assert accepted["fields"][-1] == {
        "name": "refused",
        "type": {"vec": {"defined": "Refusal"}},
        "index": False,
    }


def test_enum_variants() -> None:
    idl = dict(IDL)
    idl["types"] = [
        *IDL["types"],
        {
            "name": "Action",
            "type": {
                "kind": "enum",
                "variants": [
                    {"name": "Spend", "fields": [{"name": "to", "type": "pubkey"}]},
                    {"name": "Tuple", "fields": [{"defined": {"name": "Rating"}}, "u8"]},
                    {"name": "Stop"},
                ],
            },
        },
    ]
    action = next(t for t in idl_legacy.to_legacy(idl)["types"] if t["name"] == "Action")
    assert action["type"] == {
        "kind": "enum",
        "variants": [
            {"name": "Spend", "fields": [{"name": "to", "type": "publicKey"}]},
            {"name": "Tuple", "fields": [{"defined": "Rating"}, "u8"]},
            {"name": "Stop"},
        ],
    }
