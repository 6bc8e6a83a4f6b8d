"""``python -m benchmarks.batch``: `eligibility batch` end to end with 1 and 2 workers, and its
memory over a large run.

Both run the real command in a subprocess on the same generated California cases (JSON Lines in,
JSON Lines out to a file), so start-up, reading, worker IPC, writing and checkpoints all count.

* throughput: wall time for ``--cases`` cases with each worker count, and the steady rate with
  start-up removed (a 1-case run of the same command is timed and subtracted), in three passes
  that alternate the worker counts; the ratio is taken pass by pass;
* the machine's own ceiling, measured at the start of each pass: the same cases decided in one
  process, then in two processes at once (no files, no IPC — each process evaluates its own
  copy of the corpus in memory). This VM's speed drifts by a fifth over tens of seconds and
  what two busy processes get from its two vCPUs varies (1.6–2.1× of one), so the batch ratio
  is only meaningful beside this one, measured the same way at the same time;
* memory: the resident memory (RSS) of the whole process tree — the command and its workers —
  sampled every half second over a ``--memory-cases`` run: peak, and the mean of the second
  tenth of the samples (the first holds start-up, before the workers exist) and of the last
  tenth. Flat means the last tenth is no higher than the second.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from statistics import median
from typing import Any

from benchmarks.ca_cases import generate

BLOCK = 5_000


def write_corpus(path: Path, n: int, seed: int = 7) -> None:
    """``n`` generated California cases as JSON Lines, written block by block (flat memory)."""
    with path.open("w", encoding="utf-8") as f:
        done = 0
        while done < n:
            for case in generate(min(BLOCK, n - done), seed + done):
                case["case_id"] = f"bench-{done:07d}"
                f.write(json.dumps(case) + "\n")
                done += 1


def _command(source: Path, output: Path, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "eligibility",
        "batch",
        str(source),
        "-o",
        str(output),
        "-q",
        "--workers",
        str(workers),
    ]


def _timed(source: Path, output: Path, workers: int) -> float:
    start = time.perf_counter()
    subprocess.run(_command(source, output, workers), check=True)
    return time.perf_counter() - start


def throughput(
    n: int, workers: tuple[int, ...] = (1, 2), seed: int = 7, repeats: int = 3
) -> tuple[list[tuple[float, float]], list[dict[str, Any]]]:
    """The machine's ceiling on the corpus (see :func:`ceiling`), then one row per worker count
    and repeat: wall seconds, cases/s end to end, and steady cases/s. Repeats alternate the
    worker counts (1, 2, 1, 2, …) and the ceiling's two measurements, because this machine's
    speed drifts by a fifth over tens of seconds: a ratio of two runs minutes apart measures
    the drift as much as the workers."""
    rows = []
    limits = []
    with tempfile.TemporaryDirectory() as tmp:
        source, one = Path(tmp) / "cases.jsonl", Path(tmp) / "one.jsonl"
        write_corpus(source, n, seed)
        write_corpus(one, 1, seed)
        for _ in range(repeats):
            limits.append(ceiling(source))
            for w in workers:
                startup = _timed(one, Path(tmp) / "out-1.jsonl", w)
                wall = _timed(source, Path(tmp) / "out.jsonl", w)
                rows.append(
                    {
                        "workers": w,
                        "cases": n,
                        "wall_s": wall,
                        "startup_s": startup,
                        "cases_per_s": n / wall,
                        "steady_cases_per_s": (n - 1) / max(wall - startup, 1e-9),
                    }
                )
    return limits, rows


def _evaluate_for(seconds: float, corpus: str) -> float:
    """Cases per second one process decides the lines of ``corpus`` (cycled), end to end in
    memory — parse, evaluate, compact JSON — over ``seconds``."""
    from eligibility._evaluate import Registry
    from eligibility.case import parse_case_json

    registry = Registry.load(evaluator="durable-rules")
    lines = Path(corpus).read_bytes().splitlines()
    for line in lines[:200]:  # compile and warm up first
        registry.evaluate(parse_case_json(line))
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for line in lines[done % len(lines) : done % len(lines) + 100]:
            registry.evaluate(parse_case_json(line)).to_json_bytes(False)
            done += 1
    return done / (time.perf_counter() - start)


def ceiling(corpus: Path, seconds: float = 5.0) -> tuple[float, float]:
    """Cases/s of one process alone and of two processes at once (their sum), on ``corpus``."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        one = pool.submit(_evaluate_for, seconds, str(corpus)).result()
    with ProcessPoolExecutor(2, mp_context=context) as pool:
        # Both start together: each process loads before its timed loop, so the loops overlap.
        runs = [pool.submit(_evaluate_for, seconds, str(corpus)) for _ in "ab"]
        two = sum(f.result() for f in runs)
    return one, two


