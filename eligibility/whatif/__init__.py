"""When, what if, and what to ask next — optional parts of a decision (docs/what-if.md).

* ``as_of``: the decision as if taken on another day (:mod:`.asof`);
* ``next_questions``: the missing facts ranked by how much they decide (:mod:`.questions`);
* ``timeline``: the days from which an outcome changes if nothing else does (:mod:`.timeline`);
* ``counterfactuals``: the smallest changes to the facts that open a measure (:mod:`.counterfactual`);
* ``lex_mitior``: every state of the law between the act and the decision, compared
  (:mod:`.lexmitior`);
* replaying a stored decision (:mod:`.replay`).

None is computed unless asked for, so a batch pays nothing and a decision without them is
byte-identical to one made before they existed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal, get_args

from eligibility.case import Case
from eligibility.decision import WHAT_IF_SCHEMA_VERSION, Decision, WhatIfOut
from eligibility.errors import CaseError, Problem
from eligibility.whatif.asof import evaluate_as_of, on_day, parse_day
from eligibility.whatif.replay import ReplayReport, replay

if TYPE_CHECKING:
    from eligibility._evaluate import Registry

Part = Literal["next_questions", "timeline", "counterfactuals", "lex_mitior"]
PARTS: tuple[Part, ...] = get_args(Part)


def parts_from(names: Iterable[str]) -> tuple[Part, ...]:
    """Parts named on a command line or query string (``all`` for every one), in a fixed order;
    an unknown name is refused with the known ones."""
    wanted: set[str] = set()
    for raw in names:
        for name in raw.replace(",", " ").split():
            name = name.strip().replace("-", "_")
            if name == "all":
                wanted.update(PARTS)
            elif name in PARTS:
                wanted.add(name)
            else:
                raise CaseError(
                    [
                        Problem(
                            f"unknown what-if part {name!r}",
                            location="what_if",
                            hint="one of: " + ", ".join(PARTS) + ", all",
                        )
                    ]
                )
    return tuple(p for p in PARTS if p in wanted)


def decide(
    registry: Registry,
    case: Case,
    as_of: dt.date | None = None,
    parts: Iterable[Part] = (),
    strict: bool = False,
) -> Decision:
    """The decision for ``case`` (as of ``as_of``, if given) with the what-if ``parts`` asked for;
    ``strict`` refuses a case with values the rulesets cannot read, as :meth:`Registry.evaluate`."""
    from eligibility.whatif.counterfactual import counterfactuals
    from eligibility.whatif.lexmitior import lex_mitior
    from eligibility.whatif.questions import next_questions
    from eligibility.whatif.timeline import timeline

    wanted = tuple(parts)
    if as_of is not None:
        decision = evaluate_as_of(registry, case, as_of, strict)
        case = on_day(case, as_of)
    else:
        decision = registry.evaluate(case, strict=strict)
    if not wanted:
        return decision
    changes, last = timeline(registry, case) if "timeline" in wanted else (None, None)
    what_if = WhatIfOut(
        next_questions=next_questions(registry, case, decision)
        if "next_questions" in wanted
        else None,
        timeline=changes,
        timeline_horizon=last.isoformat() if last else None,
        counterfactuals=counterfactuals(registry, case, decision)
        if "counterfactuals" in wanted
        else None,
        lex_mitior=lex_mitior(registry, case, decision) if "lex_mitior" in wanted else None,
    )
    return decision.model_copy(
        update={"what_if": what_if, "schema_version": WHAT_IF_SCHEMA_VERSION}
    )


__all__ = [
    "PARTS",
    "Part",
    "ReplayReport",
    "decide",
    "evaluate_as_of",
    "parse_day",
    "parts_from",
    "replay",
]
