"""The committed reference pages (docs/reference/) are what `eligibility docs` renders from the
shipped rulesets, byte for byte, and every relative link in them, in the README and in docs/
points at a file (and, inside the generated pages, at an anchor) that exists."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from markdown_it import MarkdownIt

from eligibility.docgen import compare_reference, render_reference
from tests.conftest import ROOT

REFERENCE = ROOT / "docs" / "reference"
LINK = re.compile(r"\]\(([^)\s]+)\)")
ANCHOR = re.compile(r'<a id="([^"]+)"></a>')
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    """The pages as rendered now from the shipped rulesets, for docs/reference/."""
    return render_reference(ROOT / "rulesets", REFERENCE)


def test_committed_reference_pages_are_fresh(rendered: dict[str, str]) -> None:
    """docs/reference/ matches a fresh rendering; otherwise the message says what to run."""
    staleness = compare_reference(REFERENCE, rendered)
    assert not staleness, (
        "docs/reference/ is stale: run `eligibility docs` from the repository root and commit "
        "the result.\n  " + "\n  ".join(staleness.describe())
    )


def test_rendering_is_deterministic(rendered: dict[str, str]) -> None:
    """Rendering twice gives the same bytes (no timestamps, no unordered sets)."""
    assert rendered == render_reference(ROOT / "rulesets", REFERENCE)


def _links(page: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    text = re.sub(r"`[^`\n]*`", "", text)  # a code span is not a link
    return [t for t in LINK.findall(text) if not re.match(r"^[a-z]+:", t)]


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_relative_links_resolve(page: Path) -> None:
    """Every relative link points at an existing file; links into a generated page (or within
    one) point at an anchor that page defines."""
    broken = []
    for target in _links(page):
        path_part, _, fragment = target.partition("#")
        path = (page.parent / unquote(path_part)).resolve() if path_part else page
        if not path.exists():
            broken.append(target)
            continue
        generated = path.suffix == ".md" and path.parent == REFERENCE
        if fragment and generated and fragment not in ANCHOR.findall(path.read_text("utf-8")):
            broken.append(target)
    assert [] == broken


def test_every_ruleset_page_is_linked_from_its_jurisdiction_page(
    rendered: dict[str, str],
) -> None:
    """A reader of a hand-written jurisdiction page finds the full generated reference."""
    guides = "".join(p.read_text("utf-8") for p in (ROOT / "docs" / "jurisdictions").glob("*.md"))
    pages = [n for n in rendered if n not in ("README.md", "comparison.md")]
    assert [] == [n for n in pages if f"](../reference/{n})" not in guides]


GENERATED = sorted(REFERENCE.glob("*.md"))


@pytest.mark.parametrize("page", GENERATED, ids=[p.name for p in GENERATED])
def test_generated_pages_parse_as_intended(page: Path) -> None:
    """As CommonMark with GitHub tables: every table is a table, every formal condition is a
    code block, and no numbered list is broken apart by a criterion's collapsed condition."""
    text = page.read_text("utf-8")
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    assert len(re.findall(r"^\|---", text, re.M)) == html.count("<table>")
    assert text.count("<summary>formal condition</summary>") == html.count("<pre>")
    assert [] == re.findall(r'<ol start="\d+"', html)
    anchors = ANCHOR.findall(text)
    assert sorted(anchors) == sorted(set(anchors))
