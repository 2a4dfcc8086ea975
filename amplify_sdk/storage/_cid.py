"""IPFS content identifiers, computed locally so a gateway's answer can be
checked against the CID it was asked for.

The IPFS adapter adds files the way this module recomputes them: CIDv1,
sha2-256, raw leaves, fixed-size chunks of `CHUNK_SIZE` bytes (Kubo's
`cid-version=1&raw-leaves=true&chunker=size-1048576`), balanced layout:

* one chunk (every item up to 1 MiB): the CID is a *raw* CID of the bytes'
  sha256, i.e. the item's content hash itself under a multiformat prefix;
* more: UnixFS `File` nodes (dag-pb) over the raw leaves, 174 links a node,
  grouped level by level (boxo's balanced builder).
"""

from __future__ import annotations

import base64
import hashlib

from ._base import StorageError

#: Bytes per leaf block of a file's DAG (Kubo's default chunker, size-1048576).
CHUNK_SIZE = 1 << 20
LINKS_PER_NODE = 174
RAW = 0x55
DAG_PB = 0x70
SHA2_256 = 0x12
UNIXFS_FILE = 2
#: Kubo `add` parameters that produce exactly the CIDs below.
ADD_PARAMS = {
    "cid-version": "1",
    "raw-leaves": "true",
    "chunker": f"size-{CHUNK_SIZE}",
    "hash": "sha2-256",
    "pin": "true",
}


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def cid_bytes(codec: int, digest: bytes) -> bytes:
    return varint(1) + varint(codec) + bytes([SHA2_256, len(digest)]) + digest


def cid_string(binary: bytes) -> str:
    """Multibase base32 (lower case, no padding): the `bafy…`/`bafk…` form."""
    return "b" + base64.b32encode(binary).decode().lower().rstrip("=")


def parse_cid(text: str) -> bytes:
    """The binary form of a base32 CIDv1 (the only form this adapter makes)."""
    if not text.startswith("b"):
        raise StorageError(f"CID {text!r}: only base32 CIDv1 is supported")
    body = text[1:].upper()
    try:
        return base64.b32decode(body + "=" * (-len(body) % 8))
    except ValueError as e:
        raise StorageError(f"CID {text!r} is not base32") from e


def raw_cid(content_hash: bytes) -> str:
    """The CID of a one-chunk blob whose sha256 is `content_hash`."""
    return cid_string(cid_bytes(RAW, content_hash))


def _field_varint(field: int, value: int) -> bytes:
    return varint(field << 3) + varint(value)


def _field_bytes(field: int, value: bytes) -> bytes:
    return varint(field << 3 | 2) + varint(len(value)) + value


def _file_node(children: list[tuple[bytes, int, int]]) -> bytes:
    """A dag-pb node over (child CID, child's cumulative size, file bytes under
    it): links first (field 2: Hash, Name "", Tsize), then the UnixFS data
    (field 1: Type File, filesize, blocksizes), as dag-pb's canonical form."""
    out = bytearray()
    for cid, tsize, _ in children:
        link = _field_bytes(1, cid) + _field_bytes(2, b"") + _field_varint(3, tsize)
        out += _field_bytes(2, link)
    unixfs = _field_varint(1, UNIXFS_FILE) + _field_varint(3, sum(n for *_, n in children))
    for *_, n in children:
        unixfs += _field_varint(4, n)
    out += _field_bytes(1, unixfs)
    return bytes(out)


def compute_cid(data: bytes, chunk_size: int = CHUNK_SIZE) -> str:
    """The CID Kubo's `add` with `ADD_PARAMS` (and `chunker=size-<chunk_size>`)
    gives `data`."""
    if len(data) <= chunk_size:
        return raw_cid(hashlib.sha256(data).digest())
    # (cid, cumulative dag size, file bytes) per node of the current level.
    level = [
        (cid_bytes(RAW, hashlib.sha256(chunk).digest()), len(chunk), len(chunk))
        for chunk in (data[i : i + chunk_size] for i in range(0, len(data), chunk_size))
    ]
    while True:
        parents = []
        for i in range(0, len(level), LINKS_PER_NODE):
            group = level[i : i + LINKS_PER_NODE]
            node = _file_node(group)
            parents.append(
                (
                    cid_bytes(DAG_PB, hashlib.sha256(node).digest()),
                    len(node) + sum(t for _, t, _ in group),
                    sum(n for *_, n in group),
                )
            )
        level = parents
        if len(level) == 1:
            return cid_string(level[0][0])
