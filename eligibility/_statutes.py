"""Matching statute citations as courts record them to a ruleset's canonical offence codes.

Court records spell the same provision many ways: ``H&S 11350(a)``, ``HS 11350``,
``11350(a) HS``, ``Health and Safety Code § 11350``. A citation is read as
*family + section + subdivisions*; the family is mapped through the ruleset's
``statute_families`` spellings, and a citation with more subdivisions than the table lists
matches the closest listed ancestor (``HSC 11350(a)`` → ``HSC 11350``), never a sibling.
Whole-string aliases (spaces and punctuation ignored) are tried first for codes that do not
follow that shape, such as ``§ 29 Abs. 1 Nr. 3 BtMG``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

_SECTION = re.compile(
    r"(\d+(?:\.\d+)?(?:-[A-Z]{1,3}\b)?)([A-Z]?)(?![A-Z0-9])((?:\s*\([A-Z0-9]{1,4}\))*)"
)
_SUBS = re.compile(r"\(([A-Z0-9]{1,4})\)")
_NOISE = re.compile(r"\b(SECTIONS?|SECTS?|SEC|SS|ART|ARTICLE)\b\.?")
_SECTION_S = re.compile(r"\bS\.?\s*(?=\d)")
"""A bare "s" or "s." before a number means "section" (``s 10(1) DMTA``); it is dropped only
when the citation cannot be read with it, since ``H & S 11350`` is a family."""


def squash(text: str) -> str:
    """Uppercase letters and digits only: the key used for whole-string aliases and families."""
    return re.sub(r"[^A-Z0-9]", "", text.upper())


@dataclass(frozen=True)
class Citation:
    """A parsed statute citation."""

    family: str
    section: str
    subdivisions: tuple[str, ...]


def parse_citation(text: str, families: Mapping[str, str]) -> Citation | None:
    """Parse ``text``; ``families`` maps squashed spellings to canonical family names.

    Each number in the text is tried as the section, with the words before it (or, when there
    are none, the first word after it) as the family: ``21 U.S.C. § 841(b)`` is family
    ``21 U.S.C.`` and section 841 when the ruleset spells the family that way. Returns ``None``
    unless the family is one of ``families``: a citation whose code family cannot be identified
    is never matched by its section number alone."""
    upper = _NOISE.sub(" ", text.upper().replace("§", " "))
    found = _parse(upper, families)
    if found is None and _SECTION_S.search(upper):
        found = _parse(_SECTION_S.sub(" ", upper), families)
    return found


def _parse(upper: str, families: Mapping[str, str]) -> Citation | None:
    for match in _SECTION.finditer(upper):
        before = squash(upper[: match.start()])
        after_words = re.findall(r"[A-Z&.]+", upper[match.end() :].split("-")[0].split(":")[0])
        family_raw = before or (squash(after_words[0]) if after_words else "")
        family = families.get(family_raw)
        if family is not None:
            subs = ([match.group(2)] if match.group(2) else []) + _SUBS.findall(match.group(3))
            return Citation(family, match.group(1), tuple(subs))
    return None


_SEEN_MAX = 16_384
"""Recorded spellings remembered per table (parsing one costs tens of microseconds)."""


class StatuteTable:
    """Looks up canonical offence codes for recorded citations."""

    def __init__(
        self, codes: Iterable[tuple[str, Iterable[str]]], families: Mapping[str, Iterable[str]]
    ) -> None:
        self.families: dict[str, str] = {}
        for canonical, spellings in families.items():
            for spelling in [canonical, *spellings]:
                self.families[squash(spelling)] = canonical
        self.by_alias: dict[str, str] = {}
        self.by_citation: dict[Citation, str] = {}
        self.codes: list[str] = []
        self._seen: dict[str, str | None] = {}
        for code, aliases in codes:
            self.codes.append(code)
            for alias in [code, *aliases]:
                self.by_alias.setdefault(squash(alias), code)
                cite = parse_citation(alias, self.families)
                if cite is not None:
                    self.by_citation.setdefault(cite, code)

    def lookup(self, recorded: str) -> str | None:
        """Return the canonical code for ``recorded``, or ``None`` if the table lacks it."""
        try:
            return self._seen[recorded]
        except KeyError:
            pass
        code = self._lookup(recorded)
        if len(self._seen) >= _SEEN_MAX:  # bounded: a stream of odd spellings cannot grow it
            self._seen.clear()
        self._seen[recorded] = code
        return code

    def _lookup(self, recorded: str) -> str | None:
        code = self.by_alias.get(squash(recorded))
        if code is not None:
            return code
        cite = parse_citation(recorded, self.families)
        if cite is None:
            return None
        subs = cite.subdivisions
        while True:
            code = self.by_citation.get(Citation(cite.family, cite.section, subs))
            if code is not None:
                return code
            if not subs:
                return None
            subs = subs[:-1]

    def suggestions(self, recorded: str, n: int = 3) -> list[str]:
        """The table's codes that look most like ``recorded``."""
        by_key = {squash(c): c for c in self.codes}
        close = difflib.get_close_matches(squash(recorded), list(by_key), n=n, cutoff=0.5)
        return [by_key[c] for c in close]
