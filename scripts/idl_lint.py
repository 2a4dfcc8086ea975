#!/usr/bin/env python3
"""Lint the IDL against the last release: no breaking change without a version bump.

    python3 scripts/idl_lint.py                      idl/amplify.json against idl/released/
    python3 scripts/idl_lint.py --base OLD.json NEW.json

Clients are generated from the IDL (Anchor TS, Codama, anchorpy, the SDK) and
deployed clients keep the IDL they were built with, so a change that makes an
old client build wrong transactions or misread accounts, events or errors is
breaking. Breaking (compared with the newest `idl/released/amplify-<v>.json`
not newer than `metadata.version`):

* program address, IDL name or spec changed;
* an instruction, account type, event, defined type, error or constant removed
  or renamed;
* a discriminator changed, or one reused for another name (or two items sharing
  one);
* instruction arguments added, removed, reordered or retyped (the data is borsh,
  positional);
* instruction accounts added, removed or reordered; a signer, writable or
  optional flag or a fixed address changed; PDA seeds changed or removed; a
  `relations` entry removed (clients resolving the account break);
* an account type's layout: a field moved, retyped or removed, the fixed part's
  size changed, or its variable tail changed. New fields carved out of
  `reserved`/`_pad` bytes (the same total size) are additions, also in a
  defined type found only inside account data (a roster entry);
* event fields, instruction arguments' defined types and everything they
  contain changed in any way (they are decoded strictly);
* an error renumbered, its code reused for another name, or removed;
* a constant retyped, or the value of a seed constant (`*SEED*`) changed.

A breaking change is allowed only with a bump that says so (semver, 0.x rules):
below 1.0 the minor must grow (0.2.x -> 0.3.0), from 1.0 the major. Additions
(new instructions, accounts, events, types, errors, constants, seeds or
relations on existing accounts, changed messages or constant values) are
reported as warnings. Exit status 1 when the lint fails.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_idl import Idl
from idl_versions import Version, base_for, fmt, next_breaking, parse_version

ROOT = Path(__file__).resolve().parent.parent
IDL = ROOT / "idl" / "amplify.json"

JSON = dict[str, Any]


@dataclass
class Report:
    breaking: list[str] = field(default_factory=list)
    additions: list[str] = field(default_factory=list)


# -- helpers --------------------------------------------------------------------------


def type_str(ty: Any) -> str:
    """An IDL type expression as Rust-like text, for messages."""
    if isinstance(ty, str):
        return ty
    if "array" in ty:
        return f"[{type_str(ty['array'][0])}; {ty['array'][1]}]"
    if "vec" in ty:
        return f"Vec<{type_str(ty['vec'])}>"
    if "option" in ty:
        return f"Option<{type_str(ty['option'])}>"
    if "defined" in ty:
        d = ty["defined"]
        return str(d["name"] if isinstance(d, dict) else d)
    return json.dumps(ty, sort_keys=True)


def by_name(items: list[JSON]) -> dict[str, JSON]:
    return {item["name"]: item for item in items}


def fields_of(idl: JSON, type_name: str) -> list[JSON]:
    for t in idl.get("types", []):
        if t["name"] == type_name:
            fields: list[JSON] = t["type"].get("fields", [])
            return fields
    return []


def size_of(idl: JSON, ty: Any) -> int | None:
    """Byte size of a fixed-size type; None for variable-size ones (as gen.py lays out)."""
    return Idl(idl).size(ty)


def sequence(what: str, old: list[JSON], new: list[JSON], r: Report, kind: str) -> list[str]:
    """Compare two named, ordered lists positionally (borsh fields, account
    metas): removed, added and reordered names are breaking. Returns the names
    both have."""
    old_names = [x["name"] for x in old]
    new_names = [x["name"] for x in new]
    for n in old_names:
        if n not in new_names:
            r.breaking.append(f"{what}: {kind} `{n}` removed or renamed")
    for n in new_names:
        if n not in old_names:
            r.breaking.append(f"{what}: {kind} `{n}` added (old clients do not send or expect it)")
    common = [n for n in old_names if n in new_names]
    if common != [n for n in new_names if n in old_names]:
        r.breaking.append(f"{what}: {kind}s reordered ({', '.join(common)})")
    return common


def strict_fields(what: str, old: list[JSON], new: list[JSON], r: Report) -> None:
    """Borsh fields (arguments, event fields, defined types): same names, order, types."""
    common = sequence(what, old, new, r, "field")
    o, n = by_name(old), by_name(new)
    for name in common:
        if o[name]["type"] != n[name]["type"]:
            r.breaking.append(
                f"{what}: `{name}` retyped {type_str(o[name]['type'])} -> "
                f"{type_str(n[name]['type'])}"
            )


# -- the rules ------------------------------------------------------------------------


def compare(old: JSON, new: JSON) -> Report:
    """Every difference between two IDLs that matters to a client built on `old`."""
    r = Report()
    if old.get("address") != new.get("address"):
        r.breaking.append(f"program address {old.get('address')} -> {new.get('address')}")
    for key in ("name", "spec"):
        o, n = old.get("metadata", {}).get(key), new.get("metadata", {}).get(key)
        if o != n:
            r.breaking.append(f"metadata.{key} {o!r} -> {n!r}")
    _discriminators(old, new, r)
    _instructions(old, new, r)
    _accounts(old, new, r)
    _events(old, new, r)
    _types(old, new, r)
    _errors(old, new, r)
    _constants(old, new, r)
    return r


def _discriminated(idl: JSON) -> list[tuple[str, str, tuple[int, ...]]]:
    out = []
    for kind, key in (
        ("instruction", "instructions"),
        ("account", "accounts"),
        ("event", "events"),
    ):
        for item in idl.get(key, []):
            out.append((kind, item["name"], tuple(item.get("discriminator", []))))
    return out


def _discriminators(old: JSON, new: JSON, r: Report) -> None:
    seen: dict[tuple[int, ...], tuple[str, str]] = {}
    for kind, name, disc in _discriminated(new):
        if disc in seen:
            other = seen[disc]
            r.breaking.append(f"{kind} {name} shares its discriminator with {other[0]} {other[1]}")
        seen[disc] = (kind, name)
    before = {disc: (kind, name) for kind, name, disc in _discriminated(old)}
    for kind, name, disc in _discriminated(new):
        was = before.get(disc)
        if was is not None and was != (kind, name):
            r.breaking.append(f"{kind} {name} reuses the discriminator of {was[0]} {was[1]}")
    olds = {(k, n): d for k, n, d in _discriminated(old)}
    for kind, name, disc in _discriminated(new):
        if (kind, name) in olds and olds[(kind, name)] != disc:
            r.breaking.append(f"{kind} {name}: discriminator changed")


def _instructions(old: JSON, new: JSON, r: Report) -> None:
    olds, news = by_name(old["instructions"]), by_name(new["instructions"])
    for name, o in olds.items():
        n = news.get(name)
        if n is None:
            r.breaking.append(f"instruction {name}: removed or renamed")
            continue
        strict_fields(f"instruction {name} args", o["args"], n["args"], r)
        _ix_accounts(name, o["accounts"], n["accounts"], r)
    for name in news.keys() - olds.keys():
        r.additions.append(f"instruction {name}: added")


def _ix_accounts(ix: str, old: list[JSON], new: list[JSON], r: Report) -> None:
    what = f"instruction {ix} accounts"
    common = sequence(what, old, new, r, "account")
    o, n = by_name(old), by_name(new)
    for name in common:
        a, b = o[name], n[name]
        if "accounts" in a or "accounts" in b:  # a nested group: compare whole
            if {k: v for k, v in a.items() if k != "docs"} != {
                k: v for k, v in b.items() if k != "docs"
            }:
                r.breaking.append(f"{what}: group `{name}` changed")
            continue
        for flag in ("signer", "writable", "optional"):
            if bool(a.get(flag)) != bool(b.get(flag)):
                was, now = bool(a.get(flag)), bool(b.get(flag))
                r.breaking.append(f"{what}: `{name}` {flag} {was} -> {now}")
        if a.get("address") != b.get("address"):
            r.breaking.append(f"{what}: `{name}` address {a.get('address')} -> {b.get('address')}")
        if "pda" in a and a["pda"] != b.get("pda"):
            r.breaking.append(f"{what}: `{name}` PDA seeds changed or removed")
        elif "pda" in b and "pda" not in a:
            r.additions.append(f"{what}: `{name}` now declares PDA seeds")
        rel_a, rel_b = a.get("relations", []), b.get("relations", [])
        for rel in rel_a:
            if rel not in rel_b:
                r.breaking.append(f"{what}: `{name}` no longer relates to `{rel}`")
        for rel in rel_b:
            if rel not in rel_a:
                r.additions.append(f"{what}: `{name}` now relates to `{rel}`")


def _accounts(old: JSON, new: JSON, r: Report) -> None:
    news = by_name(new.get("accounts", []))
    for name in by_name(old.get("accounts", [])):
        if name not in news:
            r.breaking.append(f"account {name}: removed or renamed")
            continue
        _layout(name, old, new, r)
    for name in news.keys() - by_name(old.get("accounts", [])).keys():
        r.additions.append(f"account {name}: added")


def _is_padding(name: str) -> bool:
    return name == "reserved" or name.startswith("_")


def _offsets(
    idl: JSON, fields: list[JSON], start: int = 8
) -> tuple[list[tuple[JSON, int, int]], list[JSON]]:
    """(field, offset, size) of the fixed part (from `start`: after an
    account's discriminator), and the variable tail from the first
    variable-size field on."""
    out: list[tuple[JSON, int, int]] = []
    at = start
    for i, f in enumerate(fields):
        size = size_of(idl, f["type"])
        if size is None:
            return out, fields[i:]
        out.append((f, at, size))
        at += size
    return out, []


def _layout(name: str, old: JSON, new: JSON, r: Report) -> None:
    """An account type's layout: old fields keep offset and type; new ones may
    take only bytes that were padding; the fixed size and the tail stay."""
    _carved(f"account {name}", old, new, fields_of(old, name), fields_of(new, name), r, 8)


def _carved(
    what: str, old: JSON, new: JSON, was: list[JSON], now: list[JSON], r: Report, start: int
) -> None:
    """Fields laid out from byte `start`: old fields keep offset and type; new
    ones may take only bytes that were padding; the fixed size and the tail stay."""
    old_fixed, old_tail = _offsets(old, was, start)
    new_fixed, new_tail = _offsets(new, now, start)
    placed = {f["name"]: (at, size, f["type"]) for f, at, size in new_fixed}
    padding: list[tuple[int, int]] = []
    for f, at, size in old_fixed:
        if _is_padding(f["name"]):
            padding.append((at, at + size))
            continue
        got = placed.get(f["name"])
        if got is None:
            r.breaking.append(f"{what}: field `{f['name']}` removed or renamed")
        elif got[0] != at or got[2] != f["type"]:
            r.breaking.append(
                f"{what}: field `{f['name']}` was {type_str(f['type'])} at byte {at}, "
                f"now {type_str(got[2])} at byte {got[0]}"
            )
    old_size = sum(size for _, _, size in old_fixed)
    new_size = sum(size for _, _, size in new_fixed)
    if old_size != new_size:
        r.breaking.append(f"{what}: fixed part {old_size} -> {new_size} bytes (from byte {start})")
    old_names = {f["name"] for f, _, _ in old_fixed}
    for f, at, size in new_fixed:
        if f["name"] in old_names or _is_padding(f["name"]):
            continue
        if any(lo <= at and at + size <= hi for lo, hi in padding):
            r.additions.append(f"{what}: field `{f['name']}` carved out of padding at byte {at}")
        else:
            r.breaking.append(f"{what}: field `{f['name']}` added outside the padding")
    strict_fields(f"{what} tail", old_tail, new_tail, r)


def _events(old: JSON, new: JSON, r: Report) -> None:
    news = by_name(new.get("events", []))
    for name in by_name(old.get("events", [])):
        if name not in news:
            r.breaking.append(f"event {name}: removed or renamed")
            continue
        strict_fields(f"event {name}", fields_of(old, name), fields_of(new, name), r)
    for name in news.keys() - by_name(old.get("events", [])).keys():
        r.additions.append(f"event {name}: added")


def layouts(idl: JSON) -> set[str]:
    """Names of the types that are account or event layouts."""
    return {a["name"] for a in idl.get("accounts", [])} | {e["name"] for e in idl.get("events", [])}


def _named_types(ty: Any) -> set[str]:
    """Defined type names a type expression refers to directly."""
    if isinstance(ty, str):
        return set()
    if "defined" in ty:
        d = ty["defined"]
        return {str(d["name"] if isinstance(d, dict) else d)}
    for key in ("array", "vec", "option"):
        if key in ty:
            inner = ty[key][0] if key == "array" else ty[key]
            return _named_types(inner)
    return set()


def decoded_strictly(idl: JSON) -> set[str]:
    """Types that reach a client outside an account's data: event layouts,
    instruction arguments, and every type they contain. Only account data has
    padding a new field may take over (old clients read those bytes as padding)."""
    types = by_name(idl.get("types", []))
    todo = [e["name"] for e in idl.get("events", [])]
    for i in idl.get("instructions", []):
        for a in i.get("args", []):
            todo += _named_types(a["type"])
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen or name not in types:
            continue
        seen.add(name)
        t = types[name]["type"]
        for f in t.get("fields", []):
            todo += _named_types(f["type"])
        for v in t.get("variants", []):
            for f in v.get("fields", []):
                todo += _named_types(f["type"] if isinstance(f, dict) and "type" in f else f)
    return seen


def _types(old: JSON, new: JSON, r: Report) -> None:
    """Defined types other than account and event layouts (checked above).
    A struct found only inside account data may carve fields out of its
    padding, as an account layout may; every other one is strict."""
    own = layouts(old)
    strict = decoded_strictly(old) | decoded_strictly(new)
    news = by_name(new.get("types", []))
    for name, o in by_name(old.get("types", [])).items():
        if name in own:
            continue
        n = news.get(name)
        if n is None:
            r.breaking.append(f"type {name}: removed or renamed")
            continue
        ko, kn = o["type"]["kind"], n["type"]["kind"]
        if ko != kn:
            r.breaking.append(f"type {name}: {ko} -> {kn}")
        elif ko == "struct":
            was, now = o["type"].get("fields", []), n["type"].get("fields", [])
            if name in strict:
                strict_fields(f"type {name}", was, now, r)
            else:
                _carved(f"type {name}", old, new, was, now, r, 0)
        elif o["type"] != n["type"]:
            r.breaking.append(f"type {name}: {ko} changed")
    for name in news.keys() - by_name(old.get("types", [])).keys() - layouts(new):
        r.additions.append(f"type {name}: added")


def _errors(old: JSON, new: JSON, r: Report) -> None:
    new_by_code = {e["code"]: e for e in new.get("errors", [])}
    new_by_name = {e["name"]: e for e in new.get("errors", [])}
    old_codes = set()
    for e in old.get("errors", []):
        old_codes.add(e["code"])
        n = new_by_code.get(e["code"])
        moved = new_by_name.get(e["name"])
        if moved is not None and moved["code"] != e["code"]:
            r.breaking.append(f"error {e['name']}: renumbered {e['code']} -> {moved['code']}")
        if n is None:
            if moved is None:
                r.breaking.append(f"error {e['code']} {e['name']}: removed")
        elif n["name"] != e["name"]:
            r.breaking.append(f"error {e['code']}: {e['name']} -> {n['name']} (code reused)")
        elif n.get("msg") != e.get("msg"):
            r.additions.append(f"error {e['code']} {e['name']}: message changed")
    for code in sorted(new_by_code.keys() - old_codes):
        r.additions.append(f"error {code} {new_by_code[code]['name']}: added")


def _constants(old: JSON, new: JSON, r: Report) -> None:
    news = by_name(new.get("constants", []))
    for name, o in by_name(old.get("constants", [])).items():
        n = news.get(name)
        if n is None:
            r.breaking.append(f"constant {name}: removed or renamed")
        elif n["type"] != o["type"]:
            was, now = type_str(o["type"]), type_str(n["type"])
            r.breaking.append(f"constant {name}: retyped {was} -> {now}")
        elif n["value"] != o["value"]:
            change = f"constant {name}: {o['value']} -> {n['value']}"
            (r.breaking if "SEED" in name else r.additions).append(change)
    for name in news.keys() - by_name(old.get("constants", [])).keys():
        r.additions.append(f"constant {name}: added")


# -- versions -------------------------------------------------------------------------


def version_problems(old: Version, new: Version, report: Report) -> list[str]:
    if new < old:
        return [f"metadata.version went back from {fmt(old)} to {fmt(new)}"]
    if report.breaking and new < next_breaking(old):
        return [
            f"breaking changes since {fmt(old)} need metadata.version >= "
            f"{fmt(next_breaking(old))} (semver: below 1.0 a breaking change bumps the minor)"
        ]
    return []


def lint(old: JSON, new: JSON) -> tuple[Report, list[str]]:
    """The differences and what makes them fail (empty: the lint passes)."""
    report = compare(old, new)
    old_v = parse_version(old["metadata"]["version"])
    new_v = parse_version(new["metadata"]["version"])
    return report, version_problems(old_v, new_v, report)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("idl", nargs="?", type=Path, default=IDL)
    parser.add_argument("--base", type=Path, help="the released IDL (default: idl/released/)")
    args = parser.parse_args(argv)
    new = json.loads(args.idl.read_text())
    base = args.base or base_for(parse_version(new["metadata"]["version"]))
    old = json.loads(base.read_text())
    report, problems = lint(old, new)
    print(f"IDL lint: {args.idl.name} {new['metadata']['version']} against {base.name}")
    label = "breaking (allowed by the version bump)" if not problems else "breaking"
    for line in report.breaking:
        print(f"  {label}: {line}")
    for line in report.additions:
        print(f"  warning: {line}")
    for line in problems:
        print(f"  FAIL: {line}")
    if not report.breaking and not report.additions:
        print("  no interface change")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
