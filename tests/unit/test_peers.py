"""The benchmark's peer engines decide exactly what the plain-Python floor decides.

A peer that is fast but wrong would make the comparison meaningless, so each encoding
(zen-engine JDM graph, json-logic rules) is run on generated California cases and must agree
with ``benchmarks.ca_plain.decide`` on every measure of every case, the ``undetermined``
outcomes from unsettled points included.
"""

from __future__ import annotations

import collections
import copy
from collections.abc import Callable
from typing import Any

import pytest

from benchmarks import peer_jsonlogic, peer_zen, peers
from benchmarks.ca_cases import generate
from benchmarks.ca_plain import decide as plain_decide
from benchmarks.peer_input import prepare

CASES = generate(300, seed=11)
PEERS = {
    "zen-engine": ("zen", peer_zen.make_decide),
    "json-logic": ("json_logic", peer_jsonlogic.make_decide),
}


def _decide(peer: str) -> Callable[[dict[str, Any]], dict[str, str]]:
    module, make = PEERS[peer]
    pytest.importorskip(module)
    return make()


def test_the_cases_exercise_every_outcome_the_peers_must_match() -> None:
    """Agreement would prove little if the cases never reached the unsettled points."""
    seen = collections.Counter(o for case in CASES for o in plain_decide(case).values())
    assert {"eligible", "entitled", "ineligible", "not_applicable", "undetermined"} == set(seen)
    assert seen["undetermined"] >= 10


@pytest.mark.parametrize("peer", sorted(PEERS))
def test_peer_agrees_with_plain_python_on_every_case(peer: str) -> None:
    decide = _decide(peer)
    wrong = [
        (case["case_id"], want, got)
        for case in CASES
        if (got := decide(prepare(case))) != (want := plain_decide(case))
    ]
    assert [] == wrong[:3], f"{len(wrong)} of {len(CASES)} cases disagree"


@pytest.mark.parametrize("peer", sorted(PEERS))
def test_deciding_leaves_the_case_and_its_prepared_input_unchanged(peer: str) -> None:
    """Timing loops reuse inputs; a peer writing into them would corrupt later rows."""
    decide = _decide(peer)
    case = next(c for c in CASES if c["priors"])
    before = copy.deepcopy(case)
    prepared = prepare(case)
    prepared_before = copy.deepcopy(prepared)
    decide(prepared)
    assert before == case
    assert prepared_before == prepared


def test_the_zen_graph_gives_each_measure_one_decision_table() -> None:
    graph = peer_zen.graph()
    tables = [n for n in graph["nodes"] if n["type"] == "decisionTableNode"]
    assert sorted(plain_decide(CASES[0])) == sorted(t["id"] for t in tables)
    assert all(t["content"]["hitPolicy"] == "first" for t in tables)


def test_peers_command_prints_every_row_and_no_disagreement(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pytest.importorskip("zen")
    pytest.importorskip("json_logic")
    assert 0 == peers.main(["--cases", "40", "--repeats", "1"])
    out = capsys.readouterr().out
    for label in (
        "plain Python (ca_plain)",
        "pre-processing only",
        "zen-engine 0.37.1",
        "json-logic",
    ):
        assert label in out
    assert out.count("outcomes only") == 3


def test_peer_rows_are_ready_to_time() -> None:
    pytest.importorskip("zen")
    pytest.importorskip("json_logic")
    rows = peers.peer_rows()
    assert 2 == len(rows)
    assert all(0 == peers.count_disagreements(row, CASES[:50]) for row in rows)
    labels = [label for label, _ in peers.timed_rows(rows)]
    assert "peer pre-processing only (prep)" == labels[0]
    assert all(label.startswith("prep + ") for label in labels[1:])


def test_the_engine_on_the_frozen_benchmark_ruleset_agrees_with_the_floor() -> None:
    """The decision section's engine rows decide what the floor and the peers decide: on the
    frozen ruleset (benchmarks/rulesets/README.md), every measure of every case agrees."""
    from benchmarks.__main__ import DRUG_DIVERSION
    from eligibility import Registry, load_ruleset, parse_case

    engine = Registry([load_ruleset(DRUG_DIVERSION)], evaluator="durable-rules")
    for data in generate(400, 11):
        outcomes = {m.id: m.outcome for m in engine.evaluate(parse_case(data)).measures}
        assert plain_decide(data) == outcomes, data["case_id"]
