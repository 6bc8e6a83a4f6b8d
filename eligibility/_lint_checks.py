"""The checks ``eligibility lint`` runs: stable codes, names and levels, and one finding type.

Codes never change meaning; a retired check keeps its code unused. ``L0xx`` are the loader's
own checks (a file that fails one does not load), ``L1xx`` the logic of measures, ``L2xx``
declared things nothing uses, ``L3xx`` golden case files.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any, Literal

from eligibility.errors import Problem

Level = Literal["error", "warning"]


@dataclass(frozen=True)
class Check:
    """One kind of problem lint reports."""

    code: str
    name: str
    level: Level
    """The usual level; ``never-met`` is a warning when only an unsettled point causes it."""
    summary: str


CHECKS = {
    c.code: c
    for c in (
        Check("L001", "yaml", "error", "the file is not readable YAML"),
        Check("L002", "schema", "error", "a field is missing, unknown or of the wrong shape"),
        Check("L003", "syntax", "error", "a condition does not parse"),
        Check("L004", "unknown-name", "error", "a name, function, field or source is not declared"),
        Check("L005", "type", "error", "a condition or value has the wrong type"),
        Check("L006", "duplicate", "error", "an id or name is used twice"),
        Check(
            "L007", "parameter-dates", "error", "a parameter's dated values overlap or leave gaps"
        ),
        Check("L008", "ruleset", "error", "another rule of the ruleset format is broken"),
        Check("L009", "versions", "error", "versions of one ruleset overlap or disagree"),
        Check("L010", "invariant", "error", "a declared invariant is malformed"),
        Check("L011", "engine-limits", "error", "the rules are beyond what the engine can run"),
        Check("L101", "never-met", "error", "a measure can never be met"),
        Check("L102", "never-fails", "warning", "a measure can never fail"),
        Check("L103", "always-holds", "warning", "a scope or requirement always holds"),
        Check("L104", "exclusion-never-applies", "warning", "an exclusion can never apply"),
        Check("L105", "unless-never-applies", "warning", "an exception can never apply"),
        Check("L201", "unused-fact", "warning", "a declared fact is never read"),
        Check("L202", "unused-parameter", "warning", "a parameter is never read"),
        Check("L203", "unused-unsettled", "warning", "an unsettled point is never used"),
        Check("L204", "unused-definition", "warning", "a definition is never used"),
        Check("L205", "unused-source", "warning", "a source is never cited"),
        Check("L206", "value-out-of-force", "warning", "a parameter value is never in force"),
        Check("L301", "golden-invalid", "error", "a golden file or case is malformed"),
        Check("L302", "golden-jurisdiction", "error", "no ruleset for a golden case"),
        Check("L303", "golden-measure", "error", "a golden case expects an unknown measure"),
        Check("L304", "golden-criterion", "error", "a golden case names an unknown criterion"),
        Check("L305", "golden-outcome", "error", "a golden case expects an impossible outcome"),
        Check("L306", "golden-unsettled", "error", "a golden case names an unknown open point"),
        Check("L307", "golden-case", "error", "the engine would reject a golden case"),
        Check("L308", "golden-duplicate", "warning", "two golden cases share a name"),
    )
}


@dataclass(frozen=True)
class Finding:
    """One problem found by lint: where, what, how to fix it, and which check found it."""

    code: str
    problem: Problem

    @property
    def check(self) -> Check:
        """The check that found this problem."""
        return CHECKS[self.code]

    @property
    def level(self) -> str:
        """``error`` or ``warning``."""
        return self.problem.level

    def render(self) -> str:
        """``file:line:col: level: location: message (hint: …) [L101 never-met]``."""
        return f"{self.problem.render()} [{self.code} {self.check.name}]"

    def to_json(self) -> dict[str, Any]:
        """The finding as a JSON object (see docs/lint.md for the shape)."""
        p = self.problem
        return {
            "file": p.file,
            "line": p.line,
            "column": p.column,
            "level": p.level,
            "code": self.code,
            "check": self.check.name,
            "location": p.location,
            "message": p.message,
            "hint": p.hint,
        }


def finding(code: str, problem: Problem, level: Level | None = None) -> Finding:
    """A finding of check ``code`` at the check's usual level, or at ``level``."""
    return Finding(code, dataclasses.replace(problem, level=level or CHECKS[code].level))


_SYNTAX = re.compile(
    r"^(unexpected |the condition ends too early|the condition is (too large|\d+ characters)"
    r"|cannot parse the condition|the condition nests deeper)"
)
_UNKNOWN = re.compile(r"unknown (name|function|source)|names unknown source|has no field")
_DATES = re.compile(r"dated values of .* overlap|has no value from")
_DUPLICATE = re.compile(r"^duplicate |is already the name of")
_ENGINE = re.compile(
    r"too large for the engine|engine cannot tell|engine fields, beyond|written out with its "
    r"definitions"
)
_TYPE = re.compile(
    r"cannot (compare|compute|look for)|needs a|must be true or false|does not fit|"
    r"`in` cannot|only follow a list item|list must hold|list literal|can only range|"
    r"range over a list|takes (no|one) argument|whole number|not a date|write a date|"
    r"quantifier or count inside|already names something else"
)


def loader_code(problem: Problem, stage: str) -> str:
    """The check code of a problem the loader reported, given the stage that failed
    (``yaml``: the file could not be read; ``schema``: its shape; ``meaning``: the rest)."""
    if stage == "yaml":
        return "L001"
    if stage == "schema":
        return "L002"
    if (problem.location or "").startswith("invariants"):
        return "L010"
    message = problem.message
    for pattern, code in (
        (_ENGINE, "L011"),
        (_SYNTAX, "L003"),
        (_UNKNOWN, "L004"),
        (_DATES, "L007"),
        (_DUPLICATE, "L006"),
        (_TYPE, "L005"),
    ):
        if pattern.search(message):
            return code
    return "L008"
