"""``python -m benchmarks.http``: requests/s and p50/p99 latency of ``eligibility serve``.

Starts the service as a subprocess on a free loopback port, then drives it from a load
generator in a second process (raw keep-alive HTTP/1.1 clients on asyncio, see
``benchmarks/_loadgen.py``) at 1, 16 and 64 concurrent clients. Each row is bounded by a request count and a time limit. Rows:

* generator ceiling: the same generator against a canned-response socket server — the most
  this generator can measure on this machine;
* ``GET /v1/health``: the HTTP floor of the service (routing, no evaluation);
* ``POST /v1/evaluate``: generated California cases, one per request;
* in-process: the same cases through the same code without HTTP (JSON bytes in, Decision
  bytes out), so ``CPU ms`` of the evaluate rows minus this row is the HTTP layer's cost.

``--compare`` adds rows at 16 clients for the alternatives measured in docs/service.md:
every case handed to the engine thread (the service's placement before; now only batches
are), the pure-Python HTTP stack
(h11 + asyncio) instead of httptools + uvloop, and no access log. Two workers are a main row.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from benchmarks._loadgen import Result, canned_server, load
from benchmarks.ca_cases import generate

CLIENTS = (1, 16, 64)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/v1/ready", timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server was not ready in {timeout} s")


def start_server(port: int, workers: int = 1, **options: Any) -> subprocess.Popen[bytes]:
    """``eligibility serve`` (through the same function the CLI calls) on 127.0.0.1:``port``."""
    command = [sys.executable, "-m", "benchmarks.http", "--serve", json.dumps(options)]
    command += ["--port", str(port), "--workers", str(workers)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _serve(options: dict[str, Any], port: int, workers: int) -> None:
    from eligibility.service._server import serve
    from eligibility.service._settings import Settings

    http, loop = options.pop("http", "auto"), options.pop("loop", "auto")
    access_log = options.pop("access_log", True)
    serve(
        Settings(**options),
        port=port,
        workers=workers,
        access_log=access_log,
        http=http,
        loop=loop,
        log_level="warning",
    )


def _cpu_seconds(root: int) -> float | None:
    """CPU time (user + system) used so far by process ``root`` and its descendants (Linux);
    CPU per request does not depend on what else the machine is doing, unlike requests/s."""
    stats: dict[int, tuple[int, float]] = {}
    try:
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                stats[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])))
    except OSError:
        return None
    family, total = {root}, 0.0
    for _ in range(3):  # the server, its workers, their threads' processes (none) — 3 levels
        family |= {pid for pid, (parent, _) in stats.items() if parent in family}
    for pid in family:
        if pid in stats:
            total += stats[pid][1]
    return total / os.sysconf("SC_CLK_TCK")


def _row(name: str, r: Result) -> str:
    q = statistics.quantiles(r.latencies, n=100) if len(r.latencies) > 1 else [0.0] * 99
    rate = len(r.latencies) / r.elapsed if r.elapsed else 0.0
    bad = sum(n for status, n in r.statuses.items() if not 200 <= status < 300)
    cpu = (
        f"{r.server_cpu / len(r.latencies) * 1000:8.2f}"
        if r.server_cpu and r.latencies
        else "       -"
    )
    return (
        f"{name:42} {r.clients or '-':>7} {rate:9,.0f} {q[49] * 1000:8.2f} {q[98] * 1000:8.2f}"
        f" {cpu} {bad:8} {r.failures:6}"
    )


def in_process(bodies: list[bytes], requests: int) -> Result:
    """The service's own evaluation function, called directly: the cost without HTTP."""
    from eligibility import Registry
    from eligibility.service._cases import decide_one

    registry = Registry.load()
    for body in bodies[:50]:
        decide_one(body, registry)
    result = Result(0, 0.0)
    cpu, start = time.process_time(), time.perf_counter()
    for i in range(min(requests, 2000)):
        t0 = time.perf_counter()
        decide_one(bodies[i % len(bodies)], registry)
        result.latencies.append(time.perf_counter() - t0)
        result.statuses[200] += 1
    result.elapsed = time.perf_counter() - start
    result.server_cpu = time.process_time() - cpu
    return result


