"""`initialize`: the happy path and every way to get it wrong."""

from __future__ import annotations

import inspect
import struct

import pytest
from solders.account import Account
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.system_program import ID as SYSTEM_PROGRAM_ID

from adversarial import Attack, non_canonical_pda
from amplify_sdk import PROGRAM_ID, AdminClient, Amplify, ProgramError, instructions
from amplify_sdk.chain._embedded import EmbeddedBackend
from amplify_sdk.cli.program import init
from amplify_sdk.errors import (
    AlreadyInitialized,
    FeeTooHigh,
    InvalidInstructionData,
    InvalidMint,
    InvalidPda,
    InvalidProgramAccount,
    Unauthorized,
    UnknownInstruction,
)
from amplify_sdk.protocol import config_pda, load_idl, treasury_pda
from amplify_sdk.protocol._fee import DEFAULT_FEE_BPS
from amplify_sdk.protocol._pda import program_data_pda
from amplify_sdk.protocol._token import TOKEN_PROGRAM_ID
from conftest import report
from market import Market, swap
from rpc_backend import NodeBackend


def _metas(ix: Instruction) -> list[AccountMeta]:
    return list(ix.accounts)


def _with(ix: Instruction, index: int, meta: AccountMeta) -> Instruction:
    metas = _metas(ix)
    metas[index] = meta
    return Instruction(ix.program_id, ix.data, metas)


async def _assert_nothing_created(admin: AdminClient) -> None:
    assert await admin.backend.get_account(config_pda()[0]) is None
    assert await admin.backend.get_account(treasury_pda()[0]) is None


async def test_initialize_creates_config_and_treasury(admin: AdminClient, amp_mint: Pubkey) -> None:
    before = await admin.backend.get_balance(admin.address)
    config = await admin.initialize(amp_mint, fee_bps=500)
    receipt = admin.last_receipt
    assert receipt is not None
    report("initialize CU", receipt.compute_units)

    assert config.address == config_pda()[0]
    # The PDA is derived on chain from constant seeds (a pointer in .data.rel.ro
    # the relink step resolves): the program created the account at exactly the
    # address the SDK derives.
    assert config.address == Pubkey.find_program_address([b"config"], PROGRAM_ID)[0]
    assert config.bump == config_pda()[1]
    assert config.treasury_bump == treasury_pda()[1]
    assert config.version == 2
    assert config.fee_bps == 500
    assert config.admin == admin.address
    assert config.amp_mint == amp_mint
    assert config.paused is False
    assert config.quorum_bps == 1_000
    assert config.voting_period_secs == 3 * 24 * 3600
    assert config.rating_window_secs == 7 * 24 * 3600

    treasury = await admin.get_treasury()
    assert treasury.total_collected == 0
    cfg_acc = await admin.backend.get_account(config.address)
    tre_acc = await admin.backend.get_account(treasury.address)
    assert cfg_acc is not None and tre_acc is not None
    assert cfg_acc.owner == PROGRAM_ID and tre_acc.owner == PROGRAM_ID
    assert cfg_acc.lamports == await admin.backend.minimum_balance(len(cfg_acc.data))
    assert tre_acc.lamports == await admin.backend.minimum_balance(len(tre_acc.data))
    # Exactly rent + the transaction fee left the admin: nothing else moved.
    after = await admin.backend.get_balance(admin.address)
    assert before - after == cfg_acc.lamports + tre_acc.lamports + receipt.fee

    assert [e.name for e in receipt.events] == ["ProtocolInitialized"]
    event = receipt.events[0].fields
    assert event == {"admin": admin.address, "amp_mint": amp_mint, "fee_bps": 500}


async def test_the_default_fee_is_five_percent_wherever_it_is_offered(
    admin: AdminClient, amp_mint: Pubkey
) -> None:
    # The default rate has one home (protocol._fee.DEFAULT_FEE_BPS); every
    # place that offers a default takes it from there, and it is the 5% the
    # docs state (docs/protocol.md, Money), as the chain records it.
    assert DEFAULT_FEE_BPS == 500
    # The generated builder offers no default: a raw instruction says its rate.
    assert (
        inspect.signature(instructions.initialize).parameters["fee_bps"].default
        is inspect.Parameter.empty
    )
    assert inspect.signature(AdminClient.initialize).parameters["fee_bps"].default == 500
    (option,) = [p for p in init.params if p.name == "fee_bps"]
    assert option.default == 500
    config = await admin.initialize(amp_mint)
    assert config.fee_bps == 500


async def test_fail_initialize_with_second_call(admin: AdminClient, amp_mint: Pubkey) -> None:
    # Bug class: re-initialization (a second config would hand the admin seat over).
    await admin.initialize(amp_mint)
    before = await admin.get_config()
    with pytest.raises(AlreadyInitialized) as err:
        await admin.initialize(amp_mint, fee_bps=100)
    assert "already initialized" in str(err.value)
    assert any("custom program error: 0x1779" in line for line in err.value.logs)
    assert await admin.get_config() == before


