"""Checks of a decoded case document against the limits, naming the field at fault.

The second half of the case boundary (:mod:`eligibility._case_json` decodes): counts of priors,
charges, custody periods and facts before the model builds any of them; then either the cheap
check of a validated :class:`Case` (texts over ``string_chars``), or, for a document the model
refused, one walk without recursion that names empty keys, over-long texts, lone surrogates and
nesting past the limit at their fields.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eligibility.errors import CaseError, Problem
from eligibility.limits import Limits, current, env_name

if TYPE_CHECKING:
    from eligibility.case import Case


def _limit(name: str, limits: Limits) -> str:
    return f"the {name.replace('_', ' ')} limit ({getattr(limits, name):,}, {env_name(name)})"


def _has_surrogate(text: str) -> bool:
    return not text.isascii() and any("\ud800" <= ch <= "\udfff" for ch in text)


def check(document: Any, source: str, limits: Limits | None = None) -> None:
    """Refuse a decoded case document that breaks a limit or holds text that is not Unicode.

    Walks the document once, without recursion, so any depth is safe to check."""
    limits = limits or current()
    problems: list[Problem] = []
    if isinstance(document, dict):
        _check_counts(document, source, limits, problems)
    if problems:
        raise CaseError(problems)
    stack: list[tuple[str, int, Any]] = [("", 1, document)]
    while stack and len(problems) < 10:
        path, depth, node = stack.pop()
        if isinstance(node, dict | list) and depth > limits.nesting:
            problems.append(
                Problem(
                    f"nests deeper than {_limit('nesting', limits)}",
                    file=source,
                    location=path or None,
                )
            )
            continue
        if isinstance(node, dict):
            for key, value in node.items():
                if not isinstance(key, str):
                    continue  # YAML keys; the model refuses them by name
                if not key:
                    problems.append(
                        Problem("a field with an empty name", file=source, location=path or None)
                    )
                    continue
                if _has_surrogate(key) or len(key) > 200:
                    problems.append(
                        Problem(
                            "a field name that is not valid text"
                            if len(key) <= 200
                            else "a field name longer than 200 characters",
                            file=source,
                            location=path or None,
                        )
                    )
                    continue
                stack.append((f"{path}.{key}" if path else key, depth + 1, value))
        elif isinstance(node, list):
            stack.extend((f"{path}[{i}]", depth + 1, v) for i, v in enumerate(node))
        elif isinstance(node, str):
            if len(node) > limits.string_chars:
                problems.append(_long(path or None, len(node), source, limits))
            elif _has_surrogate(node):
                problems.append(
                    Problem(
                        "the text holds a lone surrogate (such as \\ud800), which is not Unicode",
                        file=source,
                        location=path or None,
                        hint="send the text as UTF-8, or escape each character as a pair",
                    )
                )
    if problems:
        raise CaseError(sorted(problems, key=lambda p: p.location or ""))


def check_counts(document: Any, source: str, limits: Limits | None = None) -> None:
    """Refuse a decoded document with more priors, charges, custody periods or facts than the
    limits allow, before the model validates (and so builds) each of them."""
    if isinstance(document, dict):
        problems: list[Problem] = []
        _check_counts(document, source, limits or current(), problems)
        if problems:
            raise CaseError(problems)


def check_case(case: Case, source: str, limits: Limits | None = None) -> None:
    """Refuse a validated case beyond the count and text limits (the model itself bounds its
    nesting and refuses text that is not Unicode); the cheap check for the usual path."""
    limits = limits or current()
    problems: list[Problem] = []
    priors = case.priors or []
    charges = case.charges or []
    if (
        len(priors) > limits.priors
        or len(charges) > limits.charges
        or len(case.facts) > limits.facts
    ):
        _check_counts(
            case.model_dump(include={"priors", "charges", "facts"}), source, limits, problems
        )
    periods = sum(len(p.custody or ()) for p in priors)
    if periods > limits.custody_periods and not problems:
        _check_counts(case.model_dump(include={"priors"}), source, limits, problems)
    texts = [("charges", i, c.description) for i, c in enumerate(charges)]
    texts += [("priors", i, p.description) for i, p in enumerate(priors)]
    for field, i, text in texts:
        if text is not None and len(text) > limits.string_chars:
            problems.append(_long(f"{field}[{i}].description", len(text), source, limits))
    for name, value in case.facts.items():
        if isinstance(value, str) and len(value) > limits.string_chars:
            problems.append(_long(f"facts.{name}", len(value), source, limits))
    if problems:
        raise CaseError(problems)


def _long(location: str | None, length: int, source: str, limits: Limits) -> Problem:
    return Problem(
        f"a text of {length:,} characters, beyond {_limit('string_chars', limits)}",
        file=source,
        location=location,
    )


def _check_counts(doc: dict[str, Any], source: str, limits: Limits, out: list[Problem]) -> None:
    def refuse(location: str, what: str, count: int, name: str) -> None:
        out.append(
            Problem(
                f"{count:,} {what}, beyond {_limit(name, limits)}",
                file=source,
                location=location,
            )
        )

    for field, name in (("priors", "priors"), ("charges", "charges")):
        items = doc.get(field)
        if isinstance(items, list) and len(items) > getattr(limits, name):
            refuse(field, field, len(items), name)
    facts = doc.get("facts")
    if isinstance(facts, dict) and len(facts) > limits.facts:
        refuse("facts", "facts", len(facts), "facts")
    priors = doc.get("priors")
    if isinstance(priors, list) and len(priors) <= limits.priors:
        periods = sum(
            len(p["custody"])
            for p in priors
            if isinstance(p, dict) and isinstance(p.get("custody"), list)
        )
        if periods > limits.custody_periods:
            refuse("priors", "custody periods", periods, "custody_periods")
