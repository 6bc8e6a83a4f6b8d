"""What the optional what-if parts cost per case, on every jurisdiction's golden cases.

For each jurisdiction: the plain decision, and the extra CPU time of each part asked for alone
(``next_questions``, ``timeline``, ``counterfactuals``, ``lex_mitior``) and of all four, as the median, the
95th percentile and the largest over that jurisdiction's golden cases (each case once per row,
the rows interleaved case by case so a drift in the machine's speed touches them alike).

    python -m benchmarks.whatif
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from functools import partial

from eligibility import Registry, default_rulesets_dir
from eligibility.case import Case
from eligibility.golden import golden_files, load_golden
from eligibility.whatif import Part, decide

ROWS: dict[str, tuple[Part, ...]] = {
    "next_questions": ("next_questions",),
    "timeline": ("timeline",),
    "counterfactuals": ("counterfactuals",),
    "lex_mitior": ("lex_mitior",),
    "all four": ("next_questions", "timeline", "counterfactuals", "lex_mitior"),
}


def corpus() -> dict[str, list[Case]]:
    """Every golden case, by jurisdiction."""
    out: dict[str, list[Case]] = defaultdict(list)
    for path in golden_files(default_rulesets_dir()):
        for golden in load_golden(path):
            out[golden.case.jurisdiction.upper()].append(golden.case)
    return dict(sorted(out.items()))


def _cpu_ms(fn: Callable[[], object]) -> float:
    start = time.process_time()
    fn()
    return (time.process_time() - start) * 1000


def run(registry: Registry) -> list[tuple[str, int, float, dict[str, tuple[float, float, float]]]]:
    """Per jurisdiction: (code, cases, plain ms median, {row: (extra median, p95, max) ms})."""
    out = []
    for code, cases in corpus().items():
        plain: list[float] = []
        extra: dict[str, list[float]] = {row: [] for row in ROWS}
        for case in cases:
            base = _cpu_ms(partial(registry.evaluate, case))
            plain.append(base)
            for row, parts in ROWS.items():
                spent = _cpu_ms(partial(decide, registry, case, None, parts))
                extra[row].append(max(0.0, spent - base))
        stats = {
            row: (
                statistics.median(v),
                statistics.quantiles(v, n=20)[-1] if len(v) > 1 else v[0],
                max(v),
            )
            for row, v in extra.items()
        }
        out.append((code, len(cases), statistics.median(plain), stats))
    return out


def main() -> None:
    """Print the table."""
    registry = Registry.load()
    print("## what-if — extra CPU ms per case over the plain decision (median / p95 / max)")
    header = f"{'jurisdiction':13} {'cases':>5} {'plain':>6} " + " ".join(f"{r:>21}" for r in ROWS)
    print(header)
    for code, n, base, stats in run(registry):
        cells = " ".join(f"{m:6.1f} /{p:6.1f} /{x:6.0f}" for m, p, x in stats.values())
        print(f"{code:13} {n:5} {base:6.2f} {cells}")


if __name__ == "__main__":
    main()
