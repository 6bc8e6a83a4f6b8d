"""One version of a ruleset as Markdown: measures and their criteria in plain language with
citations, then parameters with their dated values, definitions, facts, open points, sources
and the statute table."""

from __future__ import annotations

from eligibility._model import Cite, CriterionDef, FactDef, MeasureDef, Period, Ruleset
from eligibility.docgen import _markdown as md
from eligibility.docgen._sources import Version

GOVERNING = {
    "offense_date": "the offence date",
    "decision_date": "the decision date",
    "more_favourable": "the offence date or the decision date, whichever law is milder",
}
WHEN_MET = {
    "entitled": "**entitled** — the law says it *shall* apply",
    "eligible": "**eligible** — the decision-maker *may* apply it",
}


def render_version(version: Version, level: int, prefix: str) -> list[str]:
    """The body of one version; headings start at ``level``; anchors start with ``prefix``."""
    r, f = version.ruleset, version.file
    h = "#" * level
    out = [f"{h} When this law applies", ""]
    out += [
        f"- In force: {md.period(r.in_force)}.",
        f"- The law is selected by {GOVERNING.get(r.governing_date, r.governing_date)}: "
        + md.prose(r.governing_date_reason),
    ]
    if r.applies_in_subdivisions:
        out.append("- Also applies to cases filed under a subdivision's code (national law).")
    if r.alternatives == "none":
        out.append("- **This ruleset states where the law provides no alternative.**")
    out.append("")
    if r.notes:
        out += [f"{h} Notes", "", *(f"- {md.prose(n)}" for n in r.notes), ""]
    out += _measures(r, level, prefix)
    out += _parameters(r, level, prefix)
    if f.definitions:
        out += [f"{h} Definitions", ""]
        out += ["Named terms used in the conditions above, as written in the ruleset.", ""]
        out += md.table(
            ["name", "definition"],
            [[md.code(name), md.code(text)] for name, text in f.definitions.items()],
        )
        out.append("")
    if r.facts:
        out += [f"{h} Facts asked for beyond the common case", ""]
        out += md.table(
            ["fact", "type", "question", "when not given"],
            [
                [md.code(fact.name), str(fact.type), md.prose(fact.question), _missing(fact)]
                for fact in r.facts.values()
            ],
        )
        out.append("")
    if r.unsettled:
        out += [f"{h} Unsettled points of law", ""]
        out += [
            "A criterion that depends on one of these is always *undetermined*: "
            "the engine does not guess an open question.",
            "",
        ]
        out += md.table(
            ["point", "the open question", "citation"],
            [
                [md.code(u.name), md.prose(u.text), md.citation(u.cite)]
                for u in r.unsettled.values()
            ],
        )
        out.append("")
    out += _sources(version, level)
    out += _offences(version, level)
    return out


def _missing(fact: FactDef) -> str:
    if fact.assume is None:
        return "undetermined"
    return f"**assumed** {md.value(fact.assume)}: {md.prose(fact.assume_reason or '')}"


def _measures(r: Ruleset, level: int, prefix: str) -> list[str]:
    h = "#" * level
    if r.alternatives == "none":
        out = []
        for m in r.measures:
            out += [
                md.anchor(md.slug(prefix + m.id)),
                f"{h} No alternative: {md.prose(m.title)}",
                "",
                f"> {md.prose(m.no_alternative_text or '')}",
                "",
                f"Citation: {md.citation(m.cite)}",
                "",
            ]
            out += _criteria("Covers (the statement applies when all hold)", m.applies_to)
        return out
    out = [f"{h} Measures", ""]
    out += md.table(
        ["measure", "kind", "stage", "who decides", "when met", "in force"],
        [
            [
                md.link(md.prose(m.title), "#" + md.slug(prefix + m.id)),
                m.kind.replace("_", " "),
                m.stage,
                md.prose(m.decided_by),
                m.when_met or "",
                md.period(m.in_force or r.in_force),
            ]
            for m in r.measures
        ],
    )
    out.append("")
    for m in r.measures:
        out += _measure(m, r, level + 1, prefix)
    return out