def run(
    requests: int = 5000, seconds: float = 10.0, compare: bool = False, seed: int = 7
) -> list[tuple[str, Result]]:
    """Measure every row and return them (name, result); prints nothing."""
    bodies = [json.dumps(c).encode() for c in generate(500, seed)]
    spawn = multiprocessing.get_context("spawn")
    rows: list[tuple[str, Result]] = []
    with ProcessPoolExecutor(1, mp_context=spawn) as generator:

        def drive(url: str, clients: int, posts: list[bytes], server: int | None = None) -> Result:
            before = _cpu_seconds(server) if server else None
            result = generator.submit(load, url, posts, clients, requests, seconds).result()
            after = _cpu_seconds(server) if server else None
            if before is not None and after is not None:
                result.server_cpu = after - before
            return result

        port = _free_port()
        canned = spawn.Process(target=canned_server, args=(port, seconds + 30), daemon=True)
        canned.start()
        try:
            time.sleep(1.0)
            rows.append(
                ("generator ceiling (canned responses)", drive(f"http://127.0.0.1:{port}/", 16, []))
            )
        finally:
            canned.terminate()
            canned.join(10)

        def server_rows(
            label: str, clients: tuple[int, ...], workers: int = 1, **options: Any
        ) -> None:
            port = _free_port()
            url = f"http://127.0.0.1:{port}"
            server = start_server(port, workers, **options)
            try:
                _wait_ready(url, server)
                if not label:
                    for n in clients:
                        health = drive(f"{url}/v1/health", n, [], server.pid)
                        rows.append(("GET /v1/health (HTTP floor)", health))
                for n in clients:
                    evaluated = drive(f"{url}/v1/evaluate", n, bodies, server.pid)
                    rows.append((label or "POST /v1/evaluate", evaluated))
            finally:
                server.terminate()
                server.wait(60)

        server_rows("", CLIENTS)
        rows.append(("in-process, no HTTP (same cases, same code)", in_process(bodies, requests)))
        server_rows("POST /v1/evaluate, --workers 2", CLIENTS[1:], workers=2)
        if compare:
            server_rows("  … every case on the engine thread", (16,), evaluate_in="thread")
            server_rows(
                "  … h11 + asyncio (no httptools/uvloop)", (16,), http="h11", loop="asyncio"
            )
            server_rows("  … without the access log", (16,), access_log=False)
    return rows


def main(argv: list[str] | None = None) -> int:
    """Print the table; exit 1 if any request of the main rows failed."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.http", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--requests", type=int, default=5000, help="requests per row at most (default 5,000)"
    )
    parser.add_argument(
        "--seconds", type=float, default=10.0, help="seconds per row at most (default 10)"
    )
    parser.add_argument("--compare", action="store_true", help="also measure the alternatives")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve is not None:  # the server subprocess
        _serve(json.loads(args.serve), args.port, args.workers)
        return 0

    print("HTTP benchmark — eligibility serve on 127.0.0.1, one worker unless noted;")
    print(
        f"load generator: raw keep-alive HTTP/1.1 clients in their own process; python "
        f"{platform.python_version()}, {multiprocessing.cpu_count()} CPUs shared by server and generator"
    )
    print(
        f"each row: at most {args.requests:,} requests or {args.seconds:g} s; generated US-CA cases"
    )
    print("CPU ms: server CPU time (all its processes) per request — independent of other load")
    print()
    print(
        f"{'row':42} {'clients':>7} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms':>8}"
        f" {'non-2xx':>8} {'errors':>6}"
    )
    rows = run(args.requests, args.seconds, args.compare)
    failed = 0
    for name, result in rows:
        print(_row(name, result))
        if not name.startswith("  "):
            failed += result.failures + sum(n for s, n in result.statuses.items() if s >= 300)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
