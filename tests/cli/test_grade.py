"""`amplify batch grade --apply`: its exit status follows what was done, as
every bulk command's does (docs/cli.md): 0 when every proposed rating was
sent, 3 when some were not, with what and why on stderr."""

from __future__ import annotations

from pathlib import Path

from skills import QUAL_ITEMS, qualification_batch

from amplify_sdk import Amplify

from .conftest import Node, load


def test_grade_apply_exits_3_when_some_ratings_are_refused(node: Node, tmp_path: Path) -> None:
    # The requester answered its own gold batch beside two workers: the
    # grading proposes stars for its work too, which the SDK refuses
    # (SelfRating) before sending. The workers' ratings go through.
    keys = [tmp_path / f"{n}.json" for n in ("a", "b")]
    for k in keys:
        node.wallet(k)
        node.ok("worker", "register", keypair=k)
    node.ok("worker", "register")

    async def step(amp: Amplify) -> str:
        req = amp.requester()
        workers = [amp.worker(load(k)) for k in keys] + [amp.worker(req.wallet)]
        batch, opening, doc = await qualification_batch(req, workers, [QUAL_ITEMS] * 3)
        (tmp_path / "instructions.txt").write_bytes(doc)
        (tmp_path / "gold.json").write_text(opening.to_json())
        return str(batch)

    batch = node.run(step)
    gold = ("--gold", tmp_path / "gold.json", "--instructions", tmp_path / "instructions.txt")
    r = node.cli("batch", "grade", batch, *gold, "--apply", "-o", "json")
    assert r.code == 3, r.stderr
    done = r.json()
    assert done["rated"] == 2 * QUAL_ITEMS and done["not_done"] == QUAL_ITEMS
    assert "SelfRating" in r.error and "exit code 3" in r.error
    # Run again: the workers' ratings are done, and what is left can never be
    # sent (its own work): every item refused is exit 1, as for `rate`.
    again = node.cli("batch", "grade", batch, *gold, "--apply", "-o", "json")
    assert again.code == 1 and "SelfRating" in again.error, again.stderr
