"""Solana CLI conventions: config-file defaults, --url monikers, keypair
files, exit codes and one-line errors, --output json."""

from __future__ import annotations

import json
from pathlib import Path

from solders.keypair import Keypair

from .conftest import Node, amplify


def test_help_and_version() -> None:
    r = amplify("--help")
    assert r.code == 0 and "batch" in r.stdout and "market" in r.stdout
    r = amplify("batch", "--help")
    assert all(c in r.stdout for c in ("create", "upload", "status", "list", "results", "close"))


def test_config_file_defaults(node: Node, tmp_path: Path) -> None:
    # A keypair path relative to the config file, as the Solana CLI writes them.
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys/id.json").write_text(node.authority.read_text())
    address = str(Keypair.from_bytes(bytes(json.loads(node.authority.read_text()))).pubkey())
    config = tmp_path / "config.yml"
    config.write_text(
        f'---\njson_rpc_url: "{node.url}"\nwebsocket_url: ""\n'
        "keypair_path: keys/id.json\ncommitment: confirmed\n"
    )
    by_option = amplify("balance", "-C", config, "-o", "json")
    assert by_option.code == 0, by_option.stderr
    assert by_option.json()["address"] == address
    by_env = amplify("balance", "--output", "json", AMPLIFY_CONFIG=str(config))
    assert by_env.code == 0 and by_env.json()["address"] == address
    # Options before the command apply too; the command's own win.
    before = amplify("-C", config, "-o", "json", "balance")
    assert before.code == 0 and before.json()["address"] == address
    other = tmp_path / "other.json"
    other.write_text(json.dumps(list(bytes(Keypair()))))
    mine = amplify("-C", config, "balance", "-k", other, "-o", "json")
    assert mine.json()["address"] != address


def test_user_mistakes_are_one_line_exit_2(node: Node, tmp_path: Path) -> None:
    r = amplify("balance", "-C", tmp_path / "missing.yml")
    assert r.code == 2 and "config file" in r.error and "not found" in r.error
    r = amplify("balance", "-u", "moonnet")
    assert r.code == 2 and "localhost, devnet" in r.error
    r = node.cli("balance", keypair=tmp_path / "nope.json")
    assert r.code == 2 and "keypair file" in r.error and "--keypair" in r.error
    (tmp_path / "bad.json").write_text("[1, 2, 3]")
    r = node.cli("balance", keypair=tmp_path / "bad.json")
    assert r.code == 2 and "not a Solana keypair file" in r.error
    r = node.cli("batch", "create")
    assert r.code == 2 and "Missing option '--price'" in r.error and "--help" in r.error
    r = node.cli("batch", "status", "not-an-address")
    assert r.code == 2 and "base58" in r.error
    r = node.cli("batch", "create", "--price", "0")
    assert r.code == 2 and "--price" in r.error


def test_failures_exit_1_with_the_reason(node: Node) -> None:
    r = amplify("balance", "-u", "http://127.0.0.1:1", "-k", node.authority)
    assert r.code == 1 and "http://127.0.0.1:1" in r.error
    missing = str(Keypair().pubkey())
    r = node.cli("batch", "status", missing)
    assert r.code == 1 and f"{missing} does not exist" in r.error
    # The program's own error: name, code, message.
    r = node.cli("program", "init")
    assert r.code == 1
    assert r.error == "error: AlreadyInitialized (6009): The protocol is already initialized"
    r = node.cli("batch", "create", "--price", "10000", "--expires-in", "0", "-o", "json")
    assert r.code == 1
    assert r.error == "error: InvalidExpiry (6017): Expiry must be in the future"
    assert r.json()["error"]["name"] == "InvalidExpiry"


def test_keygen(tmp_path: Path) -> None:
    r = amplify("keygen", tmp_path / "k.json", "-o", "json")
    assert r.code == 0
    kp = Keypair.from_bytes(bytes(json.loads((tmp_path / "k.json").read_text())))
    assert r.json()["address"] == str(kp.pubkey())
    again = amplify("keygen", tmp_path / "k.json")
    assert again.code == 2 and "--force" in again.error
