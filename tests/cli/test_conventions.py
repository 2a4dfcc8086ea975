"""Solana CLI conventions: config-file defaults, --url monikers, keypair
files, exit codes and one-line errors, --output json."""

from __future__ import annotations

import json
from pathlib import Path

from solders.keypair import Keypair

from .conftest import Node, amplify, parallel


def test_help_and_version() -> None:
    top, batch = parallel(lambda: amplify("--help"), lambda: amplify("batch", "--help"))
    assert top.code == 0 and "batch" in top.stdout and "market" in top.stdout
    assert all(c in batch.stdout for c in ("create", "upload", "status", "results", "close"))


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
    other = tmp_path / "other.json"
    other.write_text(json.dumps(list(bytes(Keypair()))))
    by_option, by_env, before, mine = parallel(
        lambda: amplify("balance", "-C", config, "-o", "json"),
        lambda: amplify("balance", "--output", "json", AMPLIFY_CONFIG=str(config)),
        # Options before the command apply too; the command's own win.
        lambda: amplify("-C", config, "-o", "json", "balance"),
        lambda: amplify("-C", config, "balance", "-k", other, "-o", "json"),
    )
    for r in (by_option, by_env, before):
        assert r.code == 0, r.stderr
        assert r.json()["address"] == address
    assert mine.code == 0 and mine.json()["address"] != address


def test_user_mistakes_are_one_line_exit_2(node: Node, tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("[1, 2, 3]")
    results = parallel(
        lambda: amplify("balance", "-C", tmp_path / "missing.yml"),
        lambda: amplify("balance", "-u", "moonnet"),
        lambda: node.cli("balance", keypair=tmp_path / "nope.json"),
        lambda: node.cli("balance", keypair=tmp_path / "bad.json"),
        lambda: node.cli("batch", "create"),
        lambda: node.cli("batch", "status", "not-an-address"),
        lambda: node.cli("batch", "create", "--price", "0"),
    )
    expected = [
        ("config file", "not found"),
        ("localhost, devnet",),
        ("keypair file", "--keypair"),
        ("not a Solana keypair file",),
        ("Missing option '--price'", "--help"),
        ("base58",),
        ("--price",),
    ]
    for r, words in zip(results, expected, strict=True):
        assert r.code == 2, r.stderr
        assert all(w in r.error for w in words), r.error


def test_failures_exit_1_with_the_reason(node: Node) -> None:
    missing = str(Keypair().pubkey())
    unreachable, absent, init, expiry, gate = parallel(
        lambda: amplify("balance", "-u", "http://127.0.0.1:1", "-k", node.authority),
        lambda: node.cli("batch", "status", missing),
        lambda: node.cli("program", "init"),
        lambda: node.cli("batch", "create", "--price", "10000", "--expires-in", "0", "-o", "json"),
        lambda: node.cli("batch", "create", "--price", "10000", "--min-rating", "5"),
    )
    assert unreachable.code == 1 and "http://127.0.0.1:1" in unreachable.error
    assert absent.code == 1 and f"{missing} does not exist" in absent.error
    # The program's own error: name, code, message.
    assert init.code == 1
    assert init.error == "error: AlreadyInitialized (6009): The protocol is already initialized"
    assert expiry.code == 1
    assert expiry.error == "error: InvalidExpiry (6017): Expiry must be in the future"
    assert expiry.json()["error"]["name"] == "InvalidExpiry"
    # A gate above the formula's ceiling (4,584 at the defaults): refused before sending.
    assert gate.code == 1
    assert gate.error.startswith("error: UnreachableRating (6090): min_rating is above")


def test_keygen_airdrop_balance(node: Node, tmp_path: Path) -> None:
    r = amplify("keygen", tmp_path / "k.json", "-o", "json")
    assert r.code == 0
    kp = Keypair.from_bytes(bytes(json.loads((tmp_path / "k.json").read_text())))
    assert r.json()["address"] == str(kp.pubkey())
    again, dropped = parallel(
        lambda: amplify("keygen", tmp_path / "k.json"),
        lambda: node.cli("airdrop", "1.5", "-o", "json", keypair=tmp_path / "k.json"),
    )
    assert again.code == 2 and "--force" in again.error
    assert dropped.code == 0, dropped.stderr
    assert node.balance(str(kp.pubkey())) == 1_500_000_000
    assert node.ok("balance", keypair=tmp_path / "k.json")["lamports"] == 1_500_000_000
