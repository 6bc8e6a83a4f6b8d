"""Hypothesis strategies for case documents drawn from a ruleset's :class:`Space`.

Cases are JSON-like dicts, exactly what a caller sends to ``eligibility check``. Every field is
optional and shrinks towards *absent*, lists towards fewer items and choices towards the first
value, so a shrunk example names only the facts that matter for what it shows.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Any, get_args

from hypothesis import strategies as st

from eligibility import _expr as E
from eligibility._model import Period
from eligibility._types import Scalar
from eligibility.case import Disposition, Plea, Purpose
from eligibility.explore.space import Space

SUBSTANCES = ("cannabis", "cocaine", "heroin", "methamphetamine")
"""Substances to draw besides those the ruleset's conditions name."""
CLASSES = ("misdemeanor", "felony")

_TENTHS = st.integers(0, 9)
_BOOL = st.booleans()
_DAYS_BEFORE = st.integers(0, 400)


def _given(draw: st.DrawFn, often: bool = True) -> bool:
    """Whether an optional field is given (nine times in ten, or three when ``often`` is
    false); shrinks towards not given."""
    return draw(_TENTHS) >= (1 if often else 7)


@functools.cache
def _pick(values: tuple[Any, ...]) -> st.SearchStrategy[Any]:
    """``sampled_from``, built once per list of values (building strategies is not free)."""
    return st.sampled_from(values)


def _pick_list(values: Any) -> st.SearchStrategy[Any]:
    return _pick(tuple(values))


def _iso(day: dt.date) -> str:
    return day.isoformat()


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


