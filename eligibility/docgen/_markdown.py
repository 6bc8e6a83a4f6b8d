"""Small, safe Markdown building blocks: escaping, links, tables, collapsible details.

Ruleset texts are prose written by policy teams; they may contain characters Markdown reads as
markup (``*``, ``_``, ``<``, ``|``). Everything taken from a ruleset passes through :func:`prose`
(or :func:`code`), so a text renders as written on GitHub and never breaks a table. Backtick
spans in prose are kept as code, since ruleset notes use them to name facts and parameters.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from eligibility._model import Cite, Period

_SPECIAL = re.compile(r"([\\*_\[\]<>|#~])")
_CODE_SPAN = re.compile(r"(`[^`\n]+`)")
_SPACE = re.compile(r"\s+")
_LIST_START = re.compile(r"^(\d*)([.)+-])(?=\s|$)")

GUIDANCE_MARK = "**(guidance)**"
"""Shown after every citation of official guidance: it is not law."""
SECONDARY_MARK = "**(secondary source)**"
"""Shown after every citation of commentary used where the primary text was not available."""


def prose(text: str) -> str:
    """Ruleset prose as one Markdown line: whitespace folded, markup escaped, `code` kept."""
    parts = _CODE_SPAN.split(_SPACE.sub(" ", text).strip())
    out = "".join(
        part if i % 2 else _SPECIAL.sub(r"\\\1", part).replace("&", "&amp;")
        for i, part in enumerate(parts)
    )
    # A line starting "1. ", "- " or "+ " would become a list; escape its marker.
    return _LIST_START.sub(r"\1\\\2", out)


def code(text: str) -> str:
    """``text`` as an inline code span, whatever backticks it contains."""
    text = _SPACE.sub(" ", text).strip()
    fence = "`"
    while fence in text:
        fence += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def link(label: str, url: str) -> str:
    """A link whose label is already Markdown; ``url`` is percent-escaped where Markdown needs."""
    safe = url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("|", "%7C")
    return f"[{label}]({safe})"


def anchor(name: str) -> str:
    """An explicit HTML anchor, stable whatever the heading text (GitHub keeps ``id``)."""
    return f'<a id="{name}"></a>'


def slug(*parts: str) -> str:
    """A lowercase anchor name made of ``parts``."""
    return re.sub(r"[^a-z0-9]+", "-", "-".join(parts).lower()).strip("-")


def cell(markdown: str) -> str:
    """A table cell: one line, ``|`` escaped (GitHub needs it escaped even inside code)."""
    return re.sub(r"(?<!\\)\|", r"\\|", markdown.replace("\n", " "))


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """A GitHub table; cells are Markdown and are made table-safe here."""
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return out


def details(summary: str, body: Sequence[str]) -> list[str]:
    """A collapsible block; the blank lines let GitHub render Markdown inside it."""
    return [f"<details><summary>{summary}</summary>", "", *body, "", "</details>"]


def period(p: Period | None) -> str:
    """``from 2018-01-01`` or ``2018-01-01 – 2019-12-31``; ``—`` when none is stated."""
    if p is None:
        return "—"
    if p.until is None:
        return f"from {p.start.isoformat()}"
    return f"{p.start.isoformat()} – {p.until.isoformat()}"


def overlaps(a: Period, b: Period) -> bool:
    """True if the two periods share a day."""
    return (a.until is None or b.start <= a.until) and (b.until is None or a.start <= b.until)


def disclaimer(text: str) -> str:
    """The ruleset's disclaimer, led by a bold *Not legal advice.* (said once)."""
    body = prose(text)
    lead = "Not legal advice."
    if body.lower().startswith(lead.lower()):
        body = body[len(lead) :].lstrip()
    return f"**{lead}** {body}".rstrip()


def kind_mark(kind: str) -> str:
    """The visible mark for a source kind that is not law, or an empty string."""
    return {"guidance": GUIDANCE_MARK, "secondary": SECONDARY_MARK}.get(kind, "")


def citation(cite: Cite) -> str:
    """``[Title, pinpoint](url)``, marked when the source is guidance or secondary."""
    text = link(prose(cite.label()), cite.url) if cite.url else prose(cite.label())
    mark = kind_mark(cite.kind)
    return f"{text} {mark}" if mark else text


def value(v: Any, limit: int | None = None) -> str:
    """A parameter or assumed value as Markdown; lists shortened to ``limit`` items if given."""
    if isinstance(v, tuple | list):
        items = [value(i) for i in v]
        if not items:
            return "(empty list)"
        if limit is not None and len(items) > limit:
            return ", ".join(items[:limit]) + f", … ({len(items)} items)"
        return ", ".join(items)
    if isinstance(v, bool):
        return code("true" if v else "false")
    if isinstance(v, Decimal):
        return code(format(v.normalize(), "f") if v == v.to_integral_value() else str(v))
    if isinstance(v, dt.date):
        return code(v.isoformat())
    return code(str(v))
