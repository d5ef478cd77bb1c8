#!/usr/bin/env python3
"""Generate a deterministic, realistic pathbook project for benchmarks and large-scale tests.

Usage:
    python3 bench/gen_corpus.py OUT_DIR [--modules N] [--paths P] [--seed S] [--breaks K] [--force]

The output is a complete pathbook project:

    OUT_DIR/book.toml
    OUT_DIR/content/modules/<slug>/README.md     N modules
    OUT_DIR/content/paths/path-XX.md             P learning paths
    OUT_DIR/expected-breaks.json                 the K injected broken links ([] when K == 0)

Design notes (the "why"):

* Everything is driven by one seeded ``random.Random``; nothing iterates over sets
  or depends on hashing, so the same arguments always give byte-identical output.
* Generation is two-phase.  First every module is *planned* (slug, title, headings,
  heading ids), then modules are *rendered*.  Cross-links with fragments must point
  at a heading id that really exists in the target file, which is only possible
  once every target's headings are known.
* Broken links are injected by a *separate* RNG after rendering, by appending a
  sentence to existing prose lines.  That keeps the rest of the corpus identical to
  the clean corpus with the same seed (so clean vs. broken benchmarks compare like
  with like) and never shifts line numbers, so the recorded positions stay exact.
* Headings deliberately cover the awkward corners of GitHub's id rule:
  punctuation (``CI/CD``, ``x.509``, ``C++``, parentheses), double spaces left by
  removed characters (``Tools & Techniques`` -> ``tools--techniques``), non-ASCII
  letters, a leading emoji (``🚀 Quick Start`` -> ``-quick-start``) and duplicate
  headings (``-1``/``-2`` suffixes).  Prose sometimes contains non-ASCII and
  astral-plane characters so "column in Unicode characters" is actually tested.
* Code blocks contain ``#`` comment lines (bash/python/yaml) that a correct
  implementation must not mistake for headings, but never contain link syntax.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
import unicodedata

# --------------------------------------------------------------------------------------
# GitHub heading ids
# --------------------------------------------------------------------------------------


def github_slug(text: str) -> str:
    """Base heading id: lowercase, keep letters/marks/numbers/'_'/' '/'-', spaces -> '-'."""
    out = []
    for ch in text.lower():
        if ch == " ":
            out.append("-")
        elif ch in "_-" or unicodedata.category(ch)[0] in "LMN":
            out.append(ch)
    return "".join(out)


class IdAllocator:
    """Assigns per-file unique ids the way GitHub does (2nd 'x' -> 'x-1', 3rd -> 'x-2')."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def add(self, text: str) -> str:
        base = github_slug(text)
        n = self.seen.get(base, 0)
        self.seen[base] = n + 1
        return base if n == 0 else f"{base}-{n}"


# --------------------------------------------------------------------------------------
# Vocabulary.  Kept inline so the script stays a single self-contained file.
# Topic tuples are (slug base, display title); titles carry the punctuation that
# makes heading ids and link texts interesting.
# --------------------------------------------------------------------------------------

DOMAINS: list[tuple[str, list[tuple[str, str]]]] = [
    ("Machine Learning", [
        ("machine-learning-basics", "Machine Learning Basics"),
        ("deep-learning-foundations", "Deep Learning Foundations"),
        ("feature-engineering", "Feature Engineering"),
        ("model-evaluation", "Model Evaluation"),
        ("hyperparameter-tuning", "Hyperparameter Tuning"),
        ("model-deployment", "Model Deployment"),
        ("mlops-pipelines", "MLOps Pipelines"),
        ("computer-vision", "Computer Vision"),
        ("nlp-transformers", "NLP & Transformers"),
        ("recommendation-systems", "Recommendation Systems"),
        ("time-series-forecasting", "Time-Series Forecasting"),
        ("llm-applications", "LLM Applications"),
    ]),
    ("Data Engineering", [
        ("data-pipelines", "Data Pipelines"),
        ("stream-processing", "Stream Processing"),
        ("batch-processing", "Batch Processing"),
        ("data-warehousing", "Data Warehousing"),
        ("data-lakes", "Data Lakes"),
        ("etl-orchestration", "ETL Orchestration"),
        ("data-quality", "Data Quality"),
        ("change-data-capture", "Change Data Capture (CDC)"),
        ("apache-spark", "Apache Spark"),
        ("kafka-streaming", "Kafka Streaming"),
    ]),
    ("Cloud", [
        ("cloud-fundamentals", "Cloud Fundamentals"),
        ("aws-networking", "AWS Networking"),
        ("serverless-functions", "Serverless Functions"),
        ("object-storage", "Object Storage"),
        ("cloud-cost-optimization", "Cloud Cost Optimization"),
        ("multi-region-architecture", "Multi-Region Architecture"),
        ("identity-access-management", "Identity & Access Management"),
        ("infrastructure-as-code", "Infrastructure as Code"),
        ("cloud-migration", "Cloud Migration"),
    ]),
    ("DevOps", [
        ("ci-cd-pipelines", "CI/CD Pipelines"),
        ("container-basics", "Container Basics"),
        ("kubernetes-operations", "Kubernetes Operations"),
        ("helm-charts", "Helm Charts"),
        ("gitops-workflows", "GitOps Workflows"),
        ("release-engineering", "Release Engineering"),
        ("configuration-management", "Configuration Management"),
        ("build-systems", "Build Systems"),
    ]),
    ("Site Reliability", [
        ("observability", "Observability"),
        ("distributed-tracing", "Distributed Tracing"),
        ("incident-response", "Incident Response"),
        ("capacity-planning", "Capacity Planning"),
        ("chaos-engineering", "Chaos Engineering"),
        ("slo-design", "SLO Design"),
        ("log-aggregation", "Log Aggregation"),
        ("alerting-strategy", "Alerting Strategy"),
    ]),
    ("Security", [
        ("threat-modeling", "Threat Modeling"),
        ("tls-x509", "TLS & x.509 Certificates"),
        ("secrets-management", "Secrets Management"),
        ("web-application-security", "Web Application Security"),
        ("zero-trust-networking", "Zero-Trust Networking"),
        ("vulnerability-management", "Vulnerability Management"),
        ("secure-coding", "Secure Coding"),
        ("authentication-protocols", "Authentication Protocols (OAuth 2.0, OIDC)"),
        ("supply-chain-security", "Supply-Chain Security"),
    ]),
    ("Backend", [
        ("api-design", "API Design"),
        ("grpc-services", "gRPC Services"),
        ("message-queues", "Message Queues"),
        ("distributed-caching", "Distributed Caching"),
        ("rate-limiting", "Rate Limiting"),
        ("event-sourcing", "Event Sourcing"),
        ("microservices-patterns", "Microservices Patterns"),
        ("background-jobs", "Background Jobs"),
        ("graphql-apis", "GraphQL APIs"),
    ]),
    ("Frontend", [
        ("javascript-fundamentals", "JavaScript Fundamentals"),
        ("typescript-essentials", "TypeScript Essentials"),
        ("react-components", "React Components"),
        ("state-management", "State Management"),
        ("web-performance", "Web Performance"),
        ("accessibility", "Accessibility (a11y)"),
        ("css-layout", "CSS Layout"),
        ("browser-rendering", "Browser Rendering"),
    ]),
    ("Databases", [
        ("sql-fundamentals", "SQL Fundamentals"),
        ("query-optimization", "Query Optimization"),
        ("indexing-strategies", "Indexing Strategies"),
        ("transactions-isolation", "Transactions & Isolation"),
        ("database-replication", "Database Replication"),
        ("sharding", "Sharding"),
        ("nosql-data-models", "NoSQL Data Models"),
        ("postgres-internals", "Postgres Internals"),
    ]),
    ("Systems", [
        ("operating-systems", "Operating Systems"),
        ("memory-management", "Memory Management"),
        ("concurrency-primitives", "Concurrency Primitives"),
        ("rust-ownership", "Rust Ownership"),
        ("cpp-interop", "C++ Interop"),
        ("linux-networking", "Linux Networking"),
        ("file-systems", "File Systems"),
        ("performance-profiling", "Performance Profiling"),
    ]),
    ("Mobile", [
        ("mobile-architecture", "Mobile Architecture"),
        ("android-fundamentals", "Android Fundamentals"),
        ("ios-development", "iOS Development"),
        ("offline-sync", "Offline Sync"),
        ("push-notifications", "Push Notifications"),
    ]),
    ("Quality Engineering", [
        ("unit-testing", "Unit Testing"),
        ("integration-testing", "Integration Testing"),
        ("property-based-testing", "Property-Based Testing"),
        ("load-testing", "Load Testing"),
        ("contract-testing", "Contract Testing"),
        ("code-review", "Code Review"),
    ]),
]

