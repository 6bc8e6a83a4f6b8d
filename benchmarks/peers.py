"""Peer engines on the same California decision: zen-engine 0.37.1 and json-logic.

Each peer encodes the law of ``benchmarks.ca_plain.decide`` — all three measures, the same
outcomes including the ``undetermined`` ones from the ruleset's unsettled points — in its own
rule language (``peer_zen.py``: a JDM graph; ``peer_jsonlogic.py``: json-logic rules). Both get
the same pre-processed input (``peer_input.prepare``), and their timed row is pre-processing +
peer, so the comparison with the plain-Python floor is honest. Peers return outcomes only, no
reasons.

``python -m benchmarks.peers [--cases N] [--repeats R]`` checks every peer against
``ca_plain.decide`` case by case, then times the rows in interleaved repetitions and prints
medians with the min–max spread. It exits 1 on any disagreement. The peers are optional: install
them with ``pip install -e '.[bench]'``; a missing one is skipped with a note.
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from benchmarks import peer_jsonlogic, peer_zen
from benchmarks.ca_cases import generate
from benchmarks.ca_plain import decide as plain_decide
from benchmarks.peer_input import prepare

Case = dict[str, Any]
T = TypeVar("T")
ZEN_PIN = "0.37.1"  # later releases add ~155 µs per evaluate call from Python (gorules/zen#441)


class Peer(NamedTuple):
    """One peer: ``decide(prepare(case))`` gives ``{measure: outcome}`` for a generated case."""

    name: str
    prepare: Callable[[Case], Case]
    decide: Callable[[Case], dict[str, str]]


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def peer_rows() -> list[Peer]:
    """The installed peers, each ready to decide; a missing one is skipped with a note on stderr."""
    peers = []
    missing = []
    zen = _version("zen-engine")
    if zen is None:
        missing.append("zen-engine")
    else:
        if zen != ZEN_PIN:
            print(
                f"note: zen-engine {zen} is not the pinned {ZEN_PIN}; see gorules/zen#441",
                file=sys.stderr,
            )
        peers.append(Peer(f"zen-engine {zen}, outcomes only", prepare, peer_zen.make_decide()))
    logic = _version("json-logic-qubit")
    if logic is None:
        missing.append("json-logic-qubit")
    else:
        peers.append(
            Peer(f"json-logic {logic}, outcomes only", prepare, peer_jsonlogic.make_decide())
        )
    if missing:
        print(
            f"note: peer(s) not installed, no row: {', '.join(missing)} — pip install -e '.[bench]'",
            file=sys.stderr,
        )
    return peers


def count_disagreements(peer: Peer, cases: list[Case]) -> int:
    """How many cases the peer decides differently from ``ca_plain.decide`` (any measure)."""
    return sum(peer.decide(peer.prepare(c)) != plain_decide(c) for c in cases)


def timed_rows(peers: list[Peer]) -> list[tuple[str, Callable[[Case], Any]]]:
    """(label, fn over a raw generated case): the shared pre-processing alone, then each peer
    as pre-processing + peer — the shape ``python -m benchmarks`` times."""
    rows: list[tuple[str, Callable[[Case], Any]]] = [("peer pre-processing only (prep)", prepare)]
    for peer in peers:
        rows.append((f"prep + {peer.name}", _compose(peer)))
    return rows


def _compose(peer: Peer) -> Callable[[Case], dict[str, str]]:
    prep, decide = peer.prepare, peer.decide
    return lambda case: decide(prep(case))


def _time(fn: Callable[[T], Any], cases: list[T]) -> tuple[float, float, list[float]]:
    """Wall seconds, CPU seconds and per-call wall µs for one pass over the cases."""
    gc.collect()
    perf = time.perf_counter_ns
    latencies = []
    cpu, start = time.process_time(), perf()
    for case in cases:
        t0 = perf()
        fn(case)
        latencies.append((perf() - t0) / 1000)
    return (perf() - start) / 1e9, time.process_time() - cpu, latencies


class Run(NamedTuple):
    """One timed pass of one row."""

    rate: float  # cases per wall second
    cpu_us: float  # CPU µs per case: barely moved by other processes on a shared machine
    p50: float
    p99: float


def measure(
    rows: list[tuple[str, Callable[[T], Any]]], cases: list[T], repeats: int
) -> dict[str, list[Run]]:
    """Each row over all cases, ``repeats`` times, interleaved and in rotating order."""
    for _, fn in rows:  # warm-up
        for case in cases[:500]:
            fn(case)
    runs: dict[str, list[Run]] = {name: [] for name, _ in rows}
    for rep in range(repeats):
        for name, fn in rows[rep % len(rows) :] + rows[: rep % len(rows)]:
            wall, cpu, lat = _time(fn, cases)
            q = statistics.quantiles(lat, n=100) if len(lat) > 1 else lat * 99
            runs[name].append(Run(len(cases) / wall, cpu * 1e6 / len(cases), q[49], q[98]))
    return runs


def _spread(values: list[float], form: str) -> str:
    return f"{statistics.median(values):{form}} [{min(values):{form}}–{max(values):{form}}]"


def report(runs: dict[str, list[Run]], wrong: dict[str, int]) -> None:
    """The table: medians [min–max] across repetitions; × floor by CPU time per case."""
    print(
        f"{'variant':50} {'cases/s (wall)':>26} {'CPU µs/case':>19} {'p50 µs':>19} "
        f"{'p99 µs':>8} {'× floor':>8} {'disagree':>8}"
    )
    floor = statistics.median(r.cpu_us for r in next(iter(runs.values())))
    for name, rs in runs.items():
        cpu = [r.cpu_us for r in rs]
        peer = name.removeprefix("prep + ")
        print(
            f"{name:50} {_spread([r.rate for r in rs], ',.0f'):>26} {_spread(cpu, '.1f'):>19} "
            f"{_spread([r.p50 for r in rs], '.1f'):>19} {statistics.median(r.p99 for r in rs):8.1f} "
            f"{statistics.median(cpu) / floor:7.1f}× {wrong.get(peer, '—')!s:>8}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.peers", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--cases", type=int, default=10_000, help="generated cases (default 10,000)"
    )
    parser.add_argument(
        "--repeats", type=int, default=5, help="interleaved repetitions (default 5)"
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.cases < 1 or args.repeats < 1:
        parser.error("--cases and --repeats must be at least 1")

    cases = generate(args.cases, args.seed)
    peers = peer_rows()
    wrong = {peer.name: count_disagreements(peer, cases) for peer in peers}
    rows = [("plain Python (ca_plain), outcomes only — floor", plain_decide), *timed_rows(peers)]
    runs = measure(rows, cases, args.repeats)
    print(
        f"peers on {len(cases):,} generated US-CA cases (seed {args.seed}), 3 measures; "
        f"{args.repeats} interleaved repetitions in one process, median [min–max]"
    )
    report(runs, wrong)
    return 1 if any(wrong.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
