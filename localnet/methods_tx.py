"""Transaction methods: send, simulate, statuses, history."""

from __future__ import annotations

import base64

from solders.hash import Hash
from solders.message import Message, MessageV0, MessageV1
from solders.transaction import Legacy, VersionedTransaction
from solders.transaction_metadata import FailedTransactionMetadata, TransactionMetadata

from . import parsed_tx
from .chain import Chain, TxRejected
from .codec import b58encode, decode_wire, encode_account, error_json, error_message
from .errors import (
    INVALID_PARAMS,
    SEND_TRANSACTION_PREFLIGHT_FAILURE,
    TRANSACTION_SIGNATURE_VERIFICATION_FAILURE,
    UNSUPPORTED_TRANSACTION_VERSION,
    RpcError,
)
from .history import TxRecord
from .params import JSON, Params, config_int, parse_pubkey, parse_signature
from .registry import Context, method
from .tokens import balance_json, encode_parsed

MAX_SIGNATURE_STATUSES = 256
MAX_SIGNATURES_FOR_ADDRESS = 1000


def decode_transaction(p: Params, config: dict[str, JSON]) -> tuple[VersionedTransaction, bytes]:
    encoding = config.get("encoding") or "base58"
    raw = decode_wire(p.string(0, "transaction"), encoding)
    try:
        tx = VersionedTransaction.from_bytes(raw)
        tx.sanitize()
    except Exception as err:  # solders raises several error types for garbage
        raise RpcError.invalid_params(
            f"failed to deserialize solana_transaction::versioned::VersionedTransaction: {err}"
        ) from None
    if isinstance(tx.message, MessageV1):
        raise RpcError.invalid_params("unsupported transaction version")
    return tx, raw


def legacy_or_v0(tx: VersionedTransaction) -> Message | MessageV0:
    msg = tx.message
    # decode_transaction refuses anything newer; the check narrows the type.
    assert not isinstance(msg, MessageV1)
    return msg


def _sigverify_failure() -> RpcError:
    return RpcError(
        TRANSACTION_SIGNATURE_VERIFICATION_FAILURE, "Transaction signature verification failure"
    )


def _preflight_failure(
    err: JSON, meta: TransactionMetadata | None, logs: list[str] | None = None
) -> RpcError:
    return RpcError(
        SEND_TRANSACTION_PREFLIGHT_FAILURE,
        f"Transaction simulation failed: {error_message(err)}",
        _simulation_value(err, meta, logs=logs),
    )


def _simulation_value(
    err: JSON,
    meta: TransactionMetadata | None,
    accounts: JSON = None,
    replacement: JSON = None,
    inner: bool = False,
    logs: list[str] | None = None,
) -> JSON:
    return {
        "err": err,
        "logs": list(meta.logs()) if meta is not None else (logs or []),
        "accounts": accounts,
        "unitsConsumed": meta.compute_units_consumed() if meta is not None else 0,
        "returnData": _return_data(meta),
        "innerInstructions": _inner_instructions(meta) if inner and meta is not None else None,
        "replacementBlockhash": replacement,
        "loadedAccountsDataSize": None,
    }


def _return_data(meta: TransactionMetadata | None) -> JSON:
    if meta is None:
        return None
    rd = meta.return_data()
    data = bytes(rd.data)
    if not data:
        return None
    return {"programId": str(rd.program_id), "data": [base64.b64encode(data).decode(), "base64"]}


def _inner_instructions(meta: TransactionMetadata) -> list[JSON]:
    out = []
    for index, inner in enumerate(meta.inner_instructions()):
        if inner:
            out.append(
                {
                    "index": index,
                    "instructions": [
                        {
                            "programIdIndex": ix.program_id_index,
                            "accounts": list(bytes(ix.accounts)),
                            "data": b58encode(bytes(ix.data)),
                            "stackHeight": i.stack_height(),
                        }
                        for i in inner
                        for ix in (i.instruction(),)
                    ],
                }
            )
    return out