def _tree_rss_kib(root: int) -> int:
    """Resident memory of ``root`` and all its descendants, from /proc (Linux)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [c for c, p in parents.items() if p == pid and c not in tree]
        tree.update(children)
        frontier.extend(children)
    total = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def memory(n: int, workers: int = 2, seed: int = 7, keep_dir: Path | None = None) -> dict[str, Any]:
    """Peak and first/last-decile RSS (MiB) of the process tree over an ``n``-case batch."""
    with tempfile.TemporaryDirectory(dir=keep_dir) as tmp:
        source, output = Path(tmp) / "cases.jsonl", Path(tmp) / "out.jsonl"
        write_corpus(source, n, seed)
        start = time.perf_counter()
        run = subprocess.Popen(_command(source, output, workers))
        samples: list[int] = []
        while run.poll() is None:
            samples.append(_tree_rss_kib(run.pid))
            time.sleep(0.5)
        wall = time.perf_counter() - start
        if run.returncode != 0:
            raise RuntimeError(f"the batch exited {run.returncode}")
        lines = sum(1 for _ in output.open("rb"))
        out_bytes = output.stat().st_size
    tenth = max(1, len(samples) // 10)
    mib = 1024
    return {
        "cases": n,
        "workers": workers,
        "output_lines": lines,
        "output_gib": out_bytes / 2**30,
        "wall_s": wall,
        "samples": len(samples),
        "peak_mib": max(samples) / mib,
        "second_decile_mib": sum(samples[tenth : 2 * tenth]) / tenth / mib,
        "last_decile_mib": sum(samples[-tenth:]) / tenth / mib,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.batch", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--cases", type=int, default=4_000, help="throughput run size")
    parser.add_argument(
        "--memory-cases", type=int, default=20_000, help="memory run size (e.g. 1000000)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", choices=["throughput", "memory"], help="run one part")
    args = parser.parse_args(argv)
    if args.only != "memory":
        print_throughput(args.cases, args.seed)
    if args.only != "throughput":
        print_memory(args.memory_cases, args.seed)
    return 0


def print_throughput(cases: int, seed: int, repeats: int = 3) -> None:
    print(
        f"eligibility batch — {cases:,} generated US-CA cases, JSON Lines in and out; "
        f"{repeats} alternating passes, median [min–max]"
    )
    limits, rows = throughput(cases, (1, 2), seed, repeats)
    ones = [one for one, _ in limits]
    ratios = [two / one for one, two in limits]
    print(
        f"machine ceiling, same cases, same run: one process {median(ones):,.0f} cases/s in "
        f"memory; two at once {median(ratios):.2f}× [{min(ratios):.2f}–{max(ratios):.2f}]"
    )
    print(f"{'workers':>7} {'wall s':>8} {'start s':>8} {'cases/s':>9} {'steady/s':>22}")
    steady: dict[int, list[float]] = {}
    for w in (1, 2):
        mine = [r for r in rows if r["workers"] == w]
        rates = [r["steady_cases_per_s"] for r in mine]
        steady[w] = rates
        print(
            f"{w:>7} {median(r['wall_s'] for r in mine):>8.1f} "
            f"{median(r['startup_s'] for r in mine):>8.1f} "
            f"{median(r['cases_per_s'] for r in mine):>9,.0f} "
            f"{median(rates):>9,.0f} [{min(rates):,.0f}–{max(rates):,.0f}]"
        )
    paired = [two / one for one, two in zip(steady[1], steady[2], strict=True)]
    print(
        f"2 workers ÷ 1, pass by pass: {median(paired):.2f}× "
        f"[{min(paired):.2f}–{max(paired):.2f}] (against the ceiling's {median(ratios):.2f}×)"
    )


def print_memory(cases: int, seed: int) -> None:
    mem = memory(cases, 2, seed)
    print(
        f"memory, {mem['cases']:,} cases with 2 workers ({mem['wall_s']:.0f} s, "
        f"{mem['output_lines']:,} lines, {mem['output_gib']:.1f} GiB out): peak {mem['peak_mib']:.0f} MiB; "
        f"second tenth {mem['second_decile_mib']:.0f} MiB, last tenth {mem['last_decile_mib']:.0f} MiB "
        f"({mem['samples']} samples, whole process tree)"
    )


if __name__ == "__main__":
    sys.exit(main())
