#!/usr/bin/env python3
"""Convert idl/amplify.json (Anchor IDL spec 0.1.0, Anchor >= 0.30) to the
legacy IDL format of Anchor <= 0.29, for clients that only read that one —
anchorpy 0.21 among them (its anchorpy-core parser predates the new spec).

    python3 scripts/idl_legacy.py [IDL] > amplify-legacy.json

Standard library only, so it runs in any client's environment. What changes:

* `address` moves to `metadata.address`; `name`/`version` move to the top;
* instruction accounts: `writable`/`signer`/`optional` become
  `isMut`/`isSigner`/`isOptional`; fixed `address`es and `relations` are
  dropped (the legacy format has no field for addresses, and legacy clients
  resolve neither); PDA seeds are kept in the legacy shape (typed seeds);
* `pubkey` becomes `publicKey`, `{"defined": {"name": X}}` becomes
  `{"defined": X}`;
* account and event types are inlined (`accounts[].type`, `events[].fields`)
  and leave `types`; enum variants' field types are converted likewise;
* discriminators are dropped: legacy clients derive them from the names
  (`sha256("global:<ix>")`, `"account:<Name>"`, `"event:<Name>"`), which is
  what this program's are (scripts/gen.py checks it).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
JSON = dict[str, Any]


def legacy_type(ty: Any) -> Any:
    if isinstance(ty, str):
        return "publicKey" if ty == "pubkey" else ty
    if "defined" in ty:
        d = ty["defined"]
        return {"defined": d["name"] if isinstance(d, dict) else d}
    if "array" in ty:
        return {"array": [legacy_type(ty["array"][0]), ty["array"][1]]}
    for key in ("vec", "option"):
        if key in ty:
            return {key: legacy_type(ty[key])}
    raise ValueError(f"no legacy form for {ty!r}")


def _field(f: JSON) -> JSON:
    out: JSON = {"name": f["name"], "type": legacy_type(f["type"])}
    if f.get("docs"):
        out["docs"] = f["docs"]
    return out


def _legacy_typedef(ty: JSON) -> JSON:
    """A struct's or enum's definition (named, tuple or unit variants)."""
    if ty["kind"] == "struct":
        return {"kind": "struct", "fields": [_field(f) for f in ty.get("fields", [])]}
    if ty["kind"] == "enum":
        variants = []
        for v in ty["variants"]:
            out: JSON = {"name": v["name"]}
            if "fields" in v:
                out["fields"] = [
                    _field(f) if isinstance(f, dict) and "name" in f else legacy_type(f)
                    for f in v["fields"]
                ]
            variants.append(out)
        return {"kind": "enum", "variants": variants}
    raise ValueError(f"no legacy form for a {ty['kind']} type")


def _seed(seed: JSON, ix: JSON) -> JSON:
    if seed["kind"] == "const":
        return {
            "kind": "const",
            "type": {"array": ["u8", len(seed["value"])]},
            "value": seed["value"],
        }
    if seed["kind"] == "arg":
        arg = next(a for a in ix["args"] if a["name"] == seed["path"])
        return {"kind": "arg", "type": legacy_type(arg["type"]), "path": seed["path"]}
    return {"kind": "account", "type": "publicKey", "path": seed["path"]}


def _account(a: JSON, ix: JSON) -> JSON:
    if "accounts" in a:
        return {"name": a["name"], "accounts": [_account(x, ix) for x in a["accounts"]]}
    out: JSON = {
        "name": a["name"],
        "isMut": bool(a.get("writable")),
        "isSigner": bool(a.get("signer")),
    }
    if a.get("optional"):
        out["isOptional"] = True
    if a.get("docs"):
        out["docs"] = a["docs"]
    pda = a.get("pda")
    if pda and "program" not in pda:  # a seeds program is not expressible in legacy seeds
        out["pda"] = {"seeds": [_seed(s, ix) for s in pda["seeds"]]}
    return out


def to_legacy(idl: JSON) -> JSON:
    types = {t["name"]: t for t in idl.get("types", [])}
    inlined = {a["name"] for a in idl.get("accounts", [])} | {
        e["name"] for e in idl.get("events", [])
    }

    def struct(name: str) -> JSON:
        t = types[name]
        out: JSON = {
            "name": name,
            "type": {"kind": "struct", "fields": [_field(f) for f in t["type"]["fields"]]},
        }
        if t.get("docs"):
            out["docs"] = t["docs"]
        return out

    out: JSON = {
        "version": idl["metadata"]["version"],
        "name": idl["metadata"]["name"],
        "instructions": [
            {
                "name": ix["name"],
                **({"docs": ix["docs"]} if ix.get("docs") else {}),
                "accounts": [_account(a, ix) for a in ix["accounts"]],
                "args": [_field(a) for a in ix["args"]],
            }
            for ix in idl["instructions"]
        ],
        "accounts": [struct(a["name"]) for a in idl.get("accounts", [])],
        "types": [
            {
                "name": t["name"],
                **({"docs": t["docs"]} if t.get("docs") else {}),
                "type": _legacy_typedef(t["type"]),
            }
            for t in idl.get("types", [])
            if t["name"] not in inlined
        ],
        "events": [
            {
                "name": e["name"],
                "fields": [
                    {**_field(f), "index": False} for f in types[e["name"]]["type"]["fields"]
                ],
            }
            for e in idl.get("events", [])
        ],
        "errors": idl.get("errors", []),
        "constants": [
            {"name": c["name"], "type": legacy_type(c["type"]), "value": c["value"]}
            for c in idl.get("constants", [])
        ],
        "metadata": {"address": idl["address"]},
    }
    return out


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else ROOT / "idl" / "amplify.json"
    json.dump(to_legacy(json.loads(path.read_text())), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
