"""The adversarial suite's layout, checked against the IDL: every instruction
has its `tests/test_<instruction>.py` with the generic battery that applies to
it (docs/SECURITY.md lists the bug classes), every failure test is named
`test_fail_<instruction>_with_<reason>` and opens with a `# Bug class:` line."""

from __future__ import annotations

import ast
from pathlib import Path

from amplify_sdk.protocol import load_idl

TESTS = Path(__file__).resolve().parent


def battery(name: str) -> list[str]:
    """The generic cases an instruction's file must have, from its IDL entry."""
    ix = load_idl().instructions[name]
    vec = any(
        a["type"] in ("bytes", "string") or (isinstance(a["type"], dict) and "vec" in a["type"])
        for a in ix.args
    )
    wanted = [
        ("a_missing_signer", any(a.signer for a in ix.accounts)),
        ("read_only_accounts", any(a.writable for a in ix.accounts)),
        ("substituted_programs", any(a.address is not None for a in ix.accounts)),
        ("missing_accounts", True),
        ("truncated_data", bool(ix.args)),
        ("extended_data", True),
        ("random_data", True),
        ("an_unknown_discriminator", True),
        ("lying_vector_lengths", vec),
        ("accounts_of_the_wrong_type", True),
        ("the_same_account_in_two_roles", True),
    ]
    return [f"test_fail_{name}_with_{case}" for case, applies in wanted if applies]


def functions(path: Path) -> list[ast.AsyncFunctionDef | ast.FunctionDef]:
    tree = ast.parse(path.read_text())
    return [n for n in tree.body if isinstance(n, ast.AsyncFunctionDef | ast.FunctionDef)]


def test_every_instruction_has_its_adversarial_file() -> None:
    missing, thin = [], []
    for name in load_idl().instructions:
        path = TESTS / f"test_{name}.py"
        assert path.exists(), f"no {path.name}"
        have = {f.name for f in functions(path)}
        missing += [t for t in battery(name) if t not in have]
        specific = [
            t for t in have if t.startswith(f"test_fail_{name}_with_") and t not in battery(name)
        ]
        if len(specific) < 3:
            thin.append(f"{path.name}: {len(specific)}")
    assert not missing, f"generic cases missing: {missing}"
    assert not thin, f"fewer than 3 instruction-specific failure tests: {thin}"


def test_every_failure_test_names_its_bug_class_and_instruction() -> None:
    names = set(load_idl().instructions)
    unnamed, misnamed = [], []
    for path in sorted(TESTS.glob("test_*.py")):
        lines = path.read_text().splitlines()
        ix = path.stem.removeprefix("test_")
        for f in functions(path):
            if not f.name.startswith("test_fail_"):
                continue
            head = "\n".join(lines[f.lineno - 1 : f.body[0].lineno - 1])
            if "# Bug class:" not in head:
                unnamed.append(f"{path.name}::{f.name}")
            if ix not in names or not f.name.startswith(f"test_fail_{ix}_with_"):
                misnamed.append(f"{path.name}::{f.name}")
    assert not unnamed, f"failure tests without a '# Bug class:' line: {unnamed}"
    assert not misnamed, f"not named test_fail_<instruction>_with_<reason>: {misnamed}"
