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

import datetime as dt
import difflib
import itertools
import json
import math
import re
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from eligibility.case import Case, parse_case
from eligibility.errors import CaseError, Problem

Kind = Literal["str", "bool", "int", "float", "date", "fact", "count"]
_TRUE = {"true", "yes", "1", "t", "y"}
_FALSE = {"false", "no", "0", "f", "n"}
_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


@dataclass(frozen=True)
class Column:
    """One CSV column: its header, the path it fills in the case document, and its type."""

    name: str
    path: tuple[str | int, ...]
    kind: Kind


def _unwrap(annotation: Any) -> Any:
    """``X | None`` → ``X``; ``Annotated[X, …]`` → ``X``."""
    if get_origin(annotation) is Annotated:
        return _unwrap(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return _unwrap(members[0])
    return annotation


def _leaf(annotation: Any) -> Kind | None:
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int"
    if annotation is float:
        return "float"
    if annotation is dt.date:
        return "date"
    if annotation is str or get_origin(annotation) is Literal:
        return "str"
    return None


def _fields(model: type[BaseModel]) -> dict[str, Any]:
    """JSON names (aliases) of a model's fields → their annotations."""
    return {(info.alias or name): info.annotation for name, info in model.model_fields.items()}


def _unknown(name: str, part: str, model: type[BaseModel]) -> Problem:
    close = difflib.get_close_matches(part, list(_fields(model)), n=1, cutoff=0.6)
    hint = None
    if close:
        parts = name.split(".")
        parts[parts.index(part)] = close[0]
        hint = f"did you mean `{'.'.join(parts)}`?"
    return Problem("unknown column", location=name, hint=hint)


def column(name: str) -> Column:
    """Resolve a header to the field it fills; raise :class:`CaseError` if there is none."""
    parts = name.strip().split(".")
    model: type[BaseModel] = Case
    path: list[str | int] = []
    i = 0
    while i < len(parts):
        part = parts[i]
        annotation = _fields(model).get(part)
        if annotation is None:
            raise CaseError([_unknown(name, part, model)])
        path.append(part)
        annotation = _unwrap(annotation)
        if get_origin(annotation) is dict:  # facts: the rest of the name is the fact's name
            rest = ".".join(parts[i + 1 :])
            if not rest:
                raise CaseError([Problem("name the fact: facts.<name>", location=name)])
            return Column(name, (*path, rest), "fact")
        if get_origin(annotation) is list:
            if i + 1 == len(parts):
                return Column(name, tuple(path), "count")
            index = parts[i + 1]
            if not index.isdigit():
                raise CaseError(
                    [Problem(f"expected an item number after `{part}.`", location=name)]
                )
            path.append(int(index))
            annotation = _unwrap(get_args(annotation)[0])
            i += 1
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
            i += 1
            if i == len(parts):
                raise CaseError([Problem("name a field of this object", location=name)])
            continue
        kind = _leaf(annotation)
        if kind is None or i + 1 != len(parts):
            raise CaseError([_unknown(name, parts[i + 1] if i + 1 < len(parts) else part, model)])
        return Column(name, tuple(path), kind)
    raise CaseError([Problem("empty column name", location=name)])  # pragma: no cover


def _text(cell: str, name: str) -> str:
    if cell.startswith('"'):
        try:
            value = json.loads(cell)
        except json.JSONDecodeError:
            value = None
        if not isinstance(value, str):
            raise CaseError(
                [Problem('a cell starting with `"` must be a JSON string', location=name)]
            )
        return value
    return cell


def _coerce(cell: str, col: Column) -> Any:
    """A non-empty cell as its column's type."""
    low = cell.strip().lower()
    if col.kind in ("str", "date"):
        return _text(cell, col.name)
    if col.kind == "bool":
        if low in _TRUE or low in _FALSE:
            return low in _TRUE
        raise CaseError([Problem("expected true or false", location=col.name)])
    if col.kind in ("int", "count"):
        if _INT.fullmatch(low) and not (col.kind == "count" and low.startswith("-")):
            return int(low)
        what = "the number of items" if col.kind == "count" else "a whole number"
        raise CaseError([Problem(f"expected {what}", location=col.name)])
    if col.kind == "float":
        if _FLOAT.fullmatch(low) and math.isfinite(float(low)):
            return float(low)
        raise CaseError([Problem("expected a number", location=col.name)])
    # A fact: its type is declared by the ruleset, so read the cell by its look.
    if cell.startswith('"'):
        return _text(cell, col.name)
    if low in ("true", "false"):
        return low == "true"
    if _INT.fullmatch(low):
        return int(low)
    if _FLOAT.fullmatch(low) and math.isfinite(float(low)):
        return float(low)
    return cell


_COUNT = "#count"


def _listify(node: dict[Any, Any], name: str) -> list[Any]:
    count = node.pop(_COUNT, None)
    indexes = sorted(k for k in node if isinstance(k, int))
    size = count if count is not None else (indexes[-1] + 1 if indexes else 0)
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
                value = _coerce(cell, col)
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
        ambiguous = ambiguous or low in ("true", "false") or bool(_FLOAT.fullmatch(low))
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
