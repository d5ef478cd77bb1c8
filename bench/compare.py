#!/usr/bin/env python3
"""Side-by-side benchmark: pathbook against the peers installed on this machine, on the
same generated corpus, alternating runs, reporting medians, ratios and peak memory.

    python3 bench/compare.py [--modules 5000] [--paths 20] [--runs 3] [--out BENCH_DIR]

Peers are used when found on PATH: mdbook (`cargo install mdbook`), hugo (Debian's
`hugo`), lychee (`cargo install lychee`). Zola is in none of the registries this machine
reaches, so it is left out. Each gets the corpus in the form it reads
(mdBook a SUMMARY.md, Hugo minimal layouts); the Markdown is the same bytes for all.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def timed(command, cwd, env=None):
    """Runs `command`; returns (wall seconds, peak RSS in MB) measured by GNU time."""
    started = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M", *command], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - started
    if result.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    peak_kb = int(result.stderr.strip().splitlines()[-1])
    return wall, peak_kb / 1024


def du_mb(path):
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            total += os.path.getsize(os.path.join(root, name))
    return total / 1e6


def prepare(corpus, work):
    """Lays the corpus out for each tool; returns {tool: (command, cwd, output option)}: a
    builder's command takes its output folder as the argument after its output option."""
    pathbook = os.path.join(REPO, "target", "release", "pathbook")
    tools = {}
    tools["pathbook build"] = ([pathbook, "build", "."], corpus, "--dest-dir")
    tools["pathbook check"] = ([pathbook, "check", "."], corpus, None)

    content = os.path.join(corpus, "content")
    if shutil.which("mdbook"):
        book = os.path.join(work, "mdbook")
        if not os.path.isdir(book):
            shutil.copytree(content, os.path.join(book, "src"))
            lines = ["# Summary", ""]
            for name in sorted(os.listdir(os.path.join(content, "paths"))):
                lines.append(f"- [{name[:-3]}](paths/{name})")
            for slug in sorted(os.listdir(os.path.join(content, "modules"))):
                lines.append(f"- [{slug}](modules/{slug}/README.md)")
            open(os.path.join(book, "src", "SUMMARY.md"), "w").write("\n".join(lines) + "\n")
            open(os.path.join(book, "book.toml"), "w").write(
                '[book]\ntitle = "corpus"\n[output.html.search]\nenable = true\n')
        tools["mdbook build"] = (["mdbook", "build"], book, "--dest-dir")
    if shutil.which("hugo"):
        site = os.path.join(work, "hugo")
        if not os.path.isdir(site):
            shutil.copytree(content, os.path.join(site, "content"))
            layouts = os.path.join(site, "layouts", "_default")
            os.makedirs(layouts)
            page = "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body>{{ .Content }}</body></html>\n"
            open(os.path.join(layouts, "single.html"), "w").write(page)
            open(os.path.join(layouts, "list.html"), "w").write(page)
            open(os.path.join(site, "hugo.toml"), "w").write(
                'baseURL = "https://example.org/"\ntitle = "corpus"\n[markup.highlight]\nnoClasses = false\n')
        tools["hugo"] = (["hugo", "--quiet"], site, "--destination")
    if shutil.which("lychee"):
        tools["lychee --offline --include-fragments"] = (
            ["lychee", "--offline", "--include-fragments", "--no-progress", "content/**/*.md"], corpus, None)
    return tools


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--modules", type=int, default=5000)
    parser.add_argument("--paths", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", default="/tmp/pathbook-bench")
    parser.add_argument("--keep", action="store_true",
                        help="leave the built sites in place (bench/all.sh deletes them at "
                             "the end, so no deletion slows the next script's builds)")
    args = parser.parse_args()

    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    corpus = os.path.join(args.out, f"corpus-{args.modules}")
    if not os.path.isdir(corpus):
        subprocess.run([sys.executable, os.path.join(HERE, "gen_corpus.py"), corpus,
                        "--modules", str(args.modules), "--paths", str(args.paths)],
                       check=True, stdout=subprocess.DEVNULL)
    tools = prepare(corpus, args.out)
    env = dict(os.environ, XDG_CACHE_HOME=os.path.join(args.out, "cache"))

    # Every build writes into a folder of its own that no earlier run used. Deleting the
    # previous output just before a build measures the file system instead: for a minute
    # or more after files are deleted, ext4 scans the recently deleted inodes for every
    # file it creates (`recently_deleted` in a profile), adding 1-3 s of system time to a
    # 16,000-file build on this disk.
    runs_dir = tempfile.mkdtemp(prefix="runs-", dir=args.out)
    outputs = {}

    samples = {name: [] for name in tools}
    warm = {"pathbook build (no change)": [], "pathbook build (one module changed)": []}
    # An author's typical save: a sentence added at the end of one module, its title and
    # summary unchanged.
    module = sorted(os.listdir(os.path.join(corpus, "content", "modules")))[len(tools)]
    readme = os.path.join(corpus, "content", "modules", module, "README.md")
    original = open(readme, encoding="utf-8").read()
    for run in range(args.runs):
        # Alternate tools within each round so machine noise spreads over all of them.
        for name, (command, cwd, option) in tools.items():
            if option:
                outputs[name] = os.path.join(runs_dir, f"{run}-{name.split()[0]}")
                command = [*command, option, outputs[name]]
            if name == "pathbook build":
                shutil.rmtree(env["XDG_CACHE_HOME"], ignore_errors=True)  # a cold build
            samples[name].append(timed(command, cwd, env))
        command, cwd, option = tools["pathbook build"]
        command = [*command, option, outputs["pathbook build"]]
        warm["pathbook build (no change)"].append(timed(command, cwd, env))
        with open(readme, "w", encoding="utf-8") as f:
            f.write(original + f"\nOne more sentence, saved in round {run}.\n")
        try:
            warm["pathbook build (one module changed)"].append(timed(command, cwd, env))
        finally:
            with open(readme, "w", encoding="utf-8") as f:
                f.write(original)

    print(f"corpus: {args.modules} modules, {args.paths} paths; {args.runs} alternating runs; "
          f"{os.cpu_count()} cores; edited module: {module}\n")
    print("| tool | median wall | peak memory | output |")
    print("|---|---|---|---|")
    rows = dict(samples, **warm)
    for name, values in rows.items():
        wall = statistics.median(v[0] for v in values)
        peak = max(v[1] for v in values)
        output = outputs.get(name, outputs["pathbook build"] if name.startswith("pathbook build") else None)
        size = f"{du_mb(output):.0f} MB" if output and os.path.isdir(output) else "—"
        print(f"| {name} | {wall:.2f} s | {peak:.0f} MB | {size} |")
    base = statistics.median(v[0] for v in samples["pathbook build"])
    check = statistics.median(v[0] for v in samples["pathbook check"])
    print()
    for name, values in samples.items():
        wall = statistics.median(v[0] for v in values)
        if name.startswith("pathbook"):
            continue
        ours = check if "lychee" in name else base
        label = "pathbook check" if "lychee" in name else "pathbook build"
        print(f"- {label} / {name}: {ours / wall:.3f}× ({wall / ours:.1f} times faster)")
    if not args.keep:
        shutil.rmtree(runs_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
