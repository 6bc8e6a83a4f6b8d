"""How large an input may be: every limit in one place, each a documented setting.

A court record is finite, and so is what one evaluation may cost. Each limit below is sized to
the largest real record we know of with a wide margin (a long criminal history runs to a few
hundred priors; an indictment to a few hundred counts), and each is what the cost of a case
grows with, so bounding them bounds the time and memory of one evaluation
(docs/performance.md measures the worst case of each). Input beyond a limit is refused before
any work is done, with a message naming the limit: exit 1 for the CLI and batch records,
413 or 422 for the service.

Every limit can be changed without code: set ``ELIGIBILITY_LIMIT_<NAME>`` (the field name in
capitals, e.g. ``ELIGIBILITY_LIMIT_PRIORS=2000``) in the environment of the CLI, a batch or the
service. docs/security.md lists them with their defaults.
"""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from eligibility.errors import EngineError

ENV_PREFIX = "ELIGIBILITY_LIMIT_"


@dataclass(frozen=True)
class Limits:
    """The limits in force; read them with :func:`current`."""

    # A case (CLI file, batch line, request body item)
    case_bytes: int = 1024 * 1024
    """Largest case document, in bytes (a case with 1,000 priors is about 120 KB)."""
    nesting: int = 32
    """Deepest nesting of objects and lists in a case (a valid case nests 5 deep)."""
    integer_digits: int = 20
    """Most digits in one JSON integer (a 64-bit integer has at most 20)."""
    string_chars: int = 10_000
    """Longest text value in a case, in characters (descriptions are the long ones)."""
    priors: int = 1_000
    """Most ``priors`` in one case."""
    charges: int = 300
    """Most ``charges`` in one case."""
    custody_periods: int = 2_000
    """Most custody periods in one case, counted over all its priors."""
    facts: int = 250
    """Most ruleset-declared ``facts`` in one case."""
    evaluation_seconds: float = 10.0
    """Time budget of one evaluation; a case still being evaluated after it is abandoned
    (the CLI and a batch record report an engine failure, the service a 503)."""

    # A ruleset file
    ruleset_bytes: int = 2 * 1024 * 1024
    """Largest ruleset or golden-case file, in bytes (the largest shipped one is about 90 KB)."""
    yaml_nodes: int = 50_000
    """Most YAML nodes one file may build, aliases counted each time they are used (a bound
    on alias expansion, "billion laughs"); the largest shipped file has about 2,000."""
    yaml_nesting: int = 64
    """Deepest nesting of mappings and lists in a ruleset file."""
    condition_chars: int = 4_000
    """Longest condition text, in characters."""
    condition_nesting: int = 40
    """Deepest nesting of one condition as written (``not not …``, parentheses)."""
    condition_nodes: int = 400
    """Largest condition as written, in expression nodes."""
    expanded_condition_nodes: int = 10_000
    """Largest condition once its named definitions are written out, in expression nodes
    (definitions that use each other twice over double at every step; the largest shipped
    criterion has about 200)."""
    integer_bits: int = 64
    """Numbers in a ruleset must fit a signed integer of this many bits once in millionths,
    as durable-rules receives them: at most ±9,223,372,036,854 with 64 bits."""
    engine_fields: int = 250
    """Most fields the compiled rules of one ruleset may read (durable-rules allows about
    250 top-level properties per fact)."""


_FIELDS = tuple(f.name for f in dataclasses.fields(Limits))


def env_name(field: str) -> str:
    """``priors`` → ``ELIGIBILITY_LIMIT_PRIORS``."""
    return ENV_PREFIX + field.upper()


def from_env(environ: Mapping[str, str] | None = None) -> Limits:
    """The defaults, changed by any ``ELIGIBILITY_LIMIT_*`` variable in ``environ`` (default
    the process environment); raise ``ValueError`` naming a variable that is not a positive
    number."""
    environ = os.environ if environ is None else environ
    changed: dict[str, float | int] = {}
    for name in _FIELDS:
        raw = environ.get(env_name(name), "").strip()
        if not raw:
            continue
        kind = type(getattr(Limits, name))
        try:
            value = kind(raw)
        except ValueError:
            raise ValueError(f"{env_name(name)}={raw!r} is not a number") from None
        if value <= 0:
            raise ValueError(f"{env_name(name)}={raw!r} must be positive")
        changed[name] = value
    return Limits(**changed)  # type: ignore[arg-type]  # each value has its field's type


_current: Limits | None = None


def current() -> Limits:
    """The limits in force: read from the environment once per process (see :func:`from_env`),
    or as set by :func:`override`."""
    global _current
    if _current is None:
        _current = from_env()
    return _current


@contextmanager
def override(**changes: float) -> Iterator[Limits]:
    """Within this block the limits in force are changed as given (tests, embedding code)."""
    global _current
    previous = _current
    _current = dataclasses.replace(current(), **changes)  # type: ignore[arg-type]  # by field
    try:
        yield _current
    finally:
        _current = previous


class BudgetExceeded(EngineError):
    """An evaluation ran past its time budget (see :attr:`Limits.evaluation_seconds`); the case
    was not decided."""


_budget = threading.local()


@contextmanager
def time_budget(seconds: float | None = None) -> Iterator[None]:
    """Within this block, :func:`check_time` raises once ``seconds`` (default the
    ``evaluation_seconds`` limit) have passed. Per thread; nested blocks keep the earliest end."""
    limit = current().evaluation_seconds if seconds is None else seconds
    previous: float | None = getattr(_budget, "deadline", None)
    deadline = time.monotonic() + limit
    _budget.deadline = deadline if previous is None else min(previous, deadline)
    try:
        yield
    finally:
        _budget.deadline = previous


def check_time() -> None:
    """Raise :class:`BudgetExceeded` if this thread's evaluation is past its time budget.

    Called between the steps of an evaluation (each ruleset, each measure), so an evaluation
    is abandoned within one step of its budget."""
    deadline: float | None = getattr(_budget, "deadline", None)
    if deadline is not None and time.monotonic() > deadline:
        raise BudgetExceeded(
            f"the evaluation took longer than its time budget "
            f"({current().evaluation_seconds:g} s, {env_name('evaluation_seconds')})"
        )
