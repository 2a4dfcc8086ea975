"""SPL Token's account layouts, shared by the account parsers (tokens.py)
and the token balances the chain records for every transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from solders.account import Account
from solders.pubkey import Pubkey

TOKEN = Pubkey.from_string("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")
TOKEN_2022 = Pubkey.from_string("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb")
TOKEN_PROGRAMS = {TOKEN: "spl-token", TOKEN_2022: "spl-token-2022"}
MINT_SIZE, ACCOUNT_SIZE = 82, 165
#: Token-2022's account-type byte after the base layout (1 mint, 2 account).
ACCOUNT_TYPE_ACCOUNT = 2


@dataclass(frozen=True, slots=True)
class TokenBalance:
    """A token account's balance in a transaction's meta (pre or post)."""

    index: int
    mint: Pubkey
    owner: Pubkey
    amount: int
    decimals: int
    program: Pubkey


def is_token_account(account: Account | None) -> bool:
    if account is None or account.owner not in TOKEN_PROGRAMS:
        return False
    size = len(account.data)
    return size == ACCOUNT_SIZE or (
        size > ACCOUNT_SIZE and account.owner == TOKEN_2022 and account.data[ACCOUNT_SIZE] == 2
    )


def mint_decimals(mint: Account | None) -> int | None:
    if mint is None or mint.owner not in TOKEN_PROGRAMS or len(mint.data) < MINT_SIZE:
        return None
    return int(mint.data[44])


def token_balance(
    index: int, account: Account | None, mint_of: dict[Pubkey, int | None]
) -> TokenBalance | None:
    """The balance of the token account at key `index`, or None when it is
    none (or its mint is unknown): `mint_of` maps mints to their decimals."""
    if account is None or not is_token_account(account):
        return None
    data = bytes(account.data[:72])
    mint = Pubkey.from_bytes(data[:32])
    decimals = mint_of.get(mint)
    if decimals is None:
        return None
    return TokenBalance(
        index,
        mint,
        Pubkey.from_bytes(data[32:64]),
        int.from_bytes(data[64:72], "little"),
        decimals,
        account.owner,
    )


def token_balances(
    accounts: list[Account | None], get_account: Callable[[Pubkey], Account | None]
) -> list[TokenBalance]:
    """The token accounts among a transaction's accounts with their balances
    (its meta's pre/postTokenBalances); `get_account` reads their mints."""
    if not any(is_token_account(a) for a in accounts):
        return []
    mints: dict[Pubkey, int | None] = {}
    out = []
    for index, account in enumerate(accounts):
        if account is not None and is_token_account(account):
            mint = Pubkey.from_bytes(bytes(account.data[:32]))
            if mint not in mints:
                mints[mint] = mint_decimals(get_account(mint))
            balance = token_balance(index, account, mints)
            if balance is not None:
                out.append(balance)
    return out
