#!/usr/bin/env python3
"""Make a deterministic tree of files for heat-rs's benchmark.

usage: mktree.py FILES OUT_DIR [--seed N] [--bytes N]

The same FILES, seed and bytes give the same tree on every machine and every Python 3
version: the random numbers come from a SplitMix64 generator written out below, not from
Python's `random` module. The tree is shaped like a large product's build output: folders
of 1 to 60 files and up to 6 sub-folders, filled breadth first; names of one to three words
joined by spaces, dots, dashes or underscores, in mixed case, some with non-ASCII letters
and numbers; about one folder in forty left empty. Every name is one Windows can hold and
no two names in a folder differ only in case, so heat harvests the tree without an error.

bench/bench.py uses this generator when ../shared/bench/mktree.py is not beside the
project.
"""
import argparse
import os
import sys

MASK = (1 << 64) - 1

WORDS = [
    "app", "Core", "data", "Plugins", "ui", "Resources", "runtime", "lib", "Assets",
    "locale", "icons", "Docs", "help", "schemas", "tools", "x64", "arm64", "bin",
    "Contoso.Shared", "System.Net", "café", "Ångström", "Übersicht", "Program Data",
    "fr-FR", "ja-JP", "Ωmega", "naïve", "Setup", "en-GB",
]
JOINERS = ["", " ", ".", "-", "_"]
EXTENSIONS = [
    ".dll", ".exe", ".pdb", ".xml", ".json", ".txt", ".png", ".resources.dll", ".config",
    ".dat", ".html", ".js", ".svg", ".cab", ".manifest", ".mo", "",
]


class SplitMix64:
    """Sebastiano Vigna's SplitMix64: small, fast and the same everywhere."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        """A number in 0..n-1 (the bias of the modulo is far too small to matter here)."""
        return self.next() % n

    def between(self, low, high):
        """A number in low..high, both included."""
        return low + self.below(high - low + 1)

    def pick(self, items):
        return items[self.below(len(items))]

    def bytes(self, n):
        out = bytearray()
        while len(out) < n:
            out += self.next().to_bytes(8, "little")
        return bytes(out[:n])


def make_name(rng, extension):
    words = [rng.pick(WORDS) for _ in range(rng.between(1, 3))]
    name = rng.pick(JOINERS).join(words)
    if rng.below(2):
        name += str(rng.below(1000))
    if extension:
        name += rng.pick(EXTENSIONS)
    return name


def make_tree(files, out, seed, size):
    """Creates the tree under `out`; returns (files, folders, empty folders) made."""
    rng = SplitMix64(seed)
    made_files = 0
    made_folders = 0
    empty_folders = 0
    queue = [out]
    head = 0
    while made_files < files:
        if head == len(queue):
            # Every queued folder is filled: start a new one under the last, so any count fits.
            queue.append(os.path.join(queue[-1], "more %d" % made_folders))
        folder = queue[head]
        head += 1
        os.makedirs(folder, exist_ok=True)
        made_folders += 1
        # A few empty folders, never the last one left to fill.
        if head < len(queue) and rng.below(40) == 0:
            empty_folders += 1
            continue
        taken = set()
        for _ in range(min(rng.between(1, 60), files - made_files)):
            name = make_name(rng, extension=True)
            if name.upper() in taken:
                continue
            taken.add(name.upper())
            with open(os.path.join(folder, name), "wb") as f:
                f.write(rng.bytes(size))
            made_files += 1
        if made_files < files:
            for _ in range(rng.between(0, 6)):
                name = make_name(rng, extension=False)
                if name.upper() in taken:
                    continue
                taken.add(name.upper())
                queue.append(os.path.join(folder, name))
    return made_files, made_folders, empty_folders


def main():
    parser = argparse.ArgumentParser(
        description="Make a deterministic tree of FILES files under OUT_DIR.")
    parser.add_argument("files", type=int, help="number of files to make")
    parser.add_argument("out", help="folder to make (must not exist, or be empty)")
    parser.add_argument("--seed", type=int, default=1600, help="seed (default 1600)")
    parser.add_argument("--bytes", type=int, default=16,
                        help="bytes of content in each file (default 16)")
    args = parser.parse_args()
    if args.files < 1:
        parser.error("FILES must be at least 1")
    if os.path.exists(args.out) and (not os.path.isdir(args.out) or os.listdir(args.out)):
        sys.exit("mktree.py: '%s' exists and is not an empty folder; "
                 "the tree must be made from nothing to be the same every time" % args.out)
    made, folders, empty = make_tree(args.files, args.out, args.seed, args.bytes)
    print("%d files in %d folders (%d empty) under %s" % (made, folders, empty, args.out))


if __name__ == "__main__":
    main()
