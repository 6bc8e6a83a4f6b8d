"""``eligibility explore``: choose the rulesets, run the searches, print and write the results."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from hypothesis import configuration

from eligibility._evaluate import EvaluatorName, Registry
from eligibility._loader import load_ruleset, load_ruleset_files
from eligibility._model import Ruleset
from eligibility._types import suggest
from eligibility.errors import Problem, RulesetError
from eligibility.explore.search import Explorer, Report

MARK = {True: "✓", False: "✗"}


def select(ruleset: str, root: Path) -> list[Ruleset]:
    """The rulesets to explore: one file, a jurisdiction's folder, or every version of a
    ruleset id under ``root``.

    Raises :class:`RulesetError` when a file is invalid and :class:`LookupError` (with a
    message naming the known ids) when ``ruleset`` is none of these."""
    path = Path(ruleset)
    if path.is_dir():
        files = sorted(path.glob("*.yaml"))
        if not files:
            raise LookupError(f"no ruleset files (*.yaml) in {path}")
        return load_ruleset_files(files)
    if path.suffix in (".yaml", ".yml") or path.is_file():
        if not path.is_file():
            raise RulesetError([Problem("no such ruleset file", file=str(path))])
        return [load_ruleset(path)]
    registry = Registry.load(root, evaluator="reference")
    versions = [r for r in registry.rulesets if r.id == ruleset]
    if not versions:
        ids = sorted({r.id for r in registry.rulesets})
        hint = suggest(ruleset, ids) or "known ids: " + ", ".join(ids)
        raise LookupError(f"no ruleset file or ruleset id {ruleset!r} in {root} ({hint})")
    return sorted(versions, key=lambda r: r.in_force.start)


def explore(
    rulesets: list[Ruleset], evaluator: EvaluatorName, max_examples: int, seed: int
) -> Report:
    """Run every search on ``rulesets`` (versions of one programme, or one file)."""
    registry = Registry(rulesets, evaluator=evaluator)
    with _private_storage():
        return Explorer(registry, rulesets, max_examples, seed).run()


@contextlib.contextmanager
def _private_storage() -> Iterator[None]:
    """Hypothesis caches what it learns in ``./.hypothesis``; keep that out of the folder the
    command runs in (a policy team's ruleset repository), unless the user chose a place."""
    if os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        yield
        return
    with tempfile.TemporaryDirectory(prefix="eligibility-explore-") as home:
        configuration.set_hypothesis_home_dir(home)
        try:
            yield
        finally:
            configuration.set_hypothesis_home_dir(None)


def _compact(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False)


def _named(doc: dict[str, Any], case_id: str) -> dict[str, Any]:
    return {**doc, "case_id": case_id}


def render(report: Report, out: Path | None) -> str:
    """The report as text; with ``out``, write every example and counterexample there too."""
    lines: list[str] = []
    files: dict[str, dict[str, Any]] = {}
    several = len(report.rulesets) > 1

    def file_name(ruleset: Ruleset | None, stem: str) -> str:
        prefix = f"{ruleset.id}-{ruleset.version}." if several and ruleset is not None else ""
        return f"{prefix}{stem}.json"

    for r in report.rulesets:
        lines.append(f"explore {r.id} {r.version} ({r.path})")
    lines.append(
        f"  seed {report.seed}, up to {report.max_examples} examples per search, "
        f"evaluator {report.evaluator}"
    )
    lines.append("")
    lines.append("Outcomes (the simplest case found for each):")
    current = None
    for reach in report.reach:
        r = reach.ruleset
        if (r.id, r.version, reach.measure) != current:
            current = (r.id, r.version, reach.measure)
            lines.append(f"  {reach.measure}" + (f"  ({r.id} {r.version})" if several else ""))
        if reach.open_points:
            points = ", ".join(reach.open_points)
            lines.append(
                f"    · {reach.outcome:<15} not possible while {points} is open (unsettled)"
            )
            continue
        if reach.example is None:
            lines.append(f"    ✗ {reach.outcome:<15} not reached in {report.max_examples} examples")
            continue
        doc = _named(reach.example, f"{reach.measure}-{reach.outcome}")
        files[file_name(r, f"{reach.measure}.{reach.outcome}")] = doc
        lines.append(f"    ✓ {reach.outcome:<15} {_compact(doc)}")
    lines.append("")
    if report.inconsistencies:
        lines.append("Inconsistent outcomes:")
        for bad in report.inconsistencies:
            doc = _named(bad.example, f"{bad.measure}-inconsistent")
            files[file_name(bad.ruleset, f"{bad.measure}.inconsistent")] = doc
            lines.append(f"  ✗ {bad.measure}: {bad.problem}")
            lines.append(f"      case: {_compact(doc)}")
    else:
        lines.append(
            f"Consistency: no outcome contradicts its criteria "
            f"({report.cases_evaluated} cases evaluated)."
        )
    if report.invariants:
        lines.append("")
        lines.append("Invariants:")
    for v in report.invariants:
        inv = v.invariant
        where = f"{v.ruleset.path}:{inv.line}" if inv.line else v.ruleset.path
        if not v.broken:
            lines.append(f"  ✓ {inv.id}: not broken in {report.max_examples} examples — {inv.text}")
            continue
        assert v.before is not None and v.after is not None and v.outcomes is not None
        before = _named(v.before, f"{inv.id}-before")
        after = _named(v.after, f"{inv.id}-after")
        files[file_name(v.ruleset, f"{inv.id}.before")] = before
        files[file_name(v.ruleset, f"{inv.id}.after")] = after
        lines.append(f"  ✗ {inv.id} ({where}): broken — {inv.text}")
        lines.append(
            f"      {inv.change.describe()} turns {v.measure} from {v.outcomes[0]} into "
            f"{v.outcomes[1]}:"
        )
        lines.append(f"      before: {_compact(before)}")
        lines.append(f"      after:  {_compact(after)}")
    reached = sum(r.example is not None for r in report.reach)
    held = sum(bool(r.open_points) for r in report.reach)
    broken = sum(v.broken for v in report.invariants)
    lines.append("")
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for name, doc in sorted(files.items()):
            (out / name).write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", "utf-8")
        lines.append(f"{len(files)} case file(s) written to {out}")
    lines.append(
        f"{reached} of {len(report.reach)} outcomes reached"
        + (f" ({held} held back by open points)" if held else "")
        + ", "
        f"{len(report.inconsistencies)} inconsistent, "
        f"{broken} of {len(report.invariants)} invariants broken"
    )
    return "\n".join(lines) + "\n"


def echo(text: str) -> None:
    """Print the report."""
    typer.echo(text, nl=False)
