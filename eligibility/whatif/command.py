"""The ``eligibility ask`` and ``eligibility replay`` commands (registered by :mod:`eligibility.cli`)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any

import click
import typer

from eligibility.case import Case
from eligibility.errors import CaseError, EligibilityError, Problem

_YES = {"y", "yes", "true", "ja", "sim", "oui"}
_NO = {"n", "no", "false", "nein", "não", "nao", "non"}
_QUANTITY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def parse_answer(path: str, raw: str) -> Any:
    """A typed answer as the case document takes it: yes/no, a number, ``15 g``, ``none`` (no
    prior record), a date or text."""
    text = raw.strip()
    low = text.lower()
    field = path.rpartition(".")[2]
    if path == "priors":
        if low in ("none", "[]", "no", "n"):
            return []
        raise ValueError(
            "answer `none` if there is no prior record, or give the record in the file"
        )
    if low in _YES:
        return True
    if low in _NO:
        return False
    if field == "quantity":
        m = _QUANTITY.match(low)
        if not m:
            raise ValueError("give the quantity with its unit, e.g. `15 g`")
        number = float(m.group(1))
        return {"value": int(number) if number.is_integer() else number, "unit": m.group(2)}
    if _NUMBER.match(text):
        return float(text) if "." in text else int(text)
    return text


def _write(case: Case, out: Path) -> None:
    doc = case.model_dump(mode="json", by_alias=True, exclude_none=True)
    out.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def ask(
    case: Annotated[str, typer.Argument(help="Case file (JSON) with facts missing.")],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Where to write the completed case (default: <case>.completed.json).",
        ),
    ] = None,
    rulesets: Annotated[
        Path | None, typer.Option("--rulesets", file_okay=False, help="Folder of rulesets.")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Decide as of this day (YYYY-MM-DD).")
    ] = None,
) -> None:
    """Ask only the next relevant question, show what each answer decided, write the completed case."""
    from eligibility import cli, whatif
    from eligibility.whatif.paths import apply

    registry = cli._registry(rulesets)
    current = cli._read_case(case)
    target = out or Path(case).with_suffix(".completed.json")
    try:
        day = whatif.parse_day(as_of) if as_of else None
    except CaseError as exc:
        cli._fail(cli.EXIT_CASE, exc.problems, "the as-of date is not valid")
    skipped: set[str] = set()
    while True:
        try:
            decision = whatif.decide(registry, current, day, ("next_questions",))
        except EligibilityError as exc:
            cli._fail(
                cli.EXIT_CASE,
                getattr(exc, "problems", [Problem(str(exc))]),
                "the case cannot be evaluated",
            )
        assert decision.what_if is not None and decision.what_if.next_questions is not None
        ranked = [
            q
            for q in decision.what_if.next_questions.ranked
            if q.fact not in skipped and (q.settles or q.may_settle)
        ]
        if not ranked:
            typer.echo(f"Nothing more to ask. {decision.summary}")
            break
        q = ranked[0]
        settles = ", ".join(q.settles + q.may_settle)
        typer.echo(f"\n{q.question}\n  ({q.fact}; decides: {settles})")
        try:
            raw = typer.prompt("answer (Enter skips, q stops)", default="", show_default=False)
        except click.exceptions.Abort:  # end of input
            typer.echo("")
            break
        if raw.strip().lower() == "q":
            break
        if not raw.strip():
            skipped.add(q.fact)
            continue
        try:
            answered = apply(current, {q.fact: parse_answer(q.fact, raw)})
            after = whatif.decide(registry, answered, day)
        except (ValueError, CaseError) as exc:
            problems = exc.problems if isinstance(exc, CaseError) else [Problem(str(exc))]
            for p in problems:
                typer.echo(f"  not accepted: {p.render()}")
            continue
        before = {m.id: m.outcome for m in decision.measures}
        changed = [
            f"{m.id}: {before.get(m.id)} → {m.outcome}"
            for m in after.measures
            if before.get(m.id) != m.outcome
        ]
        typer.echo("  decided: " + ("; ".join(changed) if changed else "nothing yet"))
        current = answered
    _write(current, target)
    typer.echo(f"wrote {target}")


def replay(
    decision: Annotated[Path, typer.Argument(help="The stored decision (JSON).", dir_okay=False)],
    case: Annotated[str, typer.Argument(help="The case it was made from (JSON).")],
    rulesets: Annotated[
        Path | None, typer.Option("--rulesets", file_okay=False, help="Folder of rulesets.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Re-derive a stored decision: byte-identical or not, the ruleset hashes it needs, and
    the first criterion whose result differs with the law behind it. Exits 1 when different."""
    from eligibility import cli
    from eligibility.whatif.replay import replay as run

    registry = cli._registry(rulesets)
    parsed = cli._read_case(case)
    try:
        stored = decision.read_bytes()
    except OSError as exc:
        cli._fail(
            cli.EXIT_CASE,
            [Problem(f"cannot read: {exc.strerror}", file=str(decision))],
            "cannot read the decision",
        )
    try:
        report = run(registry, stored, parsed)
    except CaseError as exc:
        cli._fail(cli.EXIT_CASE, exc.problems, "cannot replay")
    typer.echo(report.to_json() if json_out else report.render(), nl=False)
    if not report.identical:
        raise typer.Exit(1)
