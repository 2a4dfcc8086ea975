"""Instruction builders, generated from idl/amplify.json by scripts/gen.py.

Do not edit.

One pure function per instruction: the accounts the caller must name (in the
IDL's order), the values of seeds read from the chain, then the arguments.
Accounts with a fixed address or PDA seeds in the IDL are filled in by
`build_instruction`, as Anchor's accounts resolver does. Each pairs with
`decode_instruction` for the reverse direction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from solders.instruction import Instruction
from solders.pubkey import Pubkey

from ._build import Remaining, build_instruction, resolve_accounts, struct_arg


def initialize(
    admin: Pubkey,
    amp_mint: Pubkey,
    fee_bps: int,
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Create the protocol config and treasury. The signer becomes the admin.

    - `admin` (signer, writable): Must be the program's upgrade authority (if it has one).
    - `amp_mint`
    - `fee_bps`

    Derived from the IDL's seeds: `config`, `treasury`, `program_data`.
    Fixed addresses: `program`, `system_program`.
    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "initialize",
        {"admin": admin, "amp_mint": amp_mint},
        {"fee_bps": fee_bps},
        program_id,
        remaining,
    )


def set_paused(
    admin: Pubkey,
    paused: bool,
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Admin: stop or resume new batches and acceptances protocol-wide.

    - `admin` (signer)
    - `paused`

    Derived from the IDL's seeds: `config`.
    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "set_paused",
        {"admin": admin},
        {"paused": paused},
        program_id,
        remaining,
    )


def set_reputation_params(
    admin: Pubkey,
    params: Mapping[str, Any] | tuple[int, int, int, bytes, int, int, int, int, int, int],
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Admin (later: governance): change the reputation formula's parameters, within bounds.

    - `admin` (signer)
    - `params`

    Derived from the IDL's seeds: `config`.
    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "set_reputation_params",
        {"admin": admin},
        {"params": struct_arg("ReputationParams", params)},
        program_id,
        remaining,
    )


def register_worker(
    worker: Pubkey,
    encryption_key: bytes,
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Create the signer's worker profile with its X25519 encryption key. A key no sealed box
    can be addressed to (one of the low-order points of Curve25519, in any encoding:
    all-zero among them) is refused (InvalidEncryptionKey).

    - `worker` (signer, writable)
    - `encryption_key`

    Derived from the IDL's seeds: `profile`.
    Fixed addresses: `system_program`.
    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "register_worker",
        {"worker": worker},
        {"encryption_key": encryption_key},
        program_id,
        remaining,
    )


def register_requester(
    requester: Pubkey,
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Create the signer's requester profile (once; it must exist before the requester rates).

    - `requester` (signer, writable)

    Derived from the IDL's seeds: `profile`, `config`.
    Fixed addresses: `system_program`.
    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "register_requester",
        {"requester": requester},
        {},
        program_id,
        remaining,
    )


def create_batch(
    requester: Pubkey,
    batch_id: int,
    price: int,
    bond: int,
    redundancy: int,
    min_rating: int,
    per_worker_cap: int,
    max_active: int,
    reservation_secs: int,
    expires_at: int,
    encrypted: bool,
    roster_capacity: int,
    key_agent: Pubkey,
    instructions_hash: bytes,
    base_uri: str,
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Requester: open a batch. The fee rate is fixed now for the batch's life; escrow arrives
    with the items (add_tasks). The account holds the parameters, the money counters and
    the roster of workers (roster_capacity entries; grow_roster adds more).

    - `requester` (signer, writable): Pays the batch's rent; gets it back at close.
    - `batch_id`: Any number the requester picks; seeds the batch address.
    - `price`: Lamports paid per item per worker, fee included.
    - `bond`: Lamports a worker deposits per reservation: returned with the payment,
      forfeited to the requester if the reservation expires.
    - `redundancy`: Distinct workers that must complete each item (1-64).
    - `min_rating`: Minimum worker rating in milli-stars (0-5000).
    - `per_worker_cap`: Most items of this batch one worker may take in total; 0 = no cap.
    - `max_active`: Most reservations one worker may hold at once (>= 1).
    - `reservation_secs`: Seconds a worker has to submit after accepting (>= 1).
    - `expires_at`: Unix time after which no item can be accepted; at most 65,534 x
      reservation_secs ahead (a deadline tick is then at most reservation_secs long).
    - `encrypted`: Items are encrypted; keys are delivered sealed to each accepting worker.
    - `roster_capacity`: Workers the roster has room for now (1-16383, within 10 KiB of
      account).
    - `key_agent`: Who may deliver item keys besides the requester (the requester itself if
      unused).
    - `instructions_hash`: sha256 of the task instructions, stored at base_uri + hex(hash).
    - `base_uri`: Where items live: item data at base_uri + hex(content hash), manifests
      likewise (UTF-8, <= 200 bytes).

    Derived from the IDL's seeds: `config`, `batch`.
    Fixed addresses: `system_program`.
    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "create_batch",
        {"requester": requester},
        {
            "batch_id": batch_id,
            "price": price,
            "bond": bond,
            "redundancy": redundancy,
            "min_rating": min_rating,
            "per_worker_cap": per_worker_cap,
            "max_active": max_active,
            "reservation_secs": reservation_secs,
            "expires_at": expires_at,
            "encrypted": encrypted,
            "roster_capacity": roster_capacity,
            "key_agent": key_agent,
            "instructions_hash": instructions_hash,
            "base_uri": base_uri,
        },
        program_id,
        remaining,
    )


def grow_roster(
    requester: Pubkey,
    batch: Pubkey,
    extra: int,
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Requester: make room for extra workers in the batch's roster (at most 10 KiB of account
    per instruction).

    - `requester` (signer, writable): Pays the added rent.
    - `batch` (writable)
    - `extra`

    Fixed addresses: `system_program`.
    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "grow_roster",
        {"requester": requester, "batch": batch},
        {"extra": extra},
        program_id,
        remaining,
    )


def init_table(
    requester: Pubkey,
    batch: Pubkey,
    table: Pubkey,
    index: int,
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Requester: initialize the batch's next task table, an account the requester created
    beforehand with a top-level SystemProgram.createAccountWithSeed (base = requester,
    seed = "t" + hex16(batch_number) + hex4(index), owner = this program; any size up to
    10 MiB). Its size fixes its capacity: (size - 100) / (4 * redundancy) items.

    - `requester` (signer)
    - `batch` (writable)
    - `table` (writable): A task table of the batch: create_with_seed(batch.requester, "t" +
      hex16(batch.batch_number) + hex4(table index), program).
    - `index`: Must be the batch's table_count.

    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "init_table",
        {"requester": requester, "batch": batch, "table": table},
        {"index": index},
        program_id,
        remaining,
    )


def add_tasks(
    requester: Pubkey,
    batch: Pubkey,
    table: Pubkey,
    start_index: int,
    count: int,
    root: bytes,
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Requester: append count items to the batch, committed by the Merkle root of their
    content hashes (manifest in storage), and escrow price x count x redundancy.
    start_index must equal the batch's item_count: a replayed upload fails instead of
    adding twice. Lamports the batch holds beyond what it owes count first; the rest is
    transferred from the requester.

    - `requester` (signer, writable)
    - `batch` (writable)
    - `table` (writable): A task table of the batch: create_with_seed(batch.requester, "t" +
      hex16(batch.batch_number) + hex4(table index), program). The table the items go to
      (the last one).
    - `start_index`
    - `count`
    - `root`: Merkle root over the items' content hashes (see docs/protocol.md).

    Fixed addresses: `system_program`.
    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "add_tasks",
        {"requester": requester, "batch": batch, "table": table},
        {"start_index": start_index, "count": count, "root": root},
        program_id,
        remaining,
    )


def set_batch_paused(
    requester: Pubkey,
    batch: Pubkey,
    paused: bool,
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Requester: stop or resume acceptances on one batch. Accepted work can still be submitted
    and is paid.

    - `requester` (signer)
    - `batch` (writable)
    - `paused`

    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "set_batch_paused",
        {"requester": requester, "batch": batch},
        {"paused": paused},
        program_id,
        remaining,
    )


def accept_tasks(
    worker: Pubkey,
    batch: Pubkey,
    table: Pubkey,
    items: Sequence[int],
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Worker: reserve one slot of each listed item (all in one task table). The whole
    instruction fails when the protocol or batch is paused, the batch is cancelled or
    expired, the worker's rating is below the minimum, its registered key cannot be
    sealed to (encrypted batch), the roster is full with no free place or an item does
    not exist. A worker new to a full roster takes the place of the first worker that
    holds nothing (no reservation, no work awaiting a rating). An item that is full,
    already held by the worker, or over the worker's cap or active limit is skipped and
    reported in the TasksAccepted event; the rest are reserved. The worker deposits the
    batch's bond per reservation. A batch that requires skills (require_skills) refuses
    this instruction (SkillProofRequired): accept it with accept_skilled_tasks.

    - `worker` (signer, writable)
    - `batch` (writable)
    - `table` (writable): A task table of the batch: create_with_seed(batch.requester, "t" +
      hex16(batch.batch_number) + hex4(table index), program).
    - `items`

    Derived from the IDL's seeds: `config`, `profile`.
    Fixed addresses: `clock`, `system_program`.
    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "accept_tasks",
        {"worker": worker, "batch": batch, "table": table},
        {"items": list(items)},
        program_id,
        remaining,
    )


def submit_results(
    worker: Pubkey,
    batch: Pubkey,
    table: Pubkey,
    items: Sequence[int],
    answers: bytes,
    result_uri: str = "",
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Worker: deliver results for items it holds (all in one task table) and be paid at once:
    (price - fee + bond) per item, no requester veto. answers holds one answer of
    answers.len / items.len bytes (1-64) per item: a label inline, or a 32-byte hash of
    a result stored at result_uri + hex(hash). An item the worker does not hold reserved
    (or whose key was not delivered yet, in an encrypted batch) is skipped and reported
    in the ResultsSubmitted event.

    - `worker` (signer, writable)
    - `batch` (writable)
    - `table` (writable): A task table of the batch: create_with_seed(batch.requester, "t" +
      hex16(batch.batch_number) + hex4(table index), program).
    - `items`
    - `answers`
    - `result_uri`

    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "submit_results",
        {"worker": worker, "batch": batch, "table": table},
        {"items": list(items), "answers": answers, "result_uri": result_uri},
        program_id,
        remaining,
    )


def deliver_keys(
    authority: Pubkey,
    batch: Pubkey,
    table: Pubkey,
    worker: Pubkey,
    items: Sequence[int],
    sealed_keys: Sequence[bytes],
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Requester or its key agent: deliver the item keys of a worker's reservations in an
    encrypted batch. Each key travels sealed to the worker's X25519 key (80 bytes: a
    libsodium sealed box of the 32-byte item key) in this instruction's data and its
    KeysDelivered event; the slot only records that it was delivered (no rent per key).
    Items not reserved by the worker, or whose key was already delivered, are skipped
    and reported.

    - `authority` (signer): The batch's requester or its key_agent.
    - `batch`
    - `table` (writable): A task table of the batch: create_with_seed(batch.requester, "t" +
      hex16(batch.batch_number) + hex4(table index), program).
    - `worker`: The worker whose reservations get their keys.
    - `items`
    - `sealed_keys`: One 80-byte sealed key per item, in order.

    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "deliver_keys",
        {"authority": authority, "batch": batch, "table": table, "worker": worker},
        {"items": list(items), "sealed_keys": list(sealed_keys)},
        program_id,
        remaining,
    )


def release_expired(
    batch: Pubkey,
    table: Pubkey,
    requester: Pubkey,
    worker: Pubkey,
    items: Sequence[int],
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Anyone: release the worker's reservations of the listed items whose deadline has passed,
    reopening their slots. The bond goes to the requester (to the worker when an
    encrypted batch never delivered the item's key; the item still counts against the
    worker's cap); in a cancelled batch, or when the item is settled (settle_items), the
    slot's escrow is refunded (a settled item's slot is settled, not reopened). Items
    not releasable are skipped and reported.

    - `batch` (writable)
    - `table` (writable): A task table of the batch: create_with_seed(batch.requester, "t" +
      hex16(batch.batch_number) + hex4(table index), program).
    - `requester` (writable): The batch's requester (not a signer here): receives forfeited
      bonds and refunds. Anchor clients resolve it from batch.requester.
    - `worker` (writable): The worker whose reservations are released; any fee payer may
      send this instruction.
    - `items`

    Fixed addresses: `clock`.
    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "release_expired",
        {"batch": batch, "table": table, "requester": requester, "worker": worker},
        {"items": list(items)},
        program_id,
        remaining,
    )


def rate_assignments(
    requester: Pubkey,
    batch: Pubkey,
    table: Pubkey,
    ratings: Sequence[Mapping[str, Any] | tuple[int, int, int, int]],
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Requester: rate completed assignments 1-5 stars, once each, until the batch's rating
    window closes (rating_window_secs after expiry or cancellation). Each rating names
    the item, the worker's roster index and the index of that worker's profile among the
    remaining accounts (writable WorkerProfile accounts). Each rating updates the
    worker's score by the reputation formula (docs/reputation.md): weighted by the fee
    the work paid, read against the requester's own rating pattern, bounded per rating
    and per requester.

    - `requester` (signer)
    - `batch` (writable)
    - `table` (writable): A task table of the batch: create_with_seed(batch.requester, "t" +
      hex16(batch.batch_number) + hex4(table index), program).
    - `ratings`

    Derived from the IDL's seeds: `requester_profile`, `config`.
    Fixed addresses: `clock`.
    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "rate_assignments",
        {"requester": requester, "batch": batch, "table": table},
        {"ratings": [struct_arg("Rating", x) for x in ratings]},
        program_id,
        remaining,
    )


def rate_worker(
    requester: Pubkey,
    batch: Pubkey,
    table: Pubkey,
    worker_profile: Pubkey,
    worker: int,
    ratings: Sequence[Mapping[str, Any] | tuple[int, int]],
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Requester: rate one worker's completed assignments in one table of a batch, 1-5 stars
    each, once each, while the batch's rating window is open. The same rules and
    reputation formula as rate_assignments, applied rating by rating in order; the
    worker's profile is read and written once and one WorkerRated event is logged, so a
    rating costs a fraction of a rate_assignments rating. worker is the worker's roster
    index.

    - `requester` (signer)
    - `batch` (writable)
    - `table` (writable): A task table of the batch: create_with_seed(batch.requester, "t" +
      hex16(batch.batch_number) + hex4(table index), program).
    - `worker_profile` (writable): The rated worker's WorkerProfile (PDA ["worker",
      worker]).
    - `worker`
    - `ratings`

    Derived from the IDL's seeds: `requester_profile`, `config`.
    Fixed addresses: `clock`.
    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "rate_worker",
        {"requester": requester, "batch": batch, "table": table, "worker_profile": worker_profile},
        {"worker": worker, "ratings": [struct_arg("ItemStars", x) for x in ratings]},
        program_id,
        remaining,
    )


def cancel_batch(
    requester: Pubkey,
    batch: Pubkey,
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Requester: cancel the batch and refund at once the escrow of every open slot and any
    uncommitted deposit. Reserved slots stay payable.

    - `requester` (signer, writable)
    - `batch` (writable)

    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "cancel_batch",
        {"requester": requester, "batch": batch},
        {},
        program_id,
        remaining,
    )


def settle_items(
    requester: Pubkey,
    batch: Pubkey,
    table: Pubkey,
    items: Sequence[int],
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Requester: settle the listed items (their labels are confident enough): every open slot
    of each item is refunded to the requester at once and no worker can take it any
    more. Reserved slots stay payable (a later submission is paid; a later release of a
    settled item's reservation refunds that slot too); completed ones stay rateable.
    Items with no open slot are skipped and reported.

    - `requester` (signer, writable)
    - `batch` (writable)
    - `table` (writable): The task table of the listed items:
      create_with_seed(batch.requester, "t" + hex16(batch.batch_number) + hex4(table
      index), program).
    - `items`

    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "settle_items",
        {"requester": requester, "batch": batch, "table": table},
        {"items": list(items)},
        program_id,
        remaining,
    )


def sweep_fees(
    batch: Pubkey,
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Anyone: move a batch's accrued fees to the treasury.

    - `batch` (writable)

    Derived from the IDL's seeds: `treasury`.
    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "sweep_fees",
        {"batch": batch},
        {},
        program_id,
        remaining,
    )


def close_batch(
    requester: Pubkey,
    batch: Pubkey,
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Requester: close a done batch (no reservation outstanding, and every slot completed or
    the batch cancelled or expired) together with all its task tables, passed as
    writable remaining accounts, followed by the batch's batch_skills (writable;
    required when the batch requires skills, optional when require_skills lifted the
    requirement). Accrued fees go to the treasury; rent and any remaining escrow return
    to the requester.

    - `requester` (signer, writable)
    - `batch` (writable)

    Derived from the IDL's seeds: `treasury`.
    Fixed addresses: `clock`.
    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "close_batch",
        {"requester": requester, "batch": batch},
        {},
        program_id,
        remaining,
    )


def initialize_governance(
    admin: Pubkey,
    amp_mint: Pubkey,
    params: Mapping[str, Any] | tuple[int, int, int, int, int, int],
    emission: Mapping[str, Any] | tuple[int, int, int, bytes],
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Admin: hand the protocol to AMP holders. Creates the governance account and the stake
    vault; the program's upgrade authority must already be the governance PDA and the
    AMP mint's mint authority the mint-authority PDA (for emissions). From then on the
    governance PDA is the config's admin: only executed proposals change what proposals
    govern.

    - `admin` (signer, writable)
    - `amp_mint`
    - `params`
    - `emission`

    Derived from the IDL's seeds: `config`, `treasury`, `governance`, `vault`,
    `mint_authority`, `program_data`.
    Fixed addresses: `program`, `token_program`, `system_program`.
    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "initialize_governance",
        {"admin": admin, "amp_mint": amp_mint},
        {
            "params": struct_arg("GovernanceParams", params),
            "emission": struct_arg("EmissionParams", emission),
        },
        program_id,
        remaining,
    )


def stake(
    owner: Pubkey,
    owner_tokens: Pubkey,
    amount: int,
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Move AMP from the owner's token account into the vault (creating its stake account the
    first time). Rewards earned so far are settled first.

    - `owner` (signer, writable)
    - `owner_tokens` (writable): The owner's AMP token account.
    - `amount`

    Derived from the IDL's seeds: `stake_account`, `governance`, `vault`, `treasury`.
    Fixed addresses: `token_program`, `system_program`.
    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "stake",
        {"owner": owner, "owner_tokens": owner_tokens},
        {"amount": amount},
        program_id,
        remaining,
    )


def unstake(
    owner: Pubkey,
    owner_tokens: Pubkey,
    amount: int,
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Move staked AMP back to the owner's token account; refused while a proposal it voted on
    is still in its vote (locked_until).

    - `owner` (signer)
    - `owner_tokens` (writable)
    - `amount`

    Derived from the IDL's seeds: `stake_account`, `governance`, `vault`, `treasury`.
    Fixed addresses: `token_program`, `clock`.
    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "unstake",
        {"owner": owner, "owner_tokens": owner_tokens},
        {"amount": amount},
        program_id,
        remaining,
    )


def claim(
    owner: Pubkey,
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Pay the owner its share of the treasury's fees, in lamports.

    - `owner` (signer, writable)

    Derived from the IDL's seeds: `stake_account`, `governance`, `treasury`.
    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "claim",
        {"owner": owner},
        {},
        program_id,
        remaining,
    )


def create_proposal(
    proposer: Pubkey,
    proposal_count: int,
    action: Mapping[str, Any],
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """A staker with at least min_stake_to_propose opens a proposal; voting runs for
    voting_period_secs.

    - `proposer` (signer, writable)
    - `proposal_count`: `governance.proposal_count` as read from the chain (a seed).
    - `action`

    Derived from the IDL's seeds: `stake_account`, `governance`, `proposal`.
    Fixed addresses: `clock`, `system_program`.
    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "create_proposal",
        {"proposer": proposer},
        {"action": dict(action)},
        program_id,
        remaining,
        state={"governance.proposal_count": proposal_count},
    )