TITLE_QUALIFIERS = [
    "", "", "", " Fundamentals", " in Practice", ": A Deep Dive", " at Scale", " Patterns",
    " for Production", ": Hands-on Lab", " Essentials", " Case Studies", " Internals",
]

# Generic h3 headings for "Core Concepts".  The odd ones are intentional (see module docstring).
CONCEPT_HEADINGS = [
    "Key Terminology", "Architecture Overview", "Data Flow", "CI/CD Integration",
    "x.509 Certificate Chains", "C++ Bindings", "Configuration (YAML)", "Error Handling & Retries",
    "I/O Patterns", "Trade-offs (Latency vs. Throughput)", "Using `kubectl`", "What's Next?",
    "Naïve Baseline", "🚀 Quick Start", "Step-by-Step Setup", "gRPC vs. REST", "OAuth 2.0 Flows",
    "Node.js Tooling", "Pros/Cons", "Q&A", "Tools & Techniques", "Über-jar Packaging",
    "Rust: Ownership Basics", "Performance Tuning", "Security Considerations", "Testing Strategy",
    "Scaling Out", "Failure Modes", "Monitoring and Alerting", "The 80/20 Rule", "Back-pressure",
    "Idempotency Keys", "Schema Design", "Deployment Checklist", "Cost Model", "API Surface",
    "C# and .NET Interop", "Edge Cases", "State Machines", "Caching Layers", "Read/Write Paths",
    "Consistency Models", "Versioning", "Observability Hooks", "Resource Limits",
    "snake_case Naming", "Déjà Vu: Retrying Safely",
]

SPECIAL_SECTIONS = [
    "Configuration Reference", "Hands-on Lab", "Comparison Matrix", "Operational Checklist",
    "Performance Characteristics", "Glossary", "CI/CD Integration", "Design Review (Template)",
    "Migration Guide: v1 → v2", "Troubleshooting", "Benchmarks & Results",
]

CONCEPT_NOUNS = [
    "retry policy", "connection pool", "write-ahead log", "schema registry", "feature flag",
    "circuit breaker", "load balancer", "consumer group", "partition key", "service mesh",
    "token bucket", "health check", "rollout strategy", "dependency graph", "cache key",
    "checkpoint", "sidecar proxy", "query planner", "event loop", "thread pool", "batch window",
    "watermark", "config map", "audit trail", "access policy", "build cache", "test fixture",
    "error budget", "trace context", "replica set", "memory arena", "lock-free queue",
]

ADJECTIVES = [
    "robust", "incremental", "idempotent", "observable", "cost-aware", "fault-tolerant",
    "declarative", "lightweight", "horizontally scalable", "well-tested", "predictable",
    "backwards-compatible", "stateless", "latency-sensitive", "naïve",
]

VERBS = [
    "reduce tail latency", "isolate failures", "ship changes safely", "keep costs predictable",
    "simplify on-call", "catch regressions early", "scale reads independently",
    "avoid data loss", "shorten feedback loops", "make behaviour reproducible",
    "limit blast radius", "understand the trade-offs",
]

PROBLEMS = [
    "thundering herds", "silent data corruption", "configuration drift", "noisy neighbours",
    "cascading failures", "unbounded queues", "flaky tests", "hot partitions",
    "stale reads", "alert fatigue", "dependency hell", "memory leaks",
]

TOOLS = [
    "Prometheus", "Grafana", "Terraform", "Kubernetes", "PostgreSQL", "Redis", "Kafka",
    "Airflow", "PyTorch", "Docker", "GitHub Actions", "OpenTelemetry", "Envoy", "Vault",
    "Spark", "dbt", "Playwright", "Cargo", "Bazel", "Argo CD",
]

INLINE_CODE = [
    "max_retries", "--dry-run", "Cargo.toml", "kubectl apply -f", "SELECT count(*)",
    "timeout_ms", "cache.get(key)", "git rebase -i", "docker compose up", "EXPLAIN ANALYZE",
    "Result<T, E>", "async fn", "terraform plan", "pytest -k", "npm ci", "SIGTERM",
    "READ COMMITTED", "replicas: 3", "O(log n)", "Content-Type", "fsync()", "go test ./...",
]