@method("sendTransaction")
def send_transaction(ctx: Context, p: Params) -> JSON:
    config = p.config(1)
    tx, raw = decode_transaction(p, config)
    chain = ctx.chain
    signature = str(tx.signatures[0])
    if ctx.faults.take("expire_next_blockhash"):
        # TEST-ONLY: accepted, then its blockhash expires before it is executed.
        chain.expire(tx.message.recent_blockhash)
        return signature
    if not all(tx.verify_with_results()):
        # Checked first, preflight or not, as a validator's RPC does.
        raise _sigverify_failure()
    if not config.get("skipPreflight", False):
        # The preflight runs on the bank at `preflightCommitment` (finalized by
        # default): a blockhash younger than that bank is unknown to it.
        level = ctx.commitment(config, "preflightCommitment")
        ctx.check_min_context_slot(config)
        try:
            if not chain.is_blockhash_valid(tx.message.recent_blockhash, level):
                raise TxRejected("BlockhashNotFound")
            chain.check(tx)
        except TxRejected as rejected:
            raise _preflight_failure(rejected.err, None, rejected.logs) from None
        sim = chain.simulate(tx)
        if isinstance(sim, FailedTransactionMetadata):
            err = error_json(sim)
            if err == "SignatureFailure":
                raise _sigverify_failure()
            raise _preflight_failure(err, sim.meta())
    if ctx.faults.delay_send_slots:
        # TEST-ONLY: included later, or dropped then if it cannot land.
        chain.hold(tx, raw, ctx.faults.delay_send_slots)
        return signature
    try:
        chain.execute(tx, raw)
    except TxRejected as rejected:
        if rejected.err == "SignatureFailure":
            raise _sigverify_failure() from None
        # Without preflight a leader drops what it cannot execute (expired
        # blockhash, duplicate, unfunded payer) and the client only learns it
        # from the signature status never appearing.
    return signature


def _with_blockhash(tx: VersionedTransaction, blockhash: Hash) -> VersionedTransaction:
    msg = legacy_or_v0(tx)
    new: Message | MessageV0
    if isinstance(msg, Message):
        h = msg.header
        new = Message.new_with_compiled_instructions(
            h.num_required_signatures,
            h.num_readonly_signed_accounts,
            h.num_readonly_unsigned_accounts,
            list(msg.account_keys),
            blockhash,
            list(msg.instructions),
        )
    else:
        new = MessageV0(
            msg.header,
            list(msg.account_keys),
            blockhash,
            list(msg.instructions),
            list(msg.address_table_lookups),
        )
    return VersionedTransaction.populate(new, list(tx.signatures))


@method("simulateTransaction")
def simulate_transaction(ctx: Context, p: Params) -> JSON:
    config = p.config(1)
    level = ctx.check_min_context_slot(config)
    tx, _ = decode_transaction(p, config)
    chain = ctx.chain
    sig_verify = bool(config.get("sigVerify", False))
    replacement = None
    if config.get("replaceRecentBlockhash", False):
        if sig_verify:
            raise RpcError.invalid_params("sigVerify may not be used with replaceRecentBlockhash")
        blockhash, last_valid = chain.latest_blockhash_at(level)
        tx = _with_blockhash(tx, blockhash)
        replacement = {"blockhash": str(blockhash), "lastValidBlockHeight": last_valid}
    try:
        if replacement is None:
            if not chain.is_blockhash_valid(tx.message.recent_blockhash, level):
                raise TxRejected("BlockhashNotFound")
            chain.check(tx)
        else:
            chain.check_visible(tx)
    except TxRejected as rejected:
        value = _simulation_value(rejected.err, None, replacement=replacement, logs=rejected.logs)
        return ctx.with_context(value, level)
    wanted = config.get("accounts")
    addresses = []
    if isinstance(wanted, dict):
        raw_addresses = wanted.get("addresses") or []
        if not isinstance(raw_addresses, list):
            raise RpcError.invalid_params("accounts.addresses must be an array")
        addresses = [parse_pubkey(a) for a in raw_addresses]
    encoding = wanted.get("encoding", "base64") if isinstance(wanted, dict) else "base64"
    inner = bool(config.get("innerInstructions", False))
    sim = chain.simulate(tx, sig_verify=sig_verify)
    if isinstance(sim, FailedTransactionMetadata):
        err = error_json(sim)
        accounts = [None] * len(addresses) if wanted is not None else None
        value = _simulation_value(err, sim.meta(), accounts, replacement, inner)
        return ctx.with_context(value, level)
    accounts = None
    if wanted is not None:
        post = dict(sim.post_accounts())
        svm = chain.svm
        shown = [post[a] if a in post else svm.get_account(a) for a in addresses]
        accounts = [
            encode_parsed(ctx, a) if encoding == "jsonParsed" else encode_account(a, encoding)
            for a in shown
        ]
    return ctx.with_context(
        _simulation_value(None, sim.meta(), accounts, replacement, inner), level
    )


