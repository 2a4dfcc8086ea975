"""Cluster and account methods: slots, blockhashes, fees, accounts, programs."""

from __future__ import annotations

import base64

from solders.account import Account
from solders.message import from_bytes_versioned
from solders.pubkey import Pubkey

from .chain import LAMPORTS_PER_SIGNATURE, MAX_BLOCKHASH_AGE, TxRejected
from .codec import (
    b58decode,
    decode_wire,
    encode_account,
)
from .errors import BLOCK_NOT_AVAILABLE, RpcError
from .params import JSON, Params, config_int, parse_hash, parse_pubkey
from .registry import API_VERSION, FEATURE_SET, Context, method
from .tokens import encode_parsed

MAX_MULTIPLE_ACCOUNTS = 100
COMPUTE_BUDGET = Pubkey.from_string("ComputeBudget111111111111111111111111111111")
DEFAULT_UNITS_PER_INSTRUCTION = 200_000
MAX_UNITS = 1_400_000


@method("getHealth")
def get_health(ctx: Context, p: Params) -> JSON:
    return "ok"


@method("getVersion")
def get_version(ctx: Context, p: Params) -> JSON:
    return {"solana-core": API_VERSION, "feature-set": FEATURE_SET}


@method("getSlot")
def get_slot(ctx: Context, p: Params) -> JSON:
    return ctx.chain.commitment_slot(ctx.check_min_context_slot(p.config(0)))


@method("getBlockHeight")
def get_block_height(ctx: Context, p: Params) -> JSON:
    return ctx.chain.block_height_at(ctx.check_min_context_slot(p.config(0)))


@method("getLatestBlockhash")
def get_latest_blockhash(ctx: Context, p: Params) -> JSON:
    level = ctx.check_min_context_slot(p.config(0))
    blockhash, last_valid = ctx.chain.latest_blockhash_at(level)
    return ctx.with_context(
        {"blockhash": str(blockhash), "lastValidBlockHeight": last_valid}, level
    )


@method("isBlockhashValid")
def is_blockhash_valid(ctx: Context, p: Params) -> JSON:
    blockhash = parse_hash(p.required(0, "blockhash"))
    level = ctx.check_min_context_slot(p.config(1))
    return ctx.with_context(ctx.chain.is_blockhash_valid(blockhash, level), level)