def _measure(m: MeasureDef, r: Ruleset, level: int, prefix: str) -> list[str]:
    out = [md.anchor(md.slug(prefix + m.id)), f"{'#' * level} {md.prose(m.title)}", ""]
    out += [
        f"- Id: {md.code(m.id)} · kind: {m.kind.replace('_', ' ')} · stage: {m.stage}",
        f"- Who decides: {md.prose(m.decided_by)}",
        f"- When every condition holds: {WHEN_MET.get(m.when_met or '', m.when_met or '')}",
        f"- In force: {md.period(m.in_force or r.in_force)}",
        f"- Citation: {md.citation(m.cite)}",
    ]
    if m.governing_date:
        out.append(f"- Governed by {GOVERNING.get(m.governing_date, m.governing_date)}")
    out += [f"- Note: {md.prose(n)}" for n in m.notes]
    out.append("")
    out += _criteria(
        "Applies to (outside this scope the measure is *not applicable*)", m.applies_to
    )
    out += _criteria("Requires (every one must hold)", m.requires)
    out += _criteria("Excluded if (any one excludes, unless an exception holds)", m.excluded_if)
    return out


def _criteria(heading: str, criteria: tuple[CriterionDef, ...]) -> list[str]:
    if not criteria:
        return []
    out = [f"**{heading}:**", ""]
    for i, c in enumerate(criteria, 1):
        # Continuation lines line up with the item's text, or they would leave the list.
        indent = " " * len(f"{i}. ")
        out += _criterion(f"{i}. ", c, indent)
        for u in c.unless:
            out += _criterion(f"{indent}- **Unless:** ", u, indent + "  ")
    out.append("")
    return out


def _criterion(marker: str, c: CriterionDef, indent: str) -> list[str]:
    fence = "```"
    while fence in c.source_text:
        fence += "`"
    body = [f"{fence}text", *c.source_text.strip().splitlines(), fence]
    lines = [
        f"{marker}{md.prose(c.text)} — {md.citation(c.cite)} <sub>{md.code(c.id)}</sub>",
        *md.details("formal condition", body),
    ]
    return [lines[0], *(f"{indent}{line}" if line else "" for line in lines[1:])]


def _parameters(r: Ruleset, level: int, prefix: str) -> list[str]:
    if not r.parameters:
        return []
    h = "#" * level
    out = [f"{h} Parameters (dated values)", ""]
    for p in r.parameters.values():
        out += [
            md.anchor(md.slug(prefix + "param-" + p.name)),
            f"**{md.code(p.name)}** ({p.type}) — {md.prose(p.description)}",
            "",
        ]
        out += md.table(
            ["value", "from", "until", "source"],
            [
                [
                    md.value(v.value),
                    v.period.start.isoformat(),
                    v.period.until.isoformat() if v.period.until else "—",
                    md.citation(v.cite),
                ]
                for v in p.values
            ],
        )
        out.append("")
    return out


def _sources(version: Version, level: int) -> list[str]:
    out = [f"{'#' * level} Sources", ""]
    rows = []
    for s in version.file.sources:
        in_force = "—"
        if s.in_force is not None:
            in_force = md.period(Period(s.in_force.from_, s.in_force.until))
        kind = s.kind.replace("_", " ")
        if md.kind_mark(s.kind):
            kind = f"**{kind}**"
        rows.append(
            [
                md.code(s.id),
                md.link(md.prose(s.title), s.url),
                kind,
                in_force,
                md.prose(s.notes) if s.notes else "",
            ]
        )
    out += md.table(["id", "title", "kind", "in force", "notes"], rows)
    out.append("")
    return out


def _offences(version: Version, level: int) -> list[str]:
    f = version.file
    if not f.offences and not f.statute_families:
        return []
    out = [f"{'#' * level} Statute table", ""]
    body: list[str] = []
    if f.statute_families:
        body += md.table(
            ["code family", "also recorded as"],
            [
                [md.code(fam), ", ".join(md.code(a) for a in aliases)]
                for fam, aliases in f.statute_families.items()
            ],
        )
        body.append("")
    if f.offences:
        sources = version.ruleset.sources
        rows = []
        for o in f.offences:
            cite = ""
            if o.citation is not None and o.citation.source in sources:
                src = sources[o.citation.source]
                url = o.citation.url or src.url
                cite = md.citation(Cite(src.source, src.title, src.kind, url, o.citation.pinpoint))
            drug = {True: "yes", False: "no", None: "—"}[o.drug_related]
            rows.append(
                [
                    md.code(o.code),
                    md.prose(o.title),
                    o.category or "—",
                    o.class_ or "—",
                    drug,
                    ", ".join(md.code(a) for a in o.aliases),
                    cite,
                ]
            )
        body += md.table(
            [
                "code",
                "offence",
                "category",
                "class",
                "drug-related",
                "also recorded as",
                "citation",
            ],
            rows,
        )
    out += md.details(f"{len(f.offences)} offence(s) and their spellings", body)
    out.append("")
    return out
