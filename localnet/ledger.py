"""The chain saved in the ledger directory when the node stops, and restored
when it starts again with the same `--ledger DIR` (as `solana-test-validator`
keeps its ledger unless `--reset`).

Saved: the genesis hash (clients tell clusters apart by it), the faucet, the
clock (the slot keeps following the wall clock, so the time the node was down
passes as a stall: slots and block times stay consistent with those already
handed out), every account the chain holds (the accounts LiteSVM creates at
genesis excepted: they are made again), the blocks and the transaction
history, and the window of live blockhashes with its status cache (a
transaction that landed before the restart is still refused as a duplicate
after it).

The format is JSON with base64 bytes (no pickle: a ledger directory is data,
loading it must not run code); accounts and metas in solders' own binary
forms."""

from __future__ import annotations

import base64
import json
import os
import time
from collections import OrderedDict, deque
from pathlib import Path
from typing import Any

from solders.account import Account
from solders.hash import Hash
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.transaction import VersionedTransaction
from solders.transaction_metadata import TransactionMetadata

from .chain import GENESIS_ADDRESSES, MAX_BLOCKHASH_AGE, Chain
from .history import TxRecord
from .spl import TokenBalance

STATE_FILE = "state.json"
FORMAT = 1


class LedgerError(Exception):
    """A saved state this node cannot restore (another format, damaged)."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _bytes(text: str) -> bytes:
    return base64.b64decode(text)


def _balances(balances: list[TokenBalance]) -> list[Any]:
    return [
        [b.index, str(b.mint), str(b.owner), b.amount, b.decimals, str(b.program)] for b in balances
    ]


def _read_balances(raw: list[Any]) -> list[TokenBalance]:
    return [
        TokenBalance(
            int(i), Pubkey.from_string(m), Pubkey.from_string(o), int(a), int(d),
            Pubkey.from_string(p),
        )
        for i, m, o, a, d, p in raw
    ]  # fmt: skip


def save(chain: Chain, directory: Path) -> Path:
    """Write the chain to `directory/state.json` (atomically: a stop midway
    leaves the previous state)."""
    svm = chain.svm
    genesis = set(GENESIS_ADDRESSES)
    accounts = []
    for address in chain.known:
        account = svm.get_account(address)
        if account is None or address in genesis:
            continue
        accounts.append([str(address), _b64(bytes(account))])
    records = [
        {
            "raw": _b64(r.raw),
            "slot": r.slot,
            "blockTime": r.block_time,
            "err": r.err,
            "fee": r.fee,
            "meta": _b64(bytes(r.meta)),
            "pre": r.pre_balances,
            "post": r.post_balances,
            "preTokens": _balances(r.pre_token_balances),
            "postTokens": _balances(r.post_token_balances),
        }
        for r in chain.history.by_signature.values()
    ]
    state = {
        "format": FORMAT,
        "genesisHash": str(chain.genesis_hash),
        "faucet": _b64(bytes(chain.faucet)),
        "startTime": chain.start_time,
        "timeOffset": chain.time_offset,
        "slot": chain.slot,
        "blocks": [[slot, str(h)] for slot, h in chain.blocks.items()],
        "blockhashes": [[str(h), made] for h, made in _blockhash_window(chain)],
        "blockhashesMade": chain.blockhashes_made,
        "statusCache": {str(h): [str(s) for s in sigs] for h, sigs in _status_cache(chain).items()},
        "known": [str(k) for k in chain.known],
        "accounts": accounts,
        "history": records,
        "transactionCount": chain.history.count,
        "firstCompleteSlot": chain.history.first_complete_slot,
    }
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / STATE_FILE
    tmp = path.with_suffix(".tmp")
    # Owner-only, as the keypair beside it: it holds the faucet's key.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(state, out)
    os.replace(tmp, path)
    return path


def restore(chain: Chain, directory: Path) -> dict[str, int] | None:
    """Restore `directory`'s saved state into a new `chain`; None when there is
    none. What was restored: slot, accounts, transactions."""
    path = directory / STATE_FILE
    if not path.exists():
        return None
    try:
        state = json.loads(path.read_text())
        if state.get("format") != FORMAT:
            raise LedgerError(f"{path}: format {state.get('format')!r}, expected {FORMAT}")
        _restore(chain, state)
    except LedgerError:
        raise
    except Exception as e:  # solders' parse errors are several types of their own
        raise LedgerError(f"{path}: cannot restore the saved chain ({e})") from e
    return {
        "slot": int(state["slot"]),
        "accounts": len(state["accounts"]),
        "transactions": len(state["history"]),
    }


def _restore(chain: Chain, state: dict[str, Any]) -> None:
    svm = chain.svm
    chain.genesis_hash = Hash.from_string(state["genesisHash"])
    chain.faucet = Keypair.from_bytes(_bytes(state["faucet"]))
    accounts = [
        (Pubkey.from_string(a), Account.from_bytes(_bytes(raw))) for a, raw in state["accounts"]
    ]
    # A program's ProgramData before the program: LiteSVM loads an
    # executable account's code when it is written.
    accounts.sort(key=lambda item: item[1].executable)
    for address, account in accounts:
        svm.set_account(address, account)
    chain.known.update(Pubkey.from_string(k) for k in state["known"])
    for r in state["history"]:
        raw = _bytes(r["raw"])
        tx = VersionedTransaction.from_bytes(raw)
        chain.history.add(
            TxRecord(
                signature=tx.signatures[0],
                slot=int(r["slot"]),
                block_time=int(r["blockTime"]),
                raw=raw,
                tx=tx,
                keys=list(tx.message.account_keys),
                err=r["err"],
                fee=int(r["fee"]),
                meta=TransactionMetadata.from_bytes(_bytes(r["meta"])),
                pre_balances=[int(x) for x in r["pre"]],
                post_balances=[int(x) for x in r["post"]],
                pre_token_balances=_read_balances(r["preTokens"]),
                post_token_balances=_read_balances(r["postTokens"]),
            )
        )
    chain.history.count = int(state["transactionCount"])
    chain.history.first_complete_slot = int(state["firstCompleteSlot"])
    _resume(
        chain,
        start_time=float(state["startTime"]),
        time_offset=int(state["timeOffset"]),
        slot=int(state["slot"]),
        blocks=OrderedDict((int(s), Hash.from_string(h)) for s, h in state["blocks"]),
        blockhashes=[(Hash.from_string(h), int(made)) for h, made in state["blockhashes"]],
        made=int(state["blockhashesMade"]),
        status_cache={
            Hash.from_string(h): {Signature.from_string(s) for s in sigs}
            for h, sigs in state["statusCache"].items()
        },
    )


def _resume(
    chain: Chain,
    *,
    start_time: float,
    time_offset: int,
    slot: int,
    blocks: OrderedDict[int, Hash],
    blockhashes: list[tuple[Hash, int]],
    status_cache: dict[Hash, set[Signature]],
    made: int,
) -> None:
    """Continue a saved chain: its clock, its blocks,
    its blockhash window with the status cache that goes with it (so a
    transaction that landed before the restart is still refused as a
    duplicate), and new blocks from now on. The slot follows the wall
    clock from the saved start: the time the node was down passes as a
    stall."""
    chain.start_time, chain.time_offset, chain.slot = start_time, time_offset, slot
    chain.blocks = blocks
    chain.blockhashes = {h: made + MAX_BLOCKHASH_AGE for h, made in blockhashes}
    chain._blockhash_order = deque(blockhashes)
    chain._status_cache = status_cache
    chain.deployed_at.clear()
    for _ in range(made - chain.blockhashes_made):
        chain.svm.expire_blockhash()
    chain.blockhashes_made = made
    chain.latest_blockhash = chain.svm.latest_blockhash()
    if blockhashes and chain.latest_blockhash != blockhashes[-1][0]:
        raise ValueError("this LiteSVM does not continue the saved chain's blockhashes")
    now = time.time()
    behind = slot + 1 - int((now - start_time) / chain.slot_seconds)
    if behind > 0:
        # Restarted within the saved slot (or the clock went back): the
        # next slot starts now.
        chain.start_time -= behind * chain.slot_seconds
    chain.tick(now)


def _blockhash_window(chain: Chain) -> list[tuple[Hash, int]]:
    """The live blockhashes and the block height each was made at, oldest first."""
    return [(h, made) for h, made in chain._blockhash_order if h in chain.blockhashes]


def _status_cache(chain: Chain) -> dict[Hash, set[Signature]]:
    return dict(chain._status_cache)
