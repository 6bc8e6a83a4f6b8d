"""Columns of the CSV convention: a header name resolved to a case field, and cells read as its type.

See :mod:`eligibility.batch.flatten` for the convention itself.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
import types
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from eligibility.case import Case
from eligibility.errors import CaseError, Problem
from eligibility.limits import current, env_name

Kind = Literal["str", "bool", "int", "float", "date", "fact", "count"]
_TRUE = {"true", "yes", "1", "t", "y"}
_FALSE = {"false", "no", "0", "f", "n"}
_INT = re.compile(r"[+-]?\d+")
FLOAT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


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


def coerce(cell: str, col: Column) -> Any:
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
            return _whole(low, col.name)
        what = "the number of items" if col.kind == "count" else "a whole number"
        raise CaseError([Problem(f"expected {what}", location=col.name)])
    if col.kind == "float":
        if FLOAT.fullmatch(low) and math.isfinite(float(low)):
            return float(low)
        raise CaseError([Problem("expected a number", location=col.name)])
    # A fact: its type is declared by the ruleset, so read the cell by its look.
    if cell.startswith('"'):
        return _text(cell, col.name)
    if low in ("true", "false"):
        return low == "true"
    if _INT.fullmatch(low):
        return _whole(low, col.name)
    if FLOAT.fullmatch(low) and math.isfinite(float(low)):
        return float(low)
    return cell


def _whole(text: str, location: str) -> int:
    """A whole number within the ``integer_digits`` limit (Python refuses to read one of
    4,301 digits and more, and a long one costs time to read)."""
    digits = len(text.lstrip("+-"))
    limit = current().integer_digits
    if digits > limit:
        raise CaseError(
            [
                Problem(
                    f"a number of {digits:,} digits, beyond the integer digits limit "
                    f"({limit}, {env_name('integer_digits')})",
                    location=location,
                )
            ]
        )
    return int(text)
