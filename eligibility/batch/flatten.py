"""The CSV convention: one column per case field, nested fields flattened to dotted paths.

A column is named by the path of the field in the case document, with list items numbered from
0: ``person.birth_date``, ``charges.0.statute``, ``charges.0.quantity.value``,
``priors.1.custody.0.start``, ``facts.waives_speedy_trial_rights``. A column named after a list
itself (``charges``, ``priors``, ``priors.0.custody``) holds the number of items, so ``0`` says
"none" (an empty list) where an empty cell would say "unknown".

Cells are text; each is read as its field's type from the case model: ``true``/``false``
(also ``yes``/``no``, ``1``/``0``) for yes-no fields, whole numbers, decimal numbers, dates as
``YYYY-MM-DD``. An **empty cell is absent, that is unknown**. A cell starting with ``"`` is a
JSON string, so an empty text or one that looks like a number can still be given. ``facts.*``
cells have no declared type here: ``true``/``false`` are yes-no, numbers are numbers, anything
else is text (quote it as JSON to keep ``"12"`` a text).

:func:`flatten_case` writes a case document as such a row; :class:`CsvLayout` reads rows back.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from eligibility.batch.columns import FLOAT, Column, coerce, column
from eligibility.case import Case, parse_case
from eligibility.errors import CaseError, Problem
from eligibility.limits import current, env_name

_COUNT = "#count"


def _bounded(size: int, name: str) -> None:
    """Refuse a list longer than its limit before building it (a count cell of 999999999
    would otherwise build as many items)."""
    bounds = current()
    field = {"priors": "priors", "charges": "charges", "custody": "custody_periods"}.get(
        name.rsplit(".", 1)[-1]
    )
    limit = getattr(bounds, field) if field else max(bounds.priors, bounds.charges)
    if size > limit:
        shown = field or "priors"
        raise CaseError(
            [
                Problem(
                    f"{size:,} items, beyond the {shown.replace('_', ' ')} limit "
                    f"({limit:,}, {env_name(shown)})",
                    location=name,
                )
            ]
        )


def _listify(node: dict[Any, Any], name: str) -> list[Any]:
    count = node.pop(_COUNT, None)
    indexes = sorted(k for k in node if isinstance(k, int))
    size = count if count is not None else (indexes[-1] + 1 if indexes else 0)
    _bounded(size, name)
    if indexes and indexes[-1] >= size:
        raise CaseError(
            [
                Problem(
                    f"item {indexes[-1]} is given but the list has {size} item(s)",
                    location=f"{name}.{indexes[-1]}",
                    hint=f"raise the number in the `{name}` column or leave it empty",
                )
            ]
        )
    if count is None:
        for i in range(size):
            if i not in node:
                raise CaseError(
                    [
                        Problem(
                            f"item {i} has no cell filled but a later item has",
                            location=f"{name}.{i}",
                            hint=f"number items from 0 without gaps, or give the number of items in a `{name}` column",
                        )
                    ]
                )
    return [_build(node.get(i, {}), f"{name}.{i}") for i in range(size)]


def _build(node: dict[Any, Any], name: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in node.items():
        here = f"{name}.{key}" if name else str(key)
        if isinstance(value, dict) and key != "facts" and value.get("#list"):
            value.pop("#list")
            out[key] = _listify(value, here)
        elif isinstance(value, dict) and key != "facts":
            out[key] = _build(value, here)
        else:
            out[key] = value
    return out


@dataclass(frozen=True)
class CsvLayout:
    """A CSV header resolved against the case model; reads its rows as case documents."""

    columns: tuple[Column, ...]

    @classmethod
    def from_header(cls, header: Sequence[str]) -> CsvLayout:
        """Resolve every column; raise :class:`CaseError` listing every unknown or repeated one."""
        problems: list[Problem] = []
        columns: list[Column] = []
        seen: set[str] = set()
        for name in header:
            key = name.strip()
            if key in seen:
                problems.append(Problem("repeated column", location=key))
                continue
            seen.add(key)
            try:
                columns.append(column(key))
            except CaseError as exc:
                problems.extend(exc.problems)
        if problems:
            raise CaseError(problems)
        return cls(tuple(columns))

    def document(self, cells: Sequence[str]) -> dict[str, Any]:
        """The case document of one row; :class:`CaseError` names the column of each problem."""
        if len(cells) != len(self.columns):
            raise CaseError(
                [
                    Problem(
                        f"the row has {len(cells)} cell(s) but the header has {len(self.columns)}"
                    )
                ]
            )
        root: dict[Any, Any] = {}
        problems: list[Problem] = []
        for col, cell in zip(self.columns, cells, strict=True):
            if cell == "":
                continue  # an empty cell is an absent field: unknown
            try:
                value = coerce(cell, col)
            except CaseError as exc:
                problems.extend(exc.problems)
                continue
            node = root
            path = col.path if col.kind != "count" else (*col.path, _COUNT)
            for step, nxt in itertools.pairwise(path):
                node = node.setdefault(step, {})
                if isinstance(nxt, int) or nxt == _COUNT:
                    node["#list"] = True
            node[path[-1]] = value
        if problems:
            raise CaseError(problems)
        return _build(root, "")

    def case(self, cells: Sequence[str], source: str = "<row>") -> Case:
        """Parse one row into a :class:`Case`; problems name the column, e.g. ``charges.0.class``."""
        try:
            return parse_case(self.document(cells), source)
        except CaseError as exc:
            raise CaseError([_by_column(p) for p in exc.problems]) from None


def column_name(location: str) -> str:
    """``charges[0].quantity.value`` (the case model's path) → ``charges.0.quantity.value``."""
    return re.sub(r"\[(\d+)\]", r".\1", location)


def _by_column(problem: Problem) -> Problem:
    return Problem(
        problem.message,
        location=column_name(problem.location) if problem.location else None,
        hint=problem.hint,
    )


def _cell(value: Any, kind: Literal["str", "fact"]) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    ambiguous = text == "" or text.startswith('"')
    if kind == "fact":
        low = text.strip().lower()
        ambiguous = ambiguous or low in ("true", "false") or bool(FLOAT.fullmatch(low))
    return json.dumps(text, ensure_ascii=False) if ambiguous else text


def flatten_case(document: Mapping[str, Any]) -> dict[str, str]:
    """A case document (as JSON) as one CSV row: column name → cell text; absent fields omitted.

    Every list gets its count column, so empty lists and items with no known field survive.
    An object with no known field (``"person": {}``) is omitted: it says as little as none.
    """
    row: dict[str, str] = {}

    def walk(value: Any, name: str) -> None:
        if value is None:
            return
        if isinstance(value, Mapping):
            for key, item in value.items():
                if name == "facts":
                    if item is not None:
                        row[f"facts.{key}"] = _cell(item, "fact")
                else:
                    walk(item, f"{name}.{key}" if name else str(key))
        elif isinstance(value, list):
            row[name] = str(len(value))
            for i, item in enumerate(value):
                walk(item, f"{name}.{i}")
        else:
            row[name] = _cell(value, "str")

    walk(document, "")
    return row
