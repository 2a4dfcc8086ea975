"""SPL Token accounts as Agave's RPC shows them: `jsonParsed` account data
for mints and token accounts (Token and Token-2022 without extensions), and
the token methods (`getTokenSupply`, `getTokenAccountsByOwner`,
`getTokenAccountsByDelegate`, `getTokenAccountBalance`).

Accounts this node cannot parse (another owner, Token-2022 extensions) are
returned as base64 under `jsonParsed`, as Agave does for owners it has no
parser for."""

from __future__ import annotations

from solders.account import Account
from solders.pubkey import Pubkey

from .codec import RENT_EPOCH_EXEMPT, encode_account, encode_data, slice_data
from .errors import RpcError
from .params import JSON, Params
from .registry import Context, method
from .spl import ACCOUNT_SIZE, MINT_SIZE, TOKEN, TOKEN_2022, TOKEN_PROGRAMS, TokenBalance

__all__ = ["TOKEN", "TOKEN_2022", "TOKEN_PROGRAMS", "balance_json", "encode_parsed"]

_STATES = {0: "uninitialized", 1: "initialized", 2: "frozen"}


def _option_key(data: bytes, at: int) -> str | None:
    """A `COption<Pubkey>` (a u32 tag, then the key) at `at`."""
    if int.from_bytes(data[at : at + 4], "little") == 0:
        return None
    return str(Pubkey.from_bytes(data[at + 4 : at + 36]))


def token_amount(amount: int, decimals: int) -> dict[str, JSON]:
    """UiTokenAmount: the amount in base units and as a decimal string."""
    whole, fraction = divmod(amount, 10**decimals)
    # Exact decimal string (a float would round large amounts).
    text = f"{whole}.{fraction:0{decimals}d}".rstrip("0").rstrip(".") if decimals else str(amount)
    return {
        "amount": str(amount),
        "decimals": decimals,
        "uiAmount": amount / 10**decimals,
        "uiAmountString": text,
    }


def balance_json(balance: TokenBalance) -> JSON:
    """A pre/post token balance of a transaction's meta, as Agave shows it."""
    return {
        "accountIndex": balance.index,
        "mint": str(balance.mint),
        "uiTokenAmount": token_amount(balance.amount, balance.decimals),
        "owner": str(balance.owner),
        "programId": str(balance.program),
    }


def mint_decimals(ctx: Context, mint: Pubkey) -> int | None:
    account = ctx.chain.svm.get_account(mint)
    if account is None or account.owner not in TOKEN_PROGRAMS or len(account.data) < MINT_SIZE:
        return None
    return bytes(account.data)[44]


def parse_token(ctx: Context, account: Account) -> JSON:
    """`{"program", "parsed": {"type", "info"}, "space"}`, or None when this
    node has no parser for the account."""
    program = TOKEN_PROGRAMS.get(account.owner)
    data = bytes(account.data)
    if program is None:
        return None
    if len(data) == MINT_SIZE:
        info: dict[str, JSON] = {
            "mintAuthority": _option_key(data, 0),
            "supply": str(int.from_bytes(data[36:44], "little")),
            "decimals": data[44],
            "isInitialized": bool(data[45]),
            "freezeAuthority": _option_key(data, 46),
        }
        kind = "mint"
    elif len(data) == ACCOUNT_SIZE:
        mint = Pubkey.from_bytes(data[:32])
        decimals = mint_decimals(ctx, mint)
        if decimals is None:
            return None
        native = int.from_bytes(data[109:113], "little") != 0
        info = {
            "isNative": native,
            "mint": str(mint),
            "owner": str(Pubkey.from_bytes(data[32:64])),
            "state": _STATES.get(data[108], "uninitialized"),
            "tokenAmount": token_amount(int.from_bytes(data[64:72], "little"), decimals),
        }
        if (delegate := _option_key(data, 72)) is not None:
            info["delegate"] = delegate
            info["delegatedAmount"] = token_amount(
                int.from_bytes(data[121:129], "little"), decimals
            )
        if native:
            reserve = int.from_bytes(data[113:121], "little")
            info["rentExemptReserve"] = token_amount(reserve, decimals)
        if (closer := _option_key(data, 129)) is not None:
            info["closeAuthority"] = closer
        kind = "account"
    else:
        return None
    return {"program": program, "parsed": {"info": info, "type": kind}, "space": len(data)}