def cast_vote(
    voter: Pubkey,
    proposal: Pubkey,
    choice: int,
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Vote with everything staked, once per proposal; the stake stays locked until the vote
    ends.

    - `voter` (signer, writable)
    - `proposal` (writable)
    - `choice`: 0 for, 1 against, 2 abstain.

    Derived from the IDL's seeds: `stake_account`, `vote_record`.
    Fixed addresses: `clock`, `system_program`.
    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "cast_vote",
        {"voter": voter, "proposal": proposal},
        {"choice": choice},
        program_id,
        remaining,
    )


def execute_proposal(
    executor: Pubkey,
    proposal: Pubkey,
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Anyone: carry out a passed proposal after its vote and time lock, before it expires. The
    accounts its action needs follow as remaining accounts (Spend: the recipient;
    UpgradeProgram: program data, program, buffer, spill, rent sysvar, the upgradeable
    loader; SetUpgradeAuthority: program data, the new authority, the loader). The
    program data must be this program's ProgramData account and the buffer the one the
    proposal names (WrongActionAccounts).

    - `executor` (signer)
    - `proposal` (writable)

    Derived from the IDL's seeds: `governance`, `config`, `treasury`.
    Fixed addresses: `clock`.
    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "execute_proposal",
        {"executor": executor, "proposal": proposal},
        {},
        program_id,
        remaining,
    )


