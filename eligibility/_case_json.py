"""The one boundary where case JSON becomes data: bounded, strict, and never a crash.

This module decodes; :mod:`eligibility._case_checks` checks what was decoded.

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
from collections.abc import Callable, Iterable
from typing import Any

import orjson

from eligibility.errors import CaseError, Problem
from eligibility.limits import Limits, current, env_name

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
    fast = _decode_fast(data, limits)
    if fast is not _SLOW:
        return fast
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


_SLOW = object()


def _decode_fast(data: bytes, limits: Limits) -> Any:
    """The usual document, decoded by orjson, or ``_SLOW`` when it may break a rule the standard
    decoder's hooks check (then :func:`decode` takes the long way, which names what is wrong).

    orjson refuses what the hooks refuse (malformed text, ``NaN``, lone surrogates, numbers that
    overflow a double) but keeps the last of repeated keys and reads an integer beyond 64 bits as
    a float. Both are caught exactly, in one walk over the decoded document:

    * a colon outside a string is a key's separator and nothing else, so the colons in the text
      are its keys plus the colons inside its strings; if they equal the keys the decoded document
      holds, no string holds a colon and no key repeated (a repeated key is a key the document
      lost). Otherwise — a repeat, or merely a colon in some text — the long way decides;
    * an integer beyond 64 bits becomes a float of magnitude 2**63 or more, so any such float
      goes the long way; and under an ``integer_digits`` limit below 20 (the digits of 2**64)
      so does any integer of 10**limit or more."""
    # 0: every integer orjson gives (at most 20 digits) is within the limit.
    int_bound = 10**limits.integer_digits if limits.integer_digits < 20 else 0
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError:
        return _SLOW
    if type(doc) is not dict:
        return _SLOW  # not a case; the long way says what it is
    keys = 0
    stack = [doc]
    while stack:
        node = stack.pop()
        values: Iterable[Any] = node
        if type(node) is dict:
            keys += len(node)
            values = node.values()
        for value in values:
            kind = type(value)
            if kind is dict or kind is list:
                stack.append(value)
            elif kind is float:
                if not -_FLOAT_BOUND < value < _FLOAT_BOUND:
                    return _SLOW
            elif kind is int and int_bound and not -int_bound < value < int_bound:
                return _SLOW
    if data.count(b":") != keys:
        return _SLOW
    return doc


_FLOAT_BOUND = float(2**63)


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
