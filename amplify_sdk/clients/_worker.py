"""The worker: register, browse, accept in bulk, submit in bulk."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import nacl.bindings
import numpy as np
from nacl.public import PrivateKey
from solders.instruction import Instruction
from solders.pubkey import Pubkey

from ..chain._tx import PACKET_DATA_SIZE, transaction_size
from ..protocol import _instructions as ix
from ..protocol._crypto import sealable, x25519_secret
from ..protocol._exceptions import InvalidArgumentError, NotRegisteredError, ProgramError
from ..protocol._idl import constant
from ..protocol._models import (
    REUSABLE_ROSTER_VERSION,
    Batch,
    BatchStatus,
    Governance,
    ItemOutcome,
    TaskTable,
    WorkerProfile,
)
from ..protocol._pda import governance_pda, worker_profile_pda
from ..protocol._program_errors import (
    BatchCancelled,
    BatchExpired,
    BatchPaused,
    InvalidAnswers,
    InvalidEncryptionKey,
    ProtocolPaused,
    RatingTooLow,
    ResultUriTooLong,
    RosterFull,
)
from ..protocol._token import associated_token_address
from ..storage import Store
from ._bulk import chunks, collect, group, settle
from ._client import PLACEHOLDER, SIGNATURE_FEE
from ._encrypted import load_blob, open_item, receive_keys
from ._skills import SkillGate, SkillReader

MAX_ANSWER = constant("MAX_ANSWER")
MAX_RESULT_URI_LEN = constant("MAX_RESULT_URI_LEN")


def x25519_public_key(ed25519_public_key: bytes) -> bytes:
    """The X25519 key sealed item keys are addressed to, derived from the
    worker's ed25519 wallet key (so one wallet needs no second key)."""
    return bytes(nacl.bindings.crypto_sign_ed25519_pk_to_curve25519(ed25519_public_key))


