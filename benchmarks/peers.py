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
from typing import Any, NamedTuple

from benchmarks import peer_jsonlogic, peer_zen
from benchmarks.ca_cases import generate
from benchmarks.ca_plain import decide as plain_decide
from benchmarks.peer_input import prepare

Case = dict[str, Any]
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


def _time(fn: Callable[[Case], Any], cases: list[Case]) -> tuple[float, list[float]]:
    gc.collect()
    perf = time.perf_counter_ns
    latencies = []
    start = perf()
    for case in cases:
        t0 = perf()
        fn(case)
        latencies.append((perf() - t0) / 1000)
    return (perf() - start) / 1e9, latencies


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
    rows = [("plain Python (ca_plain), outcomes only — baseline", plain_decide), *timed_rows(peers)]
    warm = cases[: min(500, len(cases))]
    for _, fn in rows:
        for case in warm:
            fn(case)
    runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name, _ in rows}
    for rep in range(args.repeats):  # rotate the order so no row always runs first or last
        for name, fn in rows[rep % len(rows) :] + rows[: rep % len(rows)]:
            total, lat = _time(fn, cases)
            q = statistics.quantiles(lat, n=100) if len(lat) > 1 else [lat[0]] * 99
            runs[name].append((len(cases) / total, q[49], q[98]))

    print(
        f"peers on {len(cases):,} generated US-CA cases (seed {args.seed}), 3 measures; "
        f"{args.repeats} interleaved repetitions, median [min–max]"
    )
    print(
        f"{'variant':50} {'cases/s':>26} {'p50 µs':>18} {'p99 µs':>8} {'× floor':>8} {'disagree':>8}"
    )
    floor = statistics.median(r[0] for r in runs[rows[0][0]])
    for name, _ in rows:
        rates, p50s = [r[0] for r in runs[name]], [r[1] for r in runs[name]]
        rate = statistics.median(rates)
        rate_text = f"{rate:,.0f} [{min(rates):,.0f}–{max(rates):,.0f}]"
        p50_text = f"{statistics.median(p50s):.1f} [{min(p50s):.1f}–{max(p50s):.1f}]"
        p99 = statistics.median(r[2] for r in runs[name])
        peer = name.removeprefix("prep + ")
        bad = str(wrong[peer]) if peer in wrong else "—"
        print(f"{name:50} {rate_text:>26} {p50_text:>18} {p99:8.1f} {floor / rate:7.1f}× {bad:>8}")
    return 1 if any(wrong.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