# Sentence templates.  A few contain non-ASCII punctuation or an emoji on purpose.
SENTENCES = [
    "{Topic} helps teams {verb} without introducing {problem}.",
    "{A_adj} {concept} is usually the first thing to get right.",
    "In practice, the {concept} matters most when traffic is bursty and {problem} start to appear.",
    "Most production incidents traced back to {topic} involve a misconfigured {concept}.",
    "We start with {a_adj} design and refine it as requirements become clearer.",
    "Setting `{code}` explicitly makes the behaviour easier to reason about.",
    "Tools such as {tool} and {tool2} make it practical to {verb}.",
    "The *key insight* is that a {concept} should be {adj}, not clever.",
    "Treat the {concept} as part of the public contract — changing it later is expensive.",
    "When in doubt, measure first: profiles beat intuition almost every time.",
    "A **common mistake** is to tune the {concept} before understanding the workload.",
    "Each exercise builds on the previous one, so work through them in order.",
    "You will use {tool} to {verb} and to observe how the {concept} behaves under load.",
    "Think of the {concept} as a budget: every request spends a little of it.",
    "The naïve approach works for small inputs but degrades quickly → plan for growth.",
    "Keep the happy path simple and make failure handling explicit with `{code}`.",
    "Teams that {verb} tend to document their {concept} decisions in a short design note.",
    "By the end of this section you should be able to explain why {problem} happen.",
    "Latency targets ≈ 200 ms at p99 are a reasonable starting point for interactive APIs.",
    "🚀 Tip: automate the boring parts first, then iterate on the interesting ones.",
    "Pair the {concept} with good dashboards in {tool} so regressions are visible.",
    "The examples below use {tool}, but the ideas transfer to any comparable stack.",
]

PATH_ROLES: list[tuple[str, list[str]]] = [
    ("Machine Learning Engineer", ["Machine Learning", "Data Engineering"]),
    ("Data Engineer", ["Data Engineering", "Databases"]),
    ("Cloud Architect", ["Cloud", "Security"]),
    ("DevOps Engineer", ["DevOps", "Cloud"]),
    ("Site Reliability Engineer", ["Site Reliability", "DevOps"]),
    ("Security Engineer", ["Security", "Systems"]),
    ("Backend Engineer", ["Backend", "Databases"]),
    ("Frontend Engineer", ["Frontend", "Quality Engineering"]),
    ("Database Administrator", ["Databases", "Site Reliability"]),
    ("Systems Programmer", ["Systems", "Backend"]),
    ("Mobile Developer", ["Mobile", "Frontend"]),
    ("QA Automation Engineer", ["Quality Engineering", "DevOps"]),
    ("Full-Stack Developer", ["Frontend", "Backend"]),
    ("Platform Engineer", ["DevOps", "Site Reliability", "Cloud"]),
    ("Data Scientist", ["Machine Learning", "Databases"]),
    ("Analytics Engineer", ["Data Engineering", "Databases"]),
    ("Cloud Security Engineer", ["Security", "Cloud"]),
    ("Embedded & Systems Engineer", ["Systems", "Quality Engineering"]),
    ("MLOps Engineer", ["Machine Learning", "DevOps"]),
    ("Solutions Architect", ["Cloud", "Backend", "Data Engineering"]),
    ("Performance Engineer", ["Systems", "Site Reliability"]),
    ("API Platform Engineer", ["Backend", "Security"]),
]

PHASE_NAMES = [
    "Core Foundations", "Engineering Fundamentals", "Intermediate Practice", "Advanced Systems",
    "Production Readiness", "Scaling & Reliability", "Architecture & Design", "Operational Excellence",
]
GROUP_SUFFIXES = ["Essentials", "Foundations", "& Tooling", "in Production", "Deep Dives", "Core Skills"]
TRACK_PREFIXES = ["Large-Scale", "Applied", "Real-Time", "Secure", "Cloud-Native", "High-Performance"]

# --------------------------------------------------------------------------------------
# Code snippets.  Each generator returns *exactly* n lines so code-line totals are
# controlled; bodies are assembled from 1- or 2-line units.
# --------------------------------------------------------------------------------------

CODE_LANGS = ["python", "rust", "bash", "yaml", "json", "javascript", "sql", "go"]
IDENT_NOUNS = ["cache", "client", "config", "chunk", "event", "record", "request", "result",
               "node", "shard", "token", "metric", "job", "queue", "item", "payload", "window"]


def _fill(rng: random.Random, n: int, units: list, one_liners: list) -> list[str]:
    """Pick units (lists of lines) until exactly n lines are produced."""
    out: list[str] = []
    last = -1
    while len(out) < n:
        left = n - len(out)
        unit = None
        if left >= 2:
            # Avoid the same unit twice in a row; it reads as obviously machine-made.
            k = rng.randrange(len(units))
            if k == last and len(units) > 1:
                k = (k + 1) % len(units)
            last = k
            unit = units[k]()
        if unit is None or len(unit) > left:
            # Never truncate a unit: that would leave unbalanced braces / blocks.
            unit = [rng.choice(one_liners)()]
        out.extend(unit)
    return out


def code_python(rng, n, w1, w2):
    fn = f"{rng.choice(['load', 'process', 'sync', 'refresh', 'compute'])}_{w1}"
    v = rng.choice(IDENT_NOUNS)
    one = [lambda: f"    {v}s = [x for x in {w2}s if x.ready]",
           lambda: f"    logger.debug(\"{fn}: %d {v}s\", len({w2}s))",
           lambda: f"    # keep the {w1} {v} bounded to avoid unbounded growth",
           lambda: f"    stats[\"{v}\"] += 1",
           lambda: f"    {v} = {w2}s.get(key, default)"]
    units = [lambda: [f"    if {v} is None:", "        return None"],
             lambda: [f"    for {v} in {w2}s:", f"        total += {v}.size"],
             lambda: ["    try:", f"        client.send({v})", "    except TimeoutError:",
                      f"        logger.warning(\"{fn}: send timed out\")"],
             lambda: [f"    while not queue.empty():", f"        {v} = queue.get(timeout=timeout)"],
             lambda: [o() for o in rng.sample(one, 2)]]
    head = ["import logging", "", "logger = logging.getLogger(__name__)", ""] if n >= 12 else []
    head.append(f"def {fn}({w2}s, key=None, timeout=5.0):")
    return head + _fill(rng, n - len(head) - 1, units, one) + [f"    return {v}"]


