#!/usr/bin/env python3
"""The graph of the product's targets as the architecture page shows it, read from `swift package dump-package`.

`--write FILE` puts it between FILE's `<!-- target-graph -->` and `<!-- /target-graph -->` markers; `--check FILE`
exits with status 1 when what is there differs from Package.swift (run by `make lint`, so the page stays true).
Each line is a target, the targets it depends on, then after `·` the other packages' products; dependents come
before what they depend on. Tests, benchmarks, the fuzzer and build tools are left out.

`--check` also refuses the edges the layering forbids (`FORBIDDEN`): storage never speaks the API's contract, the
PostgreSQL store never links GRDB, and only the storage targets import a database.
"""
import json
import pathlib
import subprocess
import sys

START, END = "<!-- target-graph -->", "<!-- /target-graph -->"

# target → dependencies (own targets or products) it must not have, directly or through another target.
STORAGE = ("Storage", "StoreSQLite", "StorePostgres", "Blobs", "Media")
FORBIDDEN = {
    **{name: {"VaultContract", "VaultAPI", "VaultAPIClient", "Workers", "Hummingbird"} for name in STORAGE},
    "StorePostgres": {"VaultContract", "VaultAPI", "Workers", "GRDB", "StoreSQLite"},
    "Storage": {"VaultContract", "GRDB", "PostgresNIO", "StoreSQLite", "StorePostgres", "ObjectStorage", "Media"},
    "Workers": {"GRDB", "PostgresNIO", "StoreSQLite", "StorePostgres", "Hummingbird", "VaultAPI", "Simulator"},
    "VaultRuntime": {"Simulator"},  # the service never links the bundled simulator; the CLI and tests do
    "VaultAPI": {"GRDB", "PostgresNIO", "StoreSQLite", "StorePostgres"},
}
# target → targets it must not name itself (reaching them through another target is how it should be).
FORBIDDEN_DIRECT = {
    "VaultAPI": {"ObjectStorage", "Simulator"},  # blobs are served through `BlobStore.serving`
    "Workers": {"ObjectStorage"},
}


def read_targets() -> dict:
    package = json.loads(subprocess.run(["swift", "package", "dump-package"], check=True, capture_output=True,
                                        text=True).stdout)
    targets = {}
    for target in package["targets"]:
        path = target.get("path") or f"Sources/{target['name']}"
        if target["type"] not in ("regular", "executable") or not path.startswith("Sources/"):
            continue
        if target["name"] in ("embed-files", "SearchCorpus"):
            continue
        own, products = [], []
        for dependency in target["dependencies"]:
            kind, values = next(iter(dependency.items()))
            (products if kind == "product" else own).append(values[0])
        targets[target["name"]] = (own, products)
    return targets


def forbidden_edges(targets: dict) -> list:
    def reach(name: str, seen: set) -> set:
        own, products = targets.get(name, ([], []))
        for dependency in own + products:
            if dependency not in seen:
                seen.add(dependency)
                reach(dependency, seen)
        return seen

    return [f"{name} depends on {bad}" for name, refused in FORBIDDEN.items()
            for bad in sorted(reach(name, set()) & refused)] + [
        f"{name} names {bad}" for name, refused in FORBIDDEN_DIRECT.items()
        for bad in sorted(set(sum(targets.get(name, ([], [])), [])) & refused)]


def graph(targets: dict) -> str:
    names = set(targets)
    depth = {}

    def level(name: str) -> int:  # longest path to a leaf: what depends on more comes first
        if name not in depth:
            depth[name] = 1 + max((level(d) for d in targets[name][0] if d in names), default=-1)
        return depth[name]

    lines = []
    width = max(map(len, names))
    for name in sorted(names, key=lambda n: (-level(n), n)):
        own, products = targets[name]
        parts = ", ".join(d for d in own if d in names) or "—"
        if products:
            parts += " · " + ", ".join(products)
        lines.append(f"{name.ljust(width)} → {parts}")
    return "```\n" + "\n".join(lines) + "\n```"


def main() -> int:
    mode, file = sys.argv[1], pathlib.Path(sys.argv[2])
    text = file.read_text(encoding="utf-8")
    start, end = text.index(START) + len(START), text.index(END)
    targets = read_targets()
    updated = text[:start] + "\n" + graph(targets) + "\n" + text[end:]
    if mode == "--write":
        file.write_text(updated, encoding="utf-8")
        return 0
    problems = forbidden_edges(targets)
    for problem in problems:
        print(f"Package.swift: {problem}, which the layering forbids (tools/target_graph.py, FORBIDDEN)")
    if updated != text:
        print(f"{file}: the target graph differs from Package.swift; run `python3 {sys.argv[0]} --write {file}`")
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
