#!/usr/bin/env python3
"""Every method of the storage interface is exercised by the store contract tests, which run on both databases.

Reads the protocol requirements in `Sources/Storage/Store/ArchiveStore.swift` and names each one that no test in
`Tests/EachVaultTests/Store` calls. Exit status 1 when there is one.
"""
import pathlib
import re
import sys


def main() -> int:
    interface = pathlib.Path("Sources/Storage/Store/ArchiveStore.swift").read_text(encoding="utf-8")
    requirements = sorted(set(re.findall(r"^\s+func (\w+)\(", interface, re.M)))
    tests = "".join(p.read_text(encoding="utf-8") for p in pathlib.Path("Tests/EachVaultTests/Store").glob("*.swift"))
    missing = [name for name in requirements if not re.search(r"\." + name + r"\(", tests)]
    for name in missing:
        print(f"ArchiveStore.{name} is called by no store contract test (Tests/EachVaultTests/Store)")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
