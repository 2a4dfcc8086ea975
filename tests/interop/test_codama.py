"""A client Codama renders from the IDL (@codama/nodes-from-anchor +
@codama/renderers-js, for @solana/kit) registers, creates a batch and a task
table, adds items, accepts them, submits and rates the worker (rate_worker) on
the node; its decoding of the table and of the rated worker's profile is
amplify_sdk's, and its rate_worker data is amplify_sdk's encoding."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from amplify_sdk import AdminClient
from amplify_sdk.errors import ItemNotFound
from amplify_sdk.protocol import decode_account, encode_instruction
from localnet import LocalNode

from .client_forms import anchor_form
from .node_tools import run_flow


async def test_codama_client_flow(
    ts_package: Path, node: LocalNode, admin: AdminClient, tmp_path: Path
) -> None:
    mint = await admin.create_amp_mint()
    seen: dict[str, Any] = await run_flow(ts_package, "src/codama_flow.ts", node, mint, tmp_path)

    assert seen["refused"] == {"code": ItemNotFound.code, "message": ItemNotFound.msg}
    table = seen["table"]
    ours = anchor_form(
        {"defined": {"name": "TaskTable"}},
        decode_account("TaskTable", base64.b64decode(table["raw"])),
    )
    # Codama decodes byte arrays as bytes and u64 as bigint; Anchor's form is
    # the same for every other field.
    theirs = table["decoded"]
    for name in ("version", "redundancy", "index", "batch", "batchNumber", "firstItem"):
        assert str(theirs[name]) == str(ours[name]), name
    assert (theirs["capacity"], theirs["count"]) == (ours["capacity"], ours["count"]) == (3, 3)
    assert theirs["slots"] == ours["slots"]
    assert [s["worker"] for s in ours["slots"]] == [1, 0, 1]

    # rate_worker: Codama's instruction data is amplify_sdk's encoding of the
    # same arguments, and the ratings it carried landed in the worker's profile.
    sent = seen["rateWorker"]
    ratings = sent["ratings"]
    assert bytes.fromhex(sent["data"]) == encode_instruction(
        "rate_worker", {"worker": 0, "ratings": ratings}
    )
    profile = anchor_form(
        {"defined": {"name": "WorkerProfile"}},
        decode_account("WorkerProfile", base64.b64decode(seen["profile"]["raw"])),
    )
    theirs = seen["profile"]["decoded"]
    for name in ("worker", "rating", "ratingCount", "scoreSum", "weight", "raters"):
        assert str(theirs[name]) == str(profile[name]), name
    assert profile["ratingCount"] == len(ratings) == 2