def code_rust(rng, n, w1, w2):
    ty = w1.capitalize() + rng.choice(["Config", "State", "Client", "Index"])
    one = [lambda: f"    let {w2} = self.{w1}.get(&key).cloned();",
           lambda: f"    // {w1}: keep the lock scope small",
           lambda: f"    metrics.{w2}_total.inc();",
           lambda: f"    let limit = cfg.max_{w2}s.min(1024);",
           lambda: f"    debug_assert!(!{w2}s.is_empty());"]
    units = [lambda: [f"    for {w2} in {w2}s.iter() {{", f"        total += {w2}.len();", "    }"],
             lambda: [f"    if let Some(v) = cache.get(&key) {{", "        return Ok(v.clone());", "    }"],
             lambda: [f"    let {w1} = {ty}::new(limit)", "        .with_timeout(Duration::from_millis(250))?;"],
             lambda: [o() for o in rng.sample(one, 2)]]
    head = [f"use std::time::Duration;", ""] if n >= 12 else []
    head.append(f"fn build_{w1}(cfg: &Settings, key: &str) -> Result<{ty}, Error> {{")
    return head + _fill(rng, n - len(head) - 2, units, one) + [f"    Ok({ty}::default())", "}"]


def code_bash(rng, n, w1, w2):
    one = [lambda: f"echo \"syncing {w1} {w2}s...\"",
           lambda: f"# {w1}: fail fast if the {w2} directory is missing",
           lambda: f"kubectl -n {w1} rollout status deploy/{w2}",
           lambda: f"docker build -t {w1}-{w2}:\"$TAG\" .",
           lambda: f"export {w2.upper()}_DIR=\"${{{w2.upper()}_DIR:-/var/lib/{w1}}}\"",
           lambda: f"curl -fsS \"$API/{w2}s?limit=100\" | jq '.items | length'"]
    units = [lambda: [f"for f in \"${w2.upper()}_DIR\"/*.json; do", "  process \"$f\" || exit 1", "done"],
             lambda: [f"if [[ -z \"${{TAG:-}}\" ]]; then", "  TAG=$(git rev-parse --short HEAD)", "fi"],
             lambda: [o() for o in rng.sample(one, 2)]]
    head = ["#!/usr/bin/env bash", "set -euo pipefail"]
    return head + _fill(rng, n - 2, units, one)


def code_yaml(rng, n, w1, w2):
    # Every mapping key is distinct at its level, so the snippet is valid YAML.
    sections = {
        "resources": lambda: [f"cpu: {rng.randint(1, 8) * 250}m", f"memory: {rng.randint(1, 16) * 128}Mi"],
        "retries": lambda: [f"max: {rng.randint(1, 9)}", f"backoff: {rng.randint(1, 5) * 100}ms", "jitter: true"],
        "logging": lambda: [f"level: {rng.choice(['info', 'debug', 'warn'])}", "format: json", "# keep logs structured"],
        w2 + "s": lambda: [f"limit: {rng.randint(1, 64) * 16}", f"ttl: {rng.randint(1, 60)}m", "shared: false"],
        "probes": lambda: ["path: /healthz", f"interval: {rng.randint(5, 30)}s", f"timeout: {rng.randint(1, 5)}s"],
        "labels": lambda: [f"app: {w1}", f"tier: {rng.choice(['backend', 'batch', 'edge'])}", "team: platform"],
        "tls": lambda: ["enabled: true", f"secret: {w1}-tls", "min_version: \"1.2\""],
        "scaling": lambda: [f"min_replicas: {rng.randint(1, 3)}", f"max_replicas: {rng.randint(4, 20)}",
                            f"target_cpu: {rng.randint(50, 80)}"],
    }
    scalars = [f"  {w1}_enabled: true", f"  region: {rng.choice(['eu-west-1', 'us-east-1'])}",
               f"  # tune {w1} per environment", f"  replicas: {rng.randint(1, 5)}"]
    out = [f"name: {w1}-{w2}", "spec:"]
    names = list(sections)
    rng.shuffle(names)
    while len(out) < n:
        left = n - len(out)
        if left >= 2 and names:
            name = names.pop()
            out.append(f"  {name}:")
            out.extend("    " + kv for kv in sections[name]()[: left - 1])
        else:
            out.append(scalars.pop() if scalars else f"  # {w2} settings end here")
    return out


def code_json(rng, n, w1, w2):
    # Valid JSON: every body line is a complete "key": value pair; the last has no comma.
    fields = [("id", lambda: str(rng.randint(1, 5000))),
              ("name", lambda: f"\"{w1}-{rng.choice(IDENT_NOUNS)}\""),
              ("limit", lambda: str(rng.randint(1, 64) * 16)),
              ("enabled", lambda: rng.choice(["true", "false"])),
              ("region", lambda: f"\"{rng.choice(['eu-west-1', 'us-east-1', 'ap-south-1'])}\""),
              ("owner", lambda: rng.choice(["null", "\"platform\"", "\"data\""])),
              ("tags", lambda: f"[\"{w2}\", \"{w1}\"]"),
              ("timeout_ms", lambda: str(rng.randint(1, 30) * 100))]
    body = []
    for i in range(n - 2):
        key, val = fields[i % len(fields)]
        suffix = "" if i < len(fields) else f"_{i // len(fields)}"
        body.append(f"  \"{w2}_{key}{suffix}\": {val()},")
    body[-1] = body[-1][:-1]
    return ["{"] + body + ["}"]


def code_javascript(rng, n, w1, w2):
    fn = f"fetch{w1.capitalize()}{w2.capitalize()}s"
    one = [lambda: f"  const {w2}s = await api.get(`/{w1}/${{id}}`);",
           lambda: f"  // avoid refetching {w1} data on every render",
           lambda: f"  console.debug('{fn}', {{ id, count: items.length }});",
           lambda: f"  items.push(...{w2}s.filter(Boolean));",
           lambda: f"  const limit = options.limit ?? {rng.randint(10, 500)};"]
    units = [lambda: [f"  if (!{w2}s.ok) {{", "    throw new Error('request failed');", "  }"],
             lambda: [f"  for (const item of {w2}s) {{", "    cache.set(item.id, item);", "  }"],
             lambda: [o() for o in rng.sample(one, 2)]]
    head = [f"async function {fn}(id, options = {{}}) {{", "  const items = [];"]
    return head + _fill(rng, n - 4, units, one) + ["  return items;", "}"]


