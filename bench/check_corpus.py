#!/usr/bin/env python3
"""Independently verify a corpus written by gen_corpus.py (or any pathbook project).

Usage:
    python3 bench/check_corpus.py CORPUS_DIR [--expected FILE] [--max-print N]

It re-parses every Markdown file under the book's `src` directory with plain regexes
(it shares no code with the generator on purpose, so a bug in one is not silently
mirrored by the other) and:

* checks every relative link: the target file must exist with the *exact* case
  (checked against directory listings, so the result is the same on case-insensitive
  file systems), and a `#fragment` must be a heading id of the target file under
  GitHub's rule;
* prints each broken link as `file:line:column: kind: target`;
* compares the findings with `expected-breaks.json` (if present, or `--expected`);
* prints corpus figures (files, bytes, code blocks/lines, links) so the generator's
  summary can be cross-checked, and lists modules not linked from any path.

Exit status: 0 when the broken links found are exactly the expected ones (none if
there is no expectation file), 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import tomllib
import unicodedata
from urllib.parse import unquote

FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
HEADING_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
CODE_SPAN_RE = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)")
# [text](dest) or [text](dest "title"); text may not nest brackets (the generator never does).
LINK_RE = re.compile(r"\[([^\[\]]*)\]\(\s*(<[^>]*>|[^\s)]*)(?:\s+\"[^\"]*\")?\s*\)")
SCHEME_RE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.\-]*:|//)")
INLINE_LINK_TEXT_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def heading_id_base(text: str) -> str:
    """GitHub rule, written independently of the generator."""
    text = INLINE_LINK_TEXT_RE.sub(r"\1", text).lower()
    kept = [c for c in text if c in (" ", "_", "-") or unicodedata.category(c).startswith(("L", "M", "N"))]
    return "".join(kept).replace(" ", "-")


class Doc:
    """One parsed Markdown file: heading ids, links (line, col, dest), code stats."""

    __slots__ = ("ids", "links", "code_blocks", "code_lines", "nbytes")

    def __init__(self, path: str):
        with open(path, "rb") as f:
            raw = f.read()
        self.nbytes = len(raw)
        self.ids: set[str] = set()
        self.links: list[tuple[int, int, str]] = []
        self.code_blocks = 0
        self.code_lines = 0
        counts: dict[str, int] = {}
        fence: str | None = None
        for lineno, line in enumerate(raw.decode("utf-8").split("\n"), 1):
            fm = FENCE_RE.match(line)
            if fence is not None:
                # Closing fence: same char, at least as long, nothing but spaces after it.
                if fm and fm.group(1)[0] == fence[0] and len(fm.group(1)) >= len(fence) and not fm.group(2).strip():
                    fence = None
                else:
                    self.code_lines += 1
                continue
            if fm and not (fm.group(1)[0] == "`" and "`" in fm.group(2)):
                fence = fm.group(1)
                self.code_blocks += 1
                continue
            hm = HEADING_RE.match(line)
            if hm:
                base = heading_id_base((hm.group(2) or "").strip())
                n = counts.get(base, 0)
                counts[base] = n + 1
                self.ids.add(base if n == 0 else f"{base}-{n}")
            if "](" in line:
                # Blank out code spans with same-length filler so columns stay exact.
                masked = CODE_SPAN_RE.sub(lambda m: " " * len(m.group(0)), line)
                for lm in LINK_RE.finditer(masked):
                    dest = lm.group(2)
                    if dest.startswith("<") and dest.endswith(">"):
                        dest = dest[1:-1]
                    self.links.append((lineno, lm.start() + 1, dest))


class Checker:
    def __init__(self, root: str, src: str):
        self.root = os.path.abspath(root)
        self.src = os.path.join(self.root, src)
        self.docs: dict[str, Doc] = {}
        self.listings: dict[str, list[str] | None] = {}

    def listing(self, d: str) -> list[str] | None:
        if d not in self.listings:
            try:
                self.listings[d] = os.listdir(d)
            except OSError:
                self.listings[d] = None
        return self.listings[d]

    def resolve(self, abspath: str) -> tuple[str, str | None]:
        """('ok', path) | ('case-mismatch', None) | ('missing-file', None), walking from root."""
        rel = os.path.relpath(abspath, self.root)
        if rel.startswith(".."):
            return "missing-file", None
        cur, case_ok = self.root, True
        for part in rel.split(os.sep):
            names = self.listing(cur)
            if names is None:
                return "missing-file", None
            if part in names:
                cur = os.path.join(cur, part)
                continue
            folded = [n for n in names if n.lower() == part.lower()]
            if not folded:
                return "missing-file", None
            case_ok = False
            cur = os.path.join(cur, folded[0])
        return ("ok", cur) if case_ok else ("case-mismatch", None)

    def doc(self, path: str) -> Doc:
        d = self.docs.get(path)
        if d is None:
            d = self.docs[path] = Doc(path)
        return d

    def run(self):
        files = []
        for dirpath, dirnames, filenames in os.walk(self.src):
            dirnames.sort()
            files += [os.path.join(dirpath, f) for f in sorted(filenames) if f.endswith(".md")]
        broken, internal, external = [], 0, 0
        linked_from_paths: set[str] = set()
        paths_dir = os.path.join(self.src, "paths") + os.sep
        for path in files:
            d = self.doc(path)
            rel = os.path.relpath(path, self.root).replace(os.sep, "/")
            for line, col, dest in d.links:
                if SCHEME_RE.match(dest):
                    external += 1
                    continue
                internal += 1
                target, _, frag = dest.partition("#")
                if target:
                    status, tpath = self.resolve(os.path.normpath(os.path.join(os.path.dirname(path), unquote(target))))
                else:
                    status, tpath = "ok", path
                if status == "ok" and path.startswith(paths_dir):
                    linked_from_paths.add(tpath)
                if status == "ok" and frag and os.path.isfile(tpath):
                    if not tpath.endswith(".md") or unquote(frag) not in self.doc(tpath).ids:
                        status = "missing-fragment"
                if status != "ok":
                    broken.append({"file": rel, "line": line, "column": col, "target": dest, "kind": status})
        modules_dir = os.path.join(self.src, "modules")
        orphans = [p for p in files if p.startswith(modules_dir + os.sep) and p not in linked_from_paths]
        return files, broken, internal, external, orphans


def main() -> int:
    ap = argparse.ArgumentParser(description="Verify links and fragments of a generated pathbook corpus.")
    ap.add_argument("corpus")
    ap.add_argument("--expected", help="expected-breaks.json (default: CORPUS/expected-breaks.json if present)")
    ap.add_argument("--max-print", type=int, default=100, help="print at most N broken links")
    a = ap.parse_args()

    t0 = time.perf_counter()
    with open(os.path.join(a.corpus, "book.toml"), "rb") as f:
        src = tomllib.load(f).get("book", {}).get("src", "src")
    ck = Checker(a.corpus, src)
    files, broken, internal, external, orphans = ck.run()
    docs = [ck.docs[p] for p in files]

    print(f"files:           {len(files)} Markdown")
    print(f"total bytes:     {sum(d.nbytes for d in docs)} Markdown")
    print(f"code blocks:     {sum(d.code_blocks for d in docs)}")
    print(f"code lines:      {sum(d.code_lines for d in docs)}")
    print(f"internal links:  {internal} (plus {external} external)")
    print(f"orphan modules:  {len(orphans)} (not linked from any path)")
    for p in orphans[:10]:
        print(f"  orphan: {os.path.relpath(p, ck.root)}")
    print(f"broken links:    {len(broken)}")
    for b in broken[: a.max_print]:
        print(f"  {b['file']}:{b['line']}:{b['column']}: {b['kind']}: {b['target']}")

    exp_path = a.expected or os.path.join(a.corpus, "expected-breaks.json")
    expected = []
    if os.path.exists(exp_path):
        with open(exp_path, encoding="utf-8") as f:
            expected = json.load(f)
    key = lambda e: (e["file"], e["line"], e["column"], e["target"], e["kind"])
    found_set, exp_set = set(map(key, broken)), set(map(key, expected))
    missing, unexpected = sorted(exp_set - found_set), sorted(found_set - exp_set)
    ok = not missing and not unexpected and len(broken) == len(expected)
    print(f"expected breaks: {len(expected)} -> {'MATCH' if ok else 'MISMATCH'}")
    for e in missing[:20]:
        print(f"  expected but not found: {e}")
    for e in unexpected[:20]:
        print(f"  found but not expected: {e}")
    print(f"elapsed:         {time.perf_counter() - t0:.2f}s")
    return 0 if ok and not orphans else 1


if __name__ == "__main__":
    sys.exit(main())
