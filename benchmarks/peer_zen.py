"""The California decision as a zen-engine JDM graph (outcomes only, no reasons).

Graph: input → one expression node → three decision tables (hit policy ``first``, one per
measure) → output. The expression node derives every criterion in zen's expression language —
``some``/``count`` over ``charges`` and ``priors``, ``in`` against code lists — as a
three-valued result (``true`` / ``false`` / ``null`` for the ruleset's unsettled points), then
folds each measure's criteria into four flags (``$.key`` reads a key computed earlier in the
same node). Each decision table turns those flags into the outcome, first matching row wins.

zen-engine is pinned to 0.37.1: later releases add ~155 µs of fixed cost to every Python
``evaluate`` call (gorules/zen#441).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from benchmarks import ca_plain
from benchmarks.peer_input import D2001, D2015, D2018, END_2017


def _codes(codes: set[str] | list[str]) -> str:
    return "[" + ", ".join(f"'{c}'" for c in sorted(codes)) + "]"


# One charge (`#` inside a closure) is a listed offense / a nonviolent drug possession offense.
LISTED = (
    f"(#.code in {_codes(ca_plain.LISTED_OLD)}"
    f" or (#.code == 'HSC 11375(b)(2)' and offense >= {D2015})"
    " or (#.code in ['HSC 11358', 'PC 653f(d)'] and #.purpose == 'personal_use')"
    " or (#.code == 'HSC 11368' and #.purpose == 'personal_use' and facts.fictitious_prescription)"
    " or (#.code in ['PC 381', 'PC 647(f)'] and #.drug_related))"
)
NVDPO = (
    f"((#.code in {_codes(ca_plain.NVDPO)} and #.purpose == 'personal_use')"
    " or #.code == 'HSC 11550')"
)
CONVICTION = "#.disposition == 'conviction'"
# The five-year look-back: inside it (true), on its first day (unsettled: null), else false.
WITHIN = "#.disposed_vs_lookback > 0 and #.disposed_vs_offense < 0"
ON_BOUNDARY = "#.disposed_vs_lookback == 0"


def _none_of(true_when: str, unknown_when: str) -> str:
    """Three-valued "no prior is …": false if one is, null if one might be, else true."""
    return f"some(priors, {true_when}) ? false : (some(priors, {unknown_when}) ? null : true)"


CRITERIA = [
    ("listedCharge", f"some(charges, {LISTED})"),
    ("noViolence", "not some(charges, #.violence)"),
    (
        "noOtherDrug",
        f"not facts.uncharged_drug_violation_evidence and not some(charges, #.drug_related and not {LISTED})",
    ),
    ("adult", "age >= 18 ? true : (facts.forum == 'adult_criminal_court' ? null : false)"),
    (
        "felony5y",
        _none_of(
            f"{CONVICTION} and #.felony and {WITHIN}", f"{CONVICTION} and #.felony and {ON_BOUNDARY}"
        ),
    ),
    (
        "nonlisted5y",
        _none_of(
            *(
                f"{CONVICTION} and #.drug_related and not (#.code in {_codes(ca_plain.LISTED_NEW | ca_plain.QUALIFIED)}) and {w}"
                for w in (WITHIN, ON_BOUNDARY)
            )
        ),
    ),
    (
        "drugBefore",
        _none_of(
            f"{CONVICTION} and #.drug_related and #.disposed_vs_offense < 0 and #.code != 'HSC 11357'",
            f"{CONVICTION} and #.drug_related and #.disposed_vs_offense < 0 and #.code == 'HSC 11357'",
        ),
    ),
    (
        "diversion5y",
        _none_of(
            *(
                f"#.disposition in ['diversion', 'deferred_judgment'] and {w}"
                for w in (WITHIN, ON_BOUNDARY)
            )
        ),
    ),
    ("dejDecidedIn2017", f"decision <= {END_2017} ? true : null"),
    ("nvdpoCharge", f"some(charges, {NVDPO})"),
    (
        "seriousFelonyNotWashedOut",
        f"some(priors, {CONVICTION} and #.serious_or_violent_felony) and"
        " (facts.prison_custody_within_5_years or some(priors, "
        f"{CONVICTION} and #.committed_vs_lookback > 0 and #.committed_vs_offense < 0"
        f" and ((#.felony and not (#.drug_related and #.code in {_codes(ca_plain.CATEGORY_POSSESSION)}))"
        " or (not #.felony and #.violent))))",
    ),
    (
        "otherOffenseCharged",
        f"some(charges, not {NVDPO} and (#.class == 'felony' or"
        f" (#.class == 'misdemeanor' and not (#.code in {_codes(ca_plain.USE_RELATED)}))))",
    ),
    (
        "firearmWithDrug",
        f"some(charges, #.weapon and #.substance in {_codes(ca_plain.FIREARM_DRUGS)}) ? null : false",
    ),
    (
        "refusedTreatmentTwice",
        f"count(priors, {CONVICTION} and #.drug_related and #.code in {_codes(ca_plain.CATEGORY_POSSESSION)}) >= 2"
        " and facts.prior_prop36_treatment_courses >= 2 and facts.found_unamenable_to_treatment",
    ),
]

# Per measure: when it applies, scope (false → not applicable), requirements (false → ineligible),
# exclusions (true → ineligible), and the outcome when nothing blocks or is unknown.
MEASURES = [
    (
        "pc1000_pretrial_diversion",
        f"offense >= {D2018}",
        ["$.listedCharge", "$.adult"],
        [
            "$.nonlisted5y",
            "$.noViolence",
            "$.noOtherDrug",
            "$.felony5y",
            "consent",
            "facts.waives_speedy_trial_rights",
        ],
        [],
        "eligible",
    ),
    (
        "pc1000_deferred_entry_of_judgment",
        f"offense <= {END_2017}",
        ["$.listedCharge", "$.adult", "$.dejDecidedIn2017"],
        [
            "$.drugBefore",
            "$.noViolence",
            "$.noOtherDrug",
            "(not facts.probation_or_parole_revoked_not_completed)",
            "$.diversion5y",
            "$.felony5y",
            "consent",
            "facts.accepts_dej_terms",
        ],
        [],
        "eligible",
    ),
    (
        "prop36_probation_with_treatment",
        f"decision >= {D2001}",
        ["$.nvdpoCharge", "$.adult"],
        [],
        [
            "$.seriousFelonyNotWashedOut",
            "$.otherOffenseCharged",
            "$.firearmWithDrug",
            "(not consent)",
            "$.refusedTreatmentTwice",
        ],
        "entitled",
    ),
]


def _any(terms: list[str], test: str) -> str:
    return " or ".join(f"{t} {test}" for t in terms) or "false"


def _node(node_id: str, kind: str, content: dict[str, Any] | None = None) -> dict[str, Any]:
    node: dict[str, Any] = {"id": node_id, "type": kind, "name": node_id}
    node["position"] = {"x": 0, "y": 0}
    if content is not None:
        node["content"] = content
    return node


def graph() -> dict[str, Any]:
    """The JDM graph (the JSON a GoRules editor would save), built from the tables above."""
    expressions = [{"id": key, "key": key, "value": value} for key, value in CRITERIA]
    tables = []
    for name, applies, scope, requires, excluded, when in MEASURES:
        flags = {
            "Applies": applies,
            "ScopeNo": _any(scope, "== false"),
            "ScopeUnknown": _any(scope, "== null"),
            "Blocked": _any(requires, "== false") + " or " + _any(excluded, "== true"),
            "Unknown": _any(scope + requires + excluded, "== null"),
        }
        expressions += [{"id": name + f, "key": name + f, "value": v} for f, v in flags.items()]
        rows = [  # Applies, ScopeNo, Blocked, ScopeUnknown, Unknown → outcome; first match wins
            ("false", "", "", "", "", "not_applicable"),
            ("", "true", "", "", "", "not_applicable"),
            ("", "", "true", "false", "", "ineligible"),
            ("", "", "", "", "true", "undetermined"),
            ("", "", "", "", "", when),
        ]
        columns = ["Applies", "ScopeNo", "Blocked", "ScopeUnknown", "Unknown"]
        tables.append(
            _node(
                name,
                "decisionTableNode",
                {
                    "hitPolicy": "first",
                    "inputs": [{"id": c, "name": c, "field": name + c} for c in columns],
                    "outputs": [{"id": "outcome", "name": "outcome", "field": name}],
                    "rules": [
                        {"_id": f"r{i}", **dict(zip(columns, row[:5], strict=True)), "outcome": f"'{row[5]}'"}
                        for i, row in enumerate(rows)
                    ],
                },
            )
        )
    nodes = [_node("input", "inputNode"), _node("criteria", "expressionNode", {"expressions": expressions})]
    nodes += [*tables, _node("output", "outputNode")]
    edges = [("input", "criteria")] + [(t["id"], "output") for t in tables]
    edges += [("criteria", t["id"]) for t in tables]
    return {
        "nodes": nodes,
        "edges": [
            {"id": f"e{i}", "sourceId": s, "targetId": t, "type": "edge"}
            for i, (s, t) in enumerate(edges)
        ],
    }


def make_decide() -> Callable[[dict[str, Any]], dict[str, str]]:
    """``decide(prepared) -> {measure: outcome}`` over one zen decision built once.

    Raises ImportError when zen-engine is not installed.
    """
    import zen

    decision = zen.ZenEngine().create_decision(json.dumps(graph()))
    evaluate = decision.evaluate

    def decide(prepared: dict[str, Any]) -> dict[str, str]:
        result: dict[str, str] = evaluate(prepared)["result"]
        return result

    return decide