def encode_parsed(ctx: Context, account: Account | None, data_slice: JSON = None) -> JSON:
    """UiAccount under `jsonParsed`: parsed data where this node can, else
    base64 (never sliced when parsed, as Agave)."""
    if account is None or (account.lamports == 0 and not account.data):
        return None
    data = bytes(account.data)
    parsed = None if data_slice else parse_token(ctx, account)
    return {
        "data": parsed
        if parsed is not None
        else encode_data(slice_data(data, data_slice), "base64"),
        "executable": account.executable,
        "lamports": account.lamports,
        "owner": str(account.owner),
        "rentEpoch": RENT_EPOCH_EXEMPT,
        "space": len(data),
    }


def _token_account_of(ctx: Context, address: Pubkey) -> tuple[bytes, int]:
    """A token account's data and its mint's decimals; Agave's errors else."""
    account = ctx.chain.svm.get_account(address)
    if account is None or account.owner not in TOKEN_PROGRAMS or len(account.data) < 72:
        raise RpcError.invalid_params("Invalid param: not a Token account")
    data = bytes(account.data)
    decimals = mint_decimals(ctx, Pubkey.from_bytes(data[:32]))
    if decimals is None:
        raise RpcError.invalid_params("Invalid param: could not find mint")
    return data, decimals


@method("getTokenAccountBalance")
def get_token_account_balance(ctx: Context, p: Params) -> JSON:
    address = p.pubkey(0)
    level = ctx.commitment(p.config(1))
    data, decimals = _token_account_of(ctx, address)
    return ctx.with_context(token_amount(int.from_bytes(data[64:72], "little"), decimals), level)


@method("getTokenSupply")
def get_token_supply(ctx: Context, p: Params) -> JSON:
    mint = p.pubkey(0)
    level = ctx.commitment(p.config(1))
    account = ctx.chain.svm.get_account(mint)
    if account is None or account.owner not in TOKEN_PROGRAMS or len(account.data) < MINT_SIZE:
        raise RpcError.invalid_params("Invalid param: not a Token mint")
    data = bytes(account.data)
    return ctx.with_context(token_amount(int.from_bytes(data[36:44], "little"), data[44]), level)


def _accounts_by(ctx: Context, p: Params, key_at: int) -> JSON:
    """Token accounts whose key at `key_at` (owner 32, delegate 76) is the
    first parameter, filtered by `{"mint"}` or `{"programId"}`."""
    key = p.pubkey(0)
    selector = p.required(1, "mint or programId")
    config = p.config(2)
    level = ctx.check_min_context_slot(config)
    encoding = config.get("encoding") or "base64"
    if not isinstance(selector, dict) or len(selector) != 1:
        raise RpcError.invalid_params("Invalid param: expected {mint} or {programId}")
    ((kind, value),) = selector.items()
    if kind == "mint":
        mint = Pubkey.from_string(str(value))
        owner = ctx.chain.svm.get_account(mint)
        if owner is None or owner.owner not in TOKEN_PROGRAMS:
            raise RpcError.invalid_params("Invalid param: could not find mint")
        programs, wanted_mint = [owner.owner], bytes(mint)
    elif kind == "programId":
        program = Pubkey.from_string(str(value))
        if program not in TOKEN_PROGRAMS:
            raise RpcError.invalid_params("Invalid param: unrecognized Token program id")
        programs, wanted_mint = [program], None
    else:
        raise RpcError.invalid_params("Invalid param: expected {mint} or {programId}")
    out = []
    for program in programs:
        for address, account in ctx.chain.svm.get_program_accounts(program):
            data = bytes(account.data)
            if len(data) < ACCOUNT_SIZE or (len(data) > ACCOUNT_SIZE and data[165] != 2):
                continue
            if data[key_at : key_at + 32] != bytes(key) or (
                key_at == 76 and int.from_bytes(data[72:76], "little") == 0
            ):
                continue
            if wanted_mint is not None and data[:32] != wanted_mint:
                continue
            if encoding == "jsonParsed":
                shown = encode_parsed(ctx, account, config.get("dataSlice"))
            else:
                shown = encode_account(account, str(encoding), config.get("dataSlice"))
            out.append({"pubkey": str(address), "account": shown})
    return ctx.with_context(out, level)


@method("getTokenAccountsByOwner")
def get_token_accounts_by_owner(ctx: Context, p: Params) -> JSON:
    return _accounts_by(ctx, p, 32)


@method("getTokenAccountsByDelegate")
def get_token_accounts_by_delegate(ctx: Context, p: Params) -> JSON:
    return _accounts_by(ctx, p, 76)
