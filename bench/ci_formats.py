#!/usr/bin/env python3
"""CI formats at scale: every `check --format` on a repository with about 10,000 findings,
the GitHub step summary's size, and `--changed-since` on a one-file change.

Usage:
    python3 bench/ci_formats.py [--pathbook target/release/pathbook] [--runs 5] [--work DIR]

It generates the 5,000-module corpus twice with bench/gen_corpus.py: once with 10,000
injected breaks (the formats), once clean and committed to a fresh git repository (the
one-file change). Times are the median of --runs runs, wall clock, each format's extra cost
given against `--format json` (the check itself plus the cheapest output).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def timed(cmd, cwd, runs, env=None):
    times = []
    out = None
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pathbook", default=os.path.join(HERE, "..", "target", "release", "pathbook"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--work", default=None)
    args = ap.parse_args()
    pathbook = os.path.abspath(args.pathbook)
    work = args.work or tempfile.mkdtemp(prefix="pathbook-ci-")
    broken = os.path.join(work, "broken")
    clean = os.path.join(work, "clean")
    gen = [sys.executable, os.path.join(HERE, "gen_corpus.py")]
    subprocess.run(gen + [broken, "--breaks", "10000", "--force"], check=True, capture_output=True)
    subprocess.run(gen + [clean, "--force"], check=True, capture_output=True)

    base, out = timed([pathbook, "check", ".", "--format", "json"], broken, args.runs)
    findings = len(json.loads(out.stdout)["diagnostics"])
    print(f"findings: {findings}")
    print(f"{'format':<8} {'median s':>9} {'beyond json':>12} {'output':>10}")
    print(f"{'json':<8} {base:9.3f} {0:12.3f} {len(out.stdout):10,}")
    env = dict(os.environ)
    summary = os.path.join(work, "summary.md")
    env["GITHUB_STEP_SUMMARY"] = summary
    for fmt in ["sarif", "junit", "gitlab", "github"]:
        if os.path.exists(summary):
            os.remove(summary)
        t, out = timed([pathbook, "check", ".", "--format", fmt], broken, args.runs, env)
        print(f"{fmt:<8} {t:9.3f} {t - base:12.3f} {len(out.stdout):10,}")
        if fmt == "sarif":
            assert len(json.loads(out.stdout)["runs"][0]["results"]) == findings
        if fmt == "gitlab":
            assert len(json.loads(out.stdout)) == findings
    # The summary file is appended to on every run: one run's share.
    size = os.path.getsize(summary) // args.runs
    print(f"step summary: {size:,} bytes per run (GitHub's limit: 1,048,576)")

    git = ["git", "-c", "user.name=b", "-c", "user.email=b@b", "-c", "commit.gpgsign=false"]
    subprocess.run(git + ["init", "-q"], cwd=clean, check=True)
    subprocess.run(git + ["add", "."], cwd=clean, check=True)
    subprocess.run(git + ["commit", "-qm", "corpus"], cwd=clean, check=True)
    modules = sorted(os.listdir(os.path.join(clean, "content", "modules")))
    page = os.path.join(clean, "content", "modules", modules[0], "README.md")
    with open(page, "a") as f:
        f.write("\n[a new broken link](nowhere.md)\n")
    full, _ = timed([pathbook, "check", "."], clean, args.runs)
    changed, out = timed([pathbook, "check", ".", "--changed-since", "HEAD"], clean, args.runs)
    print(f"check, whole corpus: {full:.3f} s; --changed-since HEAD after a one-file change: {changed:.3f} s")
    print(out.stdout.decode().strip().splitlines()[-1])


if __name__ == "__main__":
    main()
