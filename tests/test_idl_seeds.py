"""The IDL's PDA seeds are the addresses the program accepts. The SDK's builders
name only the accounts a caller must choose and derive the rest from the IDL
(`build_instruction`, Anchor's accounts resolver), so a seed the IDL got wrong
would send every client, Anchor's included, to an address the program refuses.

Every instruction's own file checks this with real transactions: the
adversarial battery's `expect_ok` sends each account the IDL derives from
seeds one byte off (refused, nothing changed) before the valid instruction
(accepted). Here: the refusing side over the instruction-data fuzzer's scene in
one sweep (seeds read from chain state included), the resolver against the
hand-written address helpers, and its own refusals.
"""

from __future__ import annotations

from typing import Any

import pytest
from solders.instruction import AccountMeta, Instruction
from solders.pubkey import Pubkey
from test_fuzz_instruction_data import Scene, scene

from adversarial import tampered
from amplify_sdk import PROGRAM_ID, ProgramError, TransactionError, instructions
from amplify_sdk.errors import InvalidOwner, InvalidPda
from amplify_sdk.protocol import (
    batch_pda,
    config_pda,
    decode_instruction,
    load_idl,
    treasury_pda,
    worker_profile_pda,
)
from amplify_sdk.protocol._build import build_instruction, resolve_accounts
from amplify_sdk.protocol._idl import parse_idl
from amplify_sdk.protocol._pda import (
    governance_pda,
    mint_authority_pda,
    program_data_pda,
    proposal_pda,
    stake_pda,
    vault_pda,
    vote_pda,
)
from conftest import report


def seeded() -> list[tuple[str, int, str]]:
    """(instruction, account position, account name) of every account with seeds."""
    return [
        (ix.name, k, a.name)
        for ix in load_idl().instructions.values()
        for k, a in enumerate(ix.accounts)
        if a.pda is not None
    ]


def send(at: Scene, ix: Instruction, signers: list[Any]) -> str:
    try:
        at.loop.run_until_complete(at.payer.send([ix], signers))
    except ProgramError as e:
        return type(e).__name__
    except TransactionError as e:  # a program this one calls refused: not an address error
        return f"other: {e}"
    return "ok"


def test_every_account_from_wrong_seeds_is_refused() -> None:
    # The accepting side is each instruction file's `expect_ok` (tests/adversarial.py).
    the = scene()
    cases = seeded()
    assert len(cases) >= 40  # the IDL derives most accounts: every one is checked
    by_ix: dict[str, list[tuple[int, str]]] = {}
    for name, k, account in cases:
        by_ix.setdefault(name, []).append((k, account))
    table = []
    for name, ix_def in load_idl().instructions.items():
        built, signers = the.ixs[name]
        _, args = decode_instruction(bytes(built.data))
        for k, account in by_ix.get(name, []):
            # The same instruction, resolved from an IDL whose seeds are wrong.
            bad_idl = parse_idl(tampered(load_idl().raw, name, account))
            given = {
                a.name: built.accounts[i].pubkey
                for i, a in enumerate(ix_def.accounts)
                if a.pda is None and a.address is None
            }
            state = {"governance.proposal_count": 1} if name == "create_proposal" else {}
            wrong = resolve_accounts(
                bad_idl.instructions[name], given, args, PROGRAM_ID, state, bad_idl
            )[account]
            assert wrong != built.accounts[k].pubkey
            metas = list(built.accounts)
            metas[k] = AccountMeta(wrong, metas[k].is_signer, metas[k].is_writable)
            keys = list(dict.fromkeys(m.pubkey for m in metas))
            before = [the.backend.svm.get_account(x) for x in keys]
            outcome = send(the, Instruction(built.program_id, built.data, metas), signers)
            after = [the.backend.svm.get_account(x) for x in keys]
            unchanged = all(
                x == the.payer.address or b == a
                for x, b, a in zip(keys, before, after, strict=True)
            )
            # Refused (by whichever of the handler's rules comes first), nothing changed.
            assert outcome != "ok", (name, account)
            assert unchanged, (name, account, outcome)
            table.append(f"{name}.{account}: {outcome}")
    report("IDL seeds against the program", f"{len(table)} wrong-seed addresses refused")


