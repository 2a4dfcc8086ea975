"""`amplify gov propose ...`: one command per `ProposalAction` variant, generated
from the IDL. A variant's scalar fields become required options named after
them (`--fee-bps`, `--recipient`); a struct field (`params`) becomes one
option per field of its type, defaulting to the value in force, and `--file`
reads them from JSON or YAML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..protocol._idl import JSON, constant
from ..protocol._models import Config
from ..protocol._pda import config_pda
from ._context import Out, Settings, UserError, command, connect
from ._idl_options import (
    current_value,
    dest,
    help_of,
    idl_type,
    kebab,
    option,
    read_struct,
    struct_fields,
    struct_name,
)
from ._params import span, when
from ._proposal_view import governance_of, proposal_info


@click.group("propose")
def propose_group() -> None:
    """Open a proposal (needs the governance's minimum stake): one command
    per action; see each one's --help."""


#: What each action does, for its command's help (the fields come from the IDL).
_DOES = {
    "SetFee": "Change the protocol fee of new batches "
    f"(basis points, at most {constant('MAX_FEE_BPS'):,}).",
    "SetReputationParams": "Change the reputation formula's parameters.",
    "SetGovernanceParams": "Change how proposals are decided.",
    "SetEmission": "Change the AMP emission schedule for well-rated work.",
    "SetPaused": "Pause or unpause the protocol.",
    "Spend": "Pay lamports from the treasury's held fees.",
    "UpgradeProgram": "Upgrade the program from a loader buffer whose authority "
    "is the governance PDA (the spill account gets the buffer's rent).",
    "SetUpgradeAuthority": "Hand the program's upgrade authority on.",
}


def _variant_command(variant: JSON) -> None:
    name: str = variant["name"]
    fields: list[JSON] = variant.get("fields", [])
    structs = {f["name"]: s for f in fields if (s := struct_name(f["type"]))}

    async def body(settings: Settings, out: Out, **opts: Any) -> None:
        path: Path | None = opts.pop("file", None)
        async with connect(settings, settings.wallet()) as amp:
            voter = amp.voter()
            g = await governance_of(voter)
            config = await voter.fetch(Config, config_pda()[0])
            values: dict[str, Any] = {}
            for field in fields:
                struct = structs.get(field["name"])
                if struct is None:
                    values[field["name"]] = opts[dest(field["name"])]
                    continue
                given = {
                    f["name"]: opts[dest(f["name"])]
                    for f in struct_fields(struct)
                    if opts[dest(f["name"])] is not None
                }
                from_file = read_struct(path, struct) if path is not None else {}
                if not given and not from_file:
                    raise UserError(f"nothing to change: give {struct} fields as options or --file")
                values[field["name"]] = {**current_value(struct, config, g), **from_file, **given}
            p = await voter.propose({name: values})
            info = proposal_info(p, await voter.now())
        out.result(
            info,
            f"proposal #{p.id} ({p.address}): {info['summary']}; voting ends "
            f"{when(p.voting_ends_at)} (in {span(info['seconds_left'] or 0)})",
        )

    body.__doc__ = (
        f"{_DOES.get(name, f'Propose {name}.')} (ProposalAction {name}; "
        "the options are its fields)."
    )
    decorated: Any = body
    for field in reversed(fields):
        struct = structs.get(field["name"])
        if struct is None:
            decorated = option(field, required=True, help=help_of(field))(decorated)
            continue
        for sub in reversed(struct_fields(struct)):
            decorated = option(sub, default=None, help=help_of(sub, "[default: in force]"))(
                decorated
            )
    if structs:
        decorated = click.option(
            "--file",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            default=None,
            help="JSON or YAML mapping of the fields to change (options win).",
        )(decorated)
    command(propose_group, kebab(name))(decorated)


for _variant in idl_type("ProposalAction")["variants"]:
    _variant_command(_variant)


__all__ = ["propose_group"]
