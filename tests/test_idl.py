"""The IDL is the contract: the program's interface code and the SDK's error
classes are generated from it (and must be up to date), and the SDK's codecs,
models and shipped copy must agree with it."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import amplify_sdk
from amplify_sdk import ProgramError
from amplify_sdk.errors import ERRORS_BY_CODE
from amplify_sdk.protocol import load_idl
from amplify_sdk.protocol._codecs import type_size
from amplify_sdk.protocol._layout import ROSTER_PLACE_SIZE, SLOT_SIZE
from amplify_sdk.protocol._models import AccountModel
from conftest import ROOT


def test_shipped_idl_is_the_repository_idl() -> None:
    shipped = (ROOT / "amplify_sdk" / "program" / "amplify.json").read_text()
    assert shipped == (ROOT / "idl" / "amplify.json").read_text()


def test_generated_files_are_up_to_date() -> None:
    rc = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen.py"), "--check"])
    assert rc.returncode == 0


def test_idl_is_anchor_0_30_format() -> None:
    raw = json.loads((ROOT / "idl" / "amplify.json").read_text())
    assert raw["metadata"]["spec"] == "0.1.0"
    assert raw["address"] == str(amplify_sdk.PROGRAM_ID)
    for ix in raw["instructions"]:
        expect = hashlib.sha256(f"global:{ix['name']}".encode()).digest()[:8]
        assert bytes(ix["discriminator"]) == expect
    for acc in raw["accounts"]:
        expect = hashlib.sha256(f"account:{acc['name']}".encode()).digest()[:8]
        assert bytes(acc["discriminator"]) == expect
        assert acc["name"] in {t["name"] for t in raw["types"]}
    for ev in raw["events"]:
        expect = hashlib.sha256(f"event:{ev['name']}".encode()).digest()[:8]
        assert bytes(ev["discriminator"]) == expect
    codes = [e["code"] for e in raw["errors"]]
    assert codes == sorted(codes) and codes[0] == 6000 and len(set(codes)) == len(codes)


def test_every_program_error_has_a_typed_exception() -> None:
    idl = load_idl()
    assert set(ERRORS_BY_CODE) == set(idl.errors)
    for code, err in idl.errors.items():
        cls = ERRORS_BY_CODE[code]
        assert issubclass(cls, ProgramError)
        assert (cls.code, cls.name, cls.msg) == (code, err.name, err.msg)
        assert getattr(amplify_sdk.errors, err.name) is cls
        assert err.msg in str(cls())


def test_models_match_idl_fields() -> None:
    idl = load_idl()
    models = [
        m
        for m in vars(amplify_sdk.protocol).values()
        if isinstance(m, type) and issubclass(m, AccountModel) and m is not AccountModel
    ]
    assert {m.IDL_NAME for m in models} == set(idl.account_discriminators)
    # Long vectors are decoded into views: a batch's `workers` (and their search
    # index `order`) into `roster`; a table's `slots` into holders/ticks/flags/done.
    views = {
        "Batch": ({"workers", "order"}, {"roster"}),
        "TaskTable": ({"slots"}, {"holders", "ticks", "flags", "done"}),
        # A skill's URI is its first leaves_uri_len bytes; a requirement pairs
        # each skill with its minimum.
        "Skill": ({"leaves_uri_len"}, set()),
        "BatchSkills": ({"skills", "minimums"}, {"required"}),
    }
    for model in models:
        idl_fields = {f["name"] for f in idl.types[model.IDL_NAME]["type"]["fields"]}
        public = {f for f in idl_fields if f != "reserved" and not f.startswith("_")}
        replaced, added = views.get(model.IDL_NAME, (set(), set()))
        assert set(model.model_fields) - {"address"} == (public - replaced) | added, model.IDL_NAME


def test_sizes_come_from_the_idl_or_fail() -> None:
    # A size the SDK plans with is the IDL's: a type whose size varies raises
    # rather than falling back to a guess (`or 0`, `or 40` before).
    idl = load_idl()
    # docs/protocol.md: a slot is 4 bytes (a u16 worker, a u16 tick); a roster
    # place 42 (a 32-byte worker, 8 bytes of counters, and its u16 in `order`).
    slot = [f["type"] for f in idl.types["Slot"]["type"]["fields"]]
    assert slot == ["u16", "u16"] and SLOT_SIZE == type_size("Slot") == 4
    assert ROSTER_PLACE_SIZE == type_size("RosterEntry") + 2 == 42
    for variable in ("Batch", "TaskTable"):
        try:
            type_size(variable)
        except TypeError as e:
            assert variable in str(e)
        else:
            raise AssertionError(f"{variable} has no fixed size, yet one was given")
