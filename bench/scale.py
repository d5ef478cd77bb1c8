#!/usr/bin/env python3
"""How pathbook's cost grows with the site: cold build, rebuild with nothing changed, and
check, at several corpus sizes (250 modules per path, as in the 5,000-module corpus).

    python3 bench/scale.py [--sizes 500,5000,50000] [--out /tmp/pathbook-bench]

Prints one row per size with wall time, peak memory, output size and the cost per module,
which stays flat when the work is linear.
"""
import argparse
import os
import shutil
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
    args = parser.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    pathbook = os.path.join(REPO, "target", "release", "pathbook")

    print("| modules | paths | Markdown | cold build | peak memory | output | per module | "
          "no-change build | check |")
    print("|---|---|---|---|---|---|---|---|---|")
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
        shutil.rmtree(cache, ignore_errors=True)
        env = dict(os.environ, XDG_CACHE_HOME=cache)
        # A folder no earlier run wrote into: see bench/compare.py on ext4's recently
        # deleted inodes.
        site = tempfile.mkdtemp(prefix=f"scale-{modules}-", dir=args.out)
        build = [pathbook, "build", "-q", ".", "--dest-dir", site]
        cold, peak = timed(build, corpus, env)
        output = du_mb(site)
        again, _ = timed(build, corpus, env)
        check, _ = timed([pathbook, "check", "-q", "."], corpus, env)
        shutil.rmtree(site, ignore_errors=True)
        print(f"| {modules:,} | {paths} | {markdown:.0f} MB | {cold:.2f} s | {peak:.0f} MB | "
              f"{output:.0f} MB | {cold / modules * 1000:.2f} ms | {again:.2f} s | {check:.2f} s |",
              flush=True)


if __name__ == "__main__":
    main()