@method("getFeeForMessage")
def get_fee_for_message(ctx: Context, p: Params) -> JSON:
    raw = decode_wire(p.string(0, "message"), "base64")
    level = ctx.check_min_context_slot(p.config(1))
    try:
        message = from_bytes_versioned(raw)
    except ValueError:
        raise RpcError.invalid_params("invalid message") from None
    if not ctx.chain.is_blockhash_valid(message.recent_blockhash, level):
        return ctx.with_context(None, level)
    fee = LAMPORTS_PER_SIGNATURE * message.header.num_required_signatures
    keys = message.account_keys
    price, limit, n_other = 0, None, 0
    for ix in message.instructions:
        if keys[ix.program_id_index] != COMPUTE_BUDGET:
            n_other += 1
            continue
        data = bytes(ix.data)
        if data[:1] == b"\x02" and len(data) >= 5:
            limit = int.from_bytes(data[1:5], "little")
        elif data[:1] == b"\x03" and len(data) >= 9:
            price = int.from_bytes(data[1:9], "little")
    if limit is None:
        limit = min(DEFAULT_UNITS_PER_INSTRUCTION * n_other, MAX_UNITS)
    # Priority fee: micro-lamports per unit times the requested limit, rounded up.
    fee += -(-price * min(limit, MAX_UNITS) // 1_000_000)
    return ctx.with_context(fee, level)


@method("getMinimumBalanceForRentExemption")
def get_minimum_balance(ctx: Context, p: Params) -> JSON:
    return ctx.chain.svm.minimum_balance_for_rent_exemption(p.uint(0, "data length"))


@method("getBalance")
def get_balance(ctx: Context, p: Params) -> JSON:
    address = p.pubkey(0)
    level = ctx.check_min_context_slot(p.config(1))
    return ctx.with_context(ctx.chain.svm.get_balance(address) or 0, level)


def _encoding(config: dict[str, JSON], default: str = "base64") -> str:
    encoding = config.get("encoding") or default
    if not isinstance(encoding, str):
        raise RpcError.invalid_params("encoding must be a string")
    if encoding == "base64+zstd":
        # No zstd in the Python 3.11 standard library; clients fall back to base64.
        raise RpcError.invalid_params("base64+zstd is not supported by this node; use base64")
    return encoding


@method("getAccountInfo")
def get_account_info(ctx: Context, p: Params) -> JSON:
    address = p.pubkey(0)
    config = p.config(1)
    level = ctx.check_min_context_slot(config)
    # web3.js and solana-py both ask for base64; a node's default is base58.
    encoding = _encoding(config, "base58")
    account = ctx.chain.svm.get_account(address)
    return ctx.with_context(_shown(ctx, account, encoding, config.get("dataSlice")), level)


def _shown(ctx: Context, account: Account | None, encoding: str, data_slice: JSON) -> JSON:
    """An account as `encoding` asks: parsed where this node can under `jsonParsed`."""
    if encoding == "jsonParsed":
        return encode_parsed(ctx, account, data_slice)
    return encode_account(account, encoding, data_slice)


@method("getMultipleAccounts")
def get_multiple_accounts(ctx: Context, p: Params) -> JSON:
    keys = p.required(0, "pubkeys")
    if not isinstance(keys, list):
        raise RpcError.invalid_params("pubkeys must be an array")
    if len(keys) > MAX_MULTIPLE_ACCOUNTS:
        raise RpcError.invalid_params(f"Too many inputs provided; max {MAX_MULTIPLE_ACCOUNTS}")
    config = p.config(1)
    level = ctx.check_min_context_slot(config)
    encoding = _encoding(config, "base64")
    svm = ctx.chain.svm
    data_slice = config.get("dataSlice")
    return ctx.with_context(
        [_shown(ctx, svm.get_account(parse_pubkey(k)), encoding, data_slice) for k in keys],
        level,
    )


def _matches(data: bytes, filters: list[JSON]) -> bool:
    for f in filters:
        if "dataSize" in f:
            if len(data) != f["dataSize"]:
                return False
            continue
        memcmp = f["memcmp"]
        wanted: bytes = memcmp["_bytes"]
        offset: int = memcmp["offset"]
        if data[offset : offset + len(wanted)] != wanted:
            return False
    return True


def _parse_filters(raw: JSON) -> list[JSON]:
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > 4:
        raise RpcError.invalid_params("filters must be an array of at most 4 filters")
    out: list[JSON] = []
    for f in raw:
        if not isinstance(f, dict):
            raise RpcError.invalid_params("filter must be an object")
        if "dataSize" in f and isinstance(f["dataSize"], int):
            out.append({"dataSize": f["dataSize"]})
        elif "memcmp" in f and isinstance(f["memcmp"], dict):
            m = f["memcmp"]
            offset, data = m.get("offset"), m.get("bytes")
            if not isinstance(offset, int) or not isinstance(data, str):
                raise RpcError.invalid_params("memcmp needs offset and bytes")
            encoding = m.get("encoding", "base58")
            try:
                wanted = (
                    base64.b64decode(data, validate=True)
                    if encoding == "base64"
                    else b58decode(data)
                )
            except ValueError:
                raise RpcError.invalid_params(f"invalid memcmp bytes for {encoding}") from None
            if encoding not in ("base58", "base64") or len(wanted) > 128:
                raise RpcError.invalid_params("memcmp bytes: base58 or base64, at most 128 bytes")
            out.append({"memcmp": {"offset": offset, "_bytes": wanted}})
        else:
            raise RpcError.invalid_params(f"unsupported filter {f!r}")
    return out


@method("getProgramAccounts")
def get_program_accounts(ctx: Context, p: Params) -> JSON:
    program = p.pubkey(0)
    config = p.config(1)
    level = ctx.check_min_context_slot(config)
    encoding = _encoding(config, "base58")
    filters = _parse_filters(config.get("filters"))
    data_slice = config.get("dataSlice")
    out = []
    for address, account in ctx.chain.svm.get_program_accounts(program):
        data = bytes(account.data)
        if not _matches(data, filters):
            continue
        out.append({"pubkey": str(address), "account": _shown(ctx, account, encoding, data_slice)})
    return ctx.with_context(out, level) if config.get("withContext") else out


@method("getEpochInfo")
def get_epoch_info(ctx: Context, p: Params) -> JSON:
    chain = ctx.chain
    slot = chain.commitment_slot(ctx.check_min_context_slot(p.config(0)))
    per_epoch = chain.epoch_schedule.slots_per_epoch
    return {
        "absoluteSlot": slot,
        "blockHeight": slot,
        "epoch": slot // per_epoch,
        "slotIndex": slot % per_epoch,
        "slotsInEpoch": per_epoch,
        "transactionCount": chain.history.count,
    }


@method("getEpochSchedule")
def get_epoch_schedule(ctx: Context, p: Params) -> JSON:
    s = ctx.chain.epoch_schedule
    return {
        "slotsPerEpoch": s.slots_per_epoch,
        "leaderScheduleSlotOffset": s.leader_schedule_slot_offset,
        "warmup": s.warmup,
        "firstNormalEpoch": s.first_normal_epoch,
        "firstNormalSlot": s.first_normal_slot,
    }


@method("getRecentPrioritizationFees")
def get_recent_prioritization_fees(ctx: Context, p: Params) -> JSON:
    # Nothing competes for block space here: every recent slot's minimum is 0.
    slot = ctx.chain.slot
    return [
        {"slot": s, "prioritizationFee": 0}
        for s in range(max(0, slot - MAX_BLOCKHASH_AGE + 1), slot + 1)
    ]


@method("getGenesisHash")
def get_genesis_hash(ctx: Context, p: Params) -> JSON:
    return str(ctx.chain.genesis_hash)


@method("getIdentity")
def get_identity(ctx: Context, p: Params) -> JSON:
    return {"identity": str(ctx.chain.authority.pubkey())}


@method("getFirstAvailableBlock")
def get_first_available_block(ctx: Context, p: Params) -> JSON:
    return 0


@method("minimumLedgerSlot")
def minimum_ledger_slot(ctx: Context, p: Params) -> JSON:
    return 0


@method("getTransactionCount")
def get_transaction_count(ctx: Context, p: Params) -> JSON:
    return ctx.chain.history.count


@method("getBlockTime")
def get_block_time(ctx: Context, p: Params) -> JSON:
    slot = p.uint(0, "slot")
    if slot > ctx.chain.commitment_slot("confirmed"):
        raise RpcError(BLOCK_NOT_AVAILABLE, f"Block not available for slot {slot}")
    return ctx.chain.block_time(slot)


@method("requestAirdrop")
def request_airdrop(ctx: Context, p: Params) -> JSON:
    address = p.pubkey(0)
    lamports = p.uint(1, "lamports")
    config_int(p.config(2), "minContextSlot")
    try:
        record = ctx.chain.airdrop(address, lamports)
    except TxRejected as err:
        raise RpcError(-32600, f"airdrop request failed: {err.err}") from None
    if record.err is not None:
        raise RpcError(-32600, f"airdrop request failed: {record.err}")
    return str(record.signature)


@method("getSupply")
def get_supply(ctx: Context, p: Params) -> JSON:
    config = p.config(0)
    level = ctx.check_min_context_slot(config)
    total = ctx.chain.total_lamports()
    # Non-circulating supply is locked stake and a list of mainnet addresses:
    # this cluster has neither, as a fresh solana-test-validator.
    return ctx.with_context(
        {"total": total, "circulating": total, "nonCirculating": 0, "nonCirculatingAccounts": []},
        level,
    )
