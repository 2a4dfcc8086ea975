"""The requester: post batches, upload items, rate work, cancel and close."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.system_program import CreateAccountWithSeedParams, create_account_with_seed

from ..chain._backend import Backend
from ..chain._history import uploads_from_history
from ..protocol import _instructions as ix
from ..protocol._ceiling import max_reachable_score
from ..protocol._crypto import seal_key
from ..protocol._exceptions import InvalidArgumentError, ManifestMismatchError, ProgramError
from ..protocol._layout import (
    MAX_PERMITTED_DATA_INCREASE,
    ROSTER_PLACE_SIZE,
    plan_tables,
    table_size,
)
from ..protocol._manifest import Upload, manifest_hash, merkle_root
from ..protocol._models import Batch, BatchStatus, ItemOutcome, RequesterProfile, TaskTable
from ..protocol._pda import (
    batch_pda,
    requester_profile_pda,
    table_address,
    table_seed,
)
from ..protocol._program_errors import (
    BatchCancelled,
    NotEncrypted,
    ProtocolPaused,
    Unauthorized,
)
from ..storage import DEFAULT_CONCURRENCY, BatchManifest, Store, save_manifest
from ._batch_rules import check_batch
from ._bulk import chunks, collect, group, send_chunks, table_of
from ._client import PLACEHOLDER, SIGNATURE_FEE, Progress, content_hash
from ._encrypted import encrypt_items, locators
from ._gate import GatePrice, check_gate, price_gate
from ._ratings import plan_ratings, rating_transactions
from ._settle import open_slots, plan
from ._skills import SkillIssuer


@dataclass(frozen=True)
class BatchParams:
    """Defaults a requester can override in `create_batch`."""

    #: Workers the roster has room for at first (grow_roster adds more).
    roster_capacity: int = 64
    #: Reservations one worker may hold at once.
    max_active: int = 256
    reservation_secs: int = 3600
    expires_in: int = 7 * 24 * 3600


class RequesterClient(SkillIssuer):
    def __init__(self, backend: Backend, wallet: Keypair) -> None:
        super().__init__(backend, wallet)
        # Per batch: the manifest hash and items of the last prefix this client
        # checked or uploaded, so chunked uploads (add_tasks with a growing
        # list) hash each item once rather than once per call.
        self._verified: dict[Pubkey, tuple[bytes, list[bytes]]] = {}
        #: The gate of the last batch `create_batch` opened (or refused): its
        #: forge cost and prize; None for an ungated batch.
        self.last_gate: GatePrice | None = None

    async def create_batch(
        self,
        *,
        price: int,
        redundancy: int = 1,
        bond: int | None = None,
        min_rating: int = 0,
        per_worker_cap: int = 0,
        max_active: int = BatchParams.max_active,
        reservation_secs: int = BatchParams.reservation_secs,
        expires_at: int | None = None,
        expires_in: int = BatchParams.expires_in,
        encrypted: bool = False,
        roster_capacity: int = BatchParams.roster_capacity,
        key_agent: Pubkey | None = None,
        instructions_hash: bytes = bytes(32),
        base_uri: str = "",
        batch_id: int | None = None,
        allow_forgeable_gate: bool = False,
    ) -> Batch:
        """Open a batch. `price`: lamports per item per worker, fee included.
        `bond` (default a tenth of the price): what a worker deposits per
        reservation, forfeited to you if it lets the reservation expire.

        A `min_rating` gate is priced first (`gate_price`; kept in
        `last_gate`): when one identity past it could take more
        (`per_worker_cap` × payout, or the whole batch when uncapped) than a
        ring of Sybil requesters pays in fees to lift an identity past it,
        `ForgeableGateError` is raised and nothing is sent, unless
        `allow_forgeable_gate`."""
        batch_id = secrets.randbits(63) if batch_id is None else batch_id
        if not 0 <= batch_id < 2**64:
            raise InvalidArgumentError(f"batch_id {batch_id} is not a u64")
        now = await self.now()
        if expires_at is None:
            expires_at = now + expires_in
        config = await self.get_config()
        if config.paused:
            raise ProtocolPaused()
        check_batch(
            price, config.fee_bps, redundancy, min_rating, max_active, reservation_secs,
            expires_at, now, base_uri, roster_capacity,
            max_reachable_score(config.reputation),
        )  # fmt: skip
        self.last_gate = price_gate(
            config.reputation, config.fee_bps, min_rating, price, per_worker_cap
        )
        check_gate(self.last_gate, allow_forgeable_gate)
        await self.send(
            [
                ix.create_batch(
                    self.address,
                    batch_id,
                    price=price,
                    bond=price // 10 if bond is None else bond,
                    redundancy=redundancy,
                    min_rating=min_rating,
                    per_worker_cap=per_worker_cap,
                    max_active=max_active,
                    reservation_secs=reservation_secs,
                    expires_at=expires_at,
                    encrypted=encrypted,
                    roster_capacity=roster_capacity,
                    key_agent=key_agent or self.address,
                    instructions_hash=instructions_hash,
                    base_uri=base_uri,
                )
            ]
        )
        return await self.get_batch(batch_pda(self.address, batch_id)[0])

    async def gate_price(
        self, *, price: int, min_rating: int, per_worker_cap: int = 0
    ) -> GatePrice | None:
        """What a batch gated at `min_rating` would protect and what forging
        the gate costs under the chain's reputation parameters and fee rate
        (docs/reputation.md); None for `min_rating` 0. Nothing is sent."""
        config = await self.get_config()
        return price_gate(config.reputation, config.fee_bps, min_rating, price, per_worker_cap)

    async def add_tasks(
        self,
        batch: Pubkey,
        content_hashes: Iterable[bytes],
        *,
        uploads: Sequence[Upload] = (),
        progress: Progress | None = None,
    ) -> list[Upload]:
        """Put items on chain, exactly once: their content hashes are committed
        by one Merkle root per task table reached, and their escrow
        (price × items × redundancy) moves from this wallet into the batch.

        Resumable: items the batch already holds are skipped, after checking
        they are the first items given — pass the `uploads` this method
        returned before (the manifest); a mismatch raises
        `ManifestMismatchError` and nothing is sent. Returns every upload of
        the batch, to keep beside the items (for proofs and for resuming).
        """
        items = list(content_hashes)
        bad = [i for i, h in enumerate(items) if not isinstance(h, bytes) or len(h) != 32]
        if bad:
            raise InvalidArgumentError(f"items {bad[:5]}: a content hash is 32 bytes")
        b = await self.get_batch(batch)
        start = b.item_count
        done = list(uploads)
        self._check_prefix(b, items, done)
        if start >= len(items):
            return done
        tables = await self.get_tables(b)
        rent = 0
        need_capacity = len(items) - b.items_capacity
        new_tables = plan_tables(need_capacity, b.redundancy) if need_capacity > 0 else []
        for capacity in new_tables:
            rent += await self.backend.minimum_balance(table_size(capacity, b.redundancy))
        escrow = b.price * b.redundancy * (len(items) - start)
        fees = SIGNATURE_FEE * (len(new_tables) + len(tables) + 1)
        await self.require_lamports(escrow + rent + fees, "uploading these items")

        index = start
        next_table = b.table_count
        tables_end = b.items_capacity
        pending = list(new_tables)
        while index < len(items):
            ixs: list[Instruction] = []
            table = table_of(tables, index)
            if table is None:
                capacity = pending.pop(0)
                address = await self._create_table_ixs(b, next_table, capacity, ixs)
                tables_end += capacity
                end = tables_end
                next_table += 1
            else:
                address, end = table.address, table.first_item + table.capacity
            n = min(end, len(items)) - index
            root = merkle_root(index, items[index : index + n])
            ixs.append(ix.add_tasks(self.address, batch, address, index, n, root))
            await self.send(ixs)
            done.append(Upload(index, n, root))
            index += n
            if progress is not None:
                progress(index - start, len(items) - start)
            if table is None:
                tables.append(await self.fetch(TaskTable, address))
            self._verified[batch] = (manifest_hash(done), items[:index])
        return done

    def _check_prefix(self, b: Batch, items: list[bytes], uploads: list[Upload]) -> None:
        known = self._verified.get(b.address)
        if (
            known is not None
            and known[0] == b.manifest_hash
            and len(known[1]) == b.item_count
            and manifest_hash(uploads) == b.manifest_hash
            and items[: b.item_count] == known[1]
        ):
            return  # the same items this client already matched with this manifest
        if b.item_count == 0:
            if uploads:
                raise ManifestMismatchError("uploads given for a batch with no items")
            return
        if sum(u.count for u in uploads) != b.item_count:
            raise ManifestMismatchError(
                f"the batch holds {b.item_count} items; pass the uploads that put them there"
            )
        if b.item_count > len(items):
            raise ManifestMismatchError(f"the batch already holds {b.item_count} items")
        if manifest_hash(uploads) != b.manifest_hash:
            raise ManifestMismatchError("these uploads are not the ones the batch committed")
        for u in uploads:
            if merkle_root(u.start, items[u.start : u.start + u.count]) != u.root:
                raise ManifestMismatchError(f"items {u.start}.. differ from those on chain")
        self._verified[b.address] = (b.manifest_hash, items[: b.item_count])

    async def _create_table_ixs(
        self, b: Batch, index: int, capacity: int, out: list[Instruction]
    ) -> Pubkey:
        """Instructions allocating and initializing task table `index`."""
        size = table_size(capacity, b.redundancy)
        address = table_address(self.address, b.batch_number, index)
        out.append(
            create_account_with_seed(
                CreateAccountWithSeedParams(
                    from_pubkey=self.address,
                    to_pubkey=address,
                    base=self.address,
                    seed=table_seed(b.batch_number, index),
                    lamports=await self.backend.minimum_balance(size),
                    space=size,
                    owner=self.backend.program_id,
                )
            )
        )
        out.append(ix.init_table(self.address, b.address, address, index))
        return address

    async def register_requester(self) -> RequesterProfile:
        """Create this wallet's requester profile (its rating habits)."""
        await self.send([ix.register_requester(self.address)])
        return await self.fetch(RequesterProfile, requester_profile_pda(self.address)[0])

    async def grow_roster(self, batch: Pubkey, extra: int) -> None:
        """Room for `extra` more workers (42 bytes of rent each)."""
        per_ix = MAX_PERMITTED_DATA_INCREASE // ROSTER_PLACE_SIZE
        ixs = []
        while extra > 0:
            step = min(extra, per_ix)
            ixs.append(ix.grow_roster(self.address, batch, step))
            extra -= step
        await self.send(ixs)

    async def set_batch_paused(self, batch: Pubkey, paused: bool) -> None:
        await self.send([ix.set_batch_paused(self.address, batch, paused)])

    async def cancel_batch(self, batch: Pubkey) -> None:
        await self.send([ix.cancel_batch(self.address, batch)])

    async def open_slots(self, batch: Pubkey, items: Iterable[int]) -> dict[int, int]:
        """Of `items`, those with open slots and how many: what `settle_items` would refund."""
        return open_slots(await self.get_tables(await self.get_batch(batch)), items)

    async def settle_items(self, batch: Pubkey, items: Sequence[int]) -> list[ItemOutcome]:
        """Settle `items` (dynamic overlap): their open slots are refunded to
        this wallet at once and no worker can take them; reserved slots stay
        payable. One outcome per item, in order; refused before sending: not
        the requester (`Unauthorized`), a cancelled batch (`BatchCancelled`),
        items as `_settle.plan` says."""
        b = await self.get_batch(batch)
        if b.requester != self.address:
            raise Unauthorized(f"{self.address} is not the requester of batch {batch}")
        if b.status == BatchStatus.CANCELLED:
            raise BatchCancelled(f"batch {batch} is cancelled: its open slots were refunded")
        groups, outcomes = plan(list(items), b, await self.get_tables(b))
        k = self.max_items(lambda n: ix.settle_items(self.address, batch, PLACEHOLDER, [0] * n), 4)
        await send_chunks(
            self.send,
            [c for c in chunks(groups, k) if c[1]],
            lambda t, chunk: ix.settle_items(self.address, batch, t.address, [i for _, i in chunk]),
            "ItemsSettled",
            outcomes,
        )
        return collect(outcomes)

    async def rate_assignments(
        self, batch: Pubkey, ratings: Sequence[tuple[int, Pubkey, int]]
    ) -> list[ItemOutcome]:
        """Rate completed work: (item, worker, stars 1-5). One outcome per rating,
        in order; ratings that cannot succeed (not completed, already rated,
        your own work, bad stars) are refused before anything is sent. The
        first rating registers this wallet's requester profile (once).

        Sent as `rate_worker` instructions, one per worker (and task table),
        packed into as few transactions as fit: a worker's ratings apply in
        the order given, workers in the order first named."""
        b = await self.get_batch(batch)
        tables = await self.get_tables(b)
        outcomes, parts = plan_ratings(b, tables, ratings)
        # The profile is created only for ratings that will be sent.
        if parts and (
            await self.fetch_or_none(RequesterProfile, requester_profile_pda(self.address)[0])
            is None
        ):
            await self.register_requester()
        for tx in rating_transactions(self.wallet, b, parts):
            sent = [(pos, item) for part in tx for pos, item, _ in part.ratings]
            try:
                receipt = await self.send([part.instruction(self.address, b) for part in tx])
            except ProgramError as e:
                for pos, item in sent:
                    outcomes[pos] = ItemOutcome(item, False, e)
                continue
            for pos, item in sent:
                outcomes[pos] = ItemOutcome(item, True, signature=receipt.signature)
        return [o for o in outcomes if o is not None]

    async def deliver_keys(
        self, batch: Pubkey, worker: Pubkey, keys: Sequence[tuple[int, bytes]]
    ) -> list[ItemOutcome]:
        """Deliver item keys to `worker` for items it reserved in an encrypted
        batch: (item, 32-byte item key), sealed here to the worker's registered
        X25519 key. This wallet must be the batch's requester or key agent.
        `InvalidEncryptionKey` (nothing sent) if the worker's key is one no
        sealed box can be addressed to (a profile from before the program
        refused them)."""
        bad = [i for i, k in keys if not isinstance(k, bytes) or len(k) != 32]
        if bad:
            raise InvalidArgumentError(f"items {bad[:5]}: an item key is 32 bytes")
        profile = await self.get_worker_profile(worker)
        b = await self.get_batch(batch)
        tables = await self.get_tables(b)
        sealed = {pos: seal_key(k, profile.encryption_key) for pos, (_, k) in enumerate(keys)}
        groups, outcomes = group([i for i, _ in keys], b, tables)
        k = self.max_items(
            lambda n: ix.deliver_keys(
                self.address, batch, PLACEHOLDER, worker, [0] * n, [bytes(80)] * n
            ),
            4 + 80,
        )
        await send_chunks(
            self.send,
            list(chunks(groups, k)),
            lambda t, chunk: ix.deliver_keys(
                self.address,
                batch,
                t.address,
                worker,
                [i for _, i in chunk],
                [sealed[pos] for pos, _ in chunk],
            ),
            "KeysDelivered",
            outcomes,
        )
        return collect(outcomes)

    async def upload_encrypted(
        self,
        batch: Pubkey,
        items: Sequence[bytes],
        store: Store,
        master_key: bytes,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        proofs: bool = False,
        progress: Progress | None = None,
    ) -> BatchManifest:
        """Encrypt `items` (the batch's items 0..n-1) under keys derived from
        `master_key`, store the ciphertexts, commit their hashes and save the
        manifest beside them. Resumable: call again with the same arguments
        (blobs already stored are not sent again; items already committed are
        skipped)."""
        b = await self.get_batch(batch)
        if not b.encrypted:
            raise NotEncrypted()
        blobs = encrypt_items(batch, items, master_key)
        return await self._store_and_commit(b, blobs, store, concurrency, proofs, progress)

    async def upload_items(
        self,
        batch: Pubkey,
        items: Sequence[bytes],
        store: Store,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        proofs: bool = False,
        progress: Progress | None = None,
    ) -> BatchManifest:
        """Store the items of a plain batch (items 0..n-1) as they are, commit
        their hashes and save the manifest beside them, so that workers fetch
        each item and check it against the chain (`WorkerClient.fetch_items`).
        Resumable as `upload_encrypted` is."""
        b = await self.get_batch(batch)
        if b.encrypted:
            # Plaintext hashes on chain would let anyone confirm a guess of an item.
            raise ValueError("an encrypted batch's items go through upload_encrypted")
        return await self._store_and_commit(b, list(items), store, concurrency, proofs, progress)

    async def _store_and_commit(
        self,
        b: Batch,
        blobs: list[bytes],
        store: Store,
        concurrency: int,
        proofs: bool,
        progress: Progress | None,
    ) -> BatchManifest:
        hashes = [content_hash(x) for x in blobs]
        uris = await store.put_many(blobs, concurrency=concurrency)
        # Items already committed are skipped: their upload list is read back
        # from the batch's `TasksAdded` events and checked by `add_tasks`.
        done = await uploads_from_history(self.backend, b.address) if b.item_count else []
        uploads = await self.add_tasks(b.address, hashes, uploads=done, progress=progress)
        found = locators(store, hashes, uris)
        manifest = BatchManifest(b.address, tuple(uploads), tuple(hashes), found, b.encrypted)
        await save_manifest(store, manifest, proofs=proofs)
        return manifest

    async def close_batch(self, batch: Pubkey) -> None:
        """Close a done batch, all its task tables and its skill requirement
        (`BatchSkills`, if it ever required skills) in one transaction: fees to
        the treasury, rent and unspent escrow back to this wallet."""
        b = await self.get_batch(batch)
        tables = [table_address(b.requester, b.batch_number, i) for i in range(b.table_count)]
        skills = await self.get_batch_skills(batch)
        if skills is not None:
            tables.append(skills.address)
        await self.send([ix.close_batch(self.address, batch, tables)])

    async def is_open(self, batch: Pubkey) -> bool:
        b = await self.get_batch(batch)
        return b.status == BatchStatus.OPEN and await self.now() < b.expires_at


__all__ = ["BatchParams", "RequesterClient"]
