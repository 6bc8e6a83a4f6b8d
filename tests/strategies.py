"""Hypothesis strategies for cases, derived from a jurisdiction's loaded rulesets.

Cases are built as JSON-like dicts (the boundary format) and parsed with the strict case
model, so every generated case is one a caller could send. Any field may be absent, at the
top level and inside charges and priors, because absent means unknown.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from eligibility import Registry
from eligibility._model import Ruleset
from eligibility._types import Scalar

DROPPABLE_CHARGE = [
    "statute",
    "category",
    "substance",
    "quantity",
    "purpose",
    "violence",
    "weapon",
    "drug_related",
    "class",
]
DROPPABLE_PRIOR = [
    "statute",
    "disposition",
    "offense_date",
    "disposition_date",
    "release_date",
    "custody",
    "felony",
    "violent",
    "serious_or_violent_felony",
    "drug_related",
    "class",
    "category",
    "jurisdiction",
]
DROPPABLE_TOP = [
    "offense_date",
    "decision_date",
    "person",
    "consent",
    "admits_offense",
    "plea",
    "charges",
    "priors",
]

SUBSTANCES = [
    "methamphetamine",
    "cocaine",
    "cocaine base",
    "heroin",
    "cannabis",
    "phencyclidine",
    "fentanyl",
    "alcohol",
]
DISPOSITIONS = ["conviction", "caution", "warning", "diversion", "deferred_judgment", "dismissal"]
CLASSES = ["felony", "misdemeanor", "infraction"]
PURPOSES = ["personal_use", "sale", "supply", "cultivation", "transport"]


def _spellings(code: str) -> list[str]:
    """The canonical code and a couple of court-style spellings of it."""
    out = [code]
    family, _, rest = code.partition(" ")
    if rest:
        out.append(f"{rest} {family}")
        out.append(f"{family}{rest}".lower())
    return out


@st.composite
def dates_near(draw: st.DrawFn, anchor: dt.date) -> dt.date:
    """Dates before ``anchor``, weighted towards year boundaries (exact, ±1 day)."""
    years = draw(st.integers(0, 12))
    jitter = draw(st.sampled_from([0, 0, 1, -1, 2, -2, 37, -200, 180]))
    try:
        base = anchor.replace(year=anchor.year - years)
    except ValueError:  # 29 February
        base = anchor.replace(year=anchor.year - years, day=28)
    return base + dt.timedelta(days=jitter)


def _iso(d: dt.date) -> str:
    return d.isoformat()


@st.composite
def charge(draw: st.DrawFn, codes: list[str]) -> dict[str, Any]:
    c: dict[str, Any] = {
        "statute": draw(st.sampled_from(codes)),
        "substance": draw(st.sampled_from(SUBSTANCES)),
        "quantity": {
            "value": draw(st.sampled_from([0.1, 0.5, 1, 2.5, 14.99, 15, 15.01, 28.5, 100])),
            "unit": draw(st.sampled_from(["g", "mg", "kg", "oz", "plants", "units"])),
        },
        "purpose": draw(st.sampled_from(PURPOSES)),
        "violence": draw(st.booleans()),
        "weapon": draw(st.booleans()),
        "drug_related": draw(st.booleans()),
        "class": draw(st.sampled_from(CLASSES)),
    }
    return {
        k: v
        for k, v in c.items()
        if k not in draw(st.sets(st.sampled_from(DROPPABLE_CHARGE), max_size=4))
    }


@st.composite
def prior(draw: st.DrawFn, codes: list[str], offense: dt.date, jurisdiction: str) -> dict[str, Any]:
    disposed = draw(dates_near(offense))
    committed = disposed - dt.timedelta(days=draw(st.integers(0, 400)))
    p: dict[str, Any] = {
        "statute": draw(st.sampled_from(codes)),
        "disposition": draw(st.sampled_from(DISPOSITIONS)),
        "offense_date": _iso(committed),
        "disposition_date": _iso(disposed),
        "felony": draw(st.booleans()),
        "violent": draw(st.booleans()),
        "serious_or_violent_felony": draw(st.booleans()),
        "drug_related": draw(st.booleans()),
        "class": draw(st.sampled_from(CLASSES)),
    }
    if draw(st.booleans()):
        released = disposed + dt.timedelta(days=draw(st.integers(30, 2000)))
        p["release_date"] = _iso(released)
        p["custody"] = [{"start": _iso(disposed), "end": _iso(released)}]
    if draw(st.integers(0, 9)) == 0:
        p["jurisdiction"] = "XX"
    return {
        k: v
        for k, v in p.items()
        if k not in draw(st.sets(st.sampled_from(DROPPABLE_PRIOR), max_size=4))
    }


def _fact_value(draw: st.DrawFn, kind: Scalar, values: tuple[str, ...] | None) -> Any:
    if kind == Scalar.BOOL:
        return draw(st.booleans())
    if kind == Scalar.NUMBER:
        return draw(st.integers(0, 4))
    if kind == Scalar.DATE:
        return _iso(dt.date(2020, 1, 1) + dt.timedelta(days=draw(st.integers(-3000, 2000))))
    if values:
        return draw(st.sampled_from(list(values)))
    return draw(st.sampled_from(["a", "b"]))


def rulesets_of(registry: Registry, jurisdiction: str) -> list[Ruleset]:
    """Every loaded ruleset (all versions) of a jurisdiction."""
    return [r for versions in registry.by_jurisdiction[jurisdiction].values() for r in versions]


@st.composite
def full_case(draw: st.DrawFn, registry: Registry, jurisdiction: str) -> dict[str, Any]:
    """A case with every field present (the charges and priors themselves may still drop fields)."""
    rulesets = rulesets_of(registry, jurisdiction)
    # Alternative spellings are kept only where the ruleset's own table reads them back.
    codes = sorted(
        {
            s
            for r in rulesets
            for code in r.offences
            for s in _spellings(code)
            if all(other.statutes.lookup(s) is not None for other in rulesets)
        }
    )
    start = min(r.in_force.start for r in rulesets) - dt.timedelta(days=400)
    offense = start + dt.timedelta(days=draw(st.integers(0, (dt.date(2026, 11, 1) - start).days)))
    decision = offense + dt.timedelta(days=draw(st.sampled_from([0, 1, 30, 200, 400, 1500])))
    birth = offense - dt.timedelta(
        days=draw(
            st.sampled_from(
                [14 * 365, 16 * 365 + 100, 18 * 365 + 4, 18 * 365 + 5, 25 * 365, 50 * 365]
            )
        )
    )
    facts = {}
    for r in rulesets:
        for name, decl in r.facts.items():
            facts[name] = _fact_value(draw, decl.type, decl.values)
    case: dict[str, Any] = {
        "case_id": "generated",
        "jurisdiction": jurisdiction.upper(),
        "offense_date": _iso(offense),
        "decision_date": _iso(decision),
        "person": {"birth_date": _iso(birth)},
        "consent": draw(st.booleans()),
        "admits_offense": draw(st.booleans()),
        "plea": draw(st.sampled_from(["guilty", "not_guilty", "no_contest"])),
        "charges": draw(st.lists(charge(codes), min_size=1, max_size=3)),
        "priors": draw(st.lists(prior(codes, offense, jurisdiction), max_size=4)),
        "facts": facts,
    }
    return case


@st.composite
def case_with_unknowns(
    draw: st.DrawFn, registry: Registry, jurisdiction: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A full case and a copy with some fields dropped (made unknown), top level and inside items."""
    full = draw(full_case(registry, jurisdiction))
    partial = {
        k: v
        for k, v in full.items()
        if k not in draw(st.sets(st.sampled_from(DROPPABLE_TOP), max_size=3))
    }
    partial["facts"] = {k: v for k, v in full["facts"].items() if draw(st.booleans())}
    for key, droppable in (("charges", DROPPABLE_CHARGE), ("priors", DROPPABLE_PRIOR)):
        if key in partial:
            partial[key] = [
                {
                    k: v
                    for k, v in item.items()
                    if k not in draw(st.sets(st.sampled_from(droppable), max_size=3))
                }
                for item in partial[key]
            ]
    return full, partial


def any_case(registry: Registry, jurisdiction: str) -> st.SearchStrategy[dict[str, Any]]:
    """Cases with unknowns anywhere."""
    return case_with_unknowns(registry, jurisdiction).map(lambda pair: pair[1])