def test_the_resolver_derives_what_the_address_helpers_derive() -> None:
    # Bug class: a resolver that reads the IDL's seed kinds wrong (const bytes,
    # account paths, argument encoding, account fields, another program).
    me, other, proposal = Pubkey.new_unique(), Pubkey.new_unique(), Pubkey.new_unique()
    params = {a["name"]: 0 for a in load_idl().instructions["create_batch"].args[1:]}
    params |= {"key_agent": me, "instructions_hash": bytes(32), "base_uri": "", "encrypted": False}
    ix = instructions.create_batch(me, 2**40 + 7, **params)
    assert ix.accounts[1].pubkey == config_pda()[0]
    assert ix.accounts[2].pubkey == batch_pda(me, 2**40 + 7)[0]
    assert (
        instructions.register_worker(me, bytes(32)).accounts[1].pubkey
        == (worker_profile_pda(me)[0])
    )
    vote = instructions.cast_vote(me, proposal, 0)
    assert [m.pubkey for m in vote.accounts[:4]] == [
        me,
        stake_pda(me)[0],
        proposal,
        vote_pda(proposal, me)[0],
    ]
    assert (
        instructions.create_proposal(me, 9, {"SetPaused": {"paused": True}}).accounts[3].pubkey
        == (proposal_pda(9)[0])
    )
    gov = ["voting_period_secs", "timelock_secs", "execution_window_secs", "quorum_bps"]
    gov += ["threshold_bps", "min_stake_to_propose"]
    emission = {"per_assignment": 1, "cap": 10, "min_stars": 4}
    init = instructions.initialize_governance(other, me, dict.fromkeys(gov, 1), emission)
    assert [m.pubkey for m in init.accounts[1:9]] == [
        config_pda()[0],
        treasury_pda()[0],
        governance_pda()[0],
        vault_pda()[0],
        me,
        mint_authority_pda()[0],
        PROGRAM_ID,
        program_data_pda(),  # under the upgradeable loader: the IDL's `pda.program`
    ]


def test_the_resolver_refuses_what_it_cannot_derive() -> None:
    # Bug class: an instruction built with an account silently missing or
    # misnamed, or a seed read from chain state the caller never gave.
    me = Pubkey.new_unique()
    with pytest.raises(ValueError, match="unknown accounts"):
        build_instruction("set_paused", {"admin": me, "stranger": me}, {"paused": True})
    with pytest.raises(ValueError, match="'batch' is required"):
        build_instruction("set_batch_paused", {"requester": me}, {"paused": True})
    with pytest.raises(ValueError, match="needs its value in `state`"):
        build_instruction("create_proposal", {"proposer": me}, {"action": {"SetPaused": {}}})
    # A derived account the caller names is taken as named (substitution tests need it).
    ix = build_instruction("set_paused", {"admin": me, "config": me}, {"paused": True})
    assert ix.accounts[1].pubkey == me


async def test_a_wrong_seed_in_the_idl_meets_the_program(market: Any) -> None:
    # Bug class: an IDL whose seeds differ from the program's: every client on
    # the IDL would derive an address the program refuses.
    admin = market.admin
    raw = tampered(load_idl().raw, "set_paused", "config")
    ix = build_instruction("set_paused", {"admin": admin.address}, {"paused": False})
    bad = build_instruction(
        "set_paused", {"admin": admin.address}, {"paused": False}, idl=parse_idl(raw)
    )
    assert bad.accounts[1].pubkey != ix.accounts[1].pubkey
    with pytest.raises((InvalidPda, InvalidOwner)):
        await admin.send([bad])
    await admin.send([ix])
