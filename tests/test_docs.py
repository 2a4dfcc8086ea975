"""The figures the docs give about the program, read out of the docs and checked
against the IDL (the program's layouts are generated from it and size-checked
at compile time) and the shipped binary: account sizes (docs/protocol.md's
table, docs/frontend.md's account paragraphs), every field offset and type
docs/frontend.md states, the per-place and per-slot sizes, constants quoted
by name, the program's size (docs/toolchain.md) and the version. A doc that
drifts from the code fails here with the line to fix."""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from typing import Any

import pytest
import reputation_ref as ref

import amplify_sdk
from amplify_sdk.chain._rpc import MAX_ACCOUNTS_PER_CALL
from amplify_sdk.clients._gate import DECOY_RING, ONE_REQUESTER, SEVERAL_REQUESTERS, Ring
from amplify_sdk.protocol import constant, load_idl
from amplify_sdk.protocol._ceiling import max_reachable_score
from amplify_sdk.protocol._codecs import account_size, fixed_size, prefix_size
from amplify_sdk.protocol._fee import DEFAULT_FEE_BPS, fee_of
from amplify_sdk.protocol._layout import ROSTER_PLACE_SIZE, SLOT_SIZE
from amplify_sdk.protocol._models import answer_of_code
from amplify_sdk.protocol._program import program_bytes
from amplify_sdk.quality.forge import MAX_ROUNDS, WORSE, forge_cost
from amplify_sdk.quality.reputation import DEFAULT_PARAMS
from conftest import ROOT

DOCS = ROOT / "docs"
#: Accounts whose size and layout the docs give.
DOCUMENTED = {"Config", "Treasury", "WorkerProfile", "RequesterProfile", "Batch", "TaskTable"}


def number(text: str) -> int:
    return int(text.replace(",", ""))


def type_name(ty: Any) -> str:
    """An IDL type as the docs write it."""
    if isinstance(ty, str):
        return ty
    if "array" in ty:
        inner, n = ty["array"]
        return f"[{type_name(inner)}; {n}]"
    if "vec" in ty:
        return f"Vec<{type_name(ty['vec'])}>"
    return str(ty["defined"]["name"])


def layout(name: str) -> list[tuple[str, int, str]]:
    """(field, offset, type) of an account, in order; the discriminator is
    bytes 0-7. Offsets stop at the first variable-size field."""
    out, at = [], 8
    for f in load_idl().types[name]["type"]["fields"]:
        out.append((f["name"], at, type_name(f["type"])))
        size = fixed_size(f["type"])
        at = at + size if size is not None and at >= 0 else -1
    return out


def field(name: str, fname: str) -> tuple[int, str]:
    found = {f: (o, t) for f, o, t in layout(name)}
    assert fname in found, f"docs name `{fname}`, not a field of {name}"
    return found[fname]


def paragraphs(path: str) -> dict[str, str]:
    """docs/frontend.md's account paragraphs: '**`Name`** (...)' to the next blank line."""
    text = (DOCS / path).read_text()
    return {
        m.group(1): m.group(0)
        for m in re.finditer(r"\*\*`(\w+)`\*\* \(.*?(?=\n\n)", text, re.S)
        if m.group(1) in load_idl().types
    }


def test_account_sizes_in_the_protocol_table() -> None:
    rows = re.findall(
        r"^\| `(\w+)` \| [^|]+ \| ([^|]+) \|", (DOCS / "protocol.md").read_text(), re.M
    )
    sizes = {name: size.strip() for name, size in rows if name in load_idl().types}
    assert set(sizes) == DOCUMENTED, f"docs/protocol.md's account table: {sorted(sizes)}"
    for name, size in sizes.items():
        if name == "Batch":
            # Fixed part + base_uri (u32 length + bytes) + the two roster
            # vectors' u32 lengths + per place a RosterEntry and its u16 in `order`.
            m = re.fullmatch(r"(\d+) B \+ (\d+) \+ URI \+ (\d+) \+ (\d+) B per roster place", size)
            assert m, size
            entry = fixed_size({"defined": {"name": "RosterEntry"}})
            assert entry is not None
            want = (prefix_size("Batch"), 4, 4 + 4, entry + 2)
            assert tuple(map(int, m.groups())) == want, (size, want)
            assert [f for f, _, t in layout("Batch")][-3:] == ["base_uri", "workers", "order"]
        elif name == "TaskTable":
            m = re.fullmatch(r"(\d+) B \+ (\d+) B per slot", size)
            assert m, size
            want = (prefix_size("TaskTable") + 4, fixed_size({"defined": {"name": "Slot"}}))
            assert tuple(map(int, m.groups())) == want, (size, want)
        else:
            assert size == f"{account_size(name)} B", f"docs/protocol.md: {name} is {size}"


