"""The messy-records corpus: citations and substance names as court, police and prosecution
records write them, each read the way the law means it (tests/fixtures/records/*.yaml).

An entry marked ``xfail`` names a reading the engine still gets wrong; the mark is strict, so
the entry fails the suite as soon as the engine reads it right and the mark must go.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest
import yaml

from eligibility import Registry
from eligibility._model import Ruleset
from tests.conftest import FIXTURES

CORPUS = FIXTURES / "records"


@dataclass(frozen=True)
class Expected:
    """One corpus entry: what a record says and how it must be read."""

    jurisdiction: str
    ruleset: str
    text: str
    kind: str | None
    rows: tuple[str, ...] | None
    xfail: str | None

    @property
    def id(self) -> str:
        """A print-friendly test id: jurisdiction and the text in ASCII."""
        ascii_text = unicodedata.normalize("NFKD", self.text).encode("ascii", "ignore").decode()
        return f"{self.jurisdiction}:{re.sub(r'[^A-Za-z0-9.()&/-]+', '_', ascii_text) or '_'}"


def _load(name: str) -> list[dict[str, Any]]:
    data = yaml.safe_load((CORPUS / name).read_text(encoding="utf-8"))
    groups: list[dict[str, Any]] = data["groups"]
    return groups


def citation_entries() -> list[Expected]:
    """Every citation of the corpus."""
    return [
        Expected(
            g["jurisdiction"],
            g["ruleset"],
            str(e["text"]),
            str(e["kind"]),
            tuple(e["rows"]),
            e.get("xfail"),
        )
        for g in _load("citations.yaml")
        for e in g["entries"]
    ]


def substance_entries() -> list[Expected]:
    """Every substance spelling of the corpus; ``kind`` is the name it must read as."""
    return [
        Expected(g["jurisdiction"], g["ruleset"], str(e["text"]), e["name"], None, e.get("xfail"))
        for g in _load("substances.yaml")
        for e in g["entries"]
    ]


def _params(entries: list[Expected]) -> list[Any]:
    return [
        pytest.param(
            e,
            id=e.id,
            marks=[pytest.mark.xfail(reason=e.xfail, strict=True)] if e.xfail else [],
        )
        for e in entries
    ]


_QUALIFIER = {"de": "vermutlich", "pt": "suspeita"}
"""A qualifier a record adds in parentheses, in the record's language (else English)."""


def citation_variants(entry: Expected) -> list[tuple[str, str]]:
    """Spellings of the same citation a record could equally write: any case, loose spacing."""
    text = entry.text
    return [
        ("upper", text.upper()),
        ("lower", text.lower()),
        ("spaced", "  " + text.replace(" ", "  ") + " "),
    ]


def substance_variants(entry: Expected) -> list[tuple[str, str]]:
    """Spellings of the same substance a record could equally write: any case, loose spacing,
    a trailing full stop, and a qualifier in parentheses that names no substance."""
    text = entry.text
    found = [
        ("upper", text.upper()),
        ("lower", text.lower()),
        ("capitalised", text[:1].upper() + text[1:]),
        ("spaced", "  " + text.replace(" ", "  ") + " "),
        ("full-stop", text + "."),
    ]
    if "(" not in text:
        found.append(("qualified", f"{text} ({_QUALIFIER.get(entry.jurisdiction, 'suspected')})"))
    return found


def _variant_params(
    entries: list[Expected], variants: Callable[[Expected], list[tuple[str, str]]]
) -> list[Any]:
    # An entry the engine still misreads has no variants: its base form carries the xfail.
    return [
        pytest.param(replace(e, text=text), id=f"{e.id}~{how}")
        for e in entries
        if not e.xfail
        for how, text in variants(e)
    ]


CITATIONS = citation_entries()
SUBSTANCES = substance_entries()


def ruleset(registry: Registry, jurisdiction: str, ruleset_id: str) -> Ruleset:
    """The newest version of ``ruleset_id`` in ``jurisdiction``."""
    found: Ruleset = registry.by_jurisdiction[jurisdiction][ruleset_id][0]
    return found


@pytest.mark.parametrize("entry", _params(CITATIONS))
def test_a_recorded_citation_reads_as_the_law_means_it(
    entry: Expected, reference_registry: Registry
) -> None:
    """The reading's kind and the table rows it names are those the record legally means."""
    table = ruleset(reference_registry, entry.jurisdiction, entry.ruleset).statutes
    reading = table.read(entry.text)
    assert (entry.kind, entry.rows) == (reading.kind, reading.rows)


@pytest.mark.parametrize("entry", _variant_params(CITATIONS, citation_variants))
def test_a_citation_reads_the_same_in_any_case_and_spacing(
    entry: Expected, reference_registry: Registry
) -> None:
    """Upper or lower case and loose spacing never change what a citation is read as."""
    table = ruleset(reference_registry, entry.jurisdiction, entry.ruleset).statutes
    reading = table.read(entry.text)
    assert (entry.kind, entry.rows) == (reading.kind, reading.rows)


@pytest.mark.parametrize(
    "entry", _params(SUBSTANCES) + _variant_params(SUBSTANCES, substance_variants)
)
def test_a_recorded_substance_reads_as_the_name_the_rules_use(
    entry: Expected, reference_registry: Registry
) -> None:
    """A record's spelling of a substance reads as the jurisdiction's name for it, and a name
    the vocabulary does not know stays unknown (``None``) rather than matching a near one."""
    substances = ruleset(reference_registry, entry.jurisdiction, entry.ruleset).substances
    assert entry.kind == substances.read(entry.text).name


def test_the_corpus_covers_every_shipped_jurisdiction(reference_registry: Registry) -> None:
    """Every jurisdiction the registry ships has citations and substances in the corpus."""
    shipped = set(reference_registry.by_jurisdiction)
    assert shipped == {e.jurisdiction for e in CITATIONS}
    assert shipped == {e.jurisdiction for e in SUBSTANCES}


def test_the_corpus_has_the_size_the_issue_asks_for(reference_registry: Registry) -> None:
    """At least 400 hand-written citations, and 150 substance spellings per jurisdiction once
    each is written the ways records vary it (a jurisdiction whose rules name no substance,
    such as US-NY, has only a few, all of which must stay unknown)."""
    assert len(CITATIONS) >= 400
    per_jurisdiction: dict[str, int] = {}
    for e in SUBSTANCES:
        if ruleset(reference_registry, e.jurisdiction, e.ruleset).substances.names:
            per_jurisdiction[e.jurisdiction] = (
                per_jurisdiction.get(e.jurisdiction, 0) + 1 + len(substance_variants(e))
            )
    assert {j: n for j, n in per_jurisdiction.items() if n < 150} == {}
