"""scripts/idl_lint.py: the IDL against the last release. Each test edits a copy
of the released IDL the way a careless change would and checks the verdict:
breaking changes fail unless the version says so, additions only warn."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import idl_versions
import pytest
from gen_idl import sighash

import idl_lint
from amplify_sdk.protocol._codecs import account_size
from conftest import ROOT

JSON = dict[str, Any]
RELEASED: JSON = json.loads((ROOT / "idl" / "released" / "amplify-0.2.0.json").read_text())


def edited(change: Callable[[JSON], object], version: str | None = None) -> JSON:
    idl = copy.deepcopy(RELEASED)
    change(idl)
    if version is not None:
        idl["metadata"]["version"] = version
    return idl


def ix(idl: JSON, name: str) -> JSON:
    return next(i for i in idl["instructions"] if i["name"] == name)


def account(idl: JSON, ix_name: str, name: str) -> JSON:
    return next(a for a in ix(idl, ix_name)["accounts"] if a["name"] == name)


def fields(idl: JSON, type_name: str) -> list[JSON]:
    t = next(t for t in idl["types"] if t["name"] == type_name)
    out: list[JSON] = t["type"]["fields"]
    return out


def error(idl: JSON, name: str) -> JSON:
    return next(e for e in idl["errors"] if e["name"] == name)


def verdict(new: JSON) -> tuple[list[str], list[str], list[str]]:
    report, problems = idl_lint.lint(RELEASED, new)
    return report.breaking, report.additions, problems


def assert_breaking(new: JSON, *fragments: str) -> None:
    breaking, _, problems = verdict(new)
    text = "\n".join(breaking)
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    assert problems and "0.3.0" in problems[0], problems
    # The same change with the minor bumped (0.x: a breaking release) passes.
    bumped = copy.deepcopy(new)
    bumped["metadata"]["version"] = "0.3.0"
    assert verdict(bumped)[2] == []


def swap(items: list[Any], i: int, j: int) -> None:
    items[i], items[j] = items[j], items[i]


def test_the_repository_idl_passes_against_its_release() -> None:
    assert idl_lint.main([]) == 0


def test_no_change() -> None:
    assert verdict(copy.deepcopy(RELEASED)) == ([], [], [])


def test_docs_are_not_interface() -> None:
    def docs(idl: JSON) -> None:
        ix(idl, "accept_tasks")["docs"] = ["Reworded."]
        account(idl, "accept_tasks", "batch")["docs"] = ["The batch."]

    assert verdict(edited(docs)) == ([], [], [])


def test_removed_instruction() -> None:
    def remove(idl: JSON) -> None:
        idl["instructions"].remove(ix(idl, "sweep_fees"))

    assert_breaking(edited(remove), "instruction sweep_fees: removed or renamed")


def test_renamed_argument() -> None:
    def rename(idl: JSON) -> None:
        ix(idl, "add_tasks")["args"][1]["name"] = "n"

    assert_breaking(edited(rename), "`count` removed or renamed", "`n` added")


def test_reordered_arguments() -> None:
    assert_breaking(
        edited(lambda idl: swap(ix(idl, "create_batch")["args"], 1, 2)),
        "instruction create_batch args: fields reordered",
    )


def test_retyped_argument() -> None:
    def retype(idl: JSON) -> None:
        ix(idl, "initialize")["args"][0]["type"] = "u32"

    assert_breaking(edited(retype), "`fee_bps` retyped u16 -> u32")


def test_appended_argument() -> None:
    def append(idl: JSON) -> None:
        ix(idl, "cancel_batch")["args"].append({"name": "reason", "type": "u8"})

    assert_breaking(edited(append), "instruction cancel_batch args: field `reason` added")


def test_reordered_accounts() -> None:
    assert_breaking(
        edited(lambda idl: swap(ix(idl, "submit_results")["accounts"], 1, 2)),
        "instruction submit_results accounts: accounts reordered",
    )


def test_appended_account() -> None:
    def append(idl: JSON) -> None:
        ix(idl, "sweep_fees")["accounts"].append({"name": "payer", "signer": True})

    assert_breaking(edited(append), "account `payer` added")


def test_changed_account_flags() -> None:
    def flags(idl: JSON) -> None:
        account(idl, "add_tasks", "requester")["writable"] = False
        account(idl, "release_expired", "requester")["signer"] = True

    assert_breaking(
        edited(flags),
        "instruction add_tasks accounts: `requester` writable True -> False",
        "instruction release_expired accounts: `requester` signer False -> True",
    )


def test_changed_fixed_address() -> None:
    def address(idl: JSON) -> None:
        account(idl, "accept_tasks", "clock")["address"] = (
            "SysvarRent111111111111111111111111111111111"
        )

    assert_breaking(edited(address), "`clock` address SysvarC1ock")


def test_changed_seeds() -> None:
    def seeds(idl: JSON) -> None:
        seed = account(idl, "accept_tasks", "profile")["pda"]["seeds"][0]
        seed["value"] = list(b"workers")

    assert_breaking(edited(seeds), "instruction accept_tasks accounts: `profile` PDA seeds changed")


def test_removed_seeds_and_relations() -> None:
    def drop(idl: JSON) -> None:
        del account(idl, "sweep_fees", "treasury")["pda"]
        del account(idl, "release_expired", "requester")["relations"]

    assert_breaking(
        edited(drop),
        "`treasury` PDA seeds changed or removed",
        "`requester` no longer relates to `batch`",
    )


def test_added_seeds_and_relations_are_additions() -> None:
    def add(idl: JSON) -> None:
        account(idl, "release_expired", "worker")["relations"] = ["table"]
        account(idl, "init_table", "table")["pda"] = {
            "seeds": [{"kind": "const", "value": list(b"table")}]
        }

    breaking, additions, problems = verdict(edited(add))
    assert breaking == [] and problems == []
    assert "instruction release_expired accounts: `worker` now relates to `table`" in additions
    assert "instruction init_table accounts: `table` now declares PDA seeds" in additions


def test_changed_discriminator() -> None:
    def disc(idl: JSON) -> None:
        next(a for a in idl["accounts"] if a["name"] == "Batch")["discriminator"][0] ^= 1

    assert_breaking(edited(disc), "account Batch: discriminator changed")


def test_reused_discriminator() -> None:
    def reuse(idl: JSON) -> None:
        old = ix(idl, "sweep_fees")
        idl["instructions"].remove(old)
        idl["instructions"].append(
            {
                "name": "collect_fees",
                "discriminator": old["discriminator"],
                "accounts": old["accounts"],
                "args": [],
            }
        )

    assert_breaking(
        edited(reuse), "instruction collect_fees reuses the discriminator of instruction sweep_fees"
    )


def test_shared_discriminator() -> None:
    def share(idl: JSON) -> None:
        idl["events"][1]["discriminator"] = list(idl["events"][0]["discriminator"])

    assert_breaking(edited(share), "shares its discriminator with event ProtocolInitialized")


def test_account_field_moved_or_retyped() -> None:
    def move(idl: JSON) -> None:
        batch = fields(idl, "Batch")
        i = next(k for k, f in enumerate(batch) if f["name"] == "price")
        swap(batch, i, i + 1)  # price <-> fee_per_item: both u64, same size
        next(f for f in fields(idl, "WorkerProfile") if f["name"] == "rating")["type"] = "i16"

    assert_breaking(
        edited(move),
        "account Batch: field `price` was u64 at byte",
        "account Batch: field `fee_per_item` was u64 at byte",
        "account WorkerProfile: field `rating` was u16 at byte 10, now i16 at byte 10",
    )


def test_account_grown_or_tail_changed() -> None:
    def grow(idl: JSON) -> None:
        fields(idl, "Treasury").append({"name": "extra", "type": "u64"})
        fields(idl, "Batch")[-1]["type"] = {"vec": "u32"}  # order: Vec<u16> -> Vec<u32>

    assert_breaking(
        edited(grow),
        "account Treasury: fixed part 48 -> 56 bytes",
        "account Treasury: field `extra` added outside the padding",
        "account Batch tail: `order` retyped Vec<u16> -> Vec<u32>",
    )


def test_field_carved_out_of_reserved_is_an_addition() -> None:
    config = fields(RELEASED, "Config")
    assert config[-1]["name"] == "reserved"
    spare = config[-1]["type"]["array"][1]

    def carve(idl: JSON) -> None:
        fields(idl, "Config")[-1:] = [
            {"name": "min_price", "type": "u64"},
            {"name": "reserved", "type": {"array": ["u8", spare - 8]}},
        ]

    breaking, additions, problems = verdict(edited(carve))
    assert (breaking, problems) == ([], [])
    # The reserved bytes end the account: they start `spare` bytes before its end.
    at = account_size("Config") - spare
    assert additions == [f"account Config: field `min_price` carved out of padding at byte {at}"]


def test_padding_of_a_type_inside_account_data_may_be_carved() -> None:
    # A roster entry lives only in a batch account: its padding is the
    # account's, read by old clients as padding.
    def carve(idl: JSON) -> None:
        f = fields(idl, "RosterEntry")[-1]
        assert f == {"name": "_pad", "type": {"array": ["u8", 2]}}
        f.update(name="pending", type="u16")

    breaking, additions, problems = verdict(edited(carve))
    assert (breaking, problems) == ([], [])
    assert additions == ["type RosterEntry: field `pending` carved out of padding at byte 38"]

    def move(idl: JSON) -> None:
        swap(fields(idl, "RosterEntry"), 1, 2)

    assert_breaking(edited(move), "type RosterEntry: field `taken` was u32 at byte 32")


def test_padding_of_a_type_clients_send_is_strict() -> None:
    # ReputationParams is an instruction argument: decoded positionally by
    # every client that builds one, so even its padding is interface.
    def carve(idl: JSON) -> None:
        f = next(f for f in fields(idl, "ReputationParams") if f["name"] == "_pad")
        f["name"] = "spare"

    assert_breaking(edited(carve), "type ReputationParams: field `_pad` removed or renamed")


def test_event_field_appended() -> None:
    def append(idl: JSON) -> None:
        fields(idl, "FeesSwept").append({"name": "treasury_total", "type": "u64"})

    assert_breaking(edited(append), "event FeesSwept: field `treasury_total` added")


def test_defined_type_changed() -> None:
    def change(idl: JSON) -> None:
        fields(idl, "Rating")[2]["type"] = "u16"

    assert_breaking(edited(change), "type Rating: `stars` retyped u8 -> u16")


def test_errors_removed_renumbered_or_reused() -> None:
    def errors(idl: JSON) -> None:
        idl["errors"].remove(error(idl, "PageFull"))
        error(idl, "ItemFull")["code"] = 7000
        error(idl, "NotSubmitted")["name"] = "NotDelivered"

    assert_breaking(
        edited(errors),
        "error 6026 PageFull: removed",
        "error ItemFull: renumbered 6030 -> 7000",
        "error 6037: NotSubmitted -> NotDelivered (code reused)",
    )


def test_new_error_and_message_are_additions() -> None:
    item_full = error(RELEASED, "ItemFull")["code"]
    new_code = max(e["code"] for e in RELEASED["errors"]) + 1

    def errors(idl: JSON) -> None:
        error(idl, "ItemFull")["msg"] = "Every slot of this item is taken"
        idl["errors"].append({"code": new_code, "name": "QuotaExceeded", "msg": "Over quota"})

    breaking, additions, problems = verdict(edited(errors))
    assert (breaking, problems) == ([], [])
    assert additions == [
        f"error {item_full} ItemFull: message changed",
        f"error {new_code} QuotaExceeded: added",
    ]


def test_seed_constant_is_breaking_other_constants_warn() -> None:
    def constants(idl: JSON) -> None:
        for c in idl["constants"]:
            if c["name"] == "TABLE_SEED_PREFIX":
                c["value"] = '"tt"'
            if c["name"] == "MAX_ROSTER":
                c["value"] = "16383"

    new = edited(constants)
    assert_breaking(new, 'constant TABLE_SEED_PREFIX: "t" -> "tt"')
    assert "constant MAX_ROSTER: 32767 -> 16383" in verdict(new)[1]


def test_added_instruction_only_warns() -> None:
    def add(idl: JSON) -> None:
        idl["instructions"].append(
            {
                "name": "claim_bounty",
                "discriminator": sighash("global", "claim_bounty"),
                "accounts": [{"name": "hunter", "signer": True}],
                "args": [{"name": "sealed", "type": "bytes"}],
            }
        )

    assert verdict(edited(add)) == ([], ["instruction claim_bounty: added"], [])


def test_versions() -> None:
    def remove(idl: JSON) -> None:
        idl["instructions"].pop()

    assert verdict(edited(remove, version="0.2.1"))[2]  # a patch bump does not cover it
    assert verdict(edited(remove, version="1.0.0"))[2] == []
    assert "went back" in verdict(edited(lambda idl: None, version="0.1.9"))[2][0]
    assert idl_versions.next_breaking((0, 2, 5)) == (0, 3, 0)
    assert idl_versions.next_breaking((1, 4, 0)) == (2, 0, 0)


def test_base_is_the_newest_release_not_newer(tmp_path: Path) -> None:
    for version in ("0.1.0", "0.2.0", "0.3.0"):
        idl = edited(lambda idl: None, version=version)
        (tmp_path / f"amplify-{version}.json").write_text(json.dumps(idl))
    assert idl_versions.base_for((0, 2, 7), tmp_path).name == "amplify-0.2.0.json"
    assert idl_versions.base_for((0, 3, 0), tmp_path).name == "amplify-0.3.0.json"
    with pytest.raises(SystemExit):
        idl_versions.base_for((0, 0, 1), tmp_path)


def test_release_file_must_match_its_version(tmp_path: Path) -> None:
    (tmp_path / "amplify-0.4.0.json").write_text(json.dumps(RELEASED))
    with pytest.raises(SystemExit, match="does not match"):
        idl_versions.releases(tmp_path)
