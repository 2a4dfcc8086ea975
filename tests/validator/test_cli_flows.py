"""The command-line flows of tests/cli, unchanged, on Agave's
`solana-test-validator` instead of our local node (the `node` fixture of
this folder): a batch's whole life (create, upload, register, browse,
accept, submit with payment, rate, results, market, cancel, close), the
encrypted batch with `amplify agent run` and `worker fetch`, uploads killed
and resumed exactly once, and the CLI's conventions.

Governance taking the program over runs on a validator in
test_program.py's Anchor TS flow (every instruction, through execution);
the CLI's governance commands run on our local node (tests/cli/test_gov.py).
The README's block runs in test_program.py, after the deployment it starts
from."""

from __future__ import annotations

from cli.test_conventions import (  # noqa: F401 -- collected here, on the validator
    test_config_file_defaults,
    test_failures_exit_1_with_the_reason,
    test_keygen_airdrop_balance,
)
from cli.test_encrypted import test_encrypted_batch_with_the_key_agent  # noqa: F401
from cli.test_flow import test_batch_lifecycle  # noqa: F401
from cli.test_upload import (  # noqa: F401
    test_crash_between_send_and_record,
    test_folder_and_path_items,
    test_malformed_rows_send_nothing,
    test_sigkill_mid_upload_resumes_exactly_once,
)
