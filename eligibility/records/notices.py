"""Notices: what in a case was read how, what could not be read, and what would settle it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["REFUSED_IN_STRICT_MODE", "Notice", "NoticeKind"]

NoticeKind = Literal[
    "citation_read",
    "citation_ambiguous",
    "citation_not_in_table",
    "citation_unreadable",
    "substance_read",
    "substance_unknown",
    "unit_unknown",
    "quantity_basis",
]

REFUSED_IN_STRICT_MODE: frozenset[str] = frozenset(
    {
        "citation_ambiguous",
        "citation_not_in_table",
        "citation_unreadable",
        "substance_unknown",
        "unit_unknown",
    }
)
"""Notice kinds that ``strict`` turns into a refusal of the case (exit 1, HTTP 422)."""


@dataclass(frozen=True)
class Notice:
    """One notice about one value of the case."""

    location: str
    """Where in the case, e.g. ``charges[0].statute``."""
    kind: NoticeKind
    recorded: str
    """The value as the case gives it."""
    read_as: tuple[str, ...]
    """What it was read as (a code, a substance name); several when ambiguous; none when
    unread."""
    message: str
    question: str | None = None
    """What to find out to settle it, when something is left unknown."""
