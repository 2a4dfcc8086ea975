"""`AmplifyClient`: the typed asyncio entry point of the SDK."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Self, TypeVar

from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from . import _instructions as ix
from ._backend import Backend, TxReceipt
from ._embedded import EmbeddedBackend
from ._exceptions import AccountNotFoundError
from ._models import AccountModel, Config, Treasury
from ._pda import config_pda, treasury_pda
from ._token import MINT_SIZE, create_mint_instructions

M = TypeVar("M", bound=AccountModel)

#: Lamports given to the payer of a fresh embedded client.
EMBEDDED_PAYER_LAMPORTS = 1_000 * 10**9
AMP_DECIMALS = 6


class AmplifyClient:
    """One interface over any backend. `payer` signs and pays for every call
    unless a method takes an explicit signer."""

    def __init__(self, backend: Backend, payer: Keypair) -> None:
        self.backend = backend
        self.payer = payer
        self.last_receipt: TxReceipt | None = None

    @classmethod
    async def embedded(cls, payer: Keypair | None = None) -> AmplifyClient:
        """A client on a fresh in-process SVM running the shipped program, with a
        funded payer."""
        backend = EmbeddedBackend()
        payer = payer or Keypair()
        await backend.airdrop(payer.pubkey(), EMBEDDED_PAYER_LAMPORTS)
        return cls(backend, payer)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.backend.close()

    async def send(
        self, instructions: Sequence[Instruction], signers: Sequence[Keypair] = ()
    ) -> TxReceipt:
        """Send instructions in one transaction, paid by `payer`."""
        receipt = await self.backend.send(instructions, signers, self.payer)
        self.last_receipt = receipt
        return receipt

    async def fetch(self, model: type[M], address: Pubkey) -> M:
        """Fetch and decode one program account."""
        acc = await self.backend.get_account(address)
        if acc is None:
            raise AccountNotFoundError(f"{model.IDL_NAME} account {address} does not exist")
        return model.from_account_data(address, acc.data)

    # -- protocol ----------------------------------------------------------------

    async def create_amp_mint(self, authority: Pubkey | None = None) -> Pubkey:
        """Create an SPL mint to serve as the AMP governance token (dev and tests;
        on a real cluster the mint already exists)."""
        mint = Keypair()
        rent = await self.backend.minimum_balance(MINT_SIZE)
        await self.send(
            create_mint_instructions(
                self.payer.pubkey(),
                mint.pubkey(),
                authority or self.payer.pubkey(),
                AMP_DECIMALS,
                rent,
            ),
            [mint],
        )
        return mint.pubkey()

    async def initialize(self, amp_mint: Pubkey, fee_bps: int = 500) -> Config:
        """Create the protocol config and treasury with `payer` as admin."""
        await self.send([ix.initialize(self.payer.pubkey(), amp_mint, fee_bps)])
        return await self.get_config()

    async def get_config(self) -> Config:
        return await self.fetch(Config, config_pda()[0])

    async def get_treasury(self) -> Treasury:
        return await self.fetch(Treasury, treasury_pda()[0])