def test_sizes_and_offsets_in_the_front_end_guide() -> None:
    paras = paragraphs("frontend.md")
    assert set(paras) == DOCUMENTED, f"docs/frontend.md's account paragraphs: {sorted(paras)}"
    checked = 0
    for name, text in paras.items():
        size = re.match(r"\*\*`\w+`\*\* \((\d+) B( fixed)?", text)
        assert size, text[:60]
        if size.group(2):
            assert int(size.group(1)) == prefix_size(name), f"{name}: {size.group(0)}"
        else:
            assert int(size.group(1)) == account_size(name), f"{name}: {size.group(0)}"
        # `field` [type] @offset, the type optional (addresses have none).
        for fname, ty, at in re.findall(r"`(\w+)`(?:\s+([\w\[\]; ]+?))?\s+@(\d+)", text):
            offset, idl_type = field(name, fname)
            assert int(at) == offset, f"docs/frontend.md: {name}.{fname} @{at}, IDL @{offset}"
            if ty:
                assert ty == idl_type, f"docs/frontend.md: {name}.{fname} {ty}, IDL {idl_type}"
            checked += 1
    # A table's slots: the vector's u32 length right after the fixed part.
    m = re.search(r"u32 length @(\d+),\s+slots from @(\d+)", paras["TaskTable"])
    assert m, "docs/frontend.md: where a table's slots start"
    assert int(m.group(1)) == prefix_size("TaskTable") and int(m.group(2)) == int(m.group(1)) + 4
    assert checked >= 25, f"only {checked} offsets found: has the format changed?"


def test_the_batch_layout_table() -> None:
    text = (DOCS / "frontend.md").read_text()
    section = text[text.index("**`Batch`**") : text.index("**`TaskTable`**")]
    rows = re.findall(r"^\| ([\d–]+|then) \| ((?:`\w+`(?:, )?)+)(?: ([^|]*?))? \|", section, re.M)
    assert len(rows) >= 25, rows
    names = [f for f, _, _ in layout("Batch")]
    for at, fields, ty in rows:
        listed = re.findall(r"`(\w+)`", fields)
        ty = ty.replace("`", "").strip()
        if at == "then":
            assert names.index(listed[0]) > names.index("base_uri")
        else:
            first, _, last = at.partition("–")
            assert field("Batch", listed[0])[0] == int(first), f"Batch row {at}: {fields}"
            if last:
                assert field("Batch", listed[-1])[0] == int(last), f"Batch row {at}: {fields}"
            # Fields listed together are consecutive in the layout.
            i = names.index(listed[0])
            assert names[i : i + len(listed)] == listed, f"Batch row {at}: {fields}"
        for f in listed:
            if ty:
                assert field("Batch", f)[1] == ty, (
                    f"Batch.{f}: docs {ty}, IDL {field('Batch', f)[1]}"
                )
    entry = re.search(r"entries of (\d+) B", section)
    assert entry and int(entry.group(1)) == fixed_size({"defined": {"name": "RosterEntry"}})


