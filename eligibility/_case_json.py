"""The one boundary where case JSON becomes data: bounded, strict, and never a crash.

The CLI, the service and batch all decode cases here (through :func:`eligibility.case.parse_case_json`
and :func:`eligibility.case.parse_case`). Whatever the bytes hold, the result is a document or a
:class:`CaseError` naming what is wrong and where; in particular:

* a document larger than the ``case_bytes`` limit, or nested deeper than ``nesting``, is refused
  before it is decoded (the standard decoder would recurse until ``RecursionError``);
* an integer of more digits than ``integer_digits`` is refused by name (Python refuses to convert
  one of 4,301 digits and more with a bare ``ValueError``), and so are ``NaN`` and ``Infinity``,
  which JSON does not have;
* a key that repeats in one object is refused: JSON decoders silently keep the last value, so
  ``"consent": true, "consent": false`` would be decided as false;
* an empty key, a text longer than ``string_chars`` or one holding a lone surrogate (``"\\ud800"``,
  which is not Unicode text) is refused with the field's path;
* more priors, charges, custody periods or facts than their limits are refused by name.

See :mod:`eligibility.limits` for the limits and how to change them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from eligibility.errors import CaseError, Problem
from eligibility.limits import Limits, current, env_name

if TYPE_CHECKING:
    from eligibility.case import Case

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_OPEN = frozenset(b"[{")


def _limit(name: str, limits: Limits) -> str:
    return f"the {name.replace('_', ' ')} limit ({getattr(limits, name):,}, {env_name(name)})"


def _too_deep(raw: bytes, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than ``limit`` (linear, no recursion)."""
    if raw.count(b"[") + raw.count(b"{") <= limit:  # the usual case: cannot be deeper
        return False
    depth = 0
    for byte in _STRING.sub(b"", raw).translate(None, _NOT_BRACKETS):
        if byte in _OPEN:
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


class MalformedJson(CaseError):
    """The text is not JSON (or not UTF-8): one problem, with its line and column."""


class _Repeated(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Repeated(key)
            seen.add(key)
    return out


class _Pairs(list[tuple[str, Any]]):
    """An object kept as its key-value pairs, to find where a key repeats."""


class _Huge:
    """Stands in for an integer beyond the limit until its place is found."""

    def __init__(self, digits: int) -> None:
        self.digits = digits


def _integer(limit: int, found: list[_Huge]) -> Callable[[str], int | _Huge]:
    def parse(text: str) -> int | _Huge:
        digits = len(text.lstrip("-"))
        if digits > limit:
            found.append(_Huge(digits))
            return found[-1]
        return int(text)

    return parse


def _huge_at(doc: Any) -> list[tuple[str, int]]:
    """Where the stand-ins for integers beyond the limit are, and their digit counts."""
    out: list[tuple[str, int]] = []
    stack: list[tuple[str, Any]] = [("", doc)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, _Huge):
            out.append((path, node.digits))
        elif isinstance(node, dict):
            stack.extend((f"{path}.{k}" if path else k, v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((f"{path}[{i}]", v) for i, v in enumerate(node))
    return sorted(out)


def _constant(name: str) -> Any:
    raise _NotJson(name)


class _NotJson(Exception):
    def __init__(self, name: str) -> None:
        self.name = name


def decode(raw: str | bytes, source: str, limits: Limits | None = None) -> Any:
    """Decode JSON text under ``limits`` (default: those in force); raise :class:`CaseError`."""
    limits = limits or current()
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if len(data) > limits.case_bytes:
        raise CaseError(
            [Problem(f"the case is larger than {_limit('case_bytes', limits)}", file=source)]
        )
    if _too_deep(data, limits.nesting):
        raise CaseError(
            [Problem(f"the JSON nests deeper than {_limit('nesting', limits)}", file=source)]
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedJson([Problem("the file is not UTF-8 text", file=source)]) from None
    huge: list[_Huge] = []
    try:
        doc = json.loads(
            text,
            object_pairs_hook=_object,
            parse_int=_integer(limits.integer_digits, huge),
            parse_constant=_constant,
        )
    except json.JSONDecodeError as exc:
        raise MalformedJson(
            [Problem(f"malformed JSON: {exc.msg}", file=source, line=exc.lineno, column=exc.colno)]
        ) from None
    except _Repeated as exc:
        where = _repeated_at(text, exc.key)
        raise CaseError(
            [
                Problem(
                    f"the key {exc.key!r} appears more than once in one object",
                    file=source,
                    location=where or None,
                    hint="give each field once",
                )
            ]
        ) from None
    except _NotJson as exc:
        raise CaseError([Problem(f"{exc.name} is not a JSON value", file=source)]) from None
    except RecursionError:  # only when called from an already deep stack
        raise CaseError([Problem("the JSON nests too deep to read", file=source)]) from None
    if huge:
        raise CaseError(
            [
                Problem(
                    f"an integer of {digits:,} digits, beyond {_limit('integer_digits', limits)}",
                    file=source,
                    location=path or None,
                )
                for path, digits in _huge_at(doc)
            ]
        )
    return doc


def _repeated_at(text: str, key: str) -> str:
    """The path of the first object in which ``key`` repeats ("" for the top level)."""
    try:
        # The text may be malformed after the repeated key (the decoder stopped there).
        doc, _ = json.JSONDecoder(object_pairs_hook=_Pairs).raw_decode(text.lstrip())
    except (ValueError, RecursionError):
        return ""
    stack: list[tuple[str, Any]] = [("", doc)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, _Pairs):
            keys = [k for k, _ in node]
            if keys.count(key) > 1:
                return path
            stack.extend((f"{path}.{k}" if path else k, v) for k, v in reversed(node))
        elif isinstance(node, list):
            stack.extend((f"{path}[{i}]", v) for i, v in reversed(list(enumerate(node))))
    return ""


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
