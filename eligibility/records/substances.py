"""Reading substance names as records write them, onto the names a jurisdiction's rules use.

Matching ignores case, accents, punctuation and spacing. A name is tried whole, then without a
parenthesised qualifier (``cannabis (dried flowers)``), then with the qualifier alone
(``ice (methamphetamine)``), then without the words the jurisdiction declares make no legal
difference (salts such as ``hydrochloride``). A name none of these reach is *unknown*: never
read as "not that drug".
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

__all__ = ["SubstanceReading", "Substances", "substance_key"]

_PAREN = re.compile(r"\(([^()]*)\)")


def substance_key(text: str) -> str:
    """Lower case, no accents, punctuation as spaces, single spaces: ``Cocaína (cloridrato)``
    and ``cocaina  cloridrato`` share a key."""
    decomposed = unicodedata.normalize("NFKD", text.replace("Δ", "delta "))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


@dataclass(frozen=True)
class SubstanceReading:
    """How a recorded substance name was read."""

    recorded: str
    kind: Literal["exact", "read", "unknown", "ambiguous"]
    name: str | None
    """The name the rules use, or ``None`` when unknown."""
    how: str = ""
    suggestions: tuple[str, ...] = ()


class Substances:
    """A jurisdiction's substance vocabulary: record spellings → the names its rules use."""

    def __init__(
        self,
        names: Mapping[str, Iterable[str]],
        ignore_words: Iterable[str] = (),
        rule_names: Iterable[str] = (),
    ) -> None:
        self.to_name: dict[str, str] = {}
        self.clashes: list[tuple[str, str, str]] = []
        for name, spellings in names.items():
            for spelling in (name, *spellings):
                key = substance_key(spelling)
                seen = self.to_name.get(key)
                if seen is not None and seen != name:
                    self.clashes.append((spelling, seen, name))
                self.to_name.setdefault(key, name)
        for name in rule_names:
            # A name the rules list is read as itself unless the vocabulary says otherwise.
            self.to_name.setdefault(substance_key(name), name)
        self.ignore = {substance_key(w) for w in ignore_words}
        self.names = sorted(set(self.to_name.values()))
        self._seen: dict[str, SubstanceReading] = {}

    def read(self, recorded: str) -> SubstanceReading:
        """Read ``recorded`` (memoised, bounded: a stream of odd names cannot grow it)."""
        try:
            return self._seen[recorded]
        except KeyError:
            pass
        reading = self._read(recorded)
        if len(self._seen) >= 16_384:
            self._seen.clear()
        self._seen[recorded] = reading
        return reading

    def _read(self, recorded: str) -> SubstanceReading:
        key = substance_key(recorded)
        name = self.to_name.get(key)
        if name is not None:
            kind: Literal["exact", "read"] = "exact" if name == recorded else "read"
            return SubstanceReading(recorded, kind, name)
        outside = substance_key(_PAREN.sub(" ", recorded))
        inside = [substance_key(m) for m in _PAREN.findall(recorded)]
        candidates = {
            self._lookup(outside, "without its parenthesised qualifier"),
            *(self._lookup(k, "by the name in parentheses") for k in inside),
        }
        found = {c for c in candidates if c is not None}
        names = {n for n, _ in found}
        if len(names) == 1:
            n, how = sorted(found)[0]
            return SubstanceReading(recorded, "read", n, how)
        if len(names) > 1:
            return SubstanceReading(recorded, "ambiguous", None, "", tuple(sorted(names)))
        near = difflib.get_close_matches(key, list(self.to_name), n=3, cutoff=0.75)
        return SubstanceReading(
            recorded, "unknown", None, "", tuple(dict.fromkeys(self.to_name[k] for k in near))
        )

    def _lookup(self, key: str, how: str) -> tuple[str, str] | None:
        if not key:
            return None
        name = self.to_name.get(key)
        if name is not None:
            return name, how
        kept = [w for w in key.split() if w not in self.ignore]
        stripped = " ".join(kept)
        if stripped != key and stripped:
            name = self.to_name.get(stripped)
            if name is not None:
                dropped = " ".join(w for w in key.split() if w in self.ignore)
                return name, f"ignoring `{dropped}`, which makes no legal difference here"
        return None
