"""@coral-xyz/anchor's `Program`, built from the IDL alone, runs the whole
marketplace and its governance against the node (every instruction of the
IDL lands); what it decodes (every account type, every event) must be what
amplify_sdk decodes from the same bytes."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from amplify_sdk import AdminClient
from amplify_sdk.errors import ERRORS_BY_CODE
from amplify_sdk.protocol import decode_account, decode_event, load_idl
from localnet import LocalNode

from .client_forms import anchor_form, camel
from .node_tools import run_flow


async def test_anchor_ts_flow(
    ts_package: Path, node: LocalNode, admin: AdminClient, tmp_path: Path
) -> None:
    mint = await admin.create_amp_mint()
    seen: dict[str, Any] = await run_flow(ts_package, "src/anchor_flow.ts", node, mint, tmp_path)

    idl = load_idl()
    # Every instruction landed (named by Anchor's instruction coder), every event
    # type and every account type went through Anchor's coders.
    assert set(seen["instructions"]) == {camel(n) for n in idl.instructions}
    assert {e["name"] for e in seen["events"]} == {camel(n) for n in idl.event_discriminators}
    assert set(seen["accounts"]) == set(idl.account_discriminators)
    for ev in seen["events"]:
        decoded = decode_event(base64.b64decode(ev["raw"]))
        assert decoded is not None
        name, fields = decoded
        assert camel(name) == ev["name"]
        assert anchor_form({"defined": {"name": name}}, fields) == ev["data"], name
    for name, acc in seen["accounts"].items():
        fields = decode_account(name, base64.b64decode(acc["raw"]))
        assert anchor_form({"defined": {"name": name}}, fields) == acc["decoded"], name

    # Errors read by code (Anchor's ProgramError), named from the IDL, and in the logs.
    for e in seen["errors"]:
        cls = ERRORS_BY_CODE[e["code"]]
        assert (e["name"], e["msg"], e["logged"]) == (cls.name, cls.msg, True)
    assert [e["name"] for e in seen["errors"]] == [
        "InvalidPrice",
        "IndexMismatch",
        "ProtocolPaused",
        "BatchPaused",
        "RosterFull",
        "ItemNotFound",
        "Unauthorized",
        "InsufficientStake",
        "VotingActive",
        "StakeLocked",
        "AlreadyRated",
        "WrongWorker",
        "AlreadyRated",
        "AlreadyRated",
        "NothingToClaim",
        "BatchNotDone",
        "SkillProofRequired",
        "InvalidSkillProof",
    ]