def status_json(record: TxRecord, chain: Chain) -> JSON:
    level = chain.confirmation_status(record.slot)
    return {
        "slot": record.slot,
        # Blocks built on top of it; null once rooted, as a node reports.
        "confirmations": None if level == "finalized" else chain.slot - record.slot,
        "err": record.err,
        "status": {"Ok": None} if record.err is None else {"Err": record.err},
        "confirmationStatus": level,
    }


@method("getSignatureStatuses")
def get_signature_statuses(ctx: Context, p: Params) -> JSON:
    raw = p.required(0, "signatures")
    if not isinstance(raw, list):
        raise RpcError.invalid_params("signatures must be an array")
    if len(raw) > MAX_SIGNATURE_STATUSES:
        raise RpcError.invalid_params(f"Too many inputs provided; max {MAX_SIGNATURE_STATUSES}")
    search = bool(p.config(1).get("searchTransactionHistory", False))
    history = ctx.chain.history
    # Without searchTransactionHistory a node answers from its status cache only.
    oldest = 0 if search else ctx.chain.status_window_start()
    out: list[JSON] = []
    for text in raw:
        record = history.get(parse_signature(text))
        landed = record is not None and record.slot >= oldest
        out.append(status_json(record, ctx.chain) if record is not None and landed else None)
    return ctx.with_context(out)


def message_json(tx: VersionedTransaction) -> JSON:
    msg = legacy_or_v0(tx)
    h = msg.header
    out: dict[str, JSON] = {
        "accountKeys": [str(k) for k in msg.account_keys],
        "header": {
            "numRequiredSignatures": h.num_required_signatures,
            "numReadonlySignedAccounts": h.num_readonly_signed_accounts,
            "numReadonlyUnsignedAccounts": h.num_readonly_unsigned_accounts,
        },
        "recentBlockhash": str(msg.recent_blockhash),
        "instructions": [
            {
                "programIdIndex": ix.program_id_index,
                "accounts": list(bytes(ix.accounts)),
                "data": b58encode(bytes(ix.data)),
                # Top-level instructions are at stack height 1, as Agave says.
                "stackHeight": 1,
            }
            for ix in msg.instructions
        ],
    }
    if isinstance(msg, MessageV0):
        out["addressTableLookups"] = [
            {
                "accountKey": str(lookup.account_key),
                "writableIndexes": list(bytes(lookup.writable_indexes)),
                "readonlyIndexes": list(bytes(lookup.readonly_indexes)),
            }
            for lookup in msg.address_table_lookups
        ]
    return out


def meta_json(record: TxRecord, parsed: bool = False) -> JSON:
    """The meta of `json` (and the binary encodings), or of `jsonParsed`:
    inner instructions parsed, no `loadedAddresses` (Agave shows the loaded
    keys among the parsed message's account keys instead)."""
    meta = record.meta
    out: dict[str, JSON] = {
        "err": record.err,
        "status": {"Ok": None} if record.err is None else {"Err": record.err},
        "fee": record.fee,
        "preBalances": record.pre_balances,
        "postBalances": record.post_balances,
        "innerInstructions": _inner_instructions(meta),
        "logMessages": list(meta.logs()),
        "preTokenBalances": [balance_json(b) for b in record.pre_token_balances],
        "postTokenBalances": [balance_json(b) for b in record.post_token_balances],
        "rewards": [],
        "loadedAddresses": {"writable": [], "readonly": []},
        "computeUnitsConsumed": meta.compute_units_consumed(),
    }
    if parsed:
        out["innerInstructions"] = parsed_tx.inner_instructions_json(meta, record.keys)
        del out["loadedAddresses"]
    return_data = _return_data(meta)
    if return_data is not None:
        out["returnData"] = return_data
    return out


@method("getTransaction")
def get_transaction(ctx: Context, p: Params) -> JSON:
    signature = parse_signature(p.required(0, "signature"))
    config = p.config(1)
    encoding = config.get("encoding") or "json"
    max_version = config_int(config, "maxSupportedTransactionVersion")
    level = confirmed_or_finalized(ctx, config)
    record = ctx.chain.history.get(signature)
    if record is None or record.slot > ctx.chain.commitment_slot(level):
        return None
    return transaction_json(record, encoding, max_version, with_slot=True)


