"""Cost against the length of the record: one California case with 1 to 10,000 priors.

    python -m benchmarks.priors                  # 1, 10, 100, 1,000, 10,000 priors
    python -m benchmarks.priors --priors 1,50,500

Each size runs in a fresh process (so one size's caches and heap do not flatter the next), end to
end (JSON text in → Decision JSON out), twice over: with every prior fact given, and with the
priors' violence and serious-felony facts not given (the three-valued plans then walk every prior
and every unknown prior field is listed as a missing fact). Time is the median CPU time of
repeated decisions of the same case; memory is the growth of the process's peak resident set
over the first decision, so it counts the C engine's allocations as well as Python's.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from typing import Any

from benchmarks.ca_cases import generate

UNKNOWN_FIELDS = ("violent", "serious_or_violent_felony")


def case_with(priors: int, unknowns: bool) -> dict[str, Any]:
    """A generated case whose record is ``priors`` long (its own priors repeated and varied)."""
    pool = [c for c in generate(400, seed=11) if c["priors"]]
    case = dict(pool[0])
    source = [p for c in pool for p in c["priors"]]
    record = []
    for i in range(priors):
        prior = dict(source[i % len(source)])
        if unknowns:
            for name in UNKNOWN_FIELDS:
                prior.pop(name, None)
        record.append(prior)
    case["priors"] = record
    case["case_id"] = f"priors-{priors}"
    return case


def measure_one(priors: int, unknowns: bool) -> dict[str, float]:
    """Time and memory for one size, in this process. Records past the default limits (1,000
    priors, 1 MiB of case) are what the curve is about, so the limits are raised for them as an
    embedding application would (``eligibility.limits``, docs/security.md)."""
    from eligibility import limits

    with limits.override(
        priors=max(limits.current().priors, priors),
        case_bytes=max(limits.current().case_bytes, 512 * priors),
        custody_periods=max(limits.current().custody_periods, 2 * priors),
        evaluation_seconds=max(limits.current().evaluation_seconds, priors / 100),
    ):
        return _measure(priors, unknowns)


def _measure(priors: int, unknowns: bool) -> dict[str, float]:
    from eligibility import default_registry, parse_case_json

    engine = default_registry()
    text = json.dumps(case_with(priors, unknowns))
    engine.evaluate(parse_case_json(json.dumps(case_with(1, unknowns))))  # warm the plans
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out = engine.evaluate(parse_case_json(text)).to_json()
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    times: list[float] = []
    budget = time.process_time() + 2.0
    while len(times) < 3 or (time.process_time() < budget and len(times) < 200):
        start = time.process_time()
        engine.evaluate(parse_case_json(text)).to_json()
        times.append(time.process_time() - start)
    return {
        "ms": statistics.median(times) * 1e3,
        "memory_mib": grown_kib / 1024,
        "decision_kib": len(out.encode()) / 1024,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.priors", description=__doc__)
    parser.add_argument("--priors", default="1,10,100,1000,10000", help="comma-separated sizes")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # "<priors>,<0|1>": measure in-process
    args = parser.parse_args(argv)
    if args.one:
        priors, unknowns = (int(x) for x in args.one.split(","))
        print(json.dumps(measure_one(priors, bool(unknowns))))
        return 0
    sizes = [int(x) for x in args.priors.split(",")]
    print(
        "| priors | all facts: ms | per prior µs | peak +MiB | unknown facts: ms | per prior µs | peak +MiB | Decision KiB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        row = []
        for unknowns in (0, 1):
            done = subprocess.run(
                [sys.executable, "-m", "benchmarks.priors", "--one", f"{n},{unknowns}"],
                capture_output=True,
                text=True,
                check=True,
            )
            row.append(json.loads(done.stdout))
        known, unknown = row
        print(
            f"| {n:,} | {known['ms']:,.2f} | {known['ms'] * 1e3 / n:,.0f} | {known['memory_mib']:,.1f} "
            f"| {unknown['ms']:,.2f} | {unknown['ms'] * 1e3 / n:,.0f} | {unknown['memory_mib']:,.1f} "
            f"| {unknown['decision_kib']:,.0f} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
