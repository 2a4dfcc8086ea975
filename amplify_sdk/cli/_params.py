"""Parameter types shared by the commands."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import click
from solders.pubkey import Pubkey

from ..quality.standing import Standing
from ._context import UserError

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class Duration(click.ParamType[int, Any]):
    """Seconds, or a number with a unit: 90s, 30m, 2h, 7d, 1w; at most
    `maximum` seconds when given (a field's integer width)."""

    name = "duration"

    def __init__(self, maximum: int | None = None) -> None:
        self.maximum = maximum

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            seconds = value
        else:
            m = re.fullmatch(r"\s*(\d+)\s*([smhdw]?)\s*", str(value))
            if m is None:
                self.fail(f"{value!r} is not a duration (e.g. 3600, 30m, 2h, 7d)", param, ctx)
            seconds = int(m.group(1)) * _UNITS.get(m.group(2) or "s", 1)
        if seconds < 0 or (self.maximum is not None and seconds > self.maximum):
            self.fail(f"{value!r} is out of range (at most {self.maximum:,} s)", param, ctx)
        return seconds


class Address(click.ParamType[Pubkey, Any]):
    """A base58 Solana address."""

    name = "address"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Pubkey:
        if isinstance(value, Pubkey):
            return value
        try:
            return Pubkey.from_string(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a base58 Solana address", param, ctx)


class ItemList(click.ParamType[list[int], Any]):
    """Item indices: 0,5,7-9."""

    name = "items"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> list[int]:
        if isinstance(value, list):
            return value
        out: list[int] = []
        for part in str(value).split(","):
            m = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", part)
            if m is None:
                self.fail(f"{part!r} is not an item index or range (e.g. 0,5,7-9)", param, ctx)
            lo = int(m.group(1))
            hi = int(m.group(2)) if m.group(2) else lo
            if hi < lo:
                self.fail(f"range {part!r} runs backwards", param, ctx)
            out += range(lo, hi + 1)
        return out


class TokenAmount(click.ParamType[Decimal, Any]):
    """A positive token amount in whole units, decimals allowed (2.5); turned
    into base units with the mint's decimals by `base_units`."""

    name = "amount"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Decimal:
        if isinstance(value, Decimal):
            return value
        try:
            amount = Decimal(str(value).replace("_", ""))
        except InvalidOperation:
            self.fail(f"{value!r} is not an amount (e.g. 100 or 2.5)", param, ctx)
        if not amount.is_finite() or amount <= 0:
            self.fail(f"{value!r}: give a positive amount", param, ctx)
        return amount


def base_units(amount: Decimal, decimals: int, what: str = "amount") -> int:
    """`amount` whole units in base units; `UserError` when it has more
    decimals than the token."""
    scaled = amount.scaleb(decimals)
    if scaled != scaled.to_integral_value():
        raise UserError(f"{what} {amount} has more than {decimals} decimals")
    return int(scaled)


def units(amount: int, decimals: int) -> str:
    """Base units as whole units for people: 1,234.5 (no trailing zeros)."""
    whole, frac = divmod(amount, 10**decimals)
    text = f"{whole:,}"
    if frac:
        text += "." + f"{frac:0{decimals}d}".rstrip("0")
    return text


DURATION = Duration()
ADDRESS = Address()
ITEMS = ItemList()
AMOUNT = TokenAmount()


def when(ts: int) -> str:
    """A unix time as UTC ISO 8601."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def span(seconds: int) -> str:
    """A length of time for people: 45s, 12m 5s, 3h 20m, 2d 4h."""
    seconds = max(int(seconds), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "m"), (secs, "s")]
    shown = [f"{n}{unit}" for n, unit in parts if n][:2]
    return " ".join(shown) or "0s"


def stars(milli: int) -> str:
    return "unrated" if milli == 0 else f"{milli / 1000:.2f}★"


def standing_text(s: Standing | None) -> str:
    """A worker's standing in one line (`Standing.text`), or 'not registered'."""
    return "not registered" if s is None else s.text()


def standing_json(s: Standing | None) -> dict[str, Any] | None:
    return None if s is None else s.as_dict()