def test_per_place_and_per_slot_figures() -> None:
    entry = fixed_size({"defined": {"name": "RosterEntry"}})
    assert entry is not None
    per_place = entry + 2  # its entry and its u16 in the search index `order`
    frontend = (DOCS / "frontend.md").read_text()
    protocol = (DOCS / "protocol.md").read_text()
    m = re.search(r"\| (\d+) B of rent per extra worker \|", frontend)
    assert m and int(m.group(1)) == per_place
    m = re.search(r"(\d+) bytes of rent per place", protocol)
    assert m and int(m.group(1)) == per_place
    slot = fixed_size({"defined": {"name": "Slot"}})
    m = re.search(
        r"`(\d+) \+ (\d+) × capacity × redundancy` bytes \((\d+) fixed, a (\d+)-byte vector"
        r"\s+length, a (\d+)-byte `Slot`",
        frontend,
    )
    assert m, "docs/frontend.md: table sizes"
    fixed = prefix_size("TaskTable")
    assert tuple(map(int, m.groups())) == (fixed + 4, slot, fixed, 4, slot)
    m = re.search(r"offset: (\d+) \+ (\d+) ×\s+\(item − first_item\) × redundancy", frontend)
    assert m and tuple(map(int, m.groups())) == (fixed + 4, slot)


def test_constants_quoted_by_name() -> None:
    quoted = []
    for path in sorted(DOCS.glob("*.md")):
        for name, value in re.findall(r"`([A-Z][A-Z0-9_]+)` = ([\d,]+)", path.read_text()):
            if name in load_idl().constants:
                assert constant(name) == number(value), f"{path.name}: {name} = {value}"
                quoted.append(name)
    assert "MAX_FEE_BPS" in quoted


@pytest.mark.parametrize(
    ("arch", "label"), [("v0", "Program size"), ("v3", "SBPF v3 program size")]
)
def test_program_size(arch: str, label: str) -> None:
    m = re.search(rf"{label}: ([\d,]+) bytes", (DOCS / "toolchain.md").read_text())
    assert m, f"docs/toolchain.md states the {arch} program's size"
    assert number(m.group(1)) == len(program_bytes(arch)), (
        f"docs/toolchain.md: {m.group(1)} bytes; the {arch} program is {len(program_bytes(arch)):,}"
    )


