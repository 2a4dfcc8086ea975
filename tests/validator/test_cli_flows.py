"""The command-line flows of tests/cli, unchanged, on Agave's
`solana-test-validator` instead of our local node (the `node` fixture of
this folder): a batch's whole life (create, upload, register, browse,
accept, submit with payment, rate, results, market, cancel, close), the
encrypted batch with `amplify agent run` and `worker fetch`, uploads killed
and resumed exactly once, the CLI's conventions, and governance through
execution on a validator of its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.conftest import Node, cli_env
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
from readme_block import check_results, prepare, readme_block, run_block

from .conftest import deploy_program, start_validator, stop_validator


@pytest.fixture(scope="module")
def dao_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    """Governance takes the program over for good: a validator of its own."""
    node = start_validator(tmp_path_factory.mktemp("dao-validator"))
    try:
        assert deploy_program(node)["action"] == "deployed"
        assert node.ok("program", "init")["fee_bps"] == 500
        yield node
    finally:
        stop_validator(node)


def test_the_readme_block_on_the_validator(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    """The README's block with its first two lines (start a local node, name
    its authority) replaced by the validator's: the rest runs as written."""
    node = start_validator(tmp_path_factory.mktemp("readme-validator"))
    try:
        assert deploy_program(node)["action"] == "deployed"
        config = tmp_path / "config.yml"
        config.write_text(f"json_rpc_url: {node.url}\nkeypair_path: {node.authority}\n")
        lines = readme_block().splitlines()
        assert lines[0].startswith("amplify localnet &") and lines[1].startswith("K=")
        script = "\n".join([f"K={node.authority}", *lines[2:]])
        prepare(tmp_path)
        done = run_block(tmp_path, script, cli_env(AMPLIFY_CONFIG=str(config)))
        assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
        check_results(tmp_path)
    finally:
        stop_validator(node)
