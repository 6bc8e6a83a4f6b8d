"""The pre-processing every peer engine gets: plain Python does only what the peers cannot.

zen-engine's expression language and json-logic have no notion of statute spellings or calendar
dates, so before either sees a case, Python

* canonicalises each statute spelling (``"H&S 11350"`` → ``"HSC 11350"``) with
  :data:`benchmarks.ca_plain.CANONICAL`;
* turns the offense and decision dates into ordinal day numbers;
* computes the age at the offense and the day five years before it (the look-back start), and
  gives each prior its disposition and offense days *relative to* the offense and to the
  look-back start (json-logic's ``some`` cannot see outside the record it iterates over, so the
  case-level days have to travel with each prior).

Everything that is law — which codes are listed, the inclusive window, the unsettled boundary
day, the three-valued combination into an outcome — stays in the peers' own rules. Both peers
receive exactly this dict, and the benchmark times it as its own row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from benchmarks.ca_plain import CANONICAL, _minus_years

#: Calendar days the rules compare against, as ordinal day numbers.
D2001 = dt.date(2001, 7, 1).toordinal()
D2015 = dt.date(2015, 1, 1).toordinal()
D2018 = dt.date(2018, 1, 1).toordinal()
END_2017 = dt.date(2017, 12, 31).toordinal()

_CHARGE_FIELDS = ("purpose", "drug_related", "violence", "weapon", "substance", "class")
_PRIOR_FIELDS = ("disposition", "felony", "violent", "serious_or_violent_felony", "drug_related")


def prepare(case: dict[str, Any]) -> dict[str, Any]:
    """The peers' input for one complete case (a JSON-ready dict as made by ``ca_cases``)."""
    fromiso = dt.date.fromisoformat
    offense = fromiso(case["offense_date"])
    birth = fromiso(case["person"]["birth_date"])
    age = offense.year - birth.year - ((offense.month, offense.day) < (birth.month, birth.day))
    day = offense.toordinal()
    lookback = _minus_years(offense, 5).toordinal()
    charges = []
    for c in case["charges"]:
        charge = {key: c[key] for key in _CHARGE_FIELDS}
        charge["code"] = CANONICAL[c["statute"]]
        charges.append(charge)
    priors = []
    for p in case["priors"]:
        prior = {key: p[key] for key in _PRIOR_FIELDS}
        prior["code"] = CANONICAL[p["statute"]]
        disposed = fromiso(p["disposition_date"]).toordinal()
        committed = fromiso(p["offense_date"]).toordinal()
        prior["disposed_vs_lookback"] = disposed - lookback
        prior["disposed_vs_offense"] = disposed - day
        prior["committed_vs_lookback"] = committed - lookback
        prior["committed_vs_offense"] = committed - day
        priors.append(prior)
    return {
        "offense": day,
        "decision": fromiso(case["decision_date"]).toordinal(),
        "age": age,
        "consent": case["consent"],
        "facts": case["facts"],
        "charges": charges,
        "priors": priors,
    }
