"""Instructions per decision, counted by callgrind: the figure that does not move on a shared machine.

    python -m benchmarks.instructions                          # this tree, at each explanation level
    python -m benchmarks.instructions --baseline ../other-tree  # and another checkout, side by side

Wall-clock and CPU times on a shared VM move by a tenth from run to run; the number of
instructions a decision executes does not. For each level and tree, two child processes run under
``valgrind --tool=callgrind`` (nothing else is instrumented): both generate the same cases and
decide the same ``--warm`` of them end to end (JSON text in → decision JSON out, warming
every cache and compiled plan), then one decides ``--cases`` more. The difference of their
totals, divided by ``--cases``, is what one decision costs, start-up and loading excluded.

Every tree decides the frozen benchmark ruleset of *this* tree
(``benchmarks/rulesets/us-ca/drug-diversion.yaml``) and the same cases, so two trees are compared
on the same law; the baseline needs ``benchmarks/ca_cases.py`` and ``explain=`` (a tree from
2026-12-07 on). Needs valgrind (``apt install valgrind``); about a minute per level and tree.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RULESET = HERE / "rulesets" / "us-ca" / "drug-diversion.yaml"
LEVELS = ("outcome", "deciding", "full")

CHILD = """
import json, sys
sys.path.insert(0, {root!r})
from benchmarks.ca_cases import generate
from eligibility import Registry, load_ruleset
from eligibility.case import parse_case_json
warm, n, made = {warm}, {n}, {made}
texts = [json.dumps(c) for c in generate(made, 7)]  # the same in both children
engine = Registry([load_ruleset({ruleset!r})], evaluator="durable-rules")
for t in texts[: warm + n]:
    engine.evaluate(parse_case_json(t), explain={level!r}).to_json()
"""

_COLLECTED = re.compile(r"Collected : (\d+)")


def child_code(root: Path, level: str, warm: int, n: int, made: int) -> str:
    """The program one child runs in ``root``'s tree: ``made`` cases generated and written as
    JSON (so both children of a pair spend the same on that), ``warm`` decided, then ``n`` more."""
    return CHILD.format(
        root=str(root), warm=warm, n=n, made=made, ruleset=str(RULESET), level=level
    )


def collected(stderr: str) -> int:
    """callgrind's instruction total from its report on standard error."""
    found = _COLLECTED.search(stderr)
    if found is None:
        raise RuntimeError(f"callgrind printed no total:\n{stderr[-2000:]}")
    return int(found.group(1))


def count(root: Path, level: str, warm: int, n: int, made: int) -> int:
    """Instructions of one child process deciding ``warm + n`` of ``made`` cases."""
    result = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-c",
            child_code(root, level, warm, n, made),
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"the child failed in {root}:\n{result.stderr[-2000:]}")
    return collected(result.stderr)


def per_case(root: Path, level: str, warm: int, n: int) -> float:
    made = warm + n
    return (count(root, level, warm, n, made) - count(root, level, warm, 0, made)) / n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.instructions", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--cases", type=int, default=300, help="decisions counted (default 300)")
    parser.add_argument("--warm", type=int, default=100, help="decisions before (default 100)")
    parser.add_argument("--levels", default=",".join(LEVELS), help="comma-separated")
    parser.add_argument("--baseline", type=Path, help="another checkout to count the same way")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt install valgrind)", file=sys.stderr)
        return 2
    levels = [lv.strip() for lv in args.levels.split(",") if lv.strip()]
    trees = [("this tree", ROOT)]
    if args.baseline is not None:
        trees.insert(0, ("baseline", args.baseline.resolve()))
    print(
        f"## instructions per decision, end to end — {args.cases} US-CA cases after "
        f"{args.warm} (callgrind)"
    )
    header = f"{'level':10}" + "".join(f"{name:>16}" for name, _ in trees)
    print(header + ("      change" if len(trees) == 2 else ""))
    for level in levels:
        counts = [per_case(root, level, args.warm, args.cases) for _, root in trees]
        line = f"{level:10}" + "".join(f"{c:16,.0f}" for c in counts)
        if len(counts) == 2:
            line += f"  {(counts[1] - counts[0]) / counts[0]:+10.1%}"
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
