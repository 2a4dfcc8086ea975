"""IDL versions: semver as the IDL lint applies it (below 1.0 a breaking
change bumps the minor), and the released IDLs in `idl/released/`, one file per
version, named after the `metadata.version` inside it."""

from __future__ import annotations

import json
import re
from pathlib import Path

RELEASED = Path(__file__).resolve().parent.parent / "idl" / "released"

Version = tuple[int, int, int]


def parse_version(text: str) -> Version:
    m = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", text)
    if m is None:
        raise ValueError(f"not a MAJOR.MINOR.PATCH version: {text!r}")
    return int(m[1]), int(m[2]), int(m[3])


def next_breaking(v: Version) -> Version:
    """The smallest version that may break clients of `v` (semver; below 1.0 the minor)."""
    return (v[0], v[1] + 1, 0) if v[0] == 0 else (v[0] + 1, 0, 0)


def fmt(v: Version) -> str:
    return ".".join(map(str, v))


def releases(folder: Path = RELEASED) -> dict[Version, Path]:
    """The released IDLs by version; each file's name must match its metadata.version."""
    out = {}
    for path in folder.glob("amplify-*.json"):
        version = parse_version(path.stem.removeprefix("amplify-"))
        inside = json.loads(path.read_text())["metadata"]["version"]
        if parse_version(inside) != version:
            raise SystemExit(f"{path}: metadata.version {inside} does not match the file name")
        out[version] = path
    return out


def base_for(version: Version, folder: Path = RELEASED) -> Path:
    """The newest release not newer than `version`."""
    older = [v for v in releases(folder) if v <= version]
    if not older:
        raise SystemExit(f"no released IDL in {folder} at or below {fmt(version)}")
    return releases(folder)[max(older)]


__all__ = ["RELEASED", "Version", "base_for", "fmt", "next_breaking", "parse_version", "releases"]