async def test_fail_initialize_with_a_signer_other_than_the_upgrade_authority(
    admin: AdminClient, amp_mint: Pubkey
) -> None:
    # Bug class: initialization front-running (a stranger racing the deployer to
    # the admin seat), before and after the real initialization.
    attacker = Keypair()
    await admin.backend.airdrop(attacker.pubkey(), 10**9)
    ix = instructions.initialize(attacker.pubkey(), amp_mint, 0)
    with pytest.raises(Unauthorized):
        await admin.backend.send([ix], [], attacker)
    await _assert_nothing_created(admin)
    await admin.initialize(amp_mint)
    with pytest.raises(Unauthorized):
        await admin.backend.send([ix], [], attacker)
    assert (await admin.get_config()).admin == admin.address


# Rewrites the ProgramData account inside the embedded SVM.
@pytest.mark.embedded_only
async def test_immutable_program_can_be_initialized_by_its_deployer_transaction(
    admin: AdminClient, amp_mint: Pubkey
) -> None:
    # Without an upgrade authority there is no deployer to check: whoever
    # initializes first becomes admin (deploy and initialize together).
    backend = admin.backend
    assert isinstance(backend, EmbeddedBackend)
    backend.set_upgrade_authority(None)
    other = Keypair()
    await backend.airdrop(other.pubkey(), 10**9)
    await backend.send([instructions.initialize(other.pubkey(), amp_mint, 500)], [], other)
    assert (await admin.get_config()).admin == other.pubkey()


@pytest.mark.parametrize("account", ["program", "program_data"])
async def test_fail_initialize_with_fake_program_accounts(
    admin: AdminClient, amp_mint: Pubkey, account: str
) -> None:
    # Bug class: forged deployer proof (another program's ProgramData, or a
    # program account that is not this program).
    fake = program_data_pda(TOKEN_PROGRAM_ID) if account == "program_data" else TOKEN_PROGRAM_ID
    ix = swap(instructions.initialize(admin.address, amp_mint, 500), account, fake)
    with pytest.raises(InvalidProgramAccount):
        await admin.send([ix])
    await _assert_nothing_created(admin)


async def test_fail_initialize_with_fee_above_ceiling(admin: AdminClient, amp_mint: Pubkey) -> None:
    # Bug class: out-of-range parameters (a fee above the hard ceiling).
    with pytest.raises(FeeTooHigh):
        await admin.initialize(amp_mint, fee_bps=1_001)
    await _assert_nothing_created(admin)
    # The ceiling itself is allowed.
    assert (await admin.initialize(amp_mint, fee_bps=1_000)).fee_bps == 1_000


async def test_fail_initialize_with_fake_config_pda(admin: AdminClient, amp_mint: Pubkey) -> None:
    # Bug class: fake PDA. A keypair address the attacker controls, signed, in
    # place of the config PDA.
    fake = Keypair()
    ix = _with(
        instructions.initialize(admin.address, amp_mint, 500),
        1,
        AccountMeta(fake.pubkey(), is_signer=True, is_writable=True),
    )
    with pytest.raises(InvalidPda):
        await admin.send([ix], [fake])
    # Same for a PDA derived with other seeds.
    other, _ = Pubkey.find_program_address([b"treasury"], PROGRAM_ID)
    ix = _with(
        instructions.initialize(admin.address, amp_mint, 500),
        1,
        AccountMeta(other, is_signer=False, is_writable=True),
    )
    with pytest.raises(InvalidPda):
        await admin.send([ix])
    await _assert_nothing_created(admin)


async def test_fail_initialize_with_fake_treasury_pda(admin: AdminClient, amp_mint: Pubkey) -> None:
    # Bug class: fake PDA (a treasury elsewhere).
    ix = _with(
        instructions.initialize(admin.address, amp_mint, 500),
        2,
        AccountMeta(Keypair().pubkey(), is_signer=False, is_writable=True),
    )
    with pytest.raises(InvalidPda):
        await admin.send([ix])
    await _assert_nothing_created(admin)


@pytest.mark.parametrize("kind", ["system_account", "wrong_owner", "uninitialized", "short"])
async def test_fail_initialize_with_bad_amp_mint(admin: AdminClient, kind: str) -> None:
    # Bug class: wrong owner / wrong account type in place of the AMP mint.
    backend = admin.backend
    assert isinstance(backend, EmbeddedBackend | NodeBackend)
    fake = Keypair().pubkey()
    data = bytearray(82)
    owner = TOKEN_PROGRAM_ID
    if kind == "system_account":
        owner, data = SYSTEM_PROGRAM_ID, bytearray()
    elif kind == "wrong_owner":
        data[45] = 1
        owner = PROGRAM_ID
    elif kind == "short":
        data = bytearray(40)
    backend.set_account(fake, Account(10**7, bytes(data), owner, False, 0))
    with pytest.raises(InvalidMint):
        await admin.initialize(fake)
    await _assert_nothing_created(admin)


