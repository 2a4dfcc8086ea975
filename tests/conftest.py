"""Shared fixtures: every test runs the real compiled program in LiteSVM."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from solders.pubkey import Pubkey

from amplify_sdk import AdminClient, Amplify
from amplify_sdk.chain._embedded import EmbeddedBackend

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from market import Market  # noqa: E402 -- after the path set-up above
from reproducible import reproducible_draws  # noqa: E402
from rpc_backend import NodeBackend, amplify_node  # noqa: E402


@pytest.fixture(autouse=True)
def _reproducible_draws() -> Iterator[None]:
    """Derandomized hypothesis tests draw the same examples whatever ran
    before them in the process (tests/reproducible.py)."""
    with reproducible_draws():
        yield


#: Slot length of the in-process test nodes: short, so a confirmation (the
#: next slot) costs a test tens of milliseconds, not a 400 ms slot; the
#: commitment lags, blockhash window and visibility rules are counted in
#: slots and stay as on a cluster. tests/validator runs the real pace.
TEST_SLOT_SECONDS = 0.05


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """How many refused transactions the adversarial suite checked, per
    instruction (each: exact error, every account unchanged, fee accounted)."""
    from adversarial import REFUSALS

    if not REFUSALS:
        return
    tr = terminalreporter
    tr.section("adversarial cases (refused transactions checked)")
    for name, n in sorted(REFUSALS.items()):
        tr.write_line(f"  {name:<24} {n:>5}")
    tr.write_line(f"  {'total':<24} {sum(REFUSALS.values()):>5} over {len(REFUSALS)} instructions")


def report(label: str, value: object) -> None:
    """Print a measured figure so it shows in the test log (pytest -s / -rA)."""
    print(f"[measure] {label}: {value}")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # The client suite runs on the embedded SVM and over real HTTP to a local
    # node; tests that reach into LiteSVM itself are marked `embedded_only`.
    if "backend_kind" in metafunc.fixturenames:
        only = metafunc.definition.get_closest_marker("embedded_only") is not None
        metafunc.parametrize("backend_kind", ["embedded"] if only else ["embedded", "rpc"])


@pytest.fixture
async def amp(backend_kind: str) -> AsyncIterator[Amplify]:
    if backend_kind == "embedded":
        async with await Amplify.embedded() as session:
            yield session
        return
    # Over HTTP: the node's default keypair is the program's upgrade authority,
    # as `amplify localnet` starts it; it plays the deployer.
    async with (
        amplify_node(rpc_port=0, slot_seconds=TEST_SLOT_SECONDS) as node,
        Amplify(NodeBackend(node), node.authority) as session,
    ):
        yield session


@pytest.fixture
async def market(amp: Amplify) -> Market:
    """An initialized protocol; `market.requester` is also the admin."""
    admin = amp.admin()
    await admin.initialize(await admin.create_amp_mint())
    assert isinstance(amp.backend, EmbeddedBackend | NodeBackend)
    return Market(amp, amp.backend, admin, amp.requester())


@pytest.fixture
def admin(amp: Amplify) -> AdminClient:
    return amp.admin()


@pytest.fixture
async def amp_mint(admin: AdminClient) -> Pubkey:
    return await admin.create_amp_mint()