def code_sql(rng, n, w1, w2):
    table = f"{w1}_{w2}s"
    if n < 8 or rng.random() < 0.5:
        cols = ["    id BIGSERIAL PRIMARY KEY,", f"    {w2}_key TEXT NOT NULL,",
                "    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),", f"    {w1}_score NUMERIC(10, 2),",
                "    payload JSONB,", "    owner_id BIGINT REFERENCES owners (id),",
                "    status TEXT NOT NULL DEFAULT 'pending',", "    updated_at TIMESTAMPTZ,"]
        body_n = n - 3
        body = [cols[i] if i < len(cols) else f"    extra_{i} INTEGER," for i in range(body_n)]
        body[-1] = body[-1].rstrip(",")
        return [f"-- {w1}: one row per {w2}", f"CREATE TABLE {table} ("] + body + [");"]
    body = [f"    t.{w2}_key,", "    count(*) AS total,", f"    avg(t.{w1}_score) AS avg_score,",
            "    max(t.created_at) AS last_seen,", "    min(t.created_at) AS first_seen,"]
    tail = [f"FROM {table} AS t", "WHERE t.created_at > now() - interval '7 days'",
            f"GROUP BY t.{w2}_key", "ORDER BY total DESC", "LIMIT 50;"]
    mid_n = n - 1 - len(tail)
    mid = [body[i] if i < len(body) else f"    sum(t.metric_{i}) AS metric_{i}," for i in range(mid_n)]
    mid[-1] = mid[-1].rstrip(",")
    return ["SELECT"] + mid + tail


def code_go(rng, n, w1, w2):
    fn = f"{w1.capitalize()}{w2.capitalize()}Handler"
    one = [lambda: f"\t{w2}, err := store.Get(ctx, key)",
           lambda: f"\t// {w1}: bound the work done per request",
           lambda: f"\tlog.Printf(\"{fn}: key=%s\", key)",
           lambda: f"\tmetrics.{w2.capitalize()}Total.Inc()",
           lambda: "\tctx, cancel := context.WithTimeout(ctx, 2*time.Second)"]
    units = [lambda: ["\tif err != nil {", f"\t\treturn fmt.Errorf(\"{w1}: %w\", err)", "\t}"],
             lambda: [f"\tfor _, item := range {w2}s {{", "\t\ttotal += item.Size", "\t}"],
             lambda: ["\tdefer cancel()", "\tselect {", "\tcase <-ctx.Done():", "\t\treturn ctx.Err()",
                      "\tdefault:", "\t}"],
             lambda: [o() for o in rng.sample(one, 2)]]
    head = [f"func {fn}(ctx context.Context, key string) error {{"]
    tail = ["\t_ = total", "\treturn nil", "}"] if n >= 6 else ["\treturn nil", "}"]
    return head + _fill(rng, n - len(head) - len(tail), units, one) + tail


CODE_GENERATORS = {
    "python": code_python, "rust": code_rust, "bash": code_bash, "yaml": code_yaml,
    "json": code_json, "javascript": code_javascript, "sql": code_sql, "go": code_go,
}

# --------------------------------------------------------------------------------------
# Planning
# --------------------------------------------------------------------------------------


class Module:
    __slots__ = ("index", "slug", "title", "topic", "domain", "words", "sections",
                 "targetable", "interesting", "n_code")

    def __init__(self, index, slug, title, topic, domain, words):
        self.index, self.slug, self.title = index, slug, title
        self.topic, self.domain, self.words = topic, domain, words
        self.sections: list[tuple[int, str, str]] = []  # (level, text, kind)
        self.targetable: list[tuple[str, str]] = []      # (id, heading text) usable as fragments
        self.interesting: list[tuple[str, str]] = []     # subset whose id is not the trivial slug
        self.n_code = 0


def plan_modules(rng: random.Random, n: int) -> list[Module]:
    topics = [(d, base, title) for d, tl in DOMAINS for base, title in tl]
    counters: dict[str, int] = {}
    used_titles: set[str] = set()
    modules: list[Module] = []
    for i in range(n):
        domain, base, ttitle = topics[rng.randrange(len(topics))]
        counters[base] = counters.get(base, 0) + 1
        slug = f"{base}-{counters[base]:03d}"
        title = ttitle + rng.choice(TITLE_QUALIFIERS)
        # Learners tell modules apart by title, and pathbook warns on duplicates: keep
        # them unique without consuming randomness (the rest of the corpus stays the same).
        if title in used_titles:
            title = f"{title}, Volume {counters[base]}"
        used_titles.add(title)
        words = [w for w in base.split("-") if len(w) > 2] or [base.replace("-", "")]
        m = Module(i, slug, title, ttitle, domain, words)

        # Section skeleton.  "kind" tells the renderer what body to produce.
        sec = m.sections
        sec.append((1, title, "title"))
        sec.append((2, "Overview", "overview"))
        sec.append((2, "Learning Objectives", "objectives"))
        sec.append((2, "Core Concepts", "intro"))
        n_concepts = rng.randint(2, 4)
        # Sampling with replacement now and then yields natural duplicate headings.
        for _ in range(n_concepts):
            if rng.random() < 0.25:
                sec.append((3, f"{ttitle} {rng.choice(['Architecture', 'in the Wild', 'Internals', 'Basics'])}", "concept"))
            else:
                sec.append((3, rng.choice(CONCEPT_HEADINGS), "concept"))
        if rng.random() < 0.4:
            sec.append((3, "Notes", "notes"))
        sec.append((2, rng.choice(SPECIAL_SECTIONS), "table"))
        if rng.random() < 0.7:
            sec.append((2, "Worked Examples", "intro"))
            for _ in range(rng.randint(1, 3)):
                sec.append((3, "Example", "example"))  # deliberate duplicates -> example-1, example-2
        sec.append((2, "Common Pitfalls", "pitfalls"))
        if rng.random() < 0.4:
            sec.append((3, "Notes", "notes"))
        sec.append((2, "Related Modules", "related"))
        sec.append((2, "Summary", "summary"))

        # Ids are allocated in document order, exactly as a reader of the file would.
        alloc = IdAllocator()
        for level, text, _kind in sec:
            hid = alloc.add(text)
            if level >= 2:
                m.targetable.append((hid, text))
                if hid != text.lower().replace(" ", "-"):
                    m.interesting.append((hid, text))

        # 1-3 code blocks, mean ~1.8 (about 9,000 blocks for 5,000 modules).
        r = rng.random()
        m.n_code = 1 if r < 0.35 else (2 if r < 0.85 else 3)
        modules.append(m)
    return modules


