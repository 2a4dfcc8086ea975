"""Test helpers for governance: AMP holders, a governed protocol, fees flowing
into the treasury through real work."""

from __future__ import annotations

from dataclasses import dataclass

from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.system_program import CreateAccountParams, create_account

from amplify_sdk import Batch, VoterClient, WorkerClient
from amplify_sdk.clients._admin import AMP
from amplify_sdk.protocol import program_bytes, treasury_pda
from amplify_sdk.protocol._pda import BPF_LOADER_UPGRADEABLE
from market import SOL, Market

#: Short periods so tests move the clock instead of waiting.
PARAMS = {
    "voting_period_secs": 100,
    "timelock_secs": 10,
    "execution_window_secs": 1_000,
    "quorum_bps": 2_000,
    "threshold_bps": 5_001,
    "min_stake_to_propose": 10 * AMP,
}
EMISSION = {"per_assignment": 1_000, "cap": 4_500, "min_stars": 4}
#: A batch price whose fee (5%) is the default max_weight_per_rating: its
#: ratings carry full weight, and earn per_assignment AMP when well rated.
FULL_WEIGHT_PRICE = 2_000_000
#: A fee reaching the treasury is paid out to stakers over a voting period.
RELEASE = PARAMS["voting_period_secs"]


@dataclass
class Dao:
    market: Market
    mint: Pubkey
    voters: list[VoterClient]

    async def treasury(self) -> int:
        return await self.market.backend.get_balance(treasury_pda()[0])


async def make_dao(market: Market, holdings: list[int], **params: int) -> Dao:
    """AMP minted to holders while the admin is the mint authority, then the
    protocol handed to governance (upgrade and mint authorities included)."""
    admin = market.admin
    mint = (await admin.get_config()).amp_mint
    voters = []
    for amount in holdings:
        wallet = Keypair()
        await market.backend.airdrop(wallet.pubkey(), 10 * SOL)
        await admin.mint_amp(mint, wallet.pubkey(), amount)
        voters.append(market.amp.voter(wallet))
    await admin.initialize_governance({**PARAMS, **params}, EMISSION)
    return Dao(market, mint, voters)


async def earn_fees(market: Market, items: int, price: int = 100_000) -> tuple[Batch, WorkerClient]:
    """A batch whose work is done and whose fees are swept to the treasury."""
    b = await market.batch(
        n_items=items,
        price=price,
        salt=price.to_bytes(8, "little")
        + items.to_bytes(4, "little")
        + bytes(Keypair().pubkey())[:4],
    )
    w = await market.worker()
    await w.accept_tasks(b.address, range(items))
    await w.submit_results(b.address, [(i, b"\x01") for i in range(items)])
    await market.requester.sweep_fees(b.address)
    return b, w


async def write_buffer(market: Market, authority: Pubkey, code: bytes | None = None) -> Pubkey:
    """A loader buffer holding `code` (default: the shipped program), written
    with the loader's own instructions (InitializeBuffer, Write), its
    authority then set."""
    admin = market.admin
    code = program_bytes() if code is None else code
    buf = Keypair()
    size = 37 + len(code)
    rent = await market.backend.minimum_balance(size)
    await admin.send(
        [
            create_account(
                CreateAccountParams(
                    from_pubkey=admin.address,
                    to_pubkey=buf.pubkey(),
                    lamports=rent,
                    space=size,
                    owner=BPF_LOADER_UPGRADEABLE,
                )
            ),
            Instruction(
                BPF_LOADER_UPGRADEABLE,
                (0).to_bytes(4, "little"),
                [AccountMeta(buf.pubkey(), False, True), AccountMeta(admin.address, False, False)],
            ),
        ],
        [buf],
    )
    chunk = 900
    for at in range(0, len(code), chunk):
        part = code[at : at + chunk]
        data = (
            (1).to_bytes(4, "little")
            + at.to_bytes(4, "little")
            + len(part).to_bytes(8, "little")
            + part
        )
        await admin.send(
            [
                Instruction(
                    BPF_LOADER_UPGRADEABLE,
                    data,
                    [
                        AccountMeta(buf.pubkey(), False, True),
                        AccountMeta(admin.address, True, False),
                    ],
                )
            ]
        )
    await admin.send(
        [
            Instruction(
                BPF_LOADER_UPGRADEABLE,
                (4).to_bytes(4, "little"),
                [
                    AccountMeta(buf.pubkey(), False, True),
                    AccountMeta(admin.address, True, False),
                    AccountMeta(authority, False, False),
                ],
            )
        ]
    )
    return buf.pubkey()
