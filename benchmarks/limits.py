"""``python -m benchmarks.limits``: the worst case of each limit, in time and memory.

Each row runs in a fresh interpreter (so peak memory is its own), loads the shipped rulesets,
screens one ordinary case to warm the engine, then measures one input at the limit (what is
accepted costs most there) or just past it (what is refused must be refused cheaply): wall
time, and the growth of the process's peak RSS over the warmed-up process. Rows are printed as
a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CASE: dict[str, Any] = json.loads((ROOT / "docs/examples/us-ca/simple-possession.json").read_text())
PRIOR = {
    "statute": "HSC 11350",
    "disposition": "conviction",
    "offense_date": "2009-05-01",
    "disposition_date": "2010-01-05",
    "felony": False,
    "description": "Possession of a controlled substance",
}
CHARGE = dict(CASE["charges"][0])
PERIOD = {"start": "2010-01-05", "end": "2010-03-01"}


def _case(**changes: Any) -> bytes:
    return json.dumps({**CASE, **changes}).encode()


def _rows() -> dict[str, tuple[str, Callable[[], Any]]]:
    """Row name → (what it measures, the work)."""
    from eligibility import Registry, limits, parse_case_json
    from eligibility._loader import load_ruleset_text
    from eligibility.errors import CaseError, RulesetError

    registry = Registry.load(ROOT / "rulesets")
    registry.evaluate(parse_case_json(_case()))  # warm: compile California's rules

    def decide(raw: bytes) -> Callable[[], Any]:
        def run() -> Any:
            try:
                with limits.time_budget():
                    return registry.evaluate(parse_case_json(raw)).to_json_bytes()
            except CaseError as exc:
                return exc

        return run

    def load(raw: bytes) -> Callable[[], Any]:
        def run() -> Any:
            try:
                return load_ruleset_text(raw, "limit.yaml")
            except RulesetError as exc:
                return exc

        return run

    full = [dict(PRIOR, custody=[PERIOD, PERIOD]) for _ in range(1000)]
    worst = _case(priors=full, charges=[CHARGE] * 300)
    long_text = "x" * 10_000
    names = [bytes([x]) for x in b"abcdefghi"]
    bomb = b"".join(
        b"%s: &%s [%s]\n" % (c, c, b", ".join([b"*" + p] * 10 if p else [b"x"] * 10))
        for p, c in zip([b"", *names[:-1]], names, strict=True)
    )
    base = (ROOT / "tests/fixtures/rulesets/zz/caution.yaml").read_text()
    doubling = "".join(f"  e{i}: e{i - 1} and e{i - 1}\n" for i in range(1, 13))
    defs = base.replace("definitions:\n", "definitions:\n  e0: consent\n" + doubling, 1)
    return {
        "ordinary case (1 charge, no priors)": ("baseline", decide(_case())),
        "500 priors, 1,000 custody periods, 150 charges": (
            "half of each limit (cost grows linearly)",
            decide(_case(priors=full[:500], charges=[CHARGE] * 150)),
        ),
        "1,000 priors, 2,000 custody periods, 300 charges": (
            "priors, custody_periods, charges at their limits together",
            decide(worst),
        ),
        "1,000 priors with 10,000-character descriptions": (
            "string_chars at its limit in every prior (about 10 MB: refused by case_bytes)",
            decide(_case(priors=[dict(PRIOR, description=long_text)] * 1000)),
        ),
        "1,001 priors": ("refused: priors + 1", decide(_case(priors=[PRIOR] * 1001))),
        "1 MB body of 55,000 small priors": (
            "refused: priors (the 2026 probe took 40 s and 1.8 GB)",
            decide(_case(priors=[{"felony": True}] * 55_000)),
        ),
        "nesting 100,000 deep": ("refused: nesting", decide(b"[" * 100_000 + b"]" * 100_000)),
        "an integer of 1,000,000 digits": (
            "refused: integer_digits",
            decide(b'{"case_id": "x", "consent": ' + b"9" * 1_000_000 + b"}"),
        ),
        "ruleset: YAML alias bomb (10^9 nodes)": ("refused: yaml_nodes", load(bomb)),
        "ruleset: definitions doubling 12 times (8,191 nodes)": (
            "accepted: expanded_condition_nodes just below its limit",
            load(defs.replace("condition: admits_offense and consent", "condition: e12").encode()),
        ),
        "ruleset: definitions doubling 20 times": (
            "refused: expanded_condition_nodes (the 2026 probe ran for minutes at gigabytes)",
            load(
                defs.replace(
                    "  e0: consent\n",
                    "  e0: consent\n"
                    + "".join(f"  e{i}: e{i - 1} and e{i - 1}\n" for i in range(13, 21)),
                )
                .replace("condition: admits_offense and consent", "condition: e20")
                .encode()
            ),
        ),
    }


def _measure(name: str) -> dict[str, Any]:
    what, work = _rows()[name]
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    outcome = type(result).__name__
    if isinstance(result, bytes):
        outcome = f"decided ({len(result) / 1e6:.1f} MB of JSON)"
    elif isinstance(result, Exception):
        message = str(result).split("\n")[-1].split("error: ", 1)[-1]
        outcome = "refused: " + message.split(" (")[0]
    return {
        "row": name,
        "what": what,
        "ms": round(seconds * 1000, 1),
        "rss_mb": round(after / 1024),
        "outcome": outcome,
    }


def main() -> None:
    """Run every row in its own interpreter and print the table."""
    if len(sys.argv) == 3 and sys.argv[1] == "--row":
        print(json.dumps(_measure(sys.argv[2])))
        return
    import eligibility  # noqa: F401 - fail early if the project is not importable

    names = list(_rows())
    print("| input | what it tests | time | peak RSS of the process | outcome |")
    print("|---|---|---|---|---|")
    for name in names:
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.limits", "--row", name],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        row = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"| {row['row']} | {row['what']} | {row['ms']:,} ms | {row['rss_mb']} MB | "
            f"{row['outcome']} |"
        )


if __name__ == "__main__":
    main()
