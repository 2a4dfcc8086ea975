#!/usr/bin/env python3
"""Print the Python import graph's cycles: strongly connected groups of modules.

    python3 scripts/import_graph.py            the cycles in amplify_sdk and localnet

Counts every import, those under `if TYPE_CHECKING:` and inside functions too:
a back-edge a type checker follows is still a back-edge for the reader.
"""

from __future__ import annotations

import sys

import grimp


def cycles(*packages: str) -> list[list[str]]:
    graph = grimp.build_graph(*packages)
    modules = sorted(graph.modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in modules}
    # A package's __init__ re-exporting its own modules is how a surface is made,
    # not a cycle between modules: leave the parent -> child edges of __init__ out.
    for m in modules:
        edges[m] = [n for n in edges[m] if not n.startswith(m + ".")]
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for m in modules:
        if m not in index:
            visit(m)
    return out


def main() -> int:
    found = cycles("amplify_sdk", "localnet")
    for group in found:
        print("cycle: " + " <-> ".join(group))
    print(f"{len(found)} cycles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
