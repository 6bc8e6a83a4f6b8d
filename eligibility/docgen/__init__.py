"""``eligibility docs``: the rulesets rendered as Markdown for legal review.

One page per ruleset (every version of it on the same page, side by side, then in full), an
index, and a comparison matrix across jurisdictions. The output is deterministic — sorted, no
timestamps beyond the rulesets' own dates — so a test can tell when the committed pages are
stale::

    pages = render_reference(Path("rulesets"), Path("docs/reference"))
    write_reference(Path("docs/reference"), pages)
    assert not compare_reference(Path("docs/reference"), pages)

Links inside the pages are relative to the folder they are meant for, so render for the folder
the pages will live in.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from eligibility._evaluate import Registry
from eligibility.docgen._matrix import render_index, render_matrix
from eligibility.docgen._page import MARK, render_page
from eligibility.docgen._sources import group

DEFAULT_OUT = Path("docs") / "reference"
"""Where ``eligibility docs`` writes, relative to the current directory."""


@dataclass(frozen=True)
class Staleness:
    """How a folder differs from freshly rendered pages."""

    stale: tuple[str, ...]
    """Pages whose content differs."""
    missing: tuple[str, ...]
    """Pages that should exist and do not."""
    extra: tuple[str, ...]
    """Generated pages that no ruleset produces any more."""

    def __bool__(self) -> bool:
        return bool(self.stale or self.missing or self.extra)

    def describe(self) -> list[str]:
        """One line per kind of difference, naming the files."""
        return [
            f"{label}: {', '.join(names)}"
            for label, names in (
                ("stale", self.stale),
                ("missing", self.missing),
                ("no longer generated", self.extra),
            )
            if names
        ]


def render_reference(rulesets: Path, out: Path) -> dict[str, str]:
    """Load every ruleset under ``rulesets`` and render the pages meant to live in ``out``:
    file name → Markdown text. Raises :class:`~eligibility.errors.RulesetError` listing every
    problem if a ruleset is invalid."""
    registry = Registry.load(rulesets, evaluator="reference")
    docs = group(registry.rulesets)
    base = out.resolve()
    guides = {d.jurisdiction: g for d in docs if (g := _guide(base, d.jurisdiction))}
    howto = base.parent / "generated-docs.md"
    about = _relative(howto, base) if howto.is_file() else None
    pages = {"README.md": render_index(docs, guides, about), "comparison.md": render_matrix(docs)}
    for d in docs:
        files = {v.key: _relative(v.path.resolve(), base) for v in d.versions}
        pages[d.page] = render_page(d, files, guides.get(d.jurisdiction))
    return dict(sorted(pages.items()))


def compare_reference(out: Path, pages: dict[str, str]) -> Staleness:
    """How ``out`` differs from ``pages`` (byte for byte)."""
    stale, missing = [], []
    for name, text in pages.items():
        path = out / name
        if not path.is_file():
            missing.append(name)
        elif path.read_bytes() != text.encode("utf-8"):
            stale.append(name)
    extra = [p.name for p in _generated(out) if p.name not in pages]
    return Staleness(tuple(stale), tuple(missing), tuple(sorted(extra)))


def write_reference(out: Path, pages: dict[str, str]) -> Staleness:
    """Write ``pages`` into ``out`` and remove generated pages no ruleset produces any more
    (files without the generated mark are never touched). Returns what was out of date."""
    before = compare_reference(out, pages)
    out.mkdir(parents=True, exist_ok=True)
    for name in (*before.stale, *before.missing):
        (out / name).write_bytes(pages[name].encode("utf-8"))
    for name in before.extra:
        (out / name).unlink()
    return before


def _generated(out: Path) -> list[Path]:
    if not out.is_dir():
        return []
    found = []
    for path in sorted(out.glob("*.md")):
        with path.open("rb") as fh:
            if fh.readline().decode("utf-8", "replace").rstrip("\n") == MARK:
                found.append(path)
    return found


def _guide(out: Path, jurisdiction: str) -> str | None:
    """The hand-written page for ``jurisdiction`` beside ``out`` (``ca-bc`` falls back to ``ca``)."""
    folder = out.parent / "jurisdictions"
    for name in (jurisdiction, jurisdiction.split("-")[0]):
        if (folder / f"{name}.md").is_file():
            return _relative(folder / f"{name}.md", out)
    return None


def _relative(path: Path, base: Path) -> str:
    try:
        return os.path.relpath(path, base).replace(os.sep, "/")
    except ValueError:  # another drive on Windows: no relative path exists
        return path.as_uri()


__all__ = ["DEFAULT_OUT", "Staleness", "compare_reference", "render_reference", "write_reference"]