class Cases:
    """Builds case strategies for one jurisdiction's :class:`Space`."""

    def __init__(
        self,
        space: Space,
        prefer: dict[str, bool] | None = None,
        window: Period | None = None,
        focus: Space | None = None,
    ) -> None:
        """``prefer``: a yes/no value to draw three times in four, by field; ``window``:
        a period to draw most dates from (a measure's time in force); ``focus``: the values
        one measure's conditions name, drawn more often than the rest."""
        self.space = space
        self.focus = focus
        self.prefer = prefer or {}
        self.anchors = sorted(space.dates) or [dt.date(2020, 1, 1)]
        self.window = window
        self.inside = [a for a in self.anchors if window is not None and window.contains(a)]
        if window is not None and not self.inside:
            self.inside = [window.start]
        self.lookbacks = sorted(space.durations, key=lambda d: (d.years, d.months, d.days))
        ages = {int(n) for k in ("age_at_offense", "age_at_decision") for n in space.numbers_for(k)}
        self.ages = [30, *sorted(a for a in ages if 0 < a < 120 and a != 30)]
        self.units = [
            unit
            for key, unit in (
                ("quantity_g", "g"),
                ("quantity_units", "units"),
                ("quantity_ml", "ml"),
            )
            if f"charges.{key}" in space.numbers
        ] or ["g"]
        self._charge = st.composite(self.charge)
        self._prior = st.composite(self.prior)
        self._cases: dict[frozenset[str], st.SearchStrategy[dict[str, Any]]] = {}

    def choices(self, key: str, *defaults: str) -> tuple[str, ...]:
        """Values to draw for the string field ``key``: those the focused measure names
        (three times over), then every value any condition names, then ``defaults``."""
        named = self.focus.strings_for(key) if self.focus is not None else []
        return (*named, *named, *named, *self.space.strings_for(key, *defaults))

    # -- leaves --------------------------------------------------------------------------------

    def day(self, draw: st.DrawFn) -> dt.date:
        """A date at or near one where the law changes; with a window, three in four inside it."""
        if self.window is not None and draw(_pick((True, True, True, False))):
            base: dt.date = draw(_pick_list(self.inside))
            day = base + dt.timedelta(days=draw(_pick_list([0, 1, 30, 365, 2000])))
            until = self.window.until
            return min(day, until) if until is not None else day
        base = draw(_pick_list(self.anchors))
        return base + dt.timedelta(days=draw(_pick_list([0, 1, -1, 30, 365, 2000])))

    def quantity(self, draw: st.DrawFn) -> dict[str, Any]:
        unit = draw(_pick_list(self.units))
        key = {"g": "quantity_g", "units": "quantity_units", "ml": "quantity_ml"}[unit]
        values = self.space.numbers_for(f"charges.{key}") or [Decimal(1)]
        return {"value": _number(draw(_pick_list(values))), "unit": unit}

    def larger_quantity(self, draw: st.DrawFn, quantity: dict[str, Any]) -> dict[str, Any]:
        """The same unit and a larger value: the next thresholds up, or much more."""
        old = Decimal(str(quantity["value"]))
        key = {"g": "quantity_g", "units": "quantity_units", "ml": "quantity_ml"}[quantity["unit"]]
        bigger = [v for v in self.space.numbers_for(f"charges.{key}") if v > old]
        value = draw(_pick_list([*bigger, old + 1, old * 10 + 100]))
        return {**quantity, "value": _number(value)}

    def fact(self, draw: st.DrawFn, name: str) -> Any:
        decl = self.space.facts[name]
        if decl.type == Scalar.BOOL:
            return self.flag(draw, name)
        if decl.type == Scalar.NUMBER:
            values = [Decimal(0), *self.space.numbers_for(name)]
            return _number(draw(_pick_list(sorted(set(values)))))
        if decl.type == Scalar.DATE:
            return _iso(self.day(draw))
        choices = list(decl.values or self.choices(name, "other"))
        return draw(_pick_list(choices))

    def larger_fact(self, draw: st.DrawFn, name: str, old: Any) -> int | float:
        bigger = [v for v in self.space.numbers_for(name) if v > Decimal(str(old))]
        return _number(draw(_pick_list([*bigger, Decimal(str(old)) + 1])))

    # -- items ---------------------------------------------------------------------------------

    def flag(self, draw: st.DrawFn, key: str) -> bool:
        """A yes/no value for ``key``, leaning to the preferred one if there is one."""
        if key in self.prefer:
            good = self.prefer[key]
            return bool(draw(_pick((good, good, good, not good))))
        return bool(draw(_BOOL))

    def charge(self, draw: st.DrawFn, complete: bool = False) -> dict[str, Any]:
        """One charge; every field given when ``complete``."""
        s = self.space

        def _present(draw: st.DrawFn, often: bool = True) -> bool:
            return complete or _given(draw, often)

        c: dict[str, Any] = {}
        if s.codes and _present(draw):
            c["statute"] = draw(_pick_list(self.choices("charges.offense", *s.codes)))
        if _present(draw):
            c["substance"] = draw(_pick_list(self.choices("charges.substance", *SUBSTANCES)))
        if _present(draw):
            c["quantity"] = self.quantity(draw)
        if _present(draw):
            purposes = list(get_args(Purpose))
            c["purpose"] = draw(_pick_list(self.choices("charges.purpose", *purposes)))
        for flag in ("violence", "weapon"):
            if _present(draw):
                c[flag] = self.flag(draw, f"charges.{flag}")
        # Category, class and drug_related come from the statute table unless overridden.
        if _present(draw, often=False):
            c["drug_related"] = self.flag(draw, "charges.drug_related")
        if _present(draw, often=False):
            c["class"] = draw(_pick_list(self.choices("charges.class", *CLASSES)))
        if _present(draw, often=False):
            c["category"] = draw(_pick_list(self.choices("charges.category", "possession")))
        return c

    def prior(
        self, draw: st.DrawFn, offense: dt.date | None, complete: bool = False
    ) -> dict[str, Any]:
        """One prior, dated relative to the offence; every field given when ``complete``."""
        s = self.space

        def _present(draw: st.DrawFn, often: bool = True) -> bool:
            return complete or _given(draw, often)

        p: dict[str, Any] = {}
        if s.codes and _present(draw):
            p["statute"] = draw(_pick_list(self.choices("priors.offense", *s.codes)))
        if _present(draw):
            dispositions = list(get_args(Disposition))
            p["disposition"] = draw(_pick_list(self.choices("priors.disposition", *dispositions)))
        base = offense or draw(_pick_list(self.anchors))
        if _present(draw):
            back = draw(_pick_list([*self.lookbacks, E.Duration(years=1)]))
            disposed = back.shift(base, -1) + dt.timedelta(
                days=draw(_pick_list([0, 1, -1, 200, -200]))
            )
            p["disposition_date"] = _iso(disposed)
            if _present(draw, often=False):
                p["offense_date"] = _iso(disposed - dt.timedelta(days=draw(_DAYS_BEFORE)))
            if _present(draw, often=False):
                released = disposed + dt.timedelta(days=draw(_pick_list([30, 365, 1500])))
                p["release_date"] = _iso(released)
                p["custody"] = [{"start": _iso(disposed), "end": _iso(released)}]
        for flag in ("felony", "violent", "serious_or_violent_felony", "drug_related"):
            if _present(draw):
                p[flag] = self.flag(draw, f"priors.{flag}")
        if _present(draw, often=False):
            p["class"] = draw(_pick_list(self.choices("priors.class", *CLASSES)))
        if _present(draw, often=False):
            p["category"] = draw(_pick_list(self.choices("priors.category", "possession")))
        if _present(draw, often=False):
            p["jurisdiction"] = "XX"  # recorded elsewhere
        return p

    def charges(self, complete: bool) -> st.SearchStrategy[dict[str, Any]]:
        """One charge."""
        return self._charge(complete)

    def priors(self, offense: dt.date | None, complete: bool) -> st.SearchStrategy[dict[str, Any]]:
        """One prior, dated relative to the offence."""
        return self._prior(offense, complete)

    # -- cases ---------------------------------------------------------------------------------

    def case(self, require: frozenset[str] = frozenset()) -> st.SearchStrategy[dict[str, Any]]:
        """Case documents; fields in ``require`` (``charges``, ``priors``, ``person``,
        ``charges.quantity``, ``facts.<name>``) are always given."""

        @st.composite
        def build(draw: st.DrawFn) -> dict[str, Any]:
            doc: dict[str, Any] = {
                "case_id": "explore",
                "jurisdiction": self.space.jurisdiction.upper(),
            }
            # Half the cases give every fact (unknowns hide outcomes); the rest leave some out.
            complete = draw(_pick((False, True)))

            def _present(draw: st.DrawFn, often: bool = True) -> bool:
                return complete or _given(draw, often)

            needs_dates = bool(require & {"person", "priors"})
            offense = self.day(draw) if needs_dates or _present(draw) else None
            if offense is not None:
                doc["offense_date"] = _iso(offense)
            if _present(draw):
                start = offense or draw(_pick_list(self.anchors))
                delay = draw(_pick_list([0, 1, 30, 365, 1500]))
                doc["decision_date"] = _iso(start + dt.timedelta(days=delay))
            if "person" in require or _present(draw):
                age = draw(_pick_list(self.ages))
                born = E.Duration(years=age).shift(offense or dt.date(2020, 1, 1), -1)
                doc["person"] = {"birth_date": _iso(born)}
            for flag in ("consent", "admits_offense"):
                if _present(draw):
                    doc[flag] = self.flag(draw, flag)
            if _present(draw, often=False):
                doc["plea"] = draw(_pick_list(list(get_args(Plea))))
            if require & {"charges", "charges.quantity"} or _present(draw):
                charges = draw(st.lists(self.charges(complete), min_size=1, max_size=3))
                if "charges.quantity" in require and not any("quantity" in c for c in charges):
                    charges[0]["quantity"] = self.quantity(draw)
                doc["charges"] = charges
            if "priors" in require or _present(draw):
                doc["priors"] = draw(st.lists(self.priors(offense, complete), max_size=3))
            facts = {}
            for name in sorted(self.space.facts):
                if f"facts.{name}" in require or _present(draw):
                    facts[name] = self.fact(draw, name)
            if facts:
                doc["facts"] = facts
            return doc

        return self._cases.setdefault(require, build())
