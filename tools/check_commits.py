#!/usr/bin/env python3
"""Commit messages read as the house writes them: a subject of at most 72 characters saying what changed, then (if
there is more to say) a blank line and a body with the why, the figures and the trade-offs.

With no argument: every commit since the rule began (`FIRST`) is checked (`make lint`). With a file argument: that
message is checked (the `commit-msg` hook in `.githooks`, installed by `make hooks`). Exit status 1 on a breach.
"""
import subprocess
import sys

FIRST = "62139b3"  # the first commit written under the rule; older subjects are history
LIMIT = 72


def problems(message: str) -> list[str]:
    lines = [line for line in message.splitlines() if not line.startswith("#")]
    if not lines or not lines[0].strip():
        return ["the subject is empty"]
    found = []
    if len(lines[0]) > LIMIT:
        found.append(f"the subject has {len(lines[0])} characters (at most {LIMIT}): {lines[0][:80]}…")
    if len(lines) > 1 and lines[1].strip():
        found.append("a blank line must separate the subject from the body")
    return found


def main() -> int:
    if len(sys.argv) > 1:
        with open(sys.argv[1], encoding="utf-8") as file:
            found = problems(file.read())
        for problem in found:
            print(f"commit message: {problem}", file=sys.stderr)
        return 1 if found else 0
    known = subprocess.run(["git", "cat-file", "-e", f"{FIRST}^{{commit}}"], capture_output=True).returncode == 0
    if not known:
        print(f"check_commits: {FIRST} is not in this clone's history; nothing checked")
        return 0
    hashes = subprocess.run(["git", "rev-list", f"{FIRST}^..HEAD"], check=True, capture_output=True, text=True).stdout.split()
    failed = False
    for commit in hashes:
        message = subprocess.run(["git", "log", "-1", "--format=%B", commit], check=True, capture_output=True,
                                 text=True).stdout
        for problem in problems(message):
            print(f"{commit[:7]}: {problem}")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
