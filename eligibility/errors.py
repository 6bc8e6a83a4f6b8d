"""Errors raised by eligibility.

Every error the library raises on purpose derives from :class:`EligibilityError`::

    EligibilityError
    ├── CaseError            the case document is malformed, mistyped or names unknown things
    │   └── UnknownJurisdictionError
    ├── RulesetError         one or more ruleset files are invalid (all problems in one run)
    ├── ConditionSyntaxError a condition does not parse (file, line, column)
    └── EngineError          the inference engine misbehaved; the case was not decided

The CLI maps them to exit codes (see ``eligibility.cli``): ``CaseError`` → 1,
``RulesetError`` → 3, ``EngineError`` → 4. Messages never contain case data beyond the
field that is wrong, so they are safe to log.
"""

from __future__ import annotations

from dataclasses import dataclass


class EligibilityError(Exception):
    """Base class of every error eligibility raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input: where it is, what is wrong, and what to do."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    location: str | None = None
    """Dotted path of the field inside the document, e.g. ``charges[0].quantity.unit``."""
    hint: str | None = None
    level: str = "error"

    def render(self) -> str:
        """Render as ``file:line:col: level: message (hint)``; parts that are unknown are left out."""
        where = ""
        if self.file:
            where = self.file
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        text = f"{where}{self.level}: "
        if self.location:
            text += f"{self.location}: "
        text += self.message
        if self.hint:
            text += f" (hint: {self.hint})"
        return text


class CaseError(EligibilityError):
    """The case document cannot be evaluated as given; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(p.render() for p in problems))


class UnknownJurisdictionError(CaseError):
    """The case names a jurisdiction for which no ruleset is loaded."""

    def __init__(self, jurisdiction: str, known: list[str]) -> None:
        self.jurisdiction = jurisdiction
        self.known = known
        super().__init__(
            [
                Problem(
                    f"unknown jurisdiction {jurisdiction!r}",
                    location="jurisdiction",
                    hint=_jurisdiction_hint(jurisdiction, known),
                )
            ]
        )


_JURISDICTION_NAMES = {
    "GB": "GB-ENG", "UK": "GB-ENG", "ENGLAND": "GB-ENG", "ENG": "GB-ENG", "CAL": "US-CA",
    "CALIFORNIA": "US-CA", "CA-US": "US-CA", "NY": "US-NY", "NEW YORK": "US-NY", "USA": "US",
    "FEDERAL": "US", "NSW": "AU-NSW", "AU": "AU-NSW", "BC": "CA-BC", "CANADA": "CA",
    "GERMANY": "DE", "DEUTSCHLAND": "DE", "PORTUGAL": "PT", "PHILIPPINES": "PH",
}  # fmt: skip
"""Names and codes records use for a jurisdiction, and the code the rulesets use."""


def _jurisdiction_hint(given: str, known: list[str]) -> str | None:
    if not known:
        return None
    guess = _JURISDICTION_NAMES.get(given.strip().upper().replace("_", "-").rstrip("."))
    if guess in known:
        return f"did you mean {guess}? known jurisdictions: " + ", ".join(known)
    return "known jurisdictions: " + ", ".join(known)


class RulesetError(EligibilityError):
    """One or more ruleset files are invalid; ``problems`` holds every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(p.render() for p in problems))


class ConditionSyntaxError(EligibilityError):
    """A condition expression does not parse or is too large."""

    def __init__(self, message: str, line: int, column: int, hint: str | None = None) -> None:
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint
        super().__init__(f"{line}:{column}: {message}")


class EngineError(EligibilityError):
    """durable-rules failed or gave an impossible result; the case was not decided."""
