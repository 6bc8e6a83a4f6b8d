"""A ruleset's statute table, read the way records cite it.

Each recorded citation gets a :class:`Reading`: the table row it names (exactly, or as a
sub-level whose attributes the jurisdiction declares shared with the row), the rows it could
name (a citation without the sub-level that decides), or nothing (a provision outside the
table, a code the jurisdiction does not know). Attributes that are not read are *unknown* —
never false — and the reading says what would settle them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from eligibility.records.citations import Cited, Part, read_citation

ATTRIBUTES = ("category", "class", "drug_related")
"""The attributes a statute-table row gives a charge or prior."""

Kind = Literal["exact", "shared", "ambiguous", "not_in_table", "unreadable"]


def squash(text: str) -> str:
    """Uppercase letters and digits only: the key for code families."""
    return re.sub(r"[^A-Z0-9]", "", text.upper())


_SECTION_MARK = re.compile(r"§+|\b(?:SECTIONS?|SECTS?|SECS?|SS?)\b\.?")


def alias_key(text: str) -> str:
    """The key for whole-string aliases: letters, digits and parentheses, every section mark
    written `§`. Parentheses stay, so ``23(1A)`` and ``23(1)(a)`` never meet."""
    return re.sub(r"[^A-Z0-9()§]", "", _SECTION_MARK.sub("§", text.upper()))


@dataclass(frozen=True)
class Row:
    """A statute-table row: canonical code, title and the attributes it gives."""

    code: str
    title: str
    attributes: Mapping[str, str | bool | None]


@dataclass(frozen=True)
class Sharing:
    """A declaration that the sub-levels of a provision share attributes.

    ``inherit`` names attributes a sub-level takes from the row it sits under (``all`` makes the
    sub-level that row's offence); ``values`` states attributes every sub-level has, for a
    provision the table lists only by its sub-levels (every offence of BtMG § 29 is a
    Vergehen)."""

    family: str
    section: str
    levels: tuple[str, ...]
    inherit: tuple[str, ...] | Literal["all"] = ()
    values: Mapping[str, str | bool] = field(default_factory=dict)
    because: str = ""
    complete: bool = False
    """The table lists every sub-level of the provision, so a record that names only the
    provision is read under exactly those rows."""
    same_offence_as: tuple[str, ...] = ()
    """Rows of the offence(s) this provision belongs to: a penalty subsection read as the
    offence it punishes (CDSA s. 4(3) punishes s. 4(1))."""


@dataclass(frozen=True)
class Together:
    """Provisions cited together as one offence, read as ``read_as``."""

    provisions: frozenset[tuple[str | None, str]]
    read_as: tuple[str, str]
    because: str = ""


@dataclass(frozen=True)
class Reading:
    """How one recorded citation was read against the table."""

    recorded: str
    kind: Kind
    rows: tuple[str, ...]
    """The row codes it reads as: one when read, several when ambiguous, none otherwise."""
    offense: str | None
    attributes: Mapping[str, str | bool]
    """Attributes known from the reading; the rest are unknown."""
    cited: str
    """What was read, e.g. ``BtMG 29A(1)(2)`` (empty when unreadable)."""
    because: str = ""
    readings: tuple[tuple[str, Mapping[str, str | bool]], ...] = ()
    """For an ambiguous record whose possible readings are all known (alternatives the record
    names, or every sub-level of a provision the table lists completely): each reading's
    offence code and attributes, so a measure can be decided when every reading agrees."""


_Key = tuple[str, str, tuple[str, ...]]


class StatuteTable:
    """Looks up recorded citations in one ruleset's offence table."""

    _SEEN_MAX = 16_384
    """Recorded spellings remembered (reading one costs tens of microseconds)."""

    def __init__(
        self,
        rows: Iterable[tuple[Row, Sequence[str]]],
        families: Mapping[str, Iterable[str]],
        prefixes: Iterable[str] = (),
        ignore: Iterable[str] = (),
        sharing: Iterable[Sharing] = (),
        letter_suffix_may_be_subdivision: bool = False,
        together: Iterable[Together] = (),
    ) -> None:
        self.families = {k: tuple(v) for k, v in families.items()}
        self.prefixes = tuple(prefixes)
        self.ignore = tuple(ignore)
        self.sharing = tuple(sharing)
        self.letter_fallback = letter_suffix_may_be_subdivision
        self.together = tuple(together)
        self.prefix_keys = sorted(
            {alias_key(p) for p in self.prefixes if alias_key(p)}, key=len, reverse=True
        )
        self.rows: dict[str, Row] = {}
        self.by_alias: dict[str, str] = {}
        self.by_key: dict[_Key, str] = {}
        self.sections: dict[tuple[str, str], list[tuple[tuple[str, ...], str]]] = {}
        self._seen: dict[str, Reading] = {}
        for row, aliases in rows:
            self.rows[row.code] = row
            for alias in (row.code, *aliases):
                self.by_alias.setdefault(alias_key(alias), row.code)
                for part in self._single_parts(alias):
                    key = (part.family or "", part.section, part.levels)
                    if key not in self.by_key:
                        self.by_key[key] = row.code
                        self.sections.setdefault(key[:2], []).append((part.levels, row.code))

    @property
    def codes(self) -> list[str]:
        """The table's canonical codes, in table order."""
        return list(self.rows)

    def _single_parts(self, alias: str) -> list[Part]:
        cited = self._read(alias)
        if len(cited.alternatives) != 1 or len(cited.alternatives[0]) != 1:
            return []  # ``§§ 242, 243 StGB`` is an alias as a whole, not a key
        part = cited.alternatives[0][0]
        return [part] if part.family else []

    def _read(self, text: str) -> Cited:
        return read_citation(text, self.families, self.prefixes, self.ignore)

    def read(self, recorded: str) -> Reading:
        """Read ``recorded`` (memoised, bounded)."""
        try:
            return self._seen[recorded]
        except KeyError:
            pass
        reading = self._reading(recorded)
        if len(self._seen) >= self._SEEN_MAX:
            self._seen.clear()
        self._seen[recorded] = reading
        return reading

    def lookup(self, recorded: str) -> str | None:
        """The row code ``recorded`` reads as, or ``None`` when it is not read as one row."""
        return self.read(recorded).offense

    def _reading(self, recorded: str) -> Reading:
        code = self._alias(recorded)
        if code is not None:
            return self._exact(recorded, code, code)
        cited = read_citation(recorded, self.families, self.prefixes, self.ignore)
        together = self._together(cited.alternatives)
        if together is not None:
            cited = together
        readings: list[Reading] = []
        if cited.unread and not cited.alternatives:
            return Reading(recorded, "unreadable", (), None, {}, "")
        for parts in cited.alternatives:
            readings.append(self._conjunction(recorded, parts))
        if not readings:
            return Reading(recorded, "unreadable", (), None, {}, "")
        if len(readings) == 1:
            return readings[0]
        return _merge(recorded, readings)

    def _alias(self, recorded: str) -> str | None:
        """A whole-string alias, also behind a jurisdiction prefix (``N.Y. CPCS 7th``)."""
        key = alias_key(recorded)
        code = self.by_alias.get(key)
        if code is None:
            for prefix in self.prefix_keys:
                if key.startswith(prefix) and len(key) > len(prefix):
                    code = self.by_alias.get(key[len(prefix) :])
                    if code is not None:
                        break
        return code

    def _together(self, alternatives: tuple[tuple[Part, ...], ...]) -> Cited | None:
        """Provisions the jurisdiction declares are cited together as one offence
        (``PC 459/460(b)``: burglary and its degree) are read as the one they name."""
        parts = [p for alt in alternatives for p in alt]
        if len(parts) < 2:
            return None
        cited = {(p.family, p.section) for p in parts}
        for pair in self.together:
            if len(cited) > 1 and cited <= pair.provisions:
                chosen = [p for p in parts if (p.family, p.section) == pair.read_as]
                if not chosen:
                    chosen = [Part(pair.read_as[0], pair.read_as[1], ())]
                best = max(chosen, key=lambda p: len(p.levels))
                return Cited(((best,),))
        return None

    def _conjunction(self, recorded: str, parts: tuple[Part, ...]) -> Reading:
        """Parts cited together: an offence and its penalty tier read as the most specific row
        among them (``841(a)(1), (b)(1)(A)`` is the (b)(1)(A) tier); parts naming different
        rows of different sections are read under each."""
        found = [self._part(recorded, p) for p in parts]
        if len(found) == 1:
            return found[0]
        read = [r for r in found if r.kind in {"exact", "shared"}]
        same_section = len({(p.family, p.section) for p in parts}) == 1
        if same_section and read:
            return max(read, key=lambda r: (r.cited.count("("), r.kind == "exact"))
        if len({r.offense for r in found}) == 1 and found[0].offense is not None:
            return found[0]
        return _merge(recorded, found)

    def _part(self, recorded: str, part: Part) -> Reading:
        if part.family is None:
            return Reading(recorded, "unreadable", (), None, {}, part.text())
        key: _Key = (part.family, part.section, part.levels)
        code = self.by_key.get(key)
        if code is not None:
            return self._exact(recorded, code, part.text())
        if (
            self.letter_fallback
            and part.section[-1:].isalpha()
            and (part.family, part.section) not in self.sections
        ):
            # ``11357b`` in a California record is subdivision (b) of § 11357.
            fallback = Part(
                part.family,
                part.section.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
                (part.section[-1], *part.levels),
            )
            if (fallback.family, fallback.section) in self.sections:
                return self._part(recorded, fallback)
        rows = self.sections.get((part.family, part.section), [])
        ancestor = max(
            (
                (lv, c)
                for lv, c in rows
                if part.levels[: len(lv)] == lv and len(lv) < len(part.levels)
            ),
            key=lambda x: len(x[0]),
            default=None,
        )
        below = sorted({c for lv, c in rows if lv[: len(part.levels)] == part.levels})
        decl = self._declaration(part)
        if decl is not None and decl.section != "*" and decl.same_offence_as:
            codes = [c for c in decl.same_offence_as if c in self.rows]
            if len(codes) == 1:
                return self._as_row(recorded, codes[0], part, decl.because)
            if codes:
                return _merge(
                    recorded,
                    [self._exact(recorded, c, part.text()) for c in codes],
                )
        if ancestor is not None and decl is not None and (decl.inherit or decl.values):
            row = self.rows[ancestor[1]]
            if decl.inherit == "all":
                return self._as_row(recorded, row.code, part, decl.because)
            attrs = {a: v for a, v in _known(row.attributes).items() if a in decl.inherit}
            attrs.update(decl.values)
            return Reading(recorded, "shared", (row.code,), None, attrs, part.text(), decl.because)
        values = dict(decl.values) if decl is not None else {}
        because = decl.because if decl is not None and decl.values else ""
        if decl is not None and decl.section != "*" and not decl.inherit and not decl.values:
            # Declared to share nothing with the provision above it (21 U.S.C. § 841(b)(4)).
            return Reading(recorded, "not_in_table", (), None, {}, part.text(), decl.because)
        if below:
            readings: tuple[tuple[str, Mapping[str, str | bool]], ...] = ()
            if decl is not None and decl.complete and decl.section != "*":
                readings = tuple((c, self.attributes_of(c)) for c in below)
            return Reading(
                recorded, "ambiguous", tuple(below), None, values, part.text(), because, readings
            )
        if ancestor is not None:
            return Reading(
                recorded, "ambiguous", (ancestor[1],), None, values, part.text(), because
            )
        return Reading(recorded, "not_in_table", (), None, values, part.text(), because)

    def _declaration(self, part: Part) -> Sharing | None:
        best: Sharing | None = None
        rank = -2
        for s in self.sharing:
            if s.family != part.family:
                continue
            if s.section == "*":
                r = -1  # a code-wide declaration yields to one about the provision itself
            elif s.section == part.section and part.levels[: len(s.levels)] == s.levels:
                r = len(s.levels)
            else:
                continue
            if r > rank:
                best, rank = s, r
        return best

    def _as_row(self, recorded: str, code: str, part: Part, because: str) -> Reading:
        """``part`` read as row ``code``'s offence, as a declaration says (``because``)."""
        row = self.rows[code]
        return Reading(
            recorded, "shared", (code,), code, _known(row.attributes), part.text(), because
        )

    def _exact(self, recorded: str, code: str, cited: str) -> Reading:
        row = self.rows[code]
        return Reading(recorded, "exact", (code,), code, _known(row.attributes), cited)

    def attributes_of(self, code: str) -> Mapping[str, str | bool]:
        """The known attributes of row ``code``."""
        return _known(self.rows[code].attributes)

    def suggestions(self, recorded: str, n: int = 3) -> list[str]:
        """The table's codes that look most like ``recorded``."""
        by_key = {squash(c): c for c in self.rows}  # loose on purpose: a did-you-mean
        close = difflib.get_close_matches(squash(recorded), list(by_key), n=n, cutoff=0.5)
        return [by_key[c] for c in close]


def _known(attrs: Mapping[str, str | bool | None]) -> dict[str, str | bool]:
    return {k: v for k, v in attrs.items() if v is not None}


def _merge(recorded: str, readings: Sequence[Reading]) -> Reading:
    """Every reading at once: an attribute is known when every reading knows it alike."""
    rows = tuple(dict.fromkeys(c for r in readings for c in r.rows))
    attrs: dict[str, str | bool] = {}
    first = readings[0].attributes
    for name, value in first.items():
        if all(r.attributes.get(name) == value for r in readings[1:]):
            attrs[name] = value
    offenses = {r.offense for r in readings}
    offense = offenses.pop() if len(offenses) == 1 else None
    cited = " / ".join(r.cited for r in readings)
    every: list[tuple[str, Mapping[str, str | bool]]] = []
    for r in readings:
        if r.kind in {"exact", "shared"} and r.offense is not None:
            every.append((r.offense, r.attributes))
        elif r.readings:
            every.extend(r.readings)
        else:
            every = []  # one alternative cannot be read: the readings are not all known
            break
    unique = tuple(dict.fromkeys((c, tuple(sorted(a.items()))) for c, a in every))
    return Reading(
        recorded,
        "ambiguous",
        rows,
        offense,
        attrs,
        cited,
        readings=tuple((c, dict(a)) for c, a in unique) if len(unique) > 1 else (),
    )
