"""Blocks: getBlock, getBlocks, getBlocksWithLimit. One block per slot that
made one (a stall makes only the newest slots' blocks); the newest
`chain.BLOCKS_KEPT` are served, with the transactions history still holds."""

from __future__ import annotations

from .errors import BLOCK_NOT_AVAILABLE, RpcError
from .methods_tx import accounts_json, confirmed_or_finalized, transaction_json
from .params import JSON, Params, config_int
from .registry import Context, method

#: Agave's codes for a slot that made no block, and a block no longer kept.
SLOT_SKIPPED = -32007
BLOCK_CLEANED_UP = -32001
#: The widest range getBlocks answers (Agave's MAX_GET_CONFIRMED_BLOCKS_RANGE).
MAX_RANGE = 500_000
DETAILS = ("full", "accounts", "signatures", "none")


def _first_available(ctx: Context) -> int:
    chain = ctx.chain
    first = next(iter(chain.blocks), 0)
    return max(first, chain.history.first_complete_slot)


@method("getBlock")
def get_block(ctx: Context, p: Params) -> JSON:
    slot = p.uint(0, "slot")
    config = p.config(1)
    level = confirmed_or_finalized(ctx, config)
    encoding = config.get("encoding") or "json"
    details = config.get("transactionDetails") or "full"
    if details not in DETAILS:
        raise RpcError.invalid_params(f"transactionDetails: one of {', '.join(DETAILS)}")
    max_version = config_int(config, "maxSupportedTransactionVersion")
    chain = ctx.chain
    if slot > chain.commitment_slot(level):
        raise RpcError(BLOCK_NOT_AVAILABLE, f"Block not available for slot {slot}")
    first = _first_available(ctx)
    if slot < first:
        raise RpcError(
            BLOCK_CLEANED_UP,
            f"Block {slot} cleaned up, does not exist on node. First available block: {first}",
        )
    blockhash = chain.blocks.get(slot)
    if blockhash is None:
        raise RpcError(
            SLOT_SKIPPED,
            f"Slot {slot} was skipped, or missing due to ledger jump to recent snapshot",
        )
    parent = max((s for s in chain.blocks if s < slot), default=slot)
    records = chain.history.by_slot.get(slot, [])
    block: dict[str, JSON] = {
        "blockHeight": slot,
        "blockTime": chain.block_time(slot),
        "blockhash": str(blockhash),
        "parentSlot": parent,
        "previousBlockhash": str(chain.blocks[parent]),
    }
    if details == "full":
        block["transactions"] = [
            transaction_json(r, str(encoding), max_version, with_slot=False) for r in records
        ]
    elif details == "accounts":
        rewards = bool(config.get("rewards", True))
        block["transactions"] = [accounts_json(r, max_version, rewards) for r in records]
    elif details == "signatures":
        block["signatures"] = [str(r.signature) for r in records]
    if config.get("rewards", True):
        block["rewards"] = []
    return block


def _slots(ctx: Context, start: int, end: int, level: str) -> list[int]:
    newest = min(end, ctx.chain.commitment_slot(level))
    start = max(start, _first_available(ctx))
    return [s for s in ctx.chain.blocks if start <= s <= newest]


@method("getBlocks")
def get_blocks(ctx: Context, p: Params) -> JSON:
    start = p.uint(0, "start slot")
    end_raw = p.raw[1] if len(p) > 1 and not isinstance(p.raw[1], dict) else None
    config = p.config(2 if end_raw is not None else 1)
    level = confirmed_or_finalized(ctx, config)
    end = int(end_raw) if isinstance(end_raw, int) else ctx.chain.commitment_slot(level)
    if end - start > MAX_RANGE:
        raise RpcError.invalid_params(f"Slot range too large; max {MAX_RANGE}")
    return _slots(ctx, start, end, level)


@method("getBlocksWithLimit")
def get_blocks_with_limit(ctx: Context, p: Params) -> JSON:
    start = p.uint(0, "start slot")
    limit = p.uint(1, "limit")
    if limit > MAX_RANGE:
        raise RpcError.invalid_params(f"Limit too large; max {MAX_RANGE}")
    level = confirmed_or_finalized(ctx, p.config(2))
    return _slots(ctx, start, ctx.chain.commitment_slot(level), level)[:limit]
