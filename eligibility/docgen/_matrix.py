"""The index page and the comparison matrix across jurisdictions: which measures exist, at which
stage, who decides, the outcome when met, key thresholds, and where the law provides none."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from eligibility._model import MeasureDef, Period
from eligibility.docgen import _markdown as md
from eligibility.docgen._page import banner
from eligibility.docgen._sources import RulesetDoc, Version, effective, find, merge, parameters_read

STAGES = ("police", "prosecution", "administrative", "court", "sentencing", "execution")
"""Columns of the stage grid, in the order a case meets them."""


def render_index(
    docs: Sequence[RulesetDoc], guides: Mapping[str, str], about: str | None = None
) -> str:
    """The index page: every ruleset by jurisdiction, with versions, in-force dates, checked
    date; ``about`` links the page that explains the command, if there is one."""
    out = banner("the rulesets")
    out += ["# Ruleset reference", ""]
    out += [
        "**Not legal advice.** One page per ruleset, rendered from the YAML the engine "
        "evaluates: each measure's criteria in plain language with their citations, the "
        "parameters with their dated values, and the sources with the date they were checked. "
        "Guidance and secondary sources are marked as such wherever they are cited.",
        "",
        f"- {md.link('Comparison across jurisdictions', 'comparison.md')} — which measures exist, "
        "at which stage, who decides, key thresholds, and where the law provides no alternative.",
    ]
    if about:
        out.append(f"- {md.link('How these pages are made', about)}.")
    out.append("")
    rows = []
    for d in docs:
        first, last = d.versions[0].ruleset, d.latest.ruleset
        span = md.period(Period(first.in_force.start, last.in_force.until))
        guide = guides.get(d.jurisdiction)
        rows.append(
            [
                d.jurisdiction.upper() + (f" ({md.link('guide', guide)})" if guide else ""),
                md.link(md.code(d.id), d.page),
                md.prose(last.title),
                str(len(d.versions)),
                span,
                "none (statement)" if last.alternatives == "none" else str(len(last.measures)),
                ", ".join(sorted({v.ruleset.checked.isoformat() for v in d.versions})),
            ]
        )
    out += md.table(
        ["jurisdiction", "ruleset", "title", "versions", "in force", "measures", "checked"], rows
    )
    return "\n".join(out) + "\n"


def render_matrix(docs: Sequence[RulesetDoc]) -> str:
    """The comparison page."""
    out = banner("the rulesets")
    out += ["# Alternatives compared across jurisdictions", ""]
    out += [
        "**Not legal advice.** What each jurisdiction's law, as encoded, provides for a "
        "drug-using offender — the exchange of experiences and good practices that CND "
        "resolution 55/12 asks for. *Entitled*: the law says the measure *shall* apply when "
        "its conditions hold; *eligible*: someone decides. Each measure links to its full "
        "criteria and citations; thresholds are the latest dated value (see the page for "
        "earlier ones).",
        "",
    ]
    out += _stage_grid(docs)
    out += _measure_table(docs)
    out += _no_alternative(docs)
    while out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def _measure_link(d: RulesetDoc, mid: str, label: str) -> str:
    version = next(v for v in reversed(d.versions) if any(m.id == mid for m in v.ruleset.measures))
    return md.link(label, f"{d.page}#{md.slug(d.anchor_prefix(version) + mid)}")


def _latest_measures(d: RulesetDoc) -> list[tuple[str, str]]:
    """Measure ids of every version (latest first decides order), with the latest title."""
    seen: dict[str, str] = {}
    for v in reversed(d.versions):
        for m in v.ruleset.measures:
            seen.setdefault(m.id, m.title)
    return list(seen.items())


def _stage_grid(docs: Sequence[RulesetDoc]) -> list[str]:
    jurisdictions = sorted({d.jurisdiction for d in docs})
    rows = []
    for j in jurisdictions:
        cells: dict[str, list[str]] = {s: [] for s in STAGES}
        for d in docs:
            if d.jurisdiction != j or d.latest.ruleset.alternatives == "none":
                continue
            for v in reversed(d.versions):
                for m in v.ruleset.measures:
                    entry = _measure_link(d, m.id, md.prose(m.kind.replace("_", " ")))
                    entry += f" ({m.when_met})"
                    if entry not in cells.setdefault(m.stage, []):
                        cells[m.stage].append(entry)
        rows.append([j.upper(), *("<br>".join(sorted(cells[s])) or "—" for s in STAGES)])
    out = ["## Which measures exist, and at which stage", ""]
    out += md.table(["jurisdiction", *STAGES], rows)
    out.append("")
    return out


def _measure_table(docs: Sequence[RulesetDoc]) -> list[str]:
    rows = []
    for d in docs:
        if d.latest.ruleset.alternatives == "none":
            continue
        for mid, _title in _latest_measures(d):
            versions = [v for v in d.versions if any(m.id == mid for m in v.ruleset.measures)]
            latest = versions[-1].ruleset
            m = next(m for m in latest.measures if m.id == mid)
            periods = [p for v in versions if (p := effective(find(v.ruleset, mid), v.ruleset))]
            thresholds = _thresholds(d, versions[-1], m)
            kinds = {c.cite.kind for c in m.criteria()} | {m.cite.kind}
            kinds |= {
                v.cite.kind
                for name in parameters_read(m, latest)
                for v in latest.parameters[name].values
            }
            marks = [md.kind_mark(k) for k in sorted(kinds) if md.kind_mark(k)]
            rows.append(
                [
                    d.jurisdiction.upper(),
                    _measure_link(d, mid, md.prose(m.title)),
                    m.kind.replace("_", " "),
                    m.stage,
                    md.prose(m.decided_by),
                    f"**{m.when_met}**",
                    ", ".join(md.period(p) for p in merge(periods)) or "—",
                    thresholds,
                    " ".join(marks) or "law",
                ]
            )
    out = ["## Every measure", ""]
    out += md.table(
        [
            "jurisdiction",
            "measure",
            "kind",
            "stage",
            "who decides",
            "when met",
            "in force",
            "key thresholds (latest value; lists by length)",
            "rests on",
        ],
        rows,
    )
    out += [
        "",
        "*Rests on*: **(guidance)** or **(secondary source)** when the measure, one of its "
        "criteria or a value it reads cites official guidance or commentary rather than law.",
        "",
    ]
    return out


def _thresholds(d: RulesetDoc, version: Version, m: MeasureDef) -> str:
    """The scalar parameters the measure reads with their latest value (and since when, if the
    value has changed), then the lists it reads with their length."""
    r = version.ruleset
    scalars, lists = [], []
    for name in parameters_read(m, r):
        p = r.parameters[name]
        target = f"{d.page}#{md.slug(d.anchor_prefix(version) + 'param-' + name)}"
        last = p.values[-1]
        if isinstance(last.value, tuple):
            lists.append(f"{md.link(md.code(name), target)} ({len(last.value)})")
            continue
        since = f" (since {last.period.start.isoformat()})" if len(p.values) > 1 else ""
        if last.period.until is not None:
            since = f" ({md.period(last.period)})"
        scalars.append(f"{md.link(md.code(name), target)} = {md.value(last.value)}{since}")
    if lists:
        scalars.append("lists: " + ", ".join(lists))
    return "<br>".join(scalars) or "—"


def _no_alternative(docs: Sequence[RulesetDoc]) -> list[str]:
    rows = []
    for d in docs:
        for v in d.versions:
            r = v.ruleset
            if r.alternatives != "none":
                continue
            for m in r.measures:
                covers = "; ".join(md.prose(c.text) for c in m.applies_to) or "every case"
                rows.append(
                    [
                        r.jurisdiction.upper(),
                        md.link(
                            md.prose(m.title), f"{d.page}#{md.slug(d.anchor_prefix(v) + m.id)}"
                        ),
                        md.period(r.in_force),
                        covers,
                        md.citation(m.cite),
                    ]
                )
    out = ["## Where the law provides no alternative", ""]
    if not rows:
        return [*out, "No ruleset states that the law provides no alternative.", ""]
    out += [
        "Stated with citations, so a screening never invents an alternative the law does not "
        "provide.",
        "",
    ]
    out += md.table(["jurisdiction", "statement", "in force", "covers", "citation"], rows)
    out.append("")
    return out
