"""The CSV convention: dotted columns, empty = unknown, typed cells, and an exact round trip."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eligibility import Registry, parse_case
from eligibility.batch import CsvLayout, flatten_case
from eligibility.case import Case
from eligibility.errors import CaseError
from tests.conftest import ROOT
from tests.strategies import any_case

EXAMPLES = [
    json.loads(line) for line in (ROOT / "docs/examples/batch/cases.jsonl").read_text().splitlines()
]


def _through_csv(documents: list[dict[str, Any]]) -> list[Case]:
    """Write documents as CSV text with the union of their columns, read them back as cases."""
    rows = [flatten_case(d) for d in documents]
    header = list(dict.fromkeys(k for row in rows for k in row))
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows([row.get(k, "") for k in header] for row in rows)
    reader = csv.reader(io.StringIO(text.getvalue()))
    layout = CsvLayout.from_header(next(reader))
    return [layout.case(cells) for cells in reader]


def _problems(header: list[str], cells: list[str] | None = None) -> list[str]:
    try:
        layout = CsvLayout.from_header(header)
        if cells is not None:
            layout.case(cells)
    except CaseError as exc:
        return [p.render() for p in exc.problems]
    return []


def test_every_example_case_survives_the_trip_through_csv() -> None:
    """JSON case → CSV row → the same Case, for the example case of every jurisdiction."""
    assert [parse_case(d) for d in EXAMPLES] == _through_csv(EXAMPLES)


def test_columns_are_dotted_paths_with_item_numbers_and_list_sizes() -> None:
    row = flatten_case(next(d for d in EXAMPLES if d["jurisdiction"] == "US-CA"))
    assert "1994-07-09" == row["person.birth_date"]
    assert "H&S 11377(a)" == row["charges.0.statute"]
    assert "0.8" == row["charges.0.quantity.value"]
    assert "misdemeanor" == row["charges.0.class"]
    assert "true" == row["priors.0.felony"]
    assert "true" == row["facts.waives_speedy_trial_rights"]
    assert ("1", "1") == (row["charges"], row["priors"])


def test_an_empty_cell_is_unknown_and_a_zero_count_is_none() -> None:
    layout = CsvLayout.from_header(["case_id", "jurisdiction", "consent", "priors"])
    unknown = layout.case(["a", "US-CA", "", ""])
    none = layout.case(["a", "US-CA", "no", "0"])
    assert (None, None) == (unknown.consent, unknown.priors)
    assert (False, []) == (none.consent, none.priors)


def test_a_count_keeps_items_with_nothing_known() -> None:
    layout = CsvLayout.from_header(["case_id", "jurisdiction", "priors", "priors.1.felony"])
    case = layout.case(["a", "US-CA", "2", "true"])
    assert case.priors is not None
    assert [None, True] == [p.felony for p in case.priors]


def test_quoted_cells_keep_text_that_looks_like_something_else() -> None:
    layout = CsvLayout.from_header(["case_id", "jurisdiction", "facts.code", "facts.n", "facts.b"])
    case = layout.case(["a", "US-CA", '"12"', "12", "TRUE"])
    assert {"code": "12", "n": 12, "b": True} == case.facts


@pytest.mark.parametrize(
    ("header", "cells", "expected"),
    [
        (["chrges.0.statute"], None, "error: chrges.0.statute: unknown column (hint: did you mean `charges.0.statute`?)"),
        (["charges.first.statute"], None, "error: charges.first.statute: expected an item number after `charges.`"),
        (["person"], None, "error: person: name a field of this object"),
        (["case_id", "case_id"], None, "error: case_id: repeated column"),
        (["case_id", "jurisdiction", "consent"], ["a", "US-CA", "maybe"], "error: consent: expected true or false"),
        (["case_id", "jurisdiction", "charges.0.quantity.value", "charges.0.quantity.unit"], ["a", "US-CA", "lots", "g"], "error: charges.0.quantity.value: expected a number"),
        (["case_id", "jurisdiction", "charges.0.quantity.value", "charges.0.quantity.unit"], ["a", "US-CA", "-1", "g"], "error: charges.0.quantity.value: Input should be greater than or equal to 0"),
        (["case_id", "jurisdiction", "offense_date"], ["a", "US-CA", "2024-02-30"], "error: offense_date: expected a date as YYYY-MM-DD: February has 29 days in 2024, so 2024-02-30 does not exist"),
        (["case_id", "jurisdiction", "priors"], ["a", "US-CA", "-2"], "error: priors: expected the number of items"),
        (["case_id", "jurisdiction", "priors.1.felony"], ["a", "US-CA", "true"], "error: priors.0: item 0 has no cell filled but a later item has (hint: number items from 0 without gaps, or give the number of items in a `priors` column)"),
        (["case_id", "jurisdiction", "priors", "priors.1.felony"], ["a", "US-CA", "1", "true"], "error: priors.1: item 1 is given but the list has 1 item(s) (hint: raise the number in the `priors` column or leave it empty)"),
        (["case_id", "jurisdiction"], ["a"], "error: the row has 1 cell(s) but the header has 2"),
    ],
)  # fmt: skip
def test_bad_columns_and_cells_are_named(
    header: list[str], cells: list[str] | None, expected: str
) -> None:
    assert [expected] == _problems(header, cells)


TRICKY_TEXT = st.sampled_from(["", '"quoted"', "12", "true", " spaced ", "a,b\nc", "é ✓"])


@st.composite
def _tricky(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    """Add text that a naive CSV reading would turn into something else."""
    doc = dict(base)
    if doc.get("charges"):
        charges = [dict(c) for c in doc["charges"]]
        charges[0]["description"] = draw(TRICKY_TEXT)
        doc["charges"] = charges
    doc["facts"] = {**doc.get("facts", {}), "note": draw(TRICKY_TEXT), "ratio": 0.5}
    return doc


def _without_empty_objects(doc: Any) -> Any:
    """``"person": {}`` says no more than no person: the CSV convention leaves it out."""
    if isinstance(doc, dict):
        return {
            k: _without_empty_objects(v) for k, v in doc.items() if not (v == {} and k != "facts")
        }
    if isinstance(doc, list):
        return [_without_empty_objects(v) if v != {} else v for v in doc]
    return doc


@pytest.mark.parametrize("jurisdiction", ["us-ca", "pt"])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_cases_survive_the_trip_through_csv(
    reference_registry: Registry, jurisdiction: str, data: st.DataObject
) -> None:
    """Any case (fields dropped at every level, tricky text) reads back from CSV unchanged."""
    docs = [
        data.draw(any_case(reference_registry, jurisdiction).flatmap(_tricky)) for _ in range(2)
    ]
    assert [parse_case(_without_empty_objects(d)) for d in docs] == _through_csv(docs)
