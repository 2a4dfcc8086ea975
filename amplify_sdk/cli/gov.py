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
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from solders.pubkey import Pubkey

from ..clients._admin import DEFAULT_EMISSION, DEFAULT_GOVERNANCE
from ..clients._voter import ABSTAIN, AGAINST, FOR
from ..protocol._exceptions import AccountNotFoundError
from ..protocol._models import Proposal
from ..protocol._pda import proposal_pda
from ..protocol._token import mint_decimals, token_balance
from ._context import Out, Settings, command, connect, lamports
from ._idl_options import (
    dest,
    help_of,
    option,
    struct_fields,
)
from ._params import ADDRESS, AMOUNT, base_units, span, units, when
from ._proposal_view import (
    governance_of,
    proposal_info,
    proposals_now,
    quorum_text,
    summary,
    threshold_text,
    timing,
)
from .gov_propose import propose_group

CHOICES = {"for": FOR, "against": AGAINST, "abstain": ABSTAIN}
CHOICE_NAMES = {v: k for k, v in CHOICES.items()}


@click.group("gov")
def group() -> None:
    """AMP governance: stake AMP to vote and to share the treasury's fees;
    propose, vote, execute."""


group.add_command(propose_group)


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


# -- handing over, and AMP for development clusters ------------------------------------


def _init_options(f: Any) -> Any:
    # Defaults are the SDK's (docs/governance.md); names come from the IDL.
    for type_name, prefix, defaults in (
        ("EmissionParams", "emission_", DEFAULT_EMISSION),
        ("GovernanceParams", "", DEFAULT_GOVERNANCE),
    ):
        for field in reversed(struct_fields(type_name)):
            f = option(
                field,
                prefix,
                default=defaults[field["name"]],
                show_default=True,
                help=help_of(field),
            )(f)
    return f


@command(group, "init")
@_init_options
async def init(settings: Settings, out: Out, **opts: Any) -> None:
    """Hand the protocol to AMP holders (AdminClient.initialize_governance):
    the program's upgrade authority and the AMP mint authority move to the
    program, the governance account becomes the admin. The wallet must be the
    protocol's admin, upgrade authority and mint authority; once only."""
    params = {f["name"]: opts[dest(f["name"])] for f in struct_fields("GovernanceParams")}
    emission = {
        f["name"]: opts[dest(f["name"], "emission_")] for f in struct_fields("EmissionParams")
    }
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
        g = await governance_of(voter)
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
        g = await governance_of(voter)
        decimals = await voter.amp_decimals()
        n = base_units(amount, decimals, "AMOUNT")
        receipt = await (voter.unstake(n) if unstake else voter.stake(n))
        stake = await voter.stake_account()
        staked = stake.amount if stake else 0
        total = (await governance_of(voter)).total_staked
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
        await governance_of(voter)
        receipt = await voter.claim()
    paid = sum(e.fields["lamports"] for e in receipt.events if e.name == "RewardsClaimed")
    out.result(
        {"owner": voter.address, "lamports": paid, "signature": receipt.signature},
        f"claimed {lamports(paid)}",
    )


@command(group, "vote")
@click.argument("proposal", type=PROPOSAL)
@click.argument("choice", type=click.Choice(list(CHOICES)))
async def vote(settings: Settings, out: Out, proposal: Pubkey, choice: str) -> None:
    """Vote on PROPOSAL with everything the wallet stakes (once; the stake
    stays locked until the vote ends)."""
    async with connect(settings, settings.wallet()) as amp:
        voter = amp.voter()
        await governance_of(voter)
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
        f"abstain {units(p.votes_abstain, decimals)}; quorum {quorum_text(info, decimals)}",
    )


@command(group, "execute")
@click.argument("proposal", type=PROPOSAL)
async def execute(settings: Settings, out: Out, proposal: Pubkey) -> None:
    """Carry out PROPOSAL once it passed and its time lock is over (anyone may)."""
    async with connect(settings, settings.wallet()) as amp:
        voter = amp.voter()
        await governance_of(voter)
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
        found, now, decimals = await proposals_now(amp.voter())
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
                quorum_text(i, decimals),
                threshold_text(i),
                timing(i),
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
        await governance_of(voter)
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
            ("stage", f"{info['stage']}: {timing(info)}"),
            ("for", amp_(p.votes_for)),
            ("against", amp_(p.votes_against)),
            ("abstain", amp_(p.votes_abstain)),
            (
                "quorum",
                f"{quorum_text(info, decimals)} ({p.quorum_bps / 100:.2f}% of "
                f"{amp_(p.staked_at_creation)} staked at creation)",
            ),
            ("threshold", threshold_text(info)),
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
