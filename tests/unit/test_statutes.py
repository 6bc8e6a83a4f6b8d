"""Statute spellings as courts record them map to canonical codes."""

from __future__ import annotations

import pytest

from eligibility import Registry


@pytest.mark.parametrize(
    ("recorded", "code"),
    [
        ("H&S 11350(a)", "HSC 11350"),
        ("HSC 11350", "HSC 11350"),
        ("HS 11350", "HSC 11350"),
        ("11350(a) HS", "HSC 11350"),
        ("11350(A) HS-POSSESS NARC CONTROL SUBSTANCE", "HSC 11350"),
        ("Health and Safety Code § 11350", "HSC 11350"),
        ("Health & Saf. Code, § 11377, subd. (a)", "HSC 11377"),
        ("11357b hs", "HSC 11357"),
        ("HS 11375(b)(2)", "HSC 11375(b)(2)"),
        ("23222(b) VC", "VC 23222(b)"),
        ("647(F) PC-DISORDERLY CONDUCT:UNDER INFL DRUG", "PC 647(f)"),
        ("4060    BP", "BPC 4060"),
        ("11351.5 HS-POSS/PURCHASE COCAINE BASE F/SALE", "HSC 11351.5"),
    ],
)
def test_common_spellings_match_the_canonical_code(
    recorded: str, code: str, reference_registry: Registry
) -> None:
    """Families, spacing, case, subdivisions and trailing descriptions are all tolerated."""
    ruleset = reference_registry.by_jurisdiction["us-ca"]["us-ca-drug-diversion"][0]
    assert code == ruleset.statutes.lookup(recorded)


@pytest.mark.parametrize("recorded", ["HS 11375", "PC 647", "HS 1135", "11350 VC"])
def test_a_citation_never_matches_a_sibling_or_a_broader_section(
    recorded: str, reference_registry: Registry
) -> None:
    """HSC 11375 is not HSC 11375(b)(2); PC 647 is not PC 647(f); a wrong family never matches."""
    ruleset = reference_registry.by_jurisdiction["us-ca"]["us-ca-drug-diversion"][0]
    assert ruleset.statutes.lookup(recorded) is None
