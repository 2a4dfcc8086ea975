"""What encrypted batches need on the command line: where their blobs live
(`--store`, one of `amplify_sdk.storage`'s adapters) and the requester's
master key (`--master-key`, a file), which the key agent shares."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..protocol._crypto import new_master_key
from ..storage import HttpStore, IpfsStore, LocalStore, Store
from ._context import UserError

#: One master key may serve all of a requester's batches (every derived key
#: binds the batch's address), so it has one home per user by default.
DEFAULT_MASTER_KEY = Path("~/.config/amplify/master-key")
STORE_HELP = (
    "Where the encrypted items live: a folder (or file:// URL), an HTTP base URL "
    "(PUT/GET of hex(sha256)), or a Kubo node's RPC API as ipfs+http://HOST:5001."
)


def open_store(spec: str, *, create: bool = True) -> Store:
    """The store a `--store` value names; a folder is created only for writing."""
    parts = urlsplit(spec)
    if parts.scheme in ("ipfs+http", "ipfs+https"):
        return IpfsStore(spec.removeprefix("ipfs+"))
    if parts.scheme in ("http", "https"):
        return HttpStore(spec)
    if parts.scheme not in ("", "file"):
        raise UserError(
            f"--store {spec!r}: give a folder, a file:// or http(s):// URL, or ipfs+http://"
        )
    path = Path(unquote(parts.path)) if parts.scheme == "file" else Path(spec)
    path = path.expanduser()
    if not create and not path.is_dir():
        raise UserError(f"store folder {path} does not exist")
    return LocalStore(path)


def base_of(store: Store) -> str | None:
    """The prefix a blob's URI is its hex hash under (a batch's `base_uri`
    convention), where the store has one."""
    if isinstance(store, LocalStore):
        return store.base_uri
    if isinstance(store, HttpStore):
        return store.base_url
    return None


def read_master_key(path: Path) -> bytes:
    """A master key file: 64 hex digits."""
    path = path.expanduser()
    try:
        text = path.read_text().strip()
    except FileNotFoundError:
        raise UserError(
            f"master key file {path} not found: pass --master-key PATH (the file "
            "`amplify batch upload` wrote for the batch)"
        ) from None
    except OSError as e:
        raise UserError(f"cannot read master key file {path}: {e}") from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise UserError(f"{path} is not a master key file (64 hex digits)")
    return key


def master_key_for_upload(path: Path) -> tuple[bytes, bool]:
    """The master key at `path`, made (and saved, owner-only) if there is
    none yet; and whether it was made now."""
    path = path.expanduser()
    if path.exists():
        return read_master_key(path), False
    key = new_master_key()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Created owner-only from the start: the key decrypts every item.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key.hex() + "\n")
    return key, True
