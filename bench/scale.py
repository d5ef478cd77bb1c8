#!/usr/bin/env python3
"""How pathbook's cost grows with the site: cold build, a build into a new folder with the
highlighting cache filled, rebuild with nothing changed, and check, at several corpus sizes
(250 modules per path, as in the 5,000-module corpus).

    python3 bench/scale.py [--sizes 500,5000,50000] [--out /tmp/pathbook-bench]

Prints one row per size with wall time, peak memory, output size and the cost per module,
which stays flat when the work is linear. Sizes under 1,000 modules build in well under a
second, where one run is mostly noise: they are run --small-runs times (each from an empty
highlighting cache and into a new folder) and the medians reported.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from compare import REPO, du_mb, timed  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="500,5000,50000")
    parser.add_argument("--out", default="/tmp/pathbook-bench")
    parser.add_argument("--small-runs", type=int, default=11)
    parser.add_argument("--keep", action="store_true",
                        help="leave the built sites in place (see bench/compare.py --keep)")
    args = parser.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    pathbook = os.path.join(REPO, "target", "release", "pathbook")

    print("| modules | paths | Markdown | cold build | peak memory | output | per module | "
          "new folder, cache filled | no-change build | check |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    # Sites are deleted only at the end: a deletion would slow the builds after it (see
    # bench/compare.py on ext4's recently deleted inodes).
    sites = []
    for modules in (int(n) for n in args.sizes.split(",")):
        paths = max(1, modules // 250)
        corpus = os.path.join(args.out, f"corpus-{modules}")
        if modules == 5000:
            paths = 20
        if not os.path.isdir(corpus):
            subprocess.run([sys.executable, os.path.join(HERE, "gen_corpus.py"), corpus,
                            "--modules", str(modules), "--paths", str(paths)],
                           check=True, stdout=subprocess.DEVNULL)
        markdown = du_mb(os.path.join(corpus, "content"))
        cache = os.path.join(args.out, f"scale-cache-{modules}")
        runs = {"cold": [], "peak": [], "cached": [], "again": [], "check": []}
        for _ in range(args.small_runs if modules < 1000 else 1):
            shutil.rmtree(cache, ignore_errors=True)
            env = dict(os.environ, XDG_CACHE_HOME=cache)
            # A folder no earlier run wrote into: see bench/compare.py on ext4's recently
            # deleted inodes.
            site = tempfile.mkdtemp(prefix=f"scale-{modules}-", dir=args.out)
            other_site = tempfile.mkdtemp(prefix=f"scale-{modules}-", dir=args.out)
            sites += [site, other_site]
            build = [pathbook, "build", "-q", ".", "--dest-dir", site]
            cold, peak = timed(build, corpus, env)
            output = du_mb(site)
            # Every page made again, but the highlighting cache the cold build left is used:
            # what a first build costs on a machine that has built the site before.
            cached, _ = timed([pathbook, "build", "-q", ".", "--dest-dir", other_site],
                              corpus, env)
            again, _ = timed(build, corpus, env)
            check, _ = timed([pathbook, "check", "-q", "."], corpus, env)
            for name, value in zip(runs, (cold, peak, cached, again, check)):
                runs[name].append(value)
        cold, peak, cached, again, check = (
            statistics.median(values) for values in runs.values())
        print(f"| {modules:,} | {paths} | {markdown:.{1 if markdown < 10 else 0}f} MB | "
              f"{wall(cold)} | {peak:.0f} MB | "
              f"{output:.0f} MB | {cold / modules * 1000:.2f} ms | {wall(cached)} | "
              f"{wall(again)} | {wall(check)} |", flush=True)
    if not args.keep:
        for site in sites:
            shutil.rmtree(site, ignore_errors=True)


def wall(seconds):
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


if __name__ == "__main__":
    main()