class WorkerClient(SkillReader):
    async def register(self, encryption_key: bytes | None = None) -> WorkerProfile:
        """Create this wallet's worker profile (its one rent-bearing account).
        `encryption_key` defaults to the X25519 form of the wallet key; one no
        sealed box can be addressed to is refused (`InvalidEncryptionKey`)."""
        key = encryption_key or x25519_public_key(bytes(self.address))
        if not sealable(key):
            raise InvalidEncryptionKey()
        await self.send([ix.register_worker(self.address, key)])
        return await self.get_worker_profile(self.address)

    async def profile(self) -> WorkerProfile:
        found = await self.fetch_or_none(WorkerProfile, worker_profile_pda(self.address)[0])
        if found is None:
            raise NotRegisteredError(f"{self.address} has no worker profile: call register()")
        return found

    async def open_items(self, batch: Pubkey) -> list[int]:
        """Items of the batch with a free slot this worker does not hold."""
        b = await self.get_batch(batch)
        holder = _holder(b, self.address)
        out: list[int] = []
        for t in await self.get_tables(b):
            out += t.open_items(holder).tolist()
        return out

    async def reservations(self, batch: Pubkey) -> list[tuple[int, int]]:
        """(item, deadline) of this worker's reservations in the batch."""
        b = await self.get_batch(batch)
        holder = _holder(b, self.address)
        if not holder:
            return []
        out = []
        for t in await self.get_tables(b):
            mine = (t.holders == holder) & t.reserved()
            for row in t.items_of(holder, reserved=True) - t.first_item:
                tick = int(t.ticks[row][mine[row]][0])
                out.append((int(row) + t.first_item, b.deadline(tick)))
        return out

    async def accept_tasks(
        self, batch: Pubkey, items: Iterable[int], *, store: Store | None = None
    ) -> list[ItemOutcome]:
        """Reserve each item, many per transaction. Returns one outcome per
        requested item, in order: accepted, or refused with the program's error
        (`ItemFull`, `AlreadyAccepted`, `WorkerCapReached`, `ActiveLimitReached`,
        `ItemNotFound`, ...).

        Checks before spending anything: the wallet is registered
        (`NotRegisteredError`), the batch is open to it (the program's
        `BatchPaused`, `BatchExpired`, `RatingTooLow`, ... raised as such), and
        it can pay the fees and the bonds (`InsufficientFundsError`).

        A batch that requires skills is accepted with proofs of this worker's
        values, built from each skill's leaf list in `store` (where the issuer
        published it) and checked first (`SkillTooLow`, `InvalidSkillProof`).
        """
        wanted = list(items)
        profile = await self.profile()
        b = await self.get_batch(batch)
        await self._check_open(b, profile)
        gate: SkillGate | None = None
        if b.skill_count:
            if store is None:
                raise InvalidArgumentError(
                    f"batch {batch} requires skills: pass the store holding their leaf lists"
                )
            gate = await self.skill_proofs(batch, self.address, store)

        def build(table: Pubkey, chunk: Sequence[int]) -> Instruction:
            if gate is None:
                return ix.accept_tasks(self.address, batch, table, chunk)
            return ix.accept_skilled_tasks(
                self.address, batch, table, chunk, gate.proofs, gate.remaining
            )

        tables = await self.get_tables(b)
        room = await self._make_room(b, tables)
        groups, outcomes = group(wanted, b, tables)
        k = self.max_items(lambda n: build(PLACEHOLDER, [0] * n), 4)
        todo = list(chunks(groups, k))
        if room and todo:
            # The releases that free a place go with the first acceptance, in
            # one transaction: the place cannot be taken in between.
            table, first = todo[0]
            fit = len(first)
            while fit > 1 and (
                transaction_size([*room, build(table.address, [0] * fit)], self.wallet, 1)
                > PACKET_DATA_SIZE
            ):
                fit -= 1
            todo[0:1] = [(table, first[:fit])] + ([(table, first[fit:])] if first[fit:] else [])
        await self.require_lamports(
            SIGNATURE_FEE * len(todo) + b.bond * sum(len(c) for _, c in todo),
            "accepting these items",
        )
        for n, (table, chunk) in enumerate(todo):
            before = room if n == 0 else []
            try:
                receipt = await self.send([*before, build(table.address, [i for _, i in chunk])])
            except ProgramError as e:
                # Worker-level: every later chunk would fail the same way.
                for _, rest in todo[n:]:
                    for pos, item in rest:
                        outcomes[pos] = ItemOutcome(item, False, e)
                break
            settle(chunk, receipt, "TasksAccepted", "accepted", outcomes)
        return collect(outcomes)

    async def submit_results(
        self, batch: Pubkey, results: Sequence[tuple[int, bytes]], result_uri: str = ""
    ) -> list[ItemOutcome]:
        """Deliver (item, answer) pairs and be paid at once. Every answer has the
        same length, 1-64 bytes: a label inline, or a 32-byte hash of a result
        stored at `result_uri` + hex(hash). One outcome per pair, in order."""
        if any(not isinstance(a, bytes) for _, a in results):
            raise InvalidArgumentError("an answer is bytes")
        widths = {len(a) for _, a in results}
        if len(widths) > 1 or (widths and not 1 <= next(iter(widths)) <= MAX_ANSWER):
            raise InvalidAnswers()
        if len(result_uri.encode("utf-8", "surrogatepass")) > MAX_RESULT_URI_LEN:
            raise ResultUriTooLong()
        width = widths.pop() if widths else 1
        answers = dict(enumerate(a for _, a in results))
        b = await self.get_batch(batch)
        tables = await self.get_tables(b)
        groups, outcomes = group([i for i, _ in results], b, tables)
        k = self.max_items(
            lambda n: ix.submit_results(
                self.address, batch, PLACEHOLDER, [0] * n, bytes(n * width), result_uri
            ),
            4 + width,
        )
        todo = list(chunks(groups, k))
        await self.require_lamports(SIGNATURE_FEE * len(todo), "submitting these results")
        for n, (table, chunk) in enumerate(todo):
            blob = b"".join(answers[pos] for pos, _ in chunk)
            try:
                receipt = await self.send(
                    [
                        ix.submit_results(
                            self.address,
                            batch,
                            table.address,
                            [i for _, i in chunk],
                            blob,
                            result_uri,
                        )
                    ]
                )
            except ProgramError as e:
                for _, rest in todo[n:]:
                    for pos, item in rest:
                        outcomes[pos] = ItemOutcome(item, False, e)
                break
            settle(chunk, receipt, "ResultsSubmitted", "items", outcomes)
        return collect(outcomes)

    async def claim_emissions(self) -> int:
        """Mint the AMP this worker's well-rated work earned; returns the amount."""
        g = await self.fetch(Governance, governance_pda()[0])
        tokens = associated_token_address(self.address, g.amp_mint)
        receipt = await self.send(
            [
                *await self.open_token_account(self.address, g.amp_mint),
                ix.claim_emissions(self.address, tokens, g.amp_mint),
            ]
        )
        return sum(e.fields["amount"] for e in receipt.events if e.name == "EmissionsClaimed")

    async def receive_keys(
        self,
        batch: Pubkey,
        items: Iterable[int],
        *,
        wait: float = 0.0,
        secret: PrivateKey | None = None,
    ) -> dict[int, bytes]:
        """Item keys delivered to this wallet for `items` of an encrypted batch,
        from chain data alone, opened with this wallet's X25519 secret (or
        `secret`, for a worker that registered a separate key); waits up to
        `wait` s for missing ones (`KeyNotFoundError` names those still
        missing)."""
        secret = secret or x25519_secret(self.wallet)
        return await receive_keys(self.backend, self.address, secret, batch, items, wait=wait)

    async def fetch_items(
        self,
        batch: Pubkey,
        items: Sequence[int],
        store: Store,
        *,
        wait: float = 0.0,
        secret: PrivateKey | None = None,
    ) -> list[bytes]:
        """Items of a batch, in order, each blob from `store` checked against
        the chain's commitment (`ContentMismatchError`,
        `ManifestMismatchError`). A plain batch's items are the blobs; an
        encrypted batch's are decrypted with keys from chain data (reserved
        items only; `DecryptionError`: a blob moved from another item or
        batch does not open)."""
        b = await self.get_batch(batch)
        if not b.encrypted:
            return [await load_blob(b, item, store) for item in items]
        keys = await self.receive_keys(batch, items, wait=wait, secret=secret)
        return [await open_item(b, item, keys[item], store) for item in items]

    async def fetch_item(
        self,
        batch: Pubkey,
        item: int,
        store: Store,
        *,
        wait: float = 0.0,
        secret: PrivateKey | None = None,
    ) -> bytes:
        return (await self.fetch_items(batch, [item], store, wait=wait, secret=secret))[0]

    async def _check_open(self, b: Batch, profile: WorkerProfile) -> None:
        config = await self.get_config()
        now = await self.now()
        if config.paused:
            raise ProtocolPaused()
        if b.status == BatchStatus.CANCELLED:
            raise BatchCancelled()
        if b.status == BatchStatus.PAUSED:
            raise BatchPaused()
        if now >= b.expires_at:
            raise BatchExpired()
        if profile.rating < b.min_rating:
            raise RatingTooLow()
        if b.encrypted and not sealable(profile.encryption_key):
            raise InvalidEncryptionKey()

    async def _make_room(self, b: Batch, tables: Sequence[TaskTable]) -> list[Instruction]:
        """What to send before this worker's first acceptance so that a full
        roster has a place for it: nothing if it has one, there is room or a
        place is free; else the `release_expired` instructions of the worker
        holding the fewest reservations, all lapsed, and no work awaiting a
        rating (its place is free once they are released; its bonds go to the
        requester). `RosterFull` if no place can be freed."""
        if (
            b.roster_index(self.address) is not None
            or b.roster_len < b.roster_capacity
            or b.free_place() is not None
        ):
            return []
        if b.version < REUSABLE_ROSTER_VERSION:
            raise RosterFull()
        now = await self.now()
        for entry in sorted((e for e in b.roster if e.pending == 0), key=lambda e: e.active):
            lapsed: list[tuple[TaskTable, list[int]]] = []
            for t in tables:
                mine = (t.holders == entry.index + 1) & t.reserved()
                late = mine & (b.created_at + t.ticks.astype("int64") * b.tick_secs < now)
                if (mine & ~late).any():
                    break  # one reservation still runs: the place is held
                rows = np.flatnonzero(late.any(axis=1))
                if len(rows):
                    lapsed.append((t, (rows + t.first_item).tolist()))
            else:
                if sum(len(items) for _, items in lapsed) != entry.active:
                    continue  # the tables and the roster disagree: read again later
                release = [
                    ix.release_expired(b.address, t.address, b.requester, entry.worker, items)
                    for t, items in lapsed
                ]
                room = [*release, ix.accept_tasks(self.address, b.address, PLACEHOLDER, [0])]
                if transaction_size(room, self.wallet, 1) <= PACKET_DATA_SIZE:
                    return release
        raise RosterFull()


def _holder(b: Batch, worker: Pubkey) -> int:
    idx = b.roster_index(worker)
    return 0 if idx is None else idx + 1
