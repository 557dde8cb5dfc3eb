#!/usr/bin/python3
"""Checks that domains call downward only: every #include "dir/file.h" in
src/ names a folder at the including file's own level or below, in the order
docs/architecture.md gives. Folders of one level are siblings and do not
include each other. Prints each include against the order and exits 1 if
there is any (make test runs it)."""
import os
import re
import sys

# lowest first; one entry per level
ORDER = [
    ["core"],
    ["store", "http", "ical"],
    ["api", "notify"],
    ["settings", "support"],
    ["iam"],
    ["calendar"],
    ["dav", "conferencing", "sync"],
    ["ops"],
    ["cli"],  # the subcommands start the workers ops lists
    [""],  # src/routes.c and src/main.c: they wire everything
]
LEVEL = {d: i for i, ds in enumerate(ORDER) for d in ds}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/[^"]+"')


def check(root):
    bad = []
    src = os.path.join(root, "src")
    for dirpath, _, files in os.walk(src):
        rel = os.path.relpath(dirpath, src)
        here = "" if rel == "." else rel.split(os.sep)[0]
        if here not in LEVEL:
            bad.append("%s: folder '%s' has no place in the order (scripts/check-layers.py, docs/architecture.md)"
                       % (os.path.join("src", rel), here))
            continue
        for name in sorted(files):
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(dirpath, name)
            with open(path, encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    there = m.group(1)
                    if there == here:
                        continue
                    if there not in LEVEL:
                        bad.append("%s:%d: includes '%s', a folder with no place in the order"
                                   % (os.path.relpath(path, root), n, there))
                    elif LEVEL[there] >= LEVEL[here]:
                        how = "a sibling" if LEVEL[there] == LEVEL[here] else "above it"
                        bad.append("%s:%d: %s includes %s, %s (docs/architecture.md)"
                                   % (os.path.relpath(path, root), n, here or "src", there, how))
    return bad


if __name__ == "__main__":
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    bad = check(root)
    for b in bad:
        print(b)
    print("layers: %d include(s) against the order" % len(bad))
    sys.exit(1 if bad else 0)
