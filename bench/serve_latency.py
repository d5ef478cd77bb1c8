#!/usr/bin/env python3
"""Measures `pathbook serve`: time from a file write completing to the reload message
(the server-sent `status` event carrying the new version), then to the edited page
fetched again with the edit in it (what the reloading browser waits for: serve renders
pages when they are asked for), and the server's memory across many rebuilds.

    python3 bench/serve_latency.py PROJECT_DIR --module SLUG [--edits 30] [--rebuilds 1000]

PROJECT_DIR is copied to a temporary folder first, so the original is never touched.
Standard library only; loopback only.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Events:
    """A server-sent-events reader over a raw socket (no client library needed)."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.sendall(b"GET /__pathbook/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
        self.buffer = b""

    def next_status(self, timeout):
        self.sock.settimeout(timeout)
        while True:
            match = re.search(rb"data: (\{.*?\})\r?\n", self.buffer)
            if match:
                self.buffer = self.buffer[match.end():]
                return json.loads(match.group(1)), time.perf_counter()
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("event stream closed")
            self.buffer += chunk


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("project")
    parser.add_argument("--module", required=True, help="module slug to edit")
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--rebuilds", type=int, default=0, help="extra rebuilds for the memory check")
    parser.add_argument("--binary", default=os.path.join(os.path.dirname(__file__), "..", "target", "release", "pathbook"))
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="pathbook-serve-bench-")
    project = os.path.join(work, "project")
    shutil.copytree(args.project, project, ignore=shutil.ignore_patterns("book", ".git", "target"))
    readme = os.path.join(project, "content", "modules", args.module, "README.md")
    original = open(readme, encoding="utf-8").read()

    server = subprocess.Popen([args.binary, "serve", ".", "--port", "0"], cwd=project,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = server.stdout.readline()
        port = int(re.search(r"127\.0\.0\.1:(\d+)/", line).group(1))
        events = Events(port)
        status, _ = events.next_status(30)  # the current state, sent on connect
        version = status["version"]

        page = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

        def edit(i):
            nonlocal version
            marker = f"Edit number {i} for the latency benchmark."
            text = original.replace("\n", f"\n\n{marker}\n", 1)
            with open(readme, "w", encoding="utf-8") as f:
                f.write(text)
            written = time.perf_counter()
            while True:
                status, received = events.next_status(60)
                if status["version"] != version:
                    version = status["version"]
                    break
            page.request("GET", f"/modules/{args.module}/")
            body = page.getresponse().read().decode("utf-8")
            fetched = time.perf_counter()
            if marker not in body:
                raise RuntimeError(f"edit {i} not in the served page")
            return (received - written) * 1000.0, (fetched - written) * 1000.0

        edit(-1)  # warm up: the first rebuild may fill caches
        results = [edit(i) for i in range(args.edits)]
        for label, values in (("write-to-reload", [r[0] for r in results]),
                              ("write-to-page", [r[1] for r in results])):
            ordered = sorted(values)
            print(f"{label} median: {statistics.median(values):.1f} ms, "
                  f"p90: {ordered[max(0, int(len(values) * 0.9) - 1)]:.1f} ms, max: {max(values):.1f} ms")
        print(f"edits: {len(results)}")
        if args.rebuilds:
            before = rss_kib(server.pid)
            samples = []
            for i in range(args.rebuilds):
                edit(10_000 + i)
                if i % max(1, args.rebuilds // 10) == 0:
                    samples.append(rss_kib(server.pid))
            after = rss_kib(server.pid)
            print(f"rss before {args.rebuilds} rebuilds: {before / 1024:.1f} MiB; after: {after / 1024:.1f} MiB")
            print("rss samples (MiB): " + ", ".join(f"{s / 1024:.1f}" for s in samples))
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
