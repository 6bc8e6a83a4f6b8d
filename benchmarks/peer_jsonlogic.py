"""The California decision as json-logic rules (json-logic-qubit; outcomes only, no reasons).

json-logic has no variables, so the rules are a list of named stages evaluated in order; each
stage's value is stored in the case's data under its name for later stages to read with
``var`` (the way json-logic is used to evaluate named rules against one context). The last
three stages are the measures' outcomes. Three-valued results use ``true`` / ``false`` /
``null`` and are compared with the strict ``===`` (json-logic's ``==`` coerces ``null`` to
``false``).

Inside ``some``/``filter`` json-logic sees only the element being iterated, so rules that mix
case-level facts into a per-charge test (the 2015 amendment, the fictitious-prescription fact)
are written as a case-level ``if`` that picks the matching per-charge rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks import ca_plain
from benchmarks.peer_input import D2001, D2015, D2018, END_2017

Rule = Any  # a json-logic rule: a JSON value


def var(name: str) -> Rule:
    return {"var": name}


def is_(a: Rule, b: Rule) -> Rule:
    return {"===": [a, b]}


def not_(a: Rule) -> Rule:
    return {"!": a}


def and_(*a: Rule) -> Rule:
    return {"and": list(a)}


def or_(*a: Rule) -> Rule:
    return {"or": list(a)}


def in_(a: Rule, codes: set[str] | list[str]) -> Rule:
    return {"in": [a, sorted(codes)]}


def some(items: str, test: Rule) -> Rule:
    return {"some": [var(items), test]}


CODE, PERSONAL = var("code"), is_(var("purpose"), "personal_use")
CONVICTION = is_(var("disposition"), "conviction")
WITHIN = and_({">": [var("disposed_vs_lookback"), 0]}, {"<": [var("disposed_vs_offense"), 0]})
ON_BOUNDARY = is_(var("disposed_vs_lookback"), 0)
NVDPO = or_(and_(in_(CODE, ca_plain.NVDPO), PERSONAL), is_(CODE, "HSC 11550"))


def listed(new_law: bool, fictitious: bool) -> Rule:
    """One charge is a listed offense, for a known era and fictitious-prescription fact."""
    return or_(
        in_(CODE, ca_plain.LISTED_NEW if new_law else ca_plain.LISTED_OLD),
        and_(in_(CODE, ["HSC 11358", "PC 653f(d)"]), PERSONAL),
        and_(is_(CODE, "HSC 11368"), PERSONAL) if fictitious else False,
        and_(in_(CODE, ["PC 381", "PC 647(f)"]), var("drug_related")),
    )


def by_case(build: Callable[[Rule], Rule]) -> Rule:
    """``build(listed_rule)``, chosen at case level by era and fictitious prescription."""
    era, fict = {">=": [var("offense"), D2015]}, var("facts.fictitious_prescription")
    return {
        "if": [
            era,
            {"if": [fict, build(listed(True, True)), build(listed(True, False))]},
            {"if": [fict, build(listed(False, True)), build(listed(False, False))]},
        ]
    }


def none_of(true_when: Rule, unknown_when: Rule) -> Rule:
    """Three-valued "no prior is …": false if one is, null if one might be, else true."""
    return {"if": [some("priors", true_when), False, some("priors", unknown_when), None, True]}


def outcome(
    applies: Rule, scope: list[Rule], requires: list[Rule], excluded: list[Rule], when: str
) -> Rule:
    anything = scope + requires + excluded
    return {
        "if": [
            not_(applies),
            "not_applicable",
            or_(*(is_(s, False) for s in scope)),
            "not_applicable",
            and_(
                or_(False, *(is_(r, False) for r in requires), *(is_(e, True) for e in excluded)),
                not_(or_(*(is_(s, None) for s in scope))),
            ),
            "ineligible",
            or_(*(is_(a, None) for a in anything)),
            "undetermined",
            when,
        ]
    }


POSSESSION_PRIOR = and_(CONVICTION, var("drug_related"), in_(CODE, ca_plain.CATEGORY_POSSESSION))
STAGES: list[tuple[str, Rule]] = [
    ("listedCharge", by_case(lambda listed: some("charges", listed))),
    (
        "noOtherDrug",
        and_(
            not_(var("facts.uncharged_drug_violation_evidence")),
            by_case(lambda listed: not_(some("charges", and_(var("drug_related"), not_(listed))))),
        ),
    ),
    (
        "adult",
        {
            "if": [
                {">=": [var("age"), 18]},
                True,
                is_(var("facts.forum"), "adult_criminal_court"),
                None,
                False,
            ]
        },
    ),
    ("felony5y", none_of(*(and_(CONVICTION, var("felony"), w) for w in (WITHIN, ON_BOUNDARY)))),
    ("noViolence", not_(some("charges", var("violence")))),
    (
        "pc1000_pretrial_diversion",
        outcome(
            {">=": [var("offense"), D2018]},
            [var("listedCharge"), var("adult")],
            [
                none_of(
                    *(
                        and_(
                            CONVICTION,
                            var("drug_related"),
                            not_(in_(CODE, ca_plain.LISTED_NEW | ca_plain.QUALIFIED)),
                            w,
                        )
                        for w in (WITHIN, ON_BOUNDARY)
                    )
                ),
                var("noViolence"),
                var("noOtherDrug"),
                var("felony5y"),
                var("consent"),
                var("facts.waives_speedy_trial_rights"),
            ],
            [],
            "eligible",
        ),
    ),
    (
        "pc1000_deferred_entry_of_judgment",
        outcome(
            {"<=": [var("offense"), END_2017]},
            [
                var("listedCharge"),
                var("adult"),
                {"if": [{"<=": [var("decision"), END_2017]}, True, None]},
            ],
            [
                none_of(
                    *(
                        and_(
                            CONVICTION,
                            var("drug_related"),
                            {"<": [var("disposed_vs_offense"), 0]},
                            test,
                        )
                        for test in ({"!==": [CODE, "HSC 11357"]}, is_(CODE, "HSC 11357"))
                    )
                ),
                var("noViolence"),
                var("noOtherDrug"),
                not_(var("facts.probation_or_parole_revoked_not_completed")),
                none_of(
                    *(
                        and_(in_(var("disposition"), ["diversion", "deferred_judgment"]), w)
                        for w in (WITHIN, ON_BOUNDARY)
                    )
                ),
                var("felony5y"),
                var("consent"),
                var("facts.accepts_dej_terms"),
            ],
            [],
            "eligible",
        ),
    ),
    (
        "prop36_probation_with_treatment",
        outcome(
            {">=": [var("decision"), D2001]},
            [some("charges", NVDPO), var("adult")],
            [],
            [
                and_(
                    some("priors", and_(CONVICTION, var("serious_or_violent_felony"))),
                    or_(
                        var("facts.prison_custody_within_5_years"),
                        some(
                            "priors",
                            and_(
                                CONVICTION,
                                {">": [var("committed_vs_lookback"), 0]},
                                {"<": [var("committed_vs_offense"), 0]},
                                or_(
                                    and_(
                                        var("felony"),
                                        not_(
                                            and_(
                                                var("drug_related"),
                                                in_(CODE, ca_plain.CATEGORY_POSSESSION),
                                            )
                                        ),
                                    ),
                                    and_(not_(var("felony")), var("violent")),
                                ),
                            ),
                        ),
                    ),
                ),
                some(
                    "charges",
                    and_(
                        not_(NVDPO),
                        or_(
                            is_(var("class"), "felony"),
                            and_(
                                is_(var("class"), "misdemeanor"),
                                not_(in_(CODE, ca_plain.USE_RELATED)),
                            ),
                        ),
                    ),
                ),
                {
                    "if": [
                        some(
                            "charges",
                            and_(var("weapon"), in_(var("substance"), ca_plain.FIREARM_DRUGS)),
                        ),
                        None,
                        False,
                    ]
                },
                not_(var("consent")),
                and_(
                    {
                        ">=": [
                            {
                                "reduce": [
                                    {"filter": [var("priors"), POSSESSION_PRIOR]},
                                    {"+": [var("accumulator"), 1]},
                                    0,
                                ]
                            },
                            2,
                        ]
                    },
                    {">=": [var("facts.prior_prop36_treatment_courses"), 2]},
                    var("facts.found_unamenable_to_treatment"),
                ),
            ],
            "entitled",
        ),
    ),
]
MEASURES = [name for name, _ in STAGES[-3:]]


def make_decide() -> Callable[[dict[str, Any]], dict[str, str]]:
    """``decide(prepared) -> {measure: outcome}`` over the stages above.

    Raises ImportError when json-logic-qubit is not installed.
    """
    from json_logic import jsonLogic

    def decide(prepared: dict[str, Any]) -> dict[str, str]:
        data = dict(prepared)  # the stages write into it; the caller's dict stays as it was
        for name, rule in STAGES:
            data[name] = jsonLogic(rule, data)
        return {name: data[name] for name in MEASURES}

    return decide
