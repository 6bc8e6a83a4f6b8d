"""The California decision as a zen-engine JDM graph (outcomes only, no reasons).

Graph: input → one expression node → three decision tables (one per measure) → output. The
expression node derives every criterion in zen's expression language — ``some``/``count`` over
``charges`` and ``priors``, ``in`` against code lists — as a three-valued result (``true`` /
``false`` / ``null`` for the ruleset's unsettled points). Each decision table has a column per
criterion of its measure and a row per way to decide it, hit policy ``first`` (see
:func:`table`), and writes the measure's outcome; the output node merges the three.

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
            f"{CONVICTION} and #.felony and {WITHIN}",
            f"{CONVICTION} and #.felony and {ON_BOUNDARY}",
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

# The inputs the tables read as they are, and when each measure applies (its era).
CRITERIA += [
    ("consent", "consent"),
    ("noConsent", "not consent"),
    ("waivesSpeedyTrial", "facts.waives_speedy_trial_rights"),
    ("acceptsDejTerms", "facts.accepts_dej_terms"),
    ("notRevoked", "not facts.probation_or_parole_revoked_not_completed"),
    ("pretrialEra", f"offense >= {D2018}"),
    ("dejEra", f"offense <= {END_2017}"),
    ("prop36Era", f"decision >= {D2001}"),
]

# Per measure: its era, scope (false → not applicable), requirements (false → ineligible),
# exclusions (true → ineligible), and the outcome when nothing blocks and nothing is unknown.
MEASURES = [
    (
        "pc1000_pretrial_diversion",
        "pretrialEra",
        ["listedCharge", "adult"],
        ["nonlisted5y", "noViolence", "noOtherDrug", "felony5y", "consent", "waivesSpeedyTrial"],
        [],
        "eligible",
    ),
    (
        "pc1000_deferred_entry_of_judgment",
        "dejEra",
        ["listedCharge", "adult", "dejDecidedIn2017"],
        [
            "drugBefore",
            "noViolence",
            "noOtherDrug",
            "notRevoked",
            "diversion5y",
            "felony5y",
            "consent",
            "acceptsDejTerms",
        ],
        [],
        "eligible",
    ),
    (
        "prop36_probation_with_treatment",
        "prop36Era",
        ["nvdpoCharge", "adult"],
        [],
        [
            "seriousFelonyNotWashedOut",
            "otherOffenseCharged",
            "firearmWithDrug",
            "noConsent",
            "refusedTreatmentTwice",
        ],
        "entitled",
    ),
]


def _node(node_id: str, kind: str, content: dict[str, Any] | None = None) -> dict[str, Any]:
    node: dict[str, Any] = {"id": node_id, "type": kind, "name": node_id}
    node["position"] = {"x": 0, "y": 0}
    if content is not None:
        node["content"] = content
    return node


def table(
    name: str, era: str, scope: list[str], requires: list[str], excluded: list[str], when: str
) -> dict[str, Any]:
    """One measure's decision table: a column per criterion, a row per way to decide it.

    First matching row wins: out of its era or out of scope → not applicable; a requirement
    false or an exclusion true while the scope is known → ineligible; any criterion unknown →
    undetermined; otherwise ``when``. Empty cells match anything.
    """
    known_scope = {s: "!= null" for s in scope}
    rows: list[tuple[dict[str, str], str]] = [({era: "false"}, "not_applicable")]
    rows += [({s: "false"}, "not_applicable") for s in scope]
    rows += [({r: "false", **known_scope}, "ineligible") for r in requires]
    rows += [({e: "true", **known_scope}, "ineligible") for e in excluded]
    rows += [({c: "null"}, "undetermined") for c in scope + requires + excluded]
    rows += [({}, when)]
    columns = [era, *scope, *requires, *excluded]
    return _node(
        name,
        "decisionTableNode",
        {
            "hitPolicy": "first",
            "inputs": [{"id": c, "name": c, "field": c} for c in columns],
            "outputs": [{"id": "outcome", "name": "outcome", "field": name}],
            "rules": [
                {"_id": f"r{i}", **{c: cells.get(c, "") for c in columns}, "outcome": f"'{out}'"}
                for i, (cells, out) in enumerate(rows)
            ],
        },
    )


def graph() -> dict[str, Any]:
    """The JDM graph (the JSON the GoRules editor saves), built from the lists above."""
    expressions = [{"id": key, "key": key, "value": value} for key, value in CRITERIA]
    tables = [table(*measure) for measure in MEASURES]
    nodes = [_node("input", "inputNode")]
    nodes += [_node("criteria", "expressionNode", {"expressions": expressions})]
    nodes += [*tables, _node("output", "outputNode")]
    edges = [("input", "criteria")]
    edges += [("criteria", t["id"]) for t in tables] + [(t["id"], "output") for t in tables]
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
