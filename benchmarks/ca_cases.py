"""A seeded generator of realistic California cases (complete facts, JSON-ready dicts).

The mix follows the shape of real PC 1000 screening: most charges are simple possession of a
listed drug, some carry a co-charge, about half of people have a record, and look-back dates
cluster on the five-year boundary so the interesting days are exercised.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

LISTED = [
    "HSC 11350",
    "HSC 11357",
    "HSC 11364",
    "HSC 11365",
    "HSC 11377",
    "HSC 11550",
    "VC 23222(b)",
    "BPC 4060",
    "HSC 11375(b)(2)",
]
QUALIFIED = ["HSC 11358", "HSC 11368", "PC 653f(d)", "PC 647(f)"]
NON_LISTED_DRUG = ["HSC 11351", "HSC 11352", "HSC 11359", "HSC 11378", "HSC 11379", "HSC 11366"]
OTHER = ["PC 459", "PC 242", "PC 245", "PC 148", "VC 14601", "PC 211", "VC 23152"]
SPELLINGS = {
    "HSC": ["HS {}", "H&S {}", "{} HS", "Health and Safety Code § {}"],
    "PC": ["PC {}", "{} PC"],
    "VC": ["VC {}", "{} VC"],
    "BPC": ["BP {}", "{} BP"],
}
FELONY = {"HSC 11351", "HSC 11352", "HSC 11378", "HSC 11379", "PC 211"}
SUBSTANCES = {
    "HSC 11350": "heroin",
    "HSC 11377": "methamphetamine",
    "HSC 11357": "cannabis",
    "HSC 11550": "cocaine",
}


def _spell(rng: random.Random, code: str) -> str:
    family, section = code.split(" ", 1)
    return rng.choice(SPELLINGS[family]).format(section)


def _shift_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _charge(rng: random.Random, code: str) -> dict[str, Any]:
    drug = code in LISTED or code in QUALIFIED or code in NON_LISTED_DRUG
    return {
        "statute": _spell(rng, code),
        "substance": SUBSTANCES.get(
            code, rng.choice(["methamphetamine", "cocaine", "heroin", "cannabis"])
        ),
        "quantity": {"value": round(rng.uniform(0.1, 5.0), 2), "unit": "g"},
        "purpose": "personal_use" if rng.random() < 0.85 else rng.choice(["sale", "transport"]),
        "violence": rng.random() < 0.06,
        "weapon": rng.random() < 0.04,
        "drug_related": drug if code not in ("PC 647(f)", "VC 23152") else rng.random() < 0.5,
        "class": "felony" if code in FELONY else "misdemeanor",
    }


def _prior(rng: random.Random, offense: dt.date) -> dict[str, Any]:
    code = rng.choice(LISTED[:6] + NON_LISTED_DRUG + OTHER)
    roll = rng.random()
    if roll < 0.15:
        disposed = _shift_years(offense, 5) + dt.timedelta(days=rng.choice([-1, 0, 1]))
    else:
        disposed = offense - dt.timedelta(days=rng.randint(30, 15 * 365))
    felony = code in FELONY or (code in OTHER and rng.random() < 0.4)
    return {
        "statute": _spell(rng, code),
        "disposition": rng.choice(["conviction"] * 8 + ["diversion", "deferred_judgment"]),
        "offense_date": (disposed - dt.timedelta(days=rng.randint(20, 300))).isoformat(),
        "disposition_date": disposed.isoformat(),
        "felony": felony,
        "violent": code in ("PC 242", "PC 245", "PC 211"),
        "serious_or_violent_felony": code in ("PC 211", "PC 245") and felony,
        "drug_related": code not in OTHER,
    }


def generate(n: int, seed: int = 7) -> list[dict[str, Any]]:
    """``n`` complete California cases, reproducible from ``seed``."""
    rng = random.Random(seed)
    cases = []
    for i in range(n):
        offense = dt.date(2012, 1, 1) + dt.timedelta(days=rng.randint(0, 13 * 365))
        decision = offense + dt.timedelta(days=rng.randint(14, 400))
        age = rng.choice([16] + [19, 23, 27, 31, 36, 44, 52] * 3)
        birth = offense - dt.timedelta(days=age * 365 + rng.randint(0, 360))
        roll = rng.random()
        if roll < 0.75:
            codes = [rng.choice(LISTED)]
        elif roll < 0.85:
            codes = [rng.choice(QUALIFIED)]
        else:
            codes = [rng.choice(NON_LISTED_DRUG)]
        if rng.random() < 0.15:
            codes.append(rng.choice(LISTED + NON_LISTED_DRUG + OTHER))
        priors = (
            [] if rng.random() < 0.45 else [_prior(rng, offense) for _ in range(rng.randint(1, 6))]
        )
        cases.append(
            {
                "case_id": f"bench-{i:06d}",
                "jurisdiction": "US-CA",
                "offense_date": offense.isoformat(),
                "decision_date": decision.isoformat(),
                "person": {"birth_date": birth.isoformat()},
                "consent": rng.random() < 0.9,
                "charges": [_charge(rng, c) for c in codes],
                "priors": priors,
                "facts": {
                    "waives_speedy_trial_rights": rng.random() < 0.9,
                    "accepts_dej_terms": rng.random() < 0.85,
                    "probation_or_parole_revoked_not_completed": rng.random() < 0.1,
                    "fictitious_prescription": rng.random() < 0.5,
                    "forum": "juvenile_court"
                    if age < 18 and rng.random() < 0.8
                    else "adult_criminal_court",
                    "uncharged_drug_violation_evidence": rng.random() < 0.05,
                    "prison_custody_within_5_years": rng.random() < 0.1,
                    "prior_prop36_treatment_courses": rng.choice([0, 0, 0, 1, 2]),
                    "found_unamenable_to_treatment": rng.random() < 0.1,
                },
            }
        )
    return cases