async def test_initialize_succeeds_when_config_address_was_prefunded(
    admin: AdminClient, amp_mint: Pubkey
) -> None:
    # Bug class: creation DoS. Anyone can send lamports to the config PDA before
    # it exists; that must not make `initialize` impossible.
    await admin.backend.airdrop(config_pda()[0], 1_000_000)
    config = await admin.initialize(amp_mint)
    acc = await admin.backend.get_account(config.address)
    assert acc is not None
    assert acc.lamports == await admin.backend.minimum_balance(len(acc.data))
    assert acc.owner == PROGRAM_ID


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", UnknownInstruction),
        (b"\x01\x02\x03", UnknownInstruction),
        (b"\x00" * 8 + struct.pack("<H", 500), UnknownInstruction),
        (bytes(load_idl().instructions["initialize"].discriminator), InvalidInstructionData),
        (
            bytes(load_idl().instructions["initialize"].discriminator) + b"\xf4",
            InvalidInstructionData,
        ),
        (
            bytes(load_idl().instructions["initialize"].discriminator) + b"\xf4\x01\x00",
            InvalidInstructionData,
        ),
    ],
    ids=["empty", "short", "unknown", "no-args", "truncated-arg", "trailing-byte"],
)
async def test_fail_initialize_with_malformed_data(
    admin: AdminClient, amp_mint: Pubkey, data: bytes, error: type[ProgramError]
) -> None:
    # Bug class: malformed instruction data must fail with a typed error, not a panic.
    ix = instructions.initialize(admin.address, amp_mint, 500)
    with pytest.raises(error):
        await admin.send([Instruction(ix.program_id, data, _metas(ix))])
    await _assert_nothing_created(admin)


# -- adversarial ---------------------------------------------------------------


@pytest.fixture
async def attack(amp: Amplify, admin: AdminClient, amp_mint: Pubkey) -> Attack:
    market = Market(amp, amp.backend, admin, amp.requester())
    payer = await market.other_requester()
    ix = instructions.initialize(admin.address, amp_mint, 500)
    watch = [config_pda()[0], treasury_pda()[0], program_data_pda()]
    return Attack(market, ix, [admin.wallet], payer, watch, {"mint": amp_mint})


async def test_fail_initialize_with_a_fee_at_the_extremes(attack: Attack) -> None:
    # Bug class: u16 extremes.
    await attack.arguments([({"fee_bps": 1_001}, FeeTooHigh), ({"fee_bps": 65_535}, FeeTooHigh)])
    await attack.expect_ok(attack.with_args(fee_bps=0))


async def test_fail_initialize_with_non_canonical_pdas(attack: Attack) -> None:
    # Bug class: fake PDA (the right seeds with another bump: a second config).
    await attack.substituted(
        [
            ("config", non_canonical_pda([b"config"]), InvalidPda),
            ("treasury", non_canonical_pda([b"treasury"]), InvalidPda),
            ("config", treasury_pda()[0], InvalidPda),
        ]
    )


async def test_fail_initialize_with_the_same_account_in_two_roles(attack: Attack) -> None:
    # Bug class: duplicate accounts.
    await attack.twice(
        [
            ("config", "treasury", InvalidPda),
            ("admin", "amp_mint", InvalidMint),
            ("amp_mint", "program_data", InvalidProgramAccount),
        ]
    )


async def test_fail_initialize_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer (an authority named but not signing).
    await attack.missing_signers()
    await attack.expect_ok()


async def test_fail_initialize_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags (every account it writes, passed read-only).
    await attack.read_only()


async def test_fail_initialize_with_substituted_programs(attack: Attack) -> None:
    # Bug class: substituted program or sysvar (a CPI target or clock the attacker chose).
    await attack.substituted_programs()


async def test_fail_initialize_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_initialize_with_truncated_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (truncated).
    await attack.truncated_data()


async def test_fail_initialize_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()


async def test_fail_initialize_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_initialize_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion (another type's discriminator).
    await attack.unknown_discriminators()


async def test_fail_initialize_with_accounts_of_the_wrong_type(
    attack: Attack, admin: AdminClient
) -> None:
    # Bug class: type confusion (a token account where the mint goes, the
    # program where its ProgramData goes).
    mint = attack.scene["mint"]
    tokens = await admin.mint_amp(mint, admin.address, 5)
    await attack.substituted(
        [
            ("amp_mint", tokens, InvalidMint),
            ("program_data", PROGRAM_ID, InvalidProgramAccount),
        ]
    )
