"""The command-line flows of tests/cli, unchanged, on Agave's
`solana-test-validator` instead of our local node (the `node` fixture of
this folder): a batch's whole life (create, upload, register, browse,
accept, submit with payment, rate, results, market, cancel, close), the
encrypted batch with `amplify agent run` and `worker fetch`, uploads killed
and resumed exactly once, the CLI's conventions, and governance through
execution on a validator of its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cli.conftest import Node
from cli.test_conventions import (  # noqa: F401 -- collected here, on the validator
    test_config_file_defaults,
    test_failures_exit_1_with_the_reason,
    test_keygen_airdrop_balance,
)
from cli.test_encrypted import test_encrypted_batch_with_the_key_agent  # noqa: F401
from cli.test_flow import test_batch_lifecycle  # noqa: F401
from cli.test_gov import test_governance_end_to_end  # noqa: F401
from cli.test_upload import (  # noqa: F401
    test_crash_between_send_and_record,
    test_folder_and_path_items,
    test_malformed_rows_send_nothing,
    test_sigkill_mid_upload_resumes_exactly_once,
)

from .conftest import deploy_program, start_validator, stop_validator


@pytest.fixture(scope="module")
def dao_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    """Governance takes the program over for good: a validator of its own."""
    node = start_validator(tmp_path_factory.mktemp("dao-validator"))
    try:
        assert deploy_program(node)["status"] == "deployed"
        assert node.ok("program", "init")["fee_bps"] == 500
        yield node
    finally:
        stop_validator(node)
