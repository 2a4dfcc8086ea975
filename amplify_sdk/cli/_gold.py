"""The gold options `batch grade` and `batch labels` share: the requester's
published opening of its committed gold answers, and the instructions
document the batch's on-chain hash names."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..quality.gold import GoldOpening
from ._context import UserError


def gold_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """`--gold FILE --instructions FILE` (the parameters `gold` and `instructions`)."""
    f = click.option(
        "--instructions",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        help="The batch's instructions document (its sha256 is on chain); with --gold.",
    )(f)
    return click.option(
        "--gold",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        help="Gold answers: the opening (GoldOpening JSON) of the commitments the "
        "batch's instructions name.",
    )(f)


def read_gold(
    gold: Path | None, instructions: Path | None
) -> tuple[GoldOpening | None, bytes | None]:
    """The gold opening and the instructions document it is checked against
    (both None without gold); a usage error when only one is given or the
    opening is not one."""
    if gold is None and instructions is None:
        return None, None
    if gold is None or instructions is None:
        raise UserError("--gold and --instructions go together")
    try:
        opening = GoldOpening.from_json(gold.read_text())
    except (KeyError, ValueError, TypeError) as e:
        raise UserError(f"{gold} is not a gold opening (GoldOpening JSON): {e}") from None
    return opening, instructions.read_bytes()
