#!/usr/bin/env python3
"""`pathbook check` against `lychee --offline --include-fragments` on the same files,
alternating runs, reporting each tool's median wall time, CPU time and the ratio.

    python3 bench/check_vs_lychee.py [CORPUS] [--runs 15]

CORPUS defaults to the 5,000-module corpus that bench/compare.py makes. Both tools read
every Markdown file under content/ and check links and fragments offline; the first round
is a warm-up (it fills the page cache) and is not counted.
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def timed(command, cwd):
    """Wall seconds and CPU seconds (user + system) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({result.returncode}): {result.stderr[-2000:]!r}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", nargs="?", default="/tmp/pathbook-bench/corpus-5000")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--files", default="content/**/*.md",
                        help="the Markdown lychee reads (pathbook check reads all of CORPUS); "
                             "'**/*.md' for a repository without content/")
    args = parser.parse_args()
    if not shutil.which("lychee"):
        sys.exit("lychee is not installed (cargo install lychee --locked)")
    pathbook = os.path.join(REPO, "target", "release", "pathbook")
    tools = {
        "pathbook check": [pathbook, "check", "-q", "."],
        "lychee --offline --include-fragments": [
            "lychee", "--offline", "--include-fragments", "--no-progress", args.files,
        ],
    }
    samples = {name: [] for name in tools}
    for round_number in range(args.runs + 1):
        for name, command in tools.items():
            measured = timed(command, args.corpus)
            if round_number > 0:
                samples[name].append(measured)
    print(f"{args.runs} alternating runs in {args.corpus} (medians)")
    print("| tool | wall | CPU (user + system) |")
    print("|---|---|---|")
    medians = {}
    for name, runs in samples.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        medians[name] = wall
        print(f"| {name} | {wall:.3f} s | {cpu:.3f} s |")
    ours, theirs = medians.values()
    print(f"\npathbook check / lychee = {ours / theirs:.2f}x")


if __name__ == "__main__":
    main()