# --------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------


class Stats:
    def __init__(self) -> None:
        self.code_blocks = 0
        self.code_lines = 0
        self.module_links = 0
        self.path_links = 0
        self.external_links = 0


class Renderer:
    def __init__(self, rng: random.Random, modules: list[Module], stats: Stats):
        self.rng, self.modules, self.stats = rng, modules, stats
        self.by_domain: dict[str, list[Module]] = {}
        for m in modules:
            self.by_domain.setdefault(m.domain, []).append(m)

    # -- prose -----------------------------------------------------------------------

    def sentence(self, m: Module) -> str:
        rng = self.rng
        t1, t2 = rng.sample(TOOLS, 2)
        s = rng.choice(SENTENCES)
        adj = rng.choice(ADJECTIVES)
        a_adj = ("an " if adj[0] in "aeiou" else "a ") + adj
        return s.format(Topic=m.topic, topic=m.topic, verb=rng.choice(VERBS), problem=rng.choice(PROBLEMS),
                        adj=adj, a_adj=a_adj, A_adj=a_adj[0].upper() + a_adj[1:],
                        concept=rng.choice(CONCEPT_NOUNS), tool=t1, tool2=t2, code=rng.choice(INLINE_CODE))

    def paragraph(self, m: Module, lo: int, hi: int) -> str:
        return " ".join(self.sentence(m) for _ in range(self.rng.randint(lo, hi)))

    # -- links -----------------------------------------------------------------------

    def pick_target(self, m: Module) -> Module:
        # Prefer same-domain neighbours, like real curricula; fall back to anything.
        rng = self.rng
        if len(self.modules) == 1:
            return m
        pool = self.by_domain[m.domain]
        if len(pool) < 2 or rng.random() >= 0.6:
            pool = self.modules
        while True:
            t = pool[rng.randrange(len(pool))]
            if t is not m:
                return t

    def pick_fragment(self, t: Module) -> tuple[str, str]:
        # Bias towards ids with edge cases (dup suffixes, punctuation, emoji, non-ASCII).
        if t.interesting and self.rng.random() < 0.4:
            return self.rng.choice(t.interesting)
        return self.rng.choice(t.targetable)

    def cross_link(self, m: Module, with_fragment: bool) -> str:
        t = self.pick_target(m)
        self.stats.module_links += 1
        if with_fragment:
            hid, text = self.pick_fragment(t)
            return f"[{text} in {t.title}](../{t.slug}/README.md#{hid})"
        return f"[{t.title}](../{t.slug}/README.md)"

    def self_link(self, m: Module) -> str:
        hid, text = self.pick_fragment(m)
        self.stats.module_links += 1
        return f"[{text}](#{hid})"

    def external_link(self, m: Module) -> str:
        self.stats.external_links += 1
        return f"[{self.rng.choice(TOOLS)} documentation](https://example.com/docs/{m.words[0]}/{self.rng.randint(1, 999)})"

    # -- blocks ----------------------------------------------------------------------

    def code_block(self, m: Module, out: list[str]) -> None:
        rng = self.rng
        lang = rng.choice(CODE_LANGS)
        # Triangular(5, 25, mode 9) has mean ~13 lines, matching the target totals.
        n = int(round(rng.triangular(5, 25, 9)))
        w1 = m.words[0].replace(".", "")
        w2 = rng.choice(IDENT_NOUNS)
        lines = CODE_GENERATORS[lang](rng, n, w1, w2)
        assert len(lines) == n, (lang, n, len(lines))
        out.append(f"```{lang}")
        out.extend(lines)
        out.append("```")
        out.append("")
        self.stats.code_blocks += 1
        self.stats.code_lines += n

    def table(self, m: Module, out: list[str]) -> None:
        rng = self.rng
        out.append("| Option | Default | Description |")
        out.append("| --- | --- | --- |")
        for _ in range(rng.randint(3, 6)):
            out.append(f"| `{rng.choice(INLINE_CODE)}` | {rng.choice(['`true`', '`30s`', '*unset*', '`3`', '`auto`', '`1024`'])} "
                       f"| Controls the {rng.choice(CONCEPT_NOUNS)} ({rng.choice(ADJECTIVES)}) |")
        out.append("")

    # -- module ----------------------------------------------------------------------

    def render_module(self, m: Module) -> tuple[list[str], list[int]]:
        """Return the module's lines and indices of prose lines that may receive breaks."""
        rng = self.rng
        out: list[str] = []
        prose: list[int] = []

        def para(text: str) -> None:
            prose.append(len(out))
            out.append(text)
            out.append("")

        # Spread code blocks over concept/example sections: choose slots up front.
        slots = [i for i, (_, _, k) in enumerate(m.sections) if k in ("concept", "example")]
        code_at = set(rng.sample(slots, min(m.n_code, len(slots))))
        extra_code = m.n_code - len(code_at)

        for i, (level, text, kind) in enumerate(m.sections):
            out.append("#" * level + " " + text)
            out.append("")
            if kind == "title":
                para(self.paragraph(m, 1, 2))
            elif kind == "overview":
                para(f"{self.paragraph(m, 1, 2)} If you are new to the area, read {self.cross_link(m, False)} first.")
                if rng.random() < 0.5:
                    para(f"{self.paragraph(m, 1, 2)} The {self.self_link(m)} section is a good place to jump ahead.")
            elif kind == "objectives":
                for _ in range(rng.randint(3, 5)):
                    prose.append(len(out))
                    adj = rng.choice(ADJECTIVES)
                    out.append(f"- {rng.choice(['Explain', 'Configure', 'Measure', 'Design', 'Debug', 'Operate'])} "
                               f"{'an' if adj[0] in 'aeiou' else 'a'} {adj} {rng.choice(CONCEPT_NOUNS)} "
                               f"using `{rng.choice(INLINE_CODE)}`")
                out.append("")
            elif kind == "intro":
                para(self.paragraph(m, 1, 2))
            elif kind in ("concept", "example"):
                text_ = self.paragraph(m, 1, 3)
                if rng.random() < 0.25:
                    text_ += f" See {self.cross_link(m, rng.random() < 0.5)} for background."
                para(text_)
                if i in code_at:
                    self.code_block(m, out)
            elif kind == "notes":
                para(f"**Note:** {self.paragraph(m, 1, 1)}")
            elif kind == "table":
                para(self.paragraph(m, 1, 2))
                self.table(m, out)
                if extra_code > 0:
                    self.code_block(m, out)
                    extra_code -= 1
            elif kind == "pitfalls":
                for _ in range(rng.randint(2, 4)):
                    prose.append(len(out))
                    out.append(f"- *{rng.choice(PROBLEMS).capitalize()}*: {self.sentence(m)}")
                out.append("")
            elif kind == "related":
                for _ in range(rng.randint(1, 3)):
                    prose.append(len(out))
                    out.append(f"- {self.cross_link(m, rng.random() < 0.45)} — {rng.choice(VERBS)}")
                if rng.random() < 0.45:
                    prose.append(len(out))
                    out.append(f"- {self.external_link(m)}")
                out.append("")
            elif kind == "summary":
                para(f"{self.paragraph(m, 1, 2)} Revisit {self.self_link(m)} before moving on.")
        while out and out[-1] == "":
            out.pop()
        return out, prose


