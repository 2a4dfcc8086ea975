"""`amplify gov`: AMP governance — hand the protocol to AMP holders, stake,
share the treasury's fees, propose, vote, execute, and follow proposals.

    amplify gov init|mint-amp|status|stake|unstake|claim
    amplify gov propose set-fee --fee-bps 300       (one command per ProposalAction)
    amplify gov vote|execute|show PROPOSAL          (PROPOSAL: its id or address)
    amplify gov list

The `propose` commands and the parameter options of `init` are generated from
the IDL: a variant's scalar fields become options named after them
(`--fee-bps`, `--recipient`); a struct field (`params`) becomes one option per
field of its type, defaulting to the value in force, and `--file` reads them
from JSON or YAML. AMP amounts on the command line are whole AMP (the mint's
decimals); in JSON output every amount is an integer in base units.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import click
import yaml
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table
from solders.pubkey import Pubkey

from ..clients._admin import DEFAULT_EMISSION, DEFAULT_GOVERNANCE
from ..clients._voter import ABSTAIN, AGAINST, FOR, VoterClient
from ..protocol._exceptions import AccountNotFoundError
from ..protocol._idl import JSON, load_idl
from ..protocol._models import Config, Governance, Proposal, ProposalStage
from ..protocol._pda import config_pda, governance_pda, proposal_pda
from ..protocol._token import mint_decimals, token_balance
from ._context import Out, Settings, UserError, command, connect, lamports
from ._params import ADDRESS, AMOUNT, Duration, base_units, span, units, when

CHOICES = {"for": FOR, "against": AGAINST, "abstain": ABSTAIN}
CHOICE_NAMES = {v: k for k, v in CHOICES.items()}
_INT_BITS = {"u8": 8, "u16": 16, "u32": 32, "u64": 64}


@click.group("gov")
def group() -> None:
    """AMP governance: stake AMP to vote and to share the treasury's fees;
    propose, vote, execute."""


@group.group("propose")
def propose_group() -> None:
    """Open a proposal (needs the governance's minimum stake): one command
    per action; see each one's --help."""


def register(cli: click.Group) -> None:
    cli.add_command(group)


class ProposalRef(click.ParamType[Pubkey, Any]):
    """A proposal: its id (0, 1, ...) or its address."""

    name = "proposal"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Pubkey:
        if isinstance(value, Pubkey):
            return value
        text = str(value).strip()
        if text.isdigit():
            return proposal_pda(int(text))[0]
        try:
            return Pubkey.from_string(text)
        except ValueError:
            self.fail(f"{value!r} is neither a proposal id nor an address", param, ctx)


PROPOSAL = ProposalRef()


# -- the IDL's types as options ------------------------------------------------------


def _idl_type(name: str) -> JSON:
    ty: JSON = load_idl().types[name]["type"]
    return ty


def _struct_name(ty: Any) -> str | None:
    """The defined struct a field's type names, if it is one."""
    if isinstance(ty, dict) and "defined" in ty:
        name = ty["defined"]["name"] if isinstance(ty["defined"], dict) else ty["defined"]
        if _idl_type(name)["kind"] == "struct":
            return str(name)
    return None


def _fields(type_name: str) -> list[JSON]:
    """A struct's meaningful fields (padding excluded: the codec zeroes it)."""
    fields: list[JSON] = _idl_type(type_name).get("fields", [])
    return [f for f in fields if not f["name"].startswith("_")]


def _param_type(field: JSON) -> click.ParamType[Any, Any]:
    ty = field["type"]
    if ty == "bool":
        return click.BOOL
    if ty == "pubkey":
        return ADDRESS
    if ty in _INT_BITS:
        top = 2 ** _INT_BITS[ty] - 1
        # Seconds read better as durations (90s, 10m, 3d).
        return Duration(top) if field["name"].endswith("_secs") else click.IntRange(0, top)
    raise TypeError(f"no command-line type for IDL type {ty!r}")


def _flag(name: str, prefix: str = "") -> str:
    return "--" + (prefix + name).replace("_", "-")


def _dest(name: str, prefix: str = "") -> str:
    return (prefix + name).replace("-", "_")


def _help(field: JSON, extra: str = "") -> str:
    docs = " ".join(field.get("docs", [])) or field["name"].replace("_", " ").capitalize() + "."
    return " ".join(part for part in (docs, extra) if part)


def _option(field: JSON, prefix: str = "", **kw: Any) -> Any:
    return click.option(
        _flag(field["name"], prefix),
        _dest(field["name"], prefix),
        type=_param_type(field),
        **kw,
    )


def _read_struct(path: Path, type_name: str) -> dict[str, Any]:
    """A struct's fields from a JSON or YAML mapping, each checked as its option is."""
    try:
        data = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as e:
        raise UserError(f"cannot read {path}: {e}") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: give a mapping of {type_name} fields")
    fields = {f["name"]: f for f in _fields(type_name)}
    unknown = sorted(set(map(str, data)) - set(fields))
    if unknown:
        raise UserError(
            f"{path}: {', '.join(unknown)} not fields of {type_name} ({', '.join(fields)})"
        )
    out = {}
    for key, value in data.items():
        try:
            out[str(key)] = _param_type(fields[str(key)]).convert(value, None, None)
        except click.BadParameter as e:
            raise UserError(f"{path}: {key}: {e.message}") from None
    return out


def _current(type_name: str, *accounts: BaseModel) -> dict[str, Any]:
    """The value in force of a parameter struct: the field of that type in
    the config or governance account."""
    for account in accounts:
        for name in type(account).model_fields:
            value = getattr(account, name)
            if isinstance(value, BaseModel) and type(value).__name__ == type_name:
                return value.model_dump()
    raise UserError(f"no account holds the current {type_name}")


# -- reading governance --------------------------------------------------------------


async def _governance(voter: VoterClient) -> Governance:
    g = await voter.fetch_or_none(Governance, governance_pda()[0])
    if g is None:
        raise AccountNotFoundError(
            "governance is not initialized on this cluster (amplify gov init)"
        )
    return g


def _plain(value: Any) -> Any:
    """An action's fields without padding, addresses as text."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, Pubkey):
        return str(value)
    return value


def summary(action: dict[str, Any], *, short: bool = False) -> str:
    """`SetFee fee_bps=300`: the variant and its fields (a struct's inline);
    `short` abbreviates addresses (`53Kw…zxKe`) for a table."""

    def shown(value: Any) -> str:
        text = str(value)
        return f"{text[:4]}…{text[-4:]}" if short and isinstance(value, Pubkey) else text

    ((name, fields),) = action.items()
    parts = []
    for key, value in fields.items():
        if isinstance(value, dict):
            parts += [f"{k}={shown(v)}" for k, v in value.items() if not k.startswith("_")]
        else:
            parts.append(f"{key}={shown(value)}")
    return " ".join([name, ", ".join(parts)]).strip()


def proposal_info(p: Proposal, now: int) -> dict[str, Any]:
    """Everything `list` and `show` print: tallies, quorum progress, the
    for-share against the threshold, the stage and its next moment."""
    stage = p.stage(now)
    decided = p.votes_for + p.votes_against
    info: dict[str, Any] = {
        "id": p.id,
        "address": p.address,
        "proposer": p.proposer,
        "action": _plain(p.action),
        "summary": summary(p.action),
        "stage": stage.value,
        "votes_for": p.votes_for,
        "votes_against": p.votes_against,
        "votes_abstain": p.votes_abstain,
        "cast": p.cast,
        "staked_at_creation": p.staked_at_creation,
        "quorum_bps": p.quorum_bps,
        #: Votes the quorum needs (for + against + abstain), AMP base units.
        "quorum": p.quorum,
        #: Votes cast as a share of what the quorum needs (1.0 = met).
        "quorum_progress": p.cast / p.quorum if p.quorum else (1.0 if p.cast else 0.0),
        "quorum_met": p.quorum_met,
        "threshold_bps": p.threshold_bps,
        "for_share_bps": p.votes_for * 10_000 // decided if decided else 0,
        "threshold_met": p.threshold_met,
        "created_at": p.created_at,
        "voting_ends_at": p.voting_ends_at,
        "executable_at": p.executable_at,
        "expires_at": p.expires_at,
        "now": now,
    }
    nxt = {
        ProposalStage.VOTING: p.voting_ends_at,
        ProposalStage.TIMELOCKED: p.executable_at,
        ProposalStage.EXECUTABLE: p.expires_at,
    }.get(stage)
    #: Seconds until the stage ends (voting closes, the lock lifts, the window shuts).
    info["seconds_left"] = max(nxt - now, 0) if nxt is not None else None
    return info


def _timing(info: dict[str, Any]) -> str:
    stage, left = info["stage"], info["seconds_left"]
    if stage == "voting":
        return f"voting ends in {span(left)}"
    if stage == "timelocked":
        return f"executable at {when(info['executable_at'])} (in {span(left)})"
    if stage == "executable":
        return f"executable now, until {when(info['expires_at'])} ({span(left)} left)"
    if stage == "defeated":
        return "quorum not met" if not info["quorum_met"] else "threshold not met"
    if stage == "expired":
        return f"expired at {when(info['expires_at'])}"
    return "executed"


def _quorum(info: dict[str, Any], decimals: int) -> str:
    """Votes cast as a share of what the quorum needs: `150% of 90 AMP`."""
    return f"{info['quorum_progress']:.0%} of {units(info['quorum'], decimals)} AMP"


def _threshold(info: dict[str, Any]) -> str:
    return f"{info['for_share_bps'] / 100:.2f}% for (needs {info['threshold_bps'] / 100:.2f}%)"


async def _proposals_now(voter: VoterClient) -> tuple[list[Proposal], int, int]:
    await _governance(voter)
    return await voter.proposals(), await voter.now(), await voter.amp_decimals()


# -- handing over, and AMP for development clusters ------------------------------------


def _init_options(f: Any) -> Any:
    # Defaults are the SDK's (docs/governance.md); names come from the IDL.
    for type_name, prefix, defaults in (
        ("EmissionParams", "emission_", DEFAULT_EMISSION),
        ("GovernanceParams", "", DEFAULT_GOVERNANCE),
    ):
        for field in reversed(_fields(type_name)):
            f = _option(
                field,
                prefix,
                default=defaults[field["name"]],
                show_default=True,
                help=_help(field),
            )(f)
    return f


@command(group, "init")
@_init_options
async def init(settings: Settings, out: Out, **opts: Any) -> None:
    """Hand the protocol to AMP holders (AdminClient.initialize_governance):
    the program's upgrade authority and the AMP mint authority move to the
    program, the governance account becomes the admin. The wallet must be the
    protocol's admin, upgrade authority and mint authority; once only."""
    params = {f["name"]: opts[_dest(f["name"])] for f in _fields("GovernanceParams")}
    emission = {f["name"]: opts[_dest(f["name"], "emission_")] for f in _fields("EmissionParams")}
    async with connect(settings, settings.wallet()) as amp:
        g = await amp.admin().initialize_governance(params, emission)
        decimals = await amp.voter().amp_decimals()
    data = {
        "governance": g.address,
        "amp_mint": g.amp_mint,
        "vault": g.vault,
        "params": g.params.model_dump(),
        "emission": g.emission.model_dump(),
        "amp_decimals": decimals,
    }
    out.result(
        data,
        f"governance {g.address} now administers the protocol (AMP mint {g.amp_mint}); "
        f"voting {span(g.params.voting_period_secs)}, time lock {span(g.params.timelock_secs)}, "
        f"quorum {g.params.quorum_bps / 100:.2f}%, threshold {g.params.threshold_bps / 100:.2f}%",
    )


@command(group, "mint-amp")
@click.argument("amount", type=AMOUNT)
@click.argument("owner", type=ADDRESS, required=False)
async def mint_amp(settings: Settings, out: Out, amount: Decimal, owner: Pubkey | None) -> None:
    """Mint AMOUNT AMP to OWNER [default: the wallet] (AdminClient.mint_amp):
    development clusters, while the wallet is the mint authority, that is
    before `gov init`."""
    async with connect(settings, settings.wallet()) as amp:
        admin = amp.admin()
        config = await admin.get_config()
        mint = await amp.backend.get_account(config.amp_mint)
        if mint is None:
            raise AccountNotFoundError(f"AMP mint {config.amp_mint} does not exist")
        decimals = mint_decimals(mint.data)
        target = owner or admin.address
        n = base_units(amount, decimals, "AMOUNT")
        tokens = await admin.mint_amp(config.amp_mint, target, n)
        account = await amp.backend.get_account(tokens)
        balance = token_balance(account.data) if account is not None else 0
    out.result(
        {"owner": target, "amount": n, "token_account": tokens, "balance": balance},
        f"minted {units(n, decimals)} AMP to {target}; balance {units(balance, decimals)} AMP",
    )


# -- the holder ----------------------------------------------------------------------


@command(group, "status")
async def status(settings: Settings, out: Out) -> None:
    """Governance parameters, stake and treasury, and the wallet's AMP,
    stake and rewards (when there is a wallet)."""
    wallet = settings.wallet_or_none()
    async with connect(settings, wallet) as amp:
        voter = amp.voter()
        g = await _governance(voter)
        decimals = await voter.amp_decimals()
        now = await voter.now()
        data: dict[str, Any] = {
            "governance": g.address,
            "amp_mint": g.amp_mint,
            "amp_decimals": decimals,
            "total_staked": g.total_staked,
            "held": g.held,
            "proposals": g.proposal_count,
            "params": g.params.model_dump(),
            "emission": g.emission.model_dump(),
            "emitted": g.emitted,
        }
        if wallet is not None:
            stake = await voter.stake_account()
            data["wallet"] = {
                "owner": voter.address,
                "amp_balance": await voter.amp_balance(),
                "staked": stake.amount if stake else 0,
                "locked_until": stake.locked_until if stake else 0,
                "pending_rewards": await voter.pending_rewards(),
                "claimed": stake.claimed if stake else 0,
            }

    def render(c: Console) -> None:
        p = g.params
        c.print(f"[bold]governance[/bold] {g.address}, AMP mint {g.amp_mint}")
        c.print(
            f"staked {units(g.total_staked, decimals)} AMP; treasury holds "
            f"{lamports(g.held)} for Spend proposals; {g.proposal_count} proposals"
        )
        c.print(
            f"voting {span(p.voting_period_secs)}, time lock {span(p.timelock_secs)}, "
            f"execution window {span(p.execution_window_secs)}, quorum "
            f"{p.quorum_bps / 100:.2f}% of stake, threshold {p.threshold_bps / 100:.2f}%, "
            f"{units(p.min_stake_to_propose, decimals)} AMP staked to propose"
        )
        w = data.get("wallet")
        if w is not None:
            locked = f", locked until {when(w['locked_until'])}" if w["locked_until"] > now else ""
            c.print(
                f"[bold]wallet[/bold] {w['owner']}: {units(w['amp_balance'], decimals)} AMP, "
                f"staked {units(w['staked'], decimals)} AMP{locked}; rewards "
                f"{lamports(w['pending_rewards'])} to claim, {lamports(w['claimed'])} claimed"
            )

    out.result(data, render)


async def _staking(settings: Settings, out: Out, amount: Decimal, unstake: bool) -> None:
    async with connect(settings, settings.wallet()) as amp:
        voter = amp.voter()
        g = await _governance(voter)
        decimals = await voter.amp_decimals()
        n = base_units(amount, decimals, "AMOUNT")
        receipt = await (voter.unstake(n) if unstake else voter.stake(n))
        stake = await voter.stake_account()
        staked = stake.amount if stake else 0
        total = (await _governance(voter)).total_staked
        balance = await voter.amp_balance()
    verb = "unstaked" if unstake else "staked"
    out.result(
        {
            "owner": voter.address,
            #: This call's amount; `staked` is the wallet's stake after it.
            "amount": n,
            "staked": staked,
            "total_staked": total,
            "amp_balance": balance,
            "amp_mint": g.amp_mint,
            "signature": receipt.signature,
        },
        f"{verb} {units(n, decimals)} AMP: the wallet stakes {units(staked, decimals)} of "
        f"{units(total, decimals)} AMP staked; {units(balance, decimals)} AMP in the wallet",
    )


@command(group, "stake")
@click.argument("amount", type=AMOUNT)
async def stake(settings: Settings, out: Out, amount: Decimal) -> None:
    """Stake AMOUNT AMP (whole AMP: 100, 2.5): the wallet's weight in votes
    and its share of the fees that reach the treasury from now on."""
    await _staking(settings, out, amount, unstake=False)


@command(group, "unstake")
@click.argument("amount", type=AMOUNT)
async def unstake(settings: Settings, out: Out, amount: Decimal) -> None:
    """Take AMOUNT AMP back (refused while a proposal the wallet voted on is
    still voting: StakeLocked)."""
    await _staking(settings, out, amount, unstake=True)


@command(group, "claim")
async def claim(settings: Settings, out: Out) -> None:
    """Claim the wallet's share of the treasury's fees (lamports)."""
    async with connect(settings, settings.wallet()) as amp:
        voter = amp.voter()
        await _governance(voter)
        receipt = await voter.claim()
    paid = sum(e.fields["lamports"] for e in receipt.events if e.name == "RewardsClaimed")
    out.result(
        {"owner": voter.address, "lamports": paid, "signature": receipt.signature},
        f"claimed {lamports(paid)}",
    )


# -- proposals -----------------------------------------------------------------------

#: What each action does, for its command's help (the fields come from the IDL).
_DOES = {
    "SetFee": "Change the protocol fee of new batches (basis points, at most 1,000).",
    "SetReputationParams": "Change the reputation formula's parameters.",
    "SetGovernanceParams": "Change how proposals are decided.",
    "SetEmission": "Change the AMP emission schedule for well-rated work.",
    "SetPaused": "Pause or unpause the protocol.",
    "Spend": "Pay lamports from the treasury's held fees.",
    "UpgradeProgram": "Upgrade the program from a loader buffer whose authority "
    "is the governance PDA (the spill account gets the buffer's rent).",
    "SetUpgradeAuthority": "Hand the program's upgrade authority on.",
}


def _kebab(name: str) -> str:
    return "".join("-" + ch.lower() if ch.isupper() else ch for ch in name).lstrip("-")


def _variant_command(variant: JSON) -> None:
    name: str = variant["name"]
    fields: list[JSON] = variant.get("fields", [])
    structs = {f["name"]: s for f in fields if (s := _struct_name(f["type"]))}

    async def body(settings: Settings, out: Out, **opts: Any) -> None:
        path: Path | None = opts.pop("file", None)
        async with connect(settings, settings.wallet()) as amp:
            voter = amp.voter()
            g = await _governance(voter)
            config = await voter.fetch(Config, config_pda()[0])
            values: dict[str, Any] = {}
            for field in fields:
                struct = structs.get(field["name"])
                if struct is None:
                    values[field["name"]] = opts[_dest(field["name"])]
                    continue
                given = {
                    f["name"]: opts[_dest(f["name"])]
                    for f in _fields(struct)
                    if opts[_dest(f["name"])] is not None
                }
                from_file = _read_struct(path, struct) if path is not None else {}
                if not given and not from_file:
                    raise UserError(f"nothing to change: give {struct} fields as options or --file")
                values[field["name"]] = {**_current(struct, config, g), **from_file, **given}
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
            decorated = _option(field, required=True, help=_help(field))(decorated)
            continue
        for sub in reversed(_fields(struct)):
            decorated = _option(sub, default=None, help=_help(sub, "[default: in force]"))(
                decorated
            )
    if structs:
        decorated = click.option(
            "--file",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            default=None,
            help="JSON or YAML mapping of the fields to change (options win).",
        )(decorated)
    command(propose_group, _kebab(name))(decorated)


for _variant in _idl_type("ProposalAction")["variants"]:
    _variant_command(_variant)


@command(group, "vote")
@click.argument("proposal", type=PROPOSAL)
@click.argument("choice", type=click.Choice(list(CHOICES)))
async def vote(settings: Settings, out: Out, proposal: Pubkey, choice: str) -> None:
    """Vote on PROPOSAL with everything the wallet stakes (once; the stake
    stays locked until the vote ends)."""
    async with connect(settings, settings.wallet()) as amp:
        voter = amp.voter()
        await _governance(voter)
        receipt = await voter.vote(proposal, CHOICES[choice])
        p = await voter.fetch(Proposal, proposal)
        info = proposal_info(p, await voter.now())
        decimals = await voter.amp_decimals()
    weight = sum(e.fields["weight"] for e in receipt.events if e.name == "VoteCast")
    info |= {"choice": choice, "weight": weight, "signature": receipt.signature}
    out.result(
        info,
        f"voted {choice} on #{p.id} with {units(weight, decimals)} AMP; for "
        f"{units(p.votes_for, decimals)}, against {units(p.votes_against, decimals)}, "
        f"abstain {units(p.votes_abstain, decimals)}; quorum {_quorum(info, decimals)}",
    )


@command(group, "execute")
@click.argument("proposal", type=PROPOSAL)
async def execute(settings: Settings, out: Out, proposal: Pubkey) -> None:
    """Carry out PROPOSAL once it passed and its time lock is over (anyone may)."""
    async with connect(settings, settings.wallet()) as amp:
        voter = amp.voter()
        await _governance(voter)
        receipt = await voter.execute(proposal)
        p = await voter.fetch(Proposal, proposal)
        info = proposal_info(p, await voter.now())
    info["signature"] = receipt.signature
    out.result(info, f"executed proposal #{p.id}: {info['summary']}")


@command(group, "list")
async def list_cmd(settings: Settings, out: Out) -> None:
    """Every proposal: its action, stage, tally, quorum progress, for-share
    against the threshold, and time left or when it can execute."""
    async with connect(settings) as amp:
        found, now, decimals = await _proposals_now(amp.voter())
    infos = [proposal_info(p, now) for p in found]
    shorts = [summary(p.action, short=True) for p in found]

    def render(c: Console) -> None:
        table = Table(
            "id",
            "action",
            "stage",
            "for",
            "against",
            "abstain",
            "quorum",
            "threshold",
            "when",
            title=f"proposals (votes in AMP; now {when(now)})",
        )
        for i, short in zip(infos, shorts, strict=True):
            table.add_row(
                str(i["id"]),
                short,
                i["stage"],
                units(i["votes_for"], decimals),
                units(i["votes_against"], decimals),
                units(i["votes_abstain"], decimals),
                _quorum(i, decimals),
                _threshold(i),
                _timing(i),
            )
        c.print(table if infos else "no proposals")

    out.result({"now": now, "amp_decimals": decimals, "proposals": infos}, render)


@command(group, "show")
@click.argument("proposal", type=PROPOSAL)
async def show(settings: Settings, out: Out, proposal: Pubkey) -> None:
    """One proposal in full, and the wallet's vote on it."""
    wallet = settings.wallet_or_none()
    async with connect(settings, wallet) as amp:
        voter = amp.voter()
        await _governance(voter)
        p = await voter.fetch(Proposal, proposal)
        info = proposal_info(p, await voter.now())
        decimals = await voter.amp_decimals()
        mine = await voter.vote_of(proposal, voter.address) if wallet is not None else None
    info["your_vote"] = (
        {"choice": CHOICE_NAMES[mine.choice], "weight": mine.weight} if mine else None
    )

    def render(c: Console) -> None:
        table = Table(show_header=False, box=None, pad_edge=False)
        table.add_column(style="bold")
        table.add_column()

        def amp_(n: int) -> str:
            return f"{units(n, decimals)} AMP"

        rows = [
            ("proposal", f"#{p.id} {p.address}"),
            ("action", info["summary"]),
            ("proposer", str(p.proposer)),
            ("stage", f"{info['stage']}: {_timing(info)}"),
            ("for", amp_(p.votes_for)),
            ("against", amp_(p.votes_against)),
            ("abstain", amp_(p.votes_abstain)),
            (
                "quorum",
                f"{_quorum(info, decimals)} ({p.quorum_bps / 100:.2f}% of "
                f"{amp_(p.staked_at_creation)} staked at creation)",
            ),
            ("threshold", _threshold(info)),
            ("voting ends", when(p.voting_ends_at)),
            ("executable", f"{when(p.executable_at)} to {when(p.expires_at)}"),
        ]
        if mine is not None:
            rows.append(("your vote", f"{CHOICE_NAMES[mine.choice]}, {amp_(mine.weight)}"))
        for key, value in rows:
            table.add_row(key, value)
        c.print(table)

    out.result(info, render)


__all__ = ["group", "proposal_info", "register", "summary"]