@pytest.mark.parametrize("how", ["module", "cli"])
def test_one_version(how: str) -> None:
    # The IDL's version is the package's, `amplify --version`'s and
    # pyproject.toml's (which reads amplify_sdk/_version.py, written from the IDL).
    idl = (ROOT / "idl" / "amplify.json").read_text()
    version = re.search(r'"version": "([^"]+)"', idl)
    assert version
    if how == "module":
        assert amplify_sdk.__version__ == version.group(1)
        pyproject = (ROOT / "pyproject.toml").read_text()
        assert 'dynamic = ["version"]' in pyproject
        assert 'version = { attr = "amplify_sdk._version.__version__" }' in pyproject
    else:
        out = subprocess.run(
            [sys.executable, "-m", "amplify_sdk.cli", "--version"],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
        assert out.strip() == f"amplify, version {version.group(1)}"


#: Names the program's interface fixes (the IDL, so the ABI): the only places
#: "task" may name the unit of work (docs/protocol.md, Glossary).
ABI_TASK_NAMES = re.compile(
    r"add_tasks|accept_tasks|TaskTable|TasksAdded|TasksAccepted|TasksReleased|EmptyTaskList"
    r"|task\s+tables?|asyncio task"
)


def test_the_glossary_and_one_word_for_an_item() -> None:
    protocol = (DOCS / "protocol.md").read_text()
    glossary = protocol.split("## Glossary", 1)[1].split("\n## ", 1)[0]
    m = re.search(r"\| \*\*slot\*\* \| an assignment's on-chain state: (\d+) bytes", glossary)
    assert m and int(m.group(1)) == SLOT_SIZE == fixed_size({"defined": {"name": "Slot"}})
    m = re.search(r"\((\d+) bytes of rent per place\)", glossary)
    assert m and int(m.group(1)) == ROSTER_PLACE_SIZE
    for name in ("add_tasks", "accept_tasks"):
        assert name in load_idl().instructions and f"`{name}`" in glossary
    # Outside the ABI's names, the docs call the unit of work an item.
    stray = []
    for path in [*sorted(DOCS.glob("*.md")), DOCS.parent / "README.md"]:
        if path.name == "CHANGELOG.md":
            continue  # history, in the words of its time
        text = path.read_text()
        if path.name == "protocol.md":
            text = text.replace(glossary, "")
        text = ABI_TASK_NAMES.sub("", text)
        found = re.finditer(r"(?i)\btasks?\b.{0,30}", text)
        stray += [f"{path.name}: {m.group(0)!r}" for m in found]
    assert not stray, stray


def test_the_rating_ceiling_in_the_reputation_guide() -> None:
    # docs/reputation.md quotes the ceiling's figures at the default parameters;
    # the twin's defaults give them by the closed form the program uses.
    text = (DOCS / "reputation.md").read_text()
    m = re.search(r"`W` = ([\d,]+), `P` = ([\d,]+), \*\*ceiling ([\d,]+)", text)
    assert m, "docs/reputation.md states the ceiling"
    p = DEFAULT_PARAMS
    w, h = p.max_weight_per_rating, p.horizon
    top = (w - 1) * (h + w) // w + 1
    assert (number(m.group(1)), number(m.group(2))) == (top, p.prior_weight // p.distinct_cap)
    assert number(m.group(3)) == max_reachable_score(p) == 4_584
    assert "UnreachableRating` (6090)" in text


def ring_by_reference(keys: int, fee: int, decoy_fee: int, gate: int) -> tuple[int, int, int]:
    """(5-stars, decoy 1-stars, fee of the last 5-star) of a decoy ring of
    `keys` keys lifting a fresh identity to `gate`, from the plain reference
    (tests/reputation_ref.py, written from this guide; not the twin): keys
    take turns, each following a 5-star with a 1-star to a decoy."""
    p = ref.DEFAULTS
    worker, decoy = ref.Worker(), ref.Worker()
    raters = [ref.Requester(i + 1) for i in range(keys)]
    fives = decoys = 0
    for t in range(100_000):
        rq = raters[t % keys]
        if (t // keys) % 2:
            ref.rate(p, decoy, rq, 1, decoy_fee)
            decoys += 1
            continue
        fives += 1
        trial_w, trial_r = copy.deepcopy(worker), copy.deepcopy(rq)
        if ref.rate(p, trial_w, trial_r, 5, fee)[2] >= gate:
            lo, hi = 1, fee  # the least fee that still passes
            while lo < hi:
                mid = (lo + hi) // 2
                w, r = copy.deepcopy(worker), copy.deepcopy(rq)
                lo, hi = (lo, mid) if ref.rate(p, w, r, 5, mid)[2] >= gate else (mid + 1, hi)
            return fives, decoys, hi
        ref.rate(p, worker, rq, 5, fee)
    raise AssertionError("the ring never passed")


def test_the_forge_costs_in_the_reputation_guide() -> None:
    # docs/reputation.md's forge-cost table and its reconciliation with the
    # figure measured before the check: every figure from the search
    # create_batch runs, and each ring replayed through the plain reference.
    text = (DOCS / "reputation.md").read_text()
    rows = re.findall(
        r"^\| ([\d.]+) \| decoy ring of (\d+) keys \| ([\d,]+) \| ([\d,]+) \| \*\*([\d,]+)\*\* "
        r"\| ([\d,]+) \| ([\w, ]+) \| ([\d,]+) / ([\d,]+) \|$",
        text,
        re.M,
    )
    assert [r[0] for r in rows] == ["3.5", "4.0", "4.5"], "docs/reputation.md's forge-cost table"
    payouts = [price - fee_of(price, DEFAULT_FEE_BPS) for price in (10_000, 100_000)]
    for gate, keys, fives, decoys, cost, decoy_cost, naive, cap10k, cap100k in rows:
        rating = round(float(gate) * 1000)
        found = forge_cost(DEFAULT_PARAMS, DEFAULT_FEE_BPS, rating)
        ring = found.cheapest
        assert ring is not None and found.exact and ring.kind == DECOY_RING
        assert (ring.requesters, ring.fives, ring.decoys) == tuple(
            map(number, (keys, fives, decoys))
        )
        assert (found.lamports, ring.decoy_lamports) == (number(cost), number(decoy_cost))
        several = found.rings[SEVERAL_REQUESTERS]
        assert naive == ("cannot pass" if several is None else f"{several.lamports:,}")
        assert found.rings[ONE_REQUESTER] is None  # "One key alone passes none of them."
        assert [number(cap10k), number(cap100k)] == [number(cost) // p for p in payouts]
        # The fee per 5-star at the cap is the cheapest: halves and quarters never beat it.
        assert forge_cost(DEFAULT_PARAMS, DEFAULT_FEE_BPS, rating, (1, 2, 4)).lamports == number(
            cost
        )
        # The plain reference, ring by ring: the same 5-stars, decoys and last fee.
        assert ring.fee == DEFAULT_PARAMS.max_weight_per_rating == fee_of(2_000_000, 500)
        assert ring_by_reference(ring.requesters, ring.fee, ring.decoy_fee, rating) == (
            ring.fives,
            ring.decoys,
            ring.last_fee,
        )
    assert ring_by_reference(7, 100_000, 33_333, 4_000) == (89, 84, 94_096)
    # The figure measured before (a ring of 4 keys), reproduced to the lamport.
    fives, decoys, last = ring_by_reference(4, 100_000, 33_333, 4_000)
    four = Ring(DECOY_RING, 4, 100_000, 33_333, fives, decoys, last)
    m = re.search(
        r"4 keys past a 4.0 gate for ([\d,]+) lamports of 5-star fees\s+\(([\d,]+) counting its "
        r"decoys\), is what the twin gives for 4 keys, to the\s+lamport: (\d+) five-stars, the "
        r"last at ([\d,]+), and (\d+) decoys at ([\d,]+)",
        text,
    )
    assert m, "docs/reputation.md reconciles the 4-key figure"
    assert tuple(map(number, m.groups())) == (
        four.lamports - four.decoy_lamports,
        four.lamports,
        fives,
        last,
        decoys,
        33_333,
    )
    seven = forge_cost(DEFAULT_PARAMS, DEFAULT_FEE_BPS, 4_000).cheapest
    assert seven is not None
    m = re.search(r"after (\d+) decoys, not (\d+) \(([\d,]+) \+\s+([\d,]+) = ([\d,]+)\)", text)
    assert m and tuple(map(number, m.groups())) == (
        seven.decoys,
        decoys,
        seven.lamports - seven.decoy_lamports,
        seven.decoy_lamports,
        seven.lamports,
    )
    flat = " ".join(text.split())
    assert f"paid {WORSE} times what the cheapest" in flat
    assert f"After {MAX_ROUNDS:,} rounds the search stops" in flat
    top = forge_cost(DEFAULT_PARAMS, DEFAULT_FEE_BPS, max_reachable_score(DEFAULT_PARAMS))
    assert top.exact and top.cheapest is not None
    assert (
        f"decoy ring of {top.cheapest.requesters} keys lifts an identity to "
        f"{max_reachable_score(DEFAULT_PARAMS):,} for {top.lamports:,} lamports"
    ) in flat
    assert "ForgeableGateError" in text and "allow_forgeable_gate=True" in text


def bench_figures(module: str, function: str) -> dict[str, object]:
    """What `scripts/<module>.py`'s `function` measures on a fresh embedded
    chain: the same code as ./scripts/bench, not a copy of its figures."""
    import asyncio
    import importlib.util

    name = f"docs_{module}"
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{module}.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, bench)  # its dataclasses look it up
    spec.loader.exec_module(bench)

    async def measure() -> dict[str, object]:
        from amplify_sdk import Amplify

        async with await Amplify.embedded() as amp:
            admin = amp.admin()
            await admin.initialize(await admin.create_amp_mint())
            got: dict[str, object] = await getattr(bench, function)(amp)
            return got

    return asyncio.run(measure())


def test_skill_costs() -> None:
    # docs/reputation.md, "Skills": the cost table is what ./scripts/bench
    # measures (the same function, on the embedded SVM), and the sizes quoted
    # are the IDL's.
    got = bench_figures("bench_skills", "skills")
    text = (DOCS / "reputation.md").read_text()
    rows = {k: (a, v) for k, a, v in re.findall(r"^\| `(\w+)` \| (≈ )?([\d,.]+) \|", text, re.M)}
    for key in (
        "skill_rent_bytes_per_value",
        "skill_set_transactions_1000",
        "skill_check_cu_per_accept",
        "items_per_accept_tx_with_skill",
    ):
        assert key in rows, f"docs/reputation.md: no row for {key}"
        about, quoted = rows[key]
        measured = got[key]
        assert isinstance(measured, int | float)
        # "≈": compute units vary with the addresses (compared byte by byte).
        slack = 0.02 * measured if about else 0
        assert abs(number(quoted) - measured) <= slack, f"{key}: docs {quoted}, measured {measured}"
    assert f"proofs of\n{got['_skill_proof_depth']} sibling" in text
    assert f"fits {got['_items_per_accept_tx']} per" in text
    assert f"a {got['_skill_account_bytes']}-byte account" in text
    assert f"`BatchSkills`,\n{account_size('BatchSkills')} bytes" in text


def test_rating_costs() -> None:
    # docs/protocol.md, the rating table: its rate_worker column is what
    # ./scripts/bench measures on the reference workload (the same function,
    # on the embedded SVM).
    got = bench_figures("bench", "reference")
    text = (DOCS / "protocol.md").read_text()
    for label, key in (
        ("CU per rated assignment (bulk)", "rate_cu_per_assignment"),
        ("network fees per rated assignment", "network_fee_per_rated_assignment"),
    ):
        m = re.search(rf"^\| {re.escape(label)} \| [\d,.]+ \| ([\d,.]+) \|", text, re.M)
        assert m, f"docs/protocol.md: no row '{label}'"
        quoted = float(m.group(1).replace(",", ""))
        assert quoted == got[key], f"{key}: docs {m.group(1)}, measured {got[key]}"


def test_kept_answers_and_roster_limit() -> None:
    # docs/protocol.md's slot codes, decoded by the SDK; the roster limit
    # from the IDL; the read batch size from the RPC backend.
    protocol = (DOCS / "protocol.md").read_text()
    m = re.search(
        r"1–(\d+) a one-byte answer \+ 1, (\d+)–([\d,]+) a two-byte answer \(u16\s+"
        r"little-endian\) \+ (\d+), so two-byte values up to ([\d,]+)",
        protocol,
    )
    assert m, "docs/protocol.md: answer codes"
    top_one, first_two, top, offset, top_value = (number(g) for g in m.groups())
    assert answer_of_code(top_one) == b"\xff" and answer_of_code(1) == b"\x00"
    assert answer_of_code(first_two) == (0).to_bytes(2, "little") and offset == first_two
    assert top == 2**16 - 1 and answer_of_code(top) == top_value.to_bytes(2, "little")
    assert answer_of_code(0) is None
    roster = constant("MAX_ROSTER")
    m = re.search(r"a\s+roster holds at most ([\d,]+) places \(`MAX_ROSTER`\)", protocol)
    assert m and number(m.group(1)) == roster
    m = re.search(
        r"about (\d+) CU per place read\s+\(`./scripts/bench`, roster section\), so at most "
        r"about ([\d,]+) CU for the\s+largest roster \(([\d,]+) places\)",
        protocol,
    )
    assert m, "docs/protocol.md: roster scan"
    per_place, total, places = (number(g) for g in m.groups())
    assert places == roster and total == round(per_place * roster, -3)
    m = re.search(r"one `getMultipleAccounts` per (\d+) tables", protocol)
    assert m and number(m.group(1)) == MAX_ACCOUNTS_PER_CALL