# --------------------------------------------------------------------------------------
# Learning paths
# --------------------------------------------------------------------------------------


def assign_paths(rng: random.Random, modules: list[Module], n_paths: int) -> list[list[Module]]:
    """Every module gets a primary path (preferring one whose role covers its domain);
    about 20% are additionally shared by 1-2 more paths.  Tiny corpora are padded so
    each path has enough modules to fill its phases and tracks."""
    roles = [PATH_ROLES[i % len(PATH_ROLES)] for i in range(n_paths)]
    by_domain: dict[str, list[int]] = {}
    for p, (_, doms) in enumerate(roles):
        for d in doms:
            by_domain.setdefault(d, []).append(p)
    members: list[list[Module]] = [[] for _ in range(n_paths)]
    for m in modules:
        cands = by_domain.get(m.domain) or list(range(n_paths))
        chosen = [rng.choice(cands)]
        if rng.random() < 0.2 and n_paths > 1:
            for _ in range(rng.randint(1, 2)):
                p = rng.choice(cands) if rng.random() < 0.6 else rng.randrange(n_paths)
                if p not in chosen:
                    chosen.append(p)
        for p in chosen:
            members[p].append(m)
    min_items = 12
    for p in range(n_paths):
        while len(members[p]) < min(min_items, len(modules)):
            m = modules[rng.randrange(len(modules))]
            if m not in members[p]:
                members[p].append(m)
    return [sorted(ms, key=lambda m: m.index) for ms in members]


def weeks(rng: random.Random) -> str:
    lo = rng.randint(4, 12)
    return f"({lo}-{lo + rng.randint(2, 4)} weeks)"


