"""eligibility: which alternatives to prosecution or imprisonment the law opens, and why.

The public API::

    from eligibility import Registry, evaluate, parse_case_json

    decision = evaluate(parse_case_json(text))          # shipped rulesets, durable-rules engine
    print(decision.to_json())

Everything not listed in ``__all__`` is internal and may change.
"""

from __future__ import annotations

import collections.abc
import datetime as dt
import threading
import typing
from pathlib import Path

from eligibility._evaluate import Registry, default_rulesets_dir, shipped_rulesets_dir
from eligibility._evaluate import engine_version as _engine_version
from eligibility._loader import load_ruleset
from eligibility._model import Ruleset
from eligibility.case import Case, Charge, Person, Prior, Quantity, parse_case, parse_case_json
from eligibility.decision import (
    AnyDecision,
    DecidingDecision,
    Decision,
    Explanation,
    OutcomeDecision,
)
from eligibility.errors import (
    CaseError,
    ConditionSyntaxError,
    EligibilityError,
    EngineError,
    Problem,
    RulesetError,
    UnknownJurisdictionError,
)

_default: Registry | None = None
_default_lock = threading.Lock()


def default_registry() -> Registry:
    """The shipped rulesets (or ``$ELIGIBILITY_RULESETS``), loaded once per process."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Registry.load()
        return _default


@typing.overload
def evaluate(
    case: Case,
    registry: Registry | None = None,
    *,
    as_of: dt.date | None = None,
    what_if: collections.abc.Iterable[str] = (),
    strict: bool = False,
    explain: typing.Literal["full"] = "full",
) -> Decision: ...
@typing.overload
def evaluate(
    case: Case,
    registry: Registry | None = None,
    *,
    strict: bool = False,
    explain: typing.Literal["deciding"],
) -> DecidingDecision: ...
@typing.overload
def evaluate(
    case: Case,
    registry: Registry | None = None,
    *,
    strict: bool = False,
    explain: typing.Literal["outcome"],
) -> OutcomeDecision: ...
def evaluate(
    case: Case,
    registry: Registry | None = None,
    *,
    as_of: dt.date | None = None,
    what_if: collections.abc.Iterable[str] = (),
    strict: bool = False,
    explain: Explanation = "full",
) -> AnyDecision:
    """Screen ``case`` against its jurisdiction's rulesets and explain the outcome.

    ``as_of`` decides it as if taken on that day (in place of the case's decision date);
    ``what_if`` adds the named optional parts — ``next_questions``, ``timeline``,
    ``counterfactuals``, ``lex_mitior`` or ``all`` (docs/what-if.md). Without either the decision is exactly
    what :meth:`Registry.evaluate` gives. ``strict`` refuses a case with a citation, substance
    or unit the rulesets cannot read instead of deciding it with those values unknown
    (docs/records.md). ``explain`` is ``full`` (a :class:`Decision`), ``deciding`` (a
    :class:`DecidingDecision`, which :func:`expand` turns back into the full one) or ``outcome``
    (an :class:`OutcomeDecision`); ``as_of`` and ``what_if`` need ``full``
    (docs/explanation.md)."""
    reg = registry or default_registry()
    if explain != "full":
        if as_of is not None or what_if:
            raise ValueError("as_of and what_if add to the full decision: use explain='full'")
        return reg.evaluate(case, strict=strict, explain=explain)
    if as_of is None and not what_if:
        return reg.evaluate(case, strict=strict)
    from eligibility import whatif

    return whatif.decide(reg, case, as_of, whatif.parts_from(what_if), strict=strict)


def expand(
    decision: DecidingDecision | collections.abc.Mapping[str, object] | bytes | str,
    case: Case,
    registry: Registry | None = None,
) -> Decision:
    """The full :class:`Decision` behind a ``deciding`` one, from the case it was made for;
    raises :class:`CaseError` (``ExpandError``) naming what differs when the case, a ruleset
    version or an outcome is not the one decided (docs/explanation.md)."""
    from eligibility.explain import expand as run

    return run(decision, case, registry or default_registry())


def load_rulesets(root: str | Path | None = None) -> Registry:
    """Load every ruleset under ``root`` (default: the shipped ones) into a :class:`Registry`."""
    return Registry.load(root)


__version__ = _engine_version()

__all__ = [
    "AnyDecision",
    "Case",
    "CaseError",
    "Charge",
    "ConditionSyntaxError",
    "DecidingDecision",
    "Decision",
    "EligibilityError",
    "EngineError",
    "Explanation",
    "OutcomeDecision",
    "Person",
    "Prior",
    "Problem",
    "Quantity",
    "Registry",
    "Ruleset",
    "RulesetError",
    "UnknownJurisdictionError",
    "__version__",
    "default_registry",
    "default_rulesets_dir",
    "evaluate",
    "expand",
    "load_ruleset",
    "load_rulesets",
    "parse_case",
    "parse_case_json",
    "shipped_rulesets_dir",
]