def transaction_json(
    record: TxRecord, encoding: str, max_version: int | None, *, with_slot: bool
) -> dict[str, JSON]:
    """A landed transaction as getTransaction (`with_slot`) and getBlock
    return it: the transaction in `encoding`, its meta, its version."""
    version = record.tx.version()
    legacy = version == Legacy.Legacy
    if not legacy and max_version is None:
        raise RpcError(
            UNSUPPORTED_TRANSACTION_VERSION,
            "Transaction version (0) is not supported by the requesting client. "
            "Please try the request again with the following configuration parameter: "
            '"maxSupportedTransactionVersion": 0',
        )
    if encoding == "json":
        transaction: JSON = {
            "signatures": [str(s) for s in record.tx.signatures],
            "message": message_json(record.tx),
        }
    elif encoding == "jsonParsed":
        transaction = {
            "signatures": [str(s) for s in record.tx.signatures],
            "message": parsed_tx.message_json(legacy_or_v0(record.tx)),
        }
    elif encoding == "base64":
        transaction = [base64.b64encode(record.raw).decode(), "base64"]
    elif encoding == "base58":
        transaction = [b58encode(record.raw), "base58"]
    else:
        raise RpcError.invalid_params(
            f"unsupported encoding {encoding}: use json, jsonParsed, base64 or base58"
        )
    out: dict[str, JSON] = (
        {"slot": record.slot, "blockTime": record.block_time} if with_slot else {}
    )
    out |= {"transaction": transaction, "meta": meta_json(record, encoding == "jsonParsed")}
    if max_version is not None:
        out["version"] = "legacy" if legacy else version
    return out


def accounts_json(record: TxRecord, max_version: int | None, rewards: bool) -> dict[str, JSON]:
    """A transaction as getBlock's `transactionDetails: "accounts"` shows it:
    signatures and parsed account keys; of the meta, status, fee and balances
    (and rewards when asked for)."""
    full = transaction_json(record, "json", max_version, with_slot=False)
    meta = full["meta"]
    kept = ["err", "status", "fee", "preBalances", "postBalances"]
    kept += ["preTokenBalances", "postTokenBalances"] + (["rewards"] if rewards else [])
    out: dict[str, JSON] = {
        "transaction": {
            "signatures": [str(s) for s in record.tx.signatures],
            "accountKeys": parsed_tx.account_keys_json(legacy_or_v0(record.tx)),
        },
        "meta": {k: meta[k] for k in kept},
    }
    if "version" in full:
        out["version"] = full["version"]
    return out


@method("getSignaturesForAddress")
def get_signatures_for_address(ctx: Context, p: Params) -> JSON:
    address = p.pubkey(0)
    config = p.config(1)
    level = confirmed_or_finalized(ctx, config)
    ctx.check_min_context_slot(config)
    limit = config_int(config, "limit", MAX_SIGNATURES_FOR_ADDRESS) or MAX_SIGNATURES_FOR_ADDRESS
    if limit > MAX_SIGNATURES_FOR_ADDRESS:
        raise RpcError.invalid_params(f"Invalid limit; max {MAX_SIGNATURES_FOR_ADDRESS}")
    before = config.get("before")
    until = config.get("until")
    # TEST-ONLY lag: the address index trails the confirmed chain.
    newest = ctx.chain.commitment_slot(level) - ctx.faults.history_lag_slots
    records = ctx.chain.history.for_address(
        address,
        limit=limit,
        before=parse_signature(before) if before is not None else None,
        until=parse_signature(until) if until is not None else None,
        newest_slot=newest,
    )
    return [
        {
            "signature": str(r.signature),
            "slot": r.slot,
            "err": r.err,
            "memo": None,
            "blockTime": r.block_time,
            "confirmationStatus": ctx.chain.confirmation_status(r.slot),
        }
        for r in records
    ]


def confirmed_or_finalized(ctx: Context, config: dict[str, JSON]) -> str:
    level = ctx.commitment(config)
    if level == "processed":
        # Agave's words, without the "Invalid params:" prefix of other refusals.
        raise RpcError(INVALID_PARAMS, "Method does not support commitment below `confirmed`")
    return level
