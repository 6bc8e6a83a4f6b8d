"""A ruleset whose law provides no alternative yields not_applicable with the citation, not an error."""

from __future__ import annotations

from eligibility import Registry, parse_case
from eligibility.decision import MeasureResult
from tests.conftest import FIXTURES


def _decide(charges: list[dict[str, object]]) -> dict[str, MeasureResult]:
    registry = Registry.load(FIXTURES / "rulesets")
    decision = registry.evaluate(
        parse_case(
            {
                "case_id": "n1",
                "jurisdiction": "ZZ",
                "offense_date": "2024-01-01",
                "person": {"age_at_offense": 30},
                "consent": True,
                "admits_offense": True,
                "priors": [],
                "charges": charges,
            }
        )
    )
    return {m.id: m for m in decision.measures}


def test_a_covered_case_is_not_applicable_citing_the_law_that_provides_none() -> None:
    """Supply is covered by the no-alternative statement; the reason quotes it with its citation."""
    measure = _decide([{"statute": "TA 2", "quantity": {"value": 3, "unit": "g"}}])[
        "supply_no_alternative"
    ]
    assert "not_applicable" == measure.outcome
    assert (
        "No alternative provided by law: The test act makes custody mandatory for supply and allows no "
        "caution, diversion or probation. (Test Act 2000, s 2)"
    ) == measure.reason
    assert "s 2" == measure.citation.pinpoint


def test_an_uncovered_case_is_not_applicable_as_out_of_scope() -> None:
    """Possession is outside the statement's scope, and the caution measure applies instead."""
    measures = _decide([{"statute": "TA 1", "quantity": {"value": 3, "unit": "g"}}])
    assert (
        "Not covered by this provision: A charge is supply."
        == measures["supply_no_alternative"].reason
    )
    assert "eligible" == measures["police_caution"].outcome


def test_unknown_coverage_is_undetermined() -> None:
    """Without the charge's category the engine cannot say whether the law provides none."""
    measure = _decide([{"quantity": {"value": 3, "unit": "g"}}])["supply_no_alternative"]
    assert "undetermined" == measure.outcome


def test_parameter_values_follow_the_governing_date() -> None:
    """The fixture's limit was 10 g before 2020 and 15 g after; 12 g fails then and passes now."""
    registry = Registry.load(FIXTURES / "rulesets")
    base = {
        "case_id": "p",
        "jurisdiction": "ZZ",
        "consent": True,
        "admits_offense": True,
        "priors": [],
        "charges": [{"statute": "TA 1", "quantity": {"value": 12, "unit": "g"}}],
    }
    before = registry.evaluate(parse_case({**base, "offense_date": "2019-12-31"}))
    after = registry.evaluate(parse_case({**base, "offense_date": "2020-01-01"}))
    assert "ineligible" == before.measures[0].outcome
    assert ["small_quantity"] == before.measures[0].deciding_criteria
    assert "eligible" == after.measures[0].outcome


def test_an_exception_lifts_an_exclusion() -> None:
    """A recent caution excludes, unless exceptional circumstances are found."""
    registry = Registry.load(FIXTURES / "rulesets")
    base = {
        "case_id": "u",
        "jurisdiction": "ZZ",
        "offense_date": "2024-01-01",
        "consent": True,
        "admits_offense": True,
        "charges": [{"statute": "TA 1", "quantity": {"value": 1, "unit": "g"}}],
        "priors": [{"disposition": "caution", "disposition_date": "2023-06-01"}],
    }
    excluded = registry.evaluate(parse_case(base)).measures[0]
    lifted = registry.evaluate(parse_case({**base, "facts": {"exceptional": True}})).measures[0]
    assert ("undetermined", ["caution_within_2_years"]) == (
        excluded.outcome,
        excluded.deciding_criteria,
    )
    assert "eligible" == lifted.outcome
    refused = registry.evaluate(parse_case({**base, "facts": {"exceptional": False}})).measures[0]
    assert ("ineligible", ["caution_within_2_years"]) == (
        refused.outcome,
        refused.deciding_criteria,
    )
