"""The floor: the California rules hand-written in plain Python, for complete cases.

Same law as ``rulesets/us-ca/drug-diversion.yaml`` (outcomes only, no reasons), written the way
a programmer would without an engine. It assumes every fact is given (the benchmark's cases
are complete); the only unknowns left are the ruleset's unsettled points of law.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from benchmarks.ca_cases import SPELLINGS

CODES = [
    "HSC 11350",
    "HSC 11351",
    "HSC 11351.5",
    "HSC 11352",
    "HSC 11357",
    "HSC 11358",
    "HSC 11359",
    "HSC 11360",
    "HSC 11364",
    "HSC 11365",
    "HSC 11366",
    "HSC 11368",
    "HSC 11375(b)(2)",
    "HSC 11377",
    "HSC 11378",
    "HSC 11379",
    "HSC 11395",
    "HSC 11550",
    "VC 23222(b)",
    "VC 23152",
    "VC 14601",
    "BPC 4060",
    "PC 381",
    "PC 647(f)",
    "PC 653f(d)",
    "PC 148",
    "PC 211",
    "PC 242",
    "PC 245",
    "PC 417",
    "PC 459",
    "PC 4573.6",
]
CANONICAL = {
    spelling.format(code.split(" ", 1)[1]): code
    for code in CODES
    for spelling in SPELLINGS[code.split(" ")[0]]
}
CATEGORY_POSSESSION = {
    "HSC 11350",
    "HSC 11357",
    "HSC 11375(b)(2)",
    "HSC 11377",
    "HSC 11395",
    "VC 23222(b)",
    "BPC 4060",
    "PC 4573.6",
}
LISTED_OLD = {
    "HSC 11350",
    "HSC 11357",
    "HSC 11364",
    "HSC 11365",
    "HSC 11377",
    "HSC 11550",
    "VC 23222(b)",
    "BPC 4060",
}
LISTED_NEW = LISTED_OLD | {"HSC 11375(b)(2)"}
QUALIFIED = {"HSC 11358", "HSC 11368", "PC 653f(d)", "PC 381", "PC 647(f)"}
NVDPO = {
    "HSC 11350",
    "HSC 11357",
    "HSC 11377",
    "HSC 11352",
    "HSC 11379",
    "HSC 11375(b)(2)",
    "BPC 4060",
}
USE_RELATED = {"HSC 11364", "HSC 11365", "HSC 11550"}
FIREARM_DRUGS = {"cocaine", "cocaine base", "heroin", "methamphetamine", "phencyclidine"}
D2015, D2018, D2001 = dt.date(2015, 1, 1), dt.date(2018, 1, 1), dt.date(2001, 7, 1)
U = None  # unknown: only the ruleset's unsettled points produce it here


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _minus_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _within_5(day: dt.date, offense: dt.date) -> bool | None:
    start = _minus_years(offense, 5)
    if day >= offense or day < start:
        return False
    return True if day > start else U


def _none_of(values: list[bool | None]) -> bool | None:
    """not (some …): false if any is true, unknown if any is unknown, else true."""
    if True in values:
        return False
    return U if U in values else True


def _outcome(
    scope: list[bool | None], requires: list[bool | None], excluded: list[bool | None], when: str
) -> str:
    if False in scope:
        return "not_applicable"
    if (False in requires or True in excluded) and U not in scope:
        return "ineligible"
    if U in scope or U in requires or U in excluded:
        return "undetermined"
    return when


def decide(case: dict[str, Any]) -> dict[str, str]:
    """Outcome per measure for one complete case."""
    offense, decision = _date(case["offense_date"]), _date(case["decision_date"])
    birth = _date(case["person"]["birth_date"])
    age = offense.year - birth.year - ((offense.month, offense.day) < (birth.month, birth.day))
    facts = case["facts"]
    consent = case["consent"]
    charges = [(CANONICAL[c["statute"]], c) for c in case["charges"]]
    priors = [(CANONICAL[p["statute"]], p) for p in case["priors"]]
    adult: bool | None = (
        True if age >= 18 else (U if facts["forum"] == "adult_criminal_court" else False)
    )

    def listed(code: str, c: dict[str, Any], day: dt.date) -> bool:
        plain = LISTED_NEW if day >= D2015 else LISTED_OLD
        return (
            code in plain
            or (code in ("HSC 11358", "PC 653f(d)") and c["purpose"] == "personal_use")
            or (
                code == "HSC 11368"
                and c["purpose"] == "personal_use"
                and facts["fictitious_prescription"]
            )
            or (code in ("PC 381", "PC 647(f)") and c["drug_related"])
        )

    listed_charge = any(listed(code, c, offense) for code, c in charges)
    no_violence = not any(c["violence"] for _, c in charges)
    no_other_drug = not facts["uncharged_drug_violation_evidence"] and not any(
        c["drug_related"] and not listed(code, c, offense) for code, c in charges
    )
    convictions = [(code, p) for code, p in priors if p["disposition"] == "conviction"]
    felony_5y = _none_of(
        [
            _within_5(_date(p["disposition_date"]), offense) if p["felony"] else False
            for _, p in convictions
        ]
    )
    out = {}

    if offense >= D2018:
        listed_prior = LISTED_NEW | QUALIFIED if offense >= D2015 else LISTED_OLD | QUALIFIED
        nonlisted_5y = _none_of(
            [
                _within_5(_date(p["disposition_date"]), offense)
                if p["drug_related"] and code not in listed_prior
                else False
                for code, p in convictions
            ]
        )
        out["pc1000_pretrial_diversion"] = _outcome(
            [listed_charge, adult],
            [
                nonlisted_5y,
                no_violence,
                no_other_drug,
                felony_5y,
                consent,
                facts["waives_speedy_trial_rights"],
            ],
            [],
            "eligible",
        )
    else:
        out["pc1000_pretrial_diversion"] = "not_applicable"

    if offense <= dt.date(2017, 12, 31):
        drug_before = _none_of(
            [
                (U if code == "HSC 11357" else True)
                if p["drug_related"] and _date(p["disposition_date"]) < offense
                else False
                for code, p in convictions
            ]
        )
        diversion_5y = _none_of(
            [
                _within_5(_date(p["disposition_date"]), offense)
                if p["disposition"] in ("diversion", "deferred_judgment")
                else False
                for _, p in priors
            ]
        )
        out["pc1000_deferred_entry_of_judgment"] = _outcome(
            [listed_charge, adult, True if decision <= dt.date(2017, 12, 31) else U],
            [
                drug_before,
                no_violence,
                no_other_drug,
                not facts["probation_or_parole_revoked_not_completed"],
                diversion_5y,
                felony_5y,
                consent,
                facts["accepts_dej_terms"],
            ],
            [],
            "eligible",
        )
    else:
        out["pc1000_deferred_entry_of_judgment"] = "not_applicable"

    if decision >= D2001:

        def nvdpo(code: str, c: dict[str, Any]) -> bool:
            return (code in NVDPO and c["purpose"] == "personal_use") or code == "HSC 11550"

        start = _minus_years(offense, 5)
        svf = any(p["serious_or_violent_felony"] for _, p in convictions)
        broken = facts["prison_custody_within_5_years"] or any(
            start < _date(p["offense_date"]) < offense
            and (
                (p["felony"] and not (p["drug_related"] and code in CATEGORY_POSSESSION))
                or (not p["felony"] and p["violent"])
            )
            for code, p in convictions
        )
        b1 = svf and broken
        b2 = any(
            not nvdpo(code, c)
            and (
                c["class"] == "felony" or (c["class"] == "misdemeanor" and code not in USE_RELATED)
            )
            for code, c in charges
        )
        b3 = (
            U if any(c["weapon"] and c["substance"] in FIREARM_DRUGS for _, c in charges) else False
        )
        possession = sum(
            1 for code, p in convictions if p["drug_related"] and code in CATEGORY_POSSESSION
        )
        b5 = (
            possession >= 2
            and facts["prior_prop36_treatment_courses"] >= 2
            and facts["found_unamenable_to_treatment"]
        )
        out["prop36_probation_with_treatment"] = _outcome(
            [any(nvdpo(code, c) for code, c in charges), adult],
            [],
            [b1, b2, b3, not consent, b5],
            "entitled",
        )
    else:
        out["prop36_probation_with_treatment"] = "not_applicable"
    return out
