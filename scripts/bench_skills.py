"""The skill benchmark of ./scripts/bench (docs/reputation.md, "Skills"):
a skill held by 1,000 workers and required by a batch, measured in the
embedded SVM. Numbers, not asserts; tests/test_docs.py checks the docs'
figures against this function."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from solders.keypair import Keypair

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from amplify_sdk import Amplify, instructions
from amplify_sdk.clients._client import PLACEHOLDER
from amplify_sdk.protocol._skill import NODE_BYTES
from amplify_sdk.storage import LocalStore
from market import item_hashes

PRICE = 10_000
SOL = 10**9

#: Workers holding the skill in the skill benchmark (a proof of 10 siblings).
SKILL_WORKERS = 1_000


async def skills(amp: Amplify) -> dict[str, object]:
    """A skill held by 1,000 workers, required by a batch: what the check adds
    to one acceptance, how many items still fit the transaction, what the
    values cost in rent and in transactions."""
    with tempfile.TemporaryDirectory() as tmp:
        store = LocalStore(tmp)
        issuer = amp.requester()
        skill = await issuer.create_skill("bench")
        empty = await amp.backend.get_account(skill.address)
        assert empty is not None
        w = amp.worker(Keypair())
        await amp.backend.airdrop(w.address, 10 * SOL)
        await w.register()
        values = {Keypair().pubkey(): i % 101 for i in range(SKILL_WORKERS - 1)}
        values[w.address] = 100
        before = len(issuer.receipts)
        await issuer.set_skill(skill.address, values, store)
        set_txs = len(issuer.receipts) - before
        full = await amp.backend.get_account(skill.address)
        assert full is not None
        rent_bytes = (len(full.data) - len(empty.data)) / SKILL_WORKERS
        gated = await issuer.create_batch(price=PRICE, max_active=1_000)
        plain = await issuer.create_batch(price=PRICE, max_active=1_000)
        for b in (gated, plain):
            await issuer.add_tasks(b.address, item_hashes(400, bytes(b.address)))
        await issuer.require_skills(gated.address, [(skill.address, 50)])
        cu = {}
        for b in (gated, plain):
            await w.accept_tasks(b.address, [0], store=store)  # joins the roster
            await w.accept_tasks(b.address, [1], store=store)
            cu[b.address] = w.receipts[-1].compute_units
        gate = await w.skill_proofs(gated.address, w.address, store)
        per_tx = w.max_items(
            lambda n: instructions.accept_skilled_tasks(
                w.address, gated.address, PLACEHOLDER, [0] * n, gate.proofs, gate.remaining
            ),
            4,
        )
        return {
            "skill_check_cu_per_accept": cu[gated.address] - cu[plain.address],
            "items_per_accept_tx_with_skill": per_tx,
            "skill_rent_bytes_per_value": rent_bytes,
            "skill_set_transactions_1000": set_txs,
            "_skill_proof_depth": (len(gate.proofs) - 2) // NODE_BYTES,
            "_items_per_accept_tx": w.max_items(
                lambda n: instructions.accept_tasks(w.address, plain.address, PLACEHOLDER, [0] * n),
                4,
            ),
            "_skill_account_bytes": len(full.data),
        }
