"""Load-time checks that a ruleset stays within what the engine can run, and what it costs.

Three defects used to pass ``eligibility lint`` and start the service, then fail every case of
the jurisdiction at evaluation: a number too large for durable-rules (it receives numbers as
64-bit integers in millionths, so at most ±9,223,372,036,854), more fields than durable-rules allows in one fact, and two fact names whose durable-rules
field hashes collide (it matches fields by a 32-bit FNV-1a hash and never compares the names,
so the two would be read as one). They are found here when the ruleset loads, each with file,
line and column, against the limits of :mod:`eligibility.limits` (``integer_bits``,
``engine_fields``), so they can be changed in one place if the engine's limits are lifted.

Named definitions may use each other; written out, definitions that each use the previous one
twice double at every step, so 20 lines can stand for a million nodes. The expanded size is
measured without expanding (shared sub-trees are counted, not copied), and a condition beyond
``expanded_condition_nodes`` is refused before anything walks it.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from eligibility import _expr as E
from eligibility._compile import SCALE
from eligibility._model import Ruleset
from eligibility._reference import children
from eligibility._types import TypeProblem
from eligibility._yaml import Loaded, Path
from eligibility.errors import Problem
from eligibility.limits import current, env_name


def _limit(name: str) -> str:
    return f"the {name.replace('_', ' ')} limit ({getattr(current(), name):,}, {env_name(name)})"


def _fits(value: int | float | Decimal) -> bool:
    """Whether ``value`` fits the engine once scaled: durable-rules receives numbers as
    integers in millionths (``_compile.SCALE``) of ``integer_bits`` bits."""
    bound = 2 ** (current().integer_bits - 1)
    try:
        scaled = Decimal(value) * SCALE
    except (ValueError, ArithmeticError):  # NaN, infinities
        return False
    return bool(scaled.is_finite() and -bound <= scaled < bound)


def _too_big(value: object) -> str:
    largest = 2 ** (current().integer_bits - 1) // SCALE
    return (
        f"the number {value} is too large for the engine, which stores numbers in millionths "
        f"as {current().integer_bits}-bit integers (at most ±{largest:,})"
    )


def literal_problems(node: E.Node) -> list[TypeProblem]:
    """Integer literals in a condition as written that do not fit ``integer_bits``."""
    out = []
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, E.Lit) and isinstance(n.value, Decimal) and not _fits(n.value):
            out.append(TypeProblem(_too_big(n.value), n.line, n.column))
        stack.extend(children(n))
    return out


def expanded_size(node: E.Node, limit: int) -> int:
    """How many nodes ``node`` has written out as a tree (shared sub-trees counted each time
    they are used), or ``limit + 1`` as soon as it is known to exceed ``limit``."""
    memo: dict[int, int] = {}
    keep: list[E.Node] = []  # keeps ids unique while measuring

    def size(n: E.Node) -> int:
        key = id(n)
        if key not in memo:
            keep.append(n)
            total = 1
            for child in children(n):
                total += size(child)
                if total > limit:
                    break
            memo[key] = min(total, limit + 1)
        return memo[key]

    try:
        return size(node)
    except RecursionError:
        return limit + 1


def too_large_message() -> str:
    """What is said of a condition beyond ``expanded_condition_nodes``."""
    return (
        "written out with its definitions, the condition has more nodes than "
        f"{_limit('expanded_condition_nodes')}"
    )


def too_large(node: E.Node) -> str | None:
    """Why ``node`` (a condition with its definitions written out) is refused, or ``None``."""
    limit = current().expanded_condition_nodes
    return too_large_message() if expanded_size(node, limit) > limit else None


def names_in(node: E.Node) -> set[str]:
    """Every name and function a condition as written mentions."""
    out: set[str] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, E.Name):
            out.add(n.name)
        elif isinstance(n, E.Call):
            out.add(n.func)
        stack.extend(children(n))
    return out


def yaml_integer_problems(loaded: Loaded) -> list[Problem]:
    """Integers anywhere in the file (parameters, fact defaults…) that do not fit ``integer_bits``."""
    out = []
    for path, value in _walk(loaded.data, ()):
        if isinstance(value, int | float) and not isinstance(value, bool) and not _fits(value):
            out.append(loaded.problem(path, _too_big(value)))
    return out


def _walk(data: Any, path: Path) -> Iterator[tuple[Path, Any]]:
    stack = [(path, data)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, dict):
            stack.extend(((*where, k), v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend(((*where, i), v) for i, v in enumerate(node))
        else:
            yield where, node


def fnv1a_32(text: str) -> int:
    """durable-rules' field-name hash: two names with the same hash are one field to it."""
    h = 0x811C9DC5
    for byte in text.encode("utf-8"):
        h ^= byte
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def engine_field_problems(ruleset: Ruleset, loaded: Loaded) -> list[Problem]:
    """Too many engine fields, or two whose hashes collide, located where the fact is read.

    The fields are those the compiled rules read: ``c_<name>`` per case-level fact,
    ``c_<list>`` and ``n_<list>`` per list and each item field read (fields the compiler
    derives are checked by the engine adapter when it compiles)."""
    first_use: dict[str, Path] = {}
    by_key = {c.key: c for c in ruleset.criteria()}
    for path, key in _criteria(loaded):
        found = by_key.get(key)
        if found is None:
            continue
        for name in found.read_names:
            first_use.setdefault("c_" + name, path)
        for list_name, fields in found.read_lists:
            first_use.setdefault("c_" + list_name, path)
            first_use.setdefault("n_" + list_name, path)
            for f in fields:
                first_use.setdefault(f, path)
    names = {"t": (), "sid": (), "id": (), **first_use}
    problems = []
    limit = current().engine_fields
    if len(names) > limit:
        first_over = list(names.values())[limit]  # where the rules, in file order, pass it
        problems.append(
            loaded.problem(
                first_over,
                f"the rules read {len(names)} engine fields, beyond {_limit('engine_fields')}",
                "read fewer facts, or split the ruleset into two programmes",
            )
        )
    seen: dict[int, str] = {}
    for name in sorted(names):
        other = seen.setdefault(fnv1a_32(name), name)
        if other != name:
            problems.append(
                loaded.problem(
                    names[name],
                    f"the engine cannot tell `{_fact(other)}` and `{_fact(name)}` apart: their "
                    "field names have the same 32-bit hash in durable-rules",
                    f"rename `{_fact(name)}`",
                )
            )
    return problems


def _fact(field: str) -> str:
    return field[2:] if field.startswith(("c_", "n_")) else field


def _criteria(loaded: Loaded) -> Iterator[tuple[Path, str]]:
    """Every criterion in file order: the path of its condition and its key (``measure.id``)."""
    measures = loaded.data.get("measures") if isinstance(loaded.data, dict) else None
    for i, measure in enumerate(measures if isinstance(measures, list) else []):
        if not isinstance(measure, dict):
            continue
        mid = measure.get("id")
        for role in ("applies_to", "requires", "excluded_if"):
            items = measure.get(role)
            for j, crit in enumerate(items if isinstance(items, list) else []):
                if not isinstance(crit, dict):
                    continue
                yield (*("measures", i, role, j), "condition"), f"{mid}.{crit.get('id')}"
                unless = crit.get("unless")
                for k, exc in enumerate(unless if isinstance(unless, list) else []):
                    if isinstance(exc, dict):
                        path = ("measures", i, role, j, "unless", k, "condition")
                        yield path, f"{mid}.{exc.get('id')}"
