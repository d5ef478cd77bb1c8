#!/usr/bin/env python3
"""Load on `pathbook serve` over loopback: concurrent clients request pages, missing pages
and path-traversal attempts; reports throughput, latency, status counts and server memory.
Bounded in count and time; loopback only.

    python3 bench/serve_load.py PROJECT_DIR [--clients 8] [--requests 2000]
"""
import argparse
import os
import re
import socket
import statistics
import subprocess
import threading
import time

PATHS = ["/", "/modules/", "/modules/mlops-basics/", "/paths/ml-engineer/",
         "/static/pathbook.css", "/search/index.js", "/no/such/page.html",
         "/../book.toml", "/%2e%2e/%2e%2e/etc/passwd", "/..%5c..%5cbook.toml", "/a%00b"]


def request(port, path):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    leaked = b"[book]" in data or b"root:x:" in data
    return status, leaked


def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("project")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=2000, help="per client")
    parser.add_argument("--binary", default=os.path.join(os.path.dirname(__file__), "..", "target", "release", "pathbook"))
    args = parser.parse_args()
    server = subprocess.Popen([args.binary, "serve", args.project, "--port", "0"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        port = int(re.search(r"127\.0\.0\.1:(\d+)/", server.stdout.readline()).group(1))
        before = rss_kib(server.pid)
        latencies, statuses, leaks = [], {}, 0
        lock = threading.Lock()

        def client(seed):
            nonlocal leaks
            mine = []
            for i in range(args.requests):
                path = PATHS[(seed + i) % len(PATHS)]
                started = time.perf_counter()
                status, leaked = request(port, path)
                mine.append((time.perf_counter() - started) * 1000)
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
                    leaks += leaked
            with lock:
                latencies.extend(mine)

        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        total = len(latencies)
        latencies.sort()
        print(f"requests: {total} from {args.clients} clients in {elapsed:.2f} s ({total / elapsed:.0f} req/s)")
        print(f"latency median {statistics.median(latencies):.2f} ms, p99 {latencies[int(total * 0.99)]:.2f} ms")
        print("statuses: " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())))
        print(f"leaked project files: {leaks}")
        print(f"server rss before {before / 1024:.1f} MiB, after {rss_kib(server.pid) / 1024:.1f} MiB; still running: {server.poll() is None}")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
