"""Parameter types shared by the commands."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import click
from solders.pubkey import Pubkey

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class Duration(click.ParamType[int, Any]):
    """Seconds, or a number with a unit: 90s, 30m, 2h, 7d, 1w."""

    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        m = re.fullmatch(r"\s*(\d+)\s*([smhdw]?)\s*", str(value))
        if m is None:
            self.fail(f"{value!r} is not a duration (e.g. 3600, 30m, 2h, 7d)", param, ctx)
        return int(m.group(1)) * _UNITS.get(m.group(2) or "s", 1)


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


DURATION = Duration()
ADDRESS = Address()
ITEMS = ItemList()


def when(ts: int) -> str:
    """A unix time as UTC ISO 8601."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def stars(milli: int) -> str:
    return "unrated" if milli == 0 else f"{milli / 1000:.2f}★"