def render_path(rng: random.Random, p: int, ms: list[Module], stats: Stats) -> list[str]:
    role, doms = PATH_ROLES[p % len(PATH_ROLES)]
    cycle = p // len(PATH_ROLES)
    title = f"{role} Learning Path" + (f" ({cycle + 1})" if cycle else "")
    out = [f"# {title}", "", "## Overview",
           f"This learning path focuses on {' and '.join(d.lower() for d in doms)} skills for the {role} role. "
           f"It moves from foundations to production practice, with {len(ms)} modules in total. "
           f"Expect to combine reading, hands-on labs and small projects.", "",
           "## Prerequisites"]
    for pre in rng.sample(["Programming proficiency (Python or Go)", "Basic Linux command line", "Git fundamentals",
                           "Software engineering fundamentals", "Basic cloud computing knowledge",
                           "Comfort with SQL", "HTTP & REST basics"], 4):
        out.append(f"- {pre}")
    out.append("")

    ms = ms[:]
    rng.shuffle(ms)
    n_phases = rng.randint(2, 4)
    n_tracks = rng.randint(3, 4)
    n_spec = max(n_tracks, len(ms) // 5)
    spec, core = ms[:n_spec], ms[n_spec:]

    def item(k: int, m: Module) -> None:
        stats.path_links += 1
        out.append(f"{k}. [{m.title}](../modules/{m.slug}/README.md)")
        # Topic bullets mix the module's own headings (kept verbatim) with capitalised concepts.
        topics = [t for _, t, kind in m.sections if kind == "concept"] + \
            [c[0].upper() + c[1:] for c in rng.sample(CONCEPT_NOUNS, 3)]
        for t in rng.sample(topics, rng.randint(2, 4)):
            out.append(f"    - {t}")
        out.append("")

    # PHASE_NAMES is ordered from basic to advanced; keep that order in every path.
    phase_names = [PHASE_NAMES[i] for i in sorted(rng.sample(range(len(PHASE_NAMES)), n_phases))]
    per_phase = [core[i::n_phases] for i in range(n_phases)]
    for name, pm in zip(phase_names, per_phase):
        out += [f"## {name} {weeks(rng)}", ""]
        pm.sort(key=lambda m: (m.domain, m.index))
        i = 0
        while i < len(pm):
            size = rng.randint(2, 8)
            group = pm[i:i + size]
            i += size
            out += [f"### {group[0].domain} {rng.choice(GROUP_SUFFIXES)}"]
            for k, m in enumerate(group, 1):
                item(k, m)

    out += [f"## Specialization Tracks (Choose 2) {weeks(rng)}", ""]
    for t in range(n_tracks):
        tm = spec[t::n_tracks]
        if not tm:
            continue
        out += [f"### {rng.choice(TRACK_PREFIXES)} {tm[0].topic}"]
        for k, m in enumerate(tm, 1):
            item(k, m)

    out += ["## Essential Skills", ""]
    for d in doms:
        out.append(f"### {d}")
        out += [f"- {c[0].upper() + c[1:]}" for c in rng.sample(CONCEPT_NOUNS, 4)]
        out.append("")
    out += ["## Recommended Projects", ""]
    for kind in ("Infrastructure", "Optimization", "Production"):
        out.append(f"### {kind} Projects")
        out += [f"{k}. {rng.choice(ADJECTIVES).capitalize()} {rng.choice(CONCEPT_NOUNS)} service" for k in (1, 2, 3)]
        out.append("")
    out += ["## Best Practices & Tools", "", "### Development Tools"]
    out += [f"- {t}" for t in rng.sample(TOOLS, 4)]
    out += ["", "## Career Development", "",
            f"Senior {role}s are expected to {rng.choice(VERBS)} and to mentor others as they {rng.choice(VERBS)}."]
    return out


# --------------------------------------------------------------------------------------
# Broken-link injection
# --------------------------------------------------------------------------------------

BREAK_KINDS = ["missing-file", "missing-fragment-cross", "missing-fragment-self", "case-mismatch"]
# Prefixes include multi-byte and astral characters so byte/UTF-16 columns differ from char columns.
BREAK_PREFIXES = ["See also", "Related — see", "Naïve readers may want", "🚀 Next:", "Compare with"]


def inject_breaks(seed: int, k: int, modules: list[Module], docs: list[list[str]],
                  prose: list[list[int]]) -> list[dict]:
    rng = random.Random(f"breaks-{seed}")  # independent stream: base corpus stays unchanged
    n = len(modules)
    kinds = [BREAK_KINDS[i % len(BREAK_KINDS)] for i in range(k)]
    rng.shuffle(kinds)
    # Spread over modules: distinct modules while possible, then wrap around.
    order = rng.sample(range(n), n)
    expected = []
    for i, kind in enumerate(kinds):
        mi = order[i % n]
        m = modules[mi]
        if kind == "missing-file":
            target, text = f"../no-such-module-{rng.randint(100, 999)}/README.md", "an archived module"
        elif kind == "missing-fragment-cross":
            t = modules[rng.randrange(n)]
            if t is m and n > 1:
                t = modules[(mi + 1) % n]
            target, text = f"../{t.slug}/README.md#no-such-heading", f"{t.title} (details)"
        elif kind == "missing-fragment-self":
            target, text = "#nonexistent-section", "the section below"
        else:
            t = modules[rng.randrange(n)]
            target, text = f"../{t.slug}/readme.md", t.title
        li = rng.choice(prose[mi])
        line = docs[mi][li] + " " + rng.choice(BREAK_PREFIXES) + " "
        col = len(line) + 1  # 1-based, counted in Unicode code points
        docs[mi][li] = line + f"[{text}]({target})."
        expected.append({"file": f"content/modules/{m.slug}/README.md", "line": li + 1, "column": col,
                         "target": target, "kind": kind.replace("-cross", "").replace("-self", "")})
    expected.sort(key=lambda e: (e["file"], e["line"], e["column"]))
    return expected


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------

BOOK_TOML = '[book]\ntitle = "Generated corpus"\nsrc = "content"\n[build]\nbuild-dir = "book"\n'


def prepare_out_dir(out: str, force: bool) -> None:
    if os.path.exists(out) and not os.path.isdir(out):
        sys.exit(f"error: {out} exists and is not a directory")
    if os.path.isdir(out) and os.listdir(out):
        if not force:
            sys.exit(f"error: {out} is not empty (use --force to replace its content/ and book.toml)")
        # Only remove what we own; anything else in OUT_DIR (e.g. a built book/) is left alone.
        content = os.path.join(out, "content")
        if os.path.islink(content) or os.path.isfile(content):
            os.unlink(content)
        elif os.path.isdir(content):
            shutil.rmtree(content)
        book = os.path.join(out, "book.toml")
        if os.path.lexists(book):
            os.unlink(book)
    os.makedirs(out, exist_ok=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--modules", type=int, default=5000)
    ap.add_argument("--paths", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--breaks", type=int, default=0)
    ap.add_argument("--force", action="store_true")
    a = ap.parse_args(argv)
    if a.modules < 1 or a.paths < 1 or a.breaks < 0:
        ap.error("--modules and --paths must be >= 1, --breaks >= 0")

    t0 = time.perf_counter()
    prepare_out_dir(a.out_dir, a.force)
    rng = random.Random(a.seed)
    stats = Stats()

    modules = plan_modules(rng, a.modules)
    renderer = Renderer(rng, modules, stats)
    docs, prose = [], []
    for m in modules:
        lines, pl = renderer.render_module(m)
        docs.append(lines)
        prose.append(pl)
    memberships = assign_paths(rng, modules, a.paths)
    width = max(2, len(str(a.paths)))
    paths = [(f"path-{p + 1:0{width}d}.md", render_path(rng, p, ms, stats)) for p, ms in enumerate(memberships)]
    expected = inject_breaks(a.seed, a.breaks, modules, docs, prose)

    files = 0
    total_bytes = 0
    md_bytes = 0

    def write(rel: str, text: str) -> None:
        nonlocal files, total_bytes, md_bytes
        data = text.encode("utf-8")
        full = os.path.join(a.out_dir, rel)
        with open(full, "wb") as f:
            f.write(data)
        files += 1
        total_bytes += len(data)
        if rel.endswith(".md"):
            md_bytes += len(data)

    write("book.toml", BOOK_TOML)
    os.makedirs(os.path.join(a.out_dir, "content", "paths"))
    for m, lines in zip(modules, docs):
        os.makedirs(os.path.join(a.out_dir, "content", "modules", m.slug))
        write(f"content/modules/{m.slug}/README.md", "\n".join(lines) + "\n")
    for name, lines in paths:
        write(f"content/paths/{name}", "\n".join(lines) + "\n")
    # Always written ([] for a clean corpus) so a --force regeneration never leaves a stale list.
    write("expected-breaks.json", json.dumps(expected, indent=1, ensure_ascii=False) + "\n")

    elapsed = time.perf_counter() - t0
    by_kind = {}
    for e in expected:
        by_kind[e["kind"]] = by_kind.get(e["kind"], 0) + 1
    print(f"corpus:          {a.out_dir} (seed {a.seed})")
    print(f"files:           {files} ({len(modules)} modules, {len(paths)} paths, book.toml, expected-breaks.json)")
    print(f"total bytes:     {total_bytes} ({md_bytes} Markdown = {md_bytes / 1e6:.1f} MB / {md_bytes / 2**20:.1f} MiB)")
    print(f"code blocks:     {stats.code_blocks}")
    print(f"code lines:      {stats.code_lines}")
    print(f"internal links:  {stats.module_links + stats.path_links} "
          f"({stats.module_links} in modules, {stats.path_links} in paths; plus {stats.external_links} external)")
    print(f"breaks:          {len(expected)}" + (f" {json.dumps(by_kind, sort_keys=True)}" if expected else ""))
    print(f"elapsed:         {elapsed:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
