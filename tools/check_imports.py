#!/usr/bin/env python3
"""Every module a target imports is one it declares in Package.swift (or the toolchain's own).

SwiftPM's `--explicit-target-dependency-import-check` sees only the package's own targets, and lets a target
import a module that reaches it through another dependency. This check reads `swift package dump-package` and
each target's sources and names every import that is not declared. Exit status 1 when there is one.
"""
import json
import pathlib
import re
import subprocess
import sys

# Modules of the toolchain and the platform, which no target declares.
TOOLCHAIN = {"Foundation", "FoundationEssentials", "Dispatch", "Glibc", "Synchronization", "Testing", "XCTest",
             "os", "_Concurrency", "PackagePlugin"}
# A product that brings more than its own name's module.
PRODUCT_MODULES = {
    "Hummingbird": {"Hummingbird", "HummingbirdCore"},
    "HummingbirdTesting": {"HummingbirdTesting"},
    "GRDB": {"GRDB", "GRDBSQLite"},
}
# At the start of a line (an `import` inside a string, such as an embedded Python script, is indented).
IMPORT = re.compile(
    r"^(?:@[A-Za-z_]+(?:\([^)]*\))? +)*import +(?:(?:struct|class|enum|func|var|let|protocol|typealias) +)?"
    r"([A-Za-z_][A-Za-z0-9_]*)", re.M)


def main() -> int:
    package = json.loads(subprocess.run(["swift", "package", "dump-package"], check=True, capture_output=True,
                                        text=True).stdout)
    problems = []
    for target in package["targets"]:
        if target["type"] in ("system", "plugin", "binary"):
            continue
        declared = {target["name"]}
        for dependency in target["dependencies"]:
            kind, values = next(iter(dependency.items()))
            name = values[0]
            declared |= PRODUCT_MODULES.get(name, {name})
        default = "Tests" if target["type"] == "test" else "Sources"
        folder = pathlib.Path(target.get("path") or f"{default}/{target['name']}")
        for source in sorted(folder.rglob("*.swift")):
            for module in IMPORT.findall(source.read_text(encoding="utf-8")):
                if module not in declared and module not in TOOLCHAIN:
                    problems.append(f"{source}: imports {module}, which target {target['name']} does not declare")
    for problem in sorted(set(problems)):
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