def claim_emissions(
    worker: Pubkey,
    worker_tokens: Pubkey,
    amp_mint: Pubkey,
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """A worker mints the AMP its well-rated work earned under the emission schedule (up to its
    cap).

    - `worker` (signer)
    - `worker_tokens` (writable): The worker's AMP token account.
    - `amp_mint` (writable)

    Derived from the IDL's seeds: `profile`, `governance`, `mint_authority`.
    Fixed addresses: `token_program`.
    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "claim_emissions",
        {"worker": worker, "worker_tokens": worker_tokens, "amp_mint": amp_mint},
        {},
        program_id,
        remaining,
    )


def create_skill(
    issuer: Pubkey,
    skill_id: int,
    name: bytes,
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Issuer: create a skill, a number 0-100 per worker that the issuer (or the authority it
    names) sets and any batch can require. Values are committed as a Merkle root
    (docs/reputation.md, Skills): no worker holds a value until set_skill publishes a
    root.

    - `issuer` (signer, writable): Pays the rent; the first authority.
    - `skill_id`: Any number the issuer picks; seeds the skill address.
    - `name`: What the skill certifies (UTF-8, zero-padded).

    Derived from the IDL's seeds: `skill`.
    Fixed addresses: `system_program`.
    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "create_skill",
        {"issuer": issuer},
        {"skill_id": skill_id, "name": name},
        program_id,
        remaining,
    )


def set_skill(
    authority: Pubkey,
    skill: Pubkey,
    root: bytes,
    worker_count: int,
    leaves_hash: bytes,
    leaves_uri: str,
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Skill authority: publish a new set of values (raise, lower, grant and revoke are all a
    new root). Proofs against an earlier root stop passing at once.

    - `authority` (signer)
    - `skill` (writable)
    - `root`: Merkle root over the leaves sha256(0x00 || skill || worker || value u8), nodes
      sha256(min(a,b) || max(a,b)), each cut to its first 20 bytes (SKILL_NODE_BYTES);
      zero: no worker holds it.
    - `worker_count`: Leaves under the root.
    - `leaves_hash`: sha256 of the published leaf list (the SDK's serialisation).
    - `leaves_uri`: Where the leaf list is stored (UTF-8, <= 200 bytes).

    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "set_skill",
        {"authority": authority, "skill": skill},
        {
            "root": root,
            "worker_count": worker_count,
            "leaves_hash": leaves_hash,
            "leaves_uri": leaves_uri,
        },
        program_id,
        remaining,
    )


def set_skill_authority(
    authority: Pubkey,
    skill: Pubkey,
    new_authority: Pubkey,
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Skill authority: hand the skill to another authority (the issuer stays in its address).

    - `authority` (signer)
    - `skill` (writable)
    - `new_authority`

    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "set_skill_authority",
        {"authority": authority, "skill": skill},
        {"new_authority": new_authority},
        program_id,
        remaining,
    )


def require_skills(
    requester: Pubkey,
    batch: Pubkey,
    minimums: bytes,
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Requester: require up to 3 skills of every worker that accepts items of the batch, each
    at a minimum value (1-100); the skill accounts follow as remaining accounts, in the
    order of minimums. Empty minimums lift the requirement. Applies to acceptances from
    then on.

    - `requester` (signer, writable): Pays the rent of batch_skills.
    - `batch` (writable)
    - `minimums`: One minimum value (1-100) per skill account passed after the accounts.

    Derived from the IDL's seeds: `batch_skills`.
    Fixed addresses: `system_program`.
    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "require_skills",
        {"requester": requester, "batch": batch},
        {"minimums": minimums},
        program_id,
        remaining,
    )


def accept_skilled_tasks(
    worker: Pubkey,
    batch: Pubkey,
    table: Pubkey,
    items: Sequence[int],
    proofs: bytes,
    remaining: Sequence[Remaining] = (),
    *,
    program_id: Pubkey | None = None,
) -> Instruction:
    """Worker: accept_tasks for a batch that requires skills (no clock account: the time comes
    from the Clock sysvar syscall, which leaves room for more items). The required skill
    accounts follow as remaining accounts in batch_skills' order; proofs holds, per
    skill, the worker's value (u8), the proof's depth (u8) and depth x SKILL_NODE_BYTES
    bytes of sibling nodes, nothing left over. Fails whole when a skill account is not
    the required one (WrongSkill), a proof does not lead to the skill's current root for
    this worker and value (InvalidSkillProof), or a value is below the minimum
    (SkillTooLow).

    - `worker` (signer, writable)
    - `batch` (writable)
    - `table` (writable): A task table of the batch: create_with_seed(batch.requester, "t" +
      hex16(batch.batch_number) + hex4(table index), program).
    - `items`
    - `proofs`: Per required skill: value u8, depth u8, depth x 20-byte sibling nodes.

    Derived from the IDL's seeds: `config`, `profile`, `batch_skills`.
    Fixed addresses: `system_program`.
    `remaining`: accounts after the IDL's (an address is passed writable).
    """
    return build_instruction(
        "accept_skilled_tasks",
        {"worker": worker, "batch": batch, "table": table},
        {"items": list(items), "proofs": proofs},
        program_id,
        remaining,
    )


__all__ = [
    "accept_skilled_tasks",
    "accept_tasks",
    "add_tasks",
    "build_instruction",
    "cancel_batch",
    "cast_vote",
    "claim",
    "claim_emissions",
    "close_batch",
    "create_batch",
    "create_proposal",
    "create_skill",
    "deliver_keys",
    "execute_proposal",
    "grow_roster",
    "init_table",
    "initialize",
    "initialize_governance",
    "rate_assignments",
    "rate_worker",
    "register_requester",
    "register_worker",
    "release_expired",
    "require_skills",
    "resolve_accounts",
    "set_batch_paused",
    "set_paused",
    "set_reputation_params",
    "set_skill",
    "set_skill_authority",
    "settle_items",
    "stake",
    "submit_results",
    "sweep_fees",
    "unstake",
]
