"""The labelling job test_web_app drives through examples/web/work.html:
its data (posts, labels, each worker's answers, the files uploaded), the
store and page server it runs against, and the hook the job calls once the
requester's page has uploaded."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

from aiohttp import web
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from amplify_sdk import RequesterClient, WorkerClient
from amplify_sdk.clients import content_hash
from amplify_sdk.storage import HttpStore, load_manifest, proof_name

from .web_tools import WEB

SOL = 10**9
SIGNATURE_FEE = 5_000
FEE_BPS = 500
#: Not a multiple of 10,000 / FEE_BPS: the fee's rounding up shows.
PRICE = 50_001
REDUNDANCY = 4
LABELS = ["spam", "ham", "unsure"]
POSTS = [
    "Win a free cruise, click now",
    "Lunch at noon tomorrow?",
    'Your parcel is waiting: pay the "fee"',
    "Minutes of Monday's meeting, attached",
    "hi",
    "Cheap watches!!!",
]
#: The item whose blob the store serves swapped, and the one whose proof
#: document claims another blob (stored too, so only the proof can tell).
SWAPPED, FORGED = 5, 4
#: An item with a genuine proof document (the others are proved from the manifest).
PROVED = 1
REFUSED = {SWAPPED: "ContentMismatchError: ", FORGED: "ManifestMismatchError: "}
#: Per worker: items it accepts, and the label index it gives each item.
#: Item 3 gets two answers that tie (ham, spam).
WORKERS = [
    (6, [0, 1, 0, 1, 2, 0]),
    (6, [0, 1, 0, 0, 1, 0]),
    (3, [1, 1, 0]),
]
TIED = 3
#: (worker, item) labelled with a click on the label's button, not a key.
CLICKED = {(1, 0), (1, 2)}
SKILL, SKILL_MIN, SKILLED_PRICE = "spam-expert", 50, 20_000
INSTRUCTIONS = f"Is the post spam?\namplify-labels: {', '.join(LABELS)}\n".encode()
SECRETS = [b"Your account number is 1234, send the code", b"See you at the clinic at 3"]
SECRET_LABELS = [0, 1]
SECRET_PRICE = 40_000
BIG, BIG_PRICE = 250, 1_000
#: Files `batch upload` refuses, and what the page says (the line named).
BAD_CSV: list[tuple[str, str | None]] = [
    (
        "id,text\np0,hello\np1,world\np2,hello\n",
        "Error: line 4: the same item as line 2: remove it",
    ),
    ("id,text\np0,hello\np1\n", "Error: line 3: 1 fields where the header has 2; nothing was sent"),
    ("id,body\np0,hello\n", "Error: line 1: the header has no column named text, data, path"),
    ("id,data\np0,not base64!\n", "Error: line 2: 'data' is not valid base64; nothing was sent"),
]
#: Settle items whose label has at least this share of at least this many answers.
SETTLE = (0.9, 3)


def delivered(accept: int) -> list[int]:
    return [i for i in range(accept) if i not in REFUSED]


class Site:
    """examples/web and an HTTP store (PUT/GET/HEAD under /store/) on one
    origin, and the hook the job calls once the requester has uploaded."""

    def __init__(self, requester: RequesterClient) -> None:
        self.requester = requester
        self.blobs: dict[str, bytes] = {}
        self.gets: list[str] = []
        self.batch: Pubkey | None = None
        self.fetched: list[bytes] = []
        self.app = web.Application()
        self.app.router.add_route("*", "/store/{path:.*}", self.store)
        self.app.router.add_post("/test/uploaded", self.uploaded)
        self.app.router.add_static("/", WEB)
        self.origin = ""

    async def store(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        if request.method == "PUT":
            self.blobs[path] = await request.read()
            return web.Response(status=201)
        self.gets.append(path)
        if path not in self.blobs:
            return web.Response(status=404)
        return web.Response(body=self.blobs[path])

    async def uploaded(self, request: web.Request) -> web.Response:
        """The SDK reads what the page uploaded (the manifest, verified against
        the batch; every item, checked); then one blob is swapped and one
        proof forged."""
        try:
            await self.check_upload(Pubkey.from_string(await request.text()))
        except Exception as e:  # the job prints why
            return web.Response(status=500, text=f"{type(e).__name__}: {e}")
        return web.Response(text="ok")

    async def check_upload(self, batch: Pubkey) -> None:
        self.batch = batch
        async with HttpStore(f"{self.origin}/store/") as store:
            b = await self.requester.get_batch(batch)
            manifest = await load_manifest(store, b)
            reader = WorkerClient(self.requester.backend, Keypair())
            self.fetched = await reader.fetch_items(batch, range(len(POSTS)), store)
            await store.put_named(proof_name(batch, PROVED), manifest.proof(PROVED).to_json())
            forged = replace(manifest.proof(FORGED), content_hash=content_hash(b"Totally not spam"))
            await store.put_named(proof_name(batch, FORGED), forged.to_json())
            await store.put(b"Totally not spam")
        # The store now serves another post under item SWAPPED's address.
        self.blobs[content_hash(POSTS[SWAPPED].encode()).hex()] = b"Totally not spam"
        self.gets.clear()  # from here on: the workers' reads


def posts_csv(posts: list[str]) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["id", "text"])
    for n, post in enumerate(posts):
        w.writerow([f"p{n}", post])
    return out.getvalue()


#: Uploaded in turn: the bad files, the first items, a file whose first items
#: are not those (refused), then the whole file (the rest appended).
FIRST = 4
UPLOADS: list[tuple[str, str | None]] = [
    *BAD_CSV,
    (posts_csv(POSTS[:FIRST]), None),
    (
        posts_csv([POSTS[1], POSTS[0], *POSTS[2:]]),
        "ManifestMismatchError: items 0.. differ from those on chain; nothing was sent",
    ),
    (posts_csv(POSTS), None),
]


def person(name: str, kp: Keypair) -> dict[str, object]:
    return {"name": name, "secretKey": list(bytes(kp)), "address": str(kp.pubkey())}
