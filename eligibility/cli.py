"""The ``eligibility`` command.

Exit codes:

====  ==================================================================================
0     the case was screened (whatever the outcomes)
1     the case input is wrong: malformed JSON, wrong types, unknown jurisdiction,
      unknown statute or fact, unreadable file (``eligibility docs --check``: the
      reference pages are stale)
2     the command line is wrong (unknown option, missing argument)
3     a ruleset is invalid (every problem is listed)
4     the engine failed; the case was not decided (a bug: please report it), or the
      evaluation ran past its time budget (``ELIGIBILITY_LIMIT_EVALUATION_SECONDS``)
====  ==================================================================================

``eligibility lint`` has its own meaning of 1: it found at least one error in the rulesets or
golden files it checked (0: none, perhaps warnings; 2: the command line is wrong).

``eligibility replay`` exits 1 when the re-derived decision differs from the stored one.
``eligibility test`` exits 1 when a golden case fails; ``eligibility explore`` exits 1 when it
finds an unreachable outcome, an outcome that contradicts its criteria or a broken invariant, and
2 when Hypothesis (``pip install 'eligibility[authoring]'``) is not installed.

No traceback is printed for these; set ``ELIGIBILITY_DEBUG=1`` to see one for exit code 4.
``serve`` exits 2 when the ``service`` extra is missing or the address cannot be listened on,
and 3 when the rulesets are invalid at start (docs/service.md).
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from eligibility import limits
from eligibility._evaluate import Registry, default_rulesets_dir
from eligibility._render import render_text
from eligibility.case import Case, parse_case_json
from eligibility.decision import AnyDecision, Decision
from eligibility.errors import (
    CaseError,
    EligibilityError,
    EngineError,
    Problem,
    RulesetError,
    UnknownJurisdictionError,
)

EXIT_OK = 0
EXIT_CASE = 1
EXIT_USAGE = 2
EXIT_RULESET = 3
EXIT_ENGINE = 4

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Screen a case for the alternatives to prosecution or imprisonment the law opens, and why.",
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from eligibility._evaluate import engine_version

        typer.echo(f"eligibility {engine_version()}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Screen a case for the alternatives to prosecution or imprisonment the law opens, and why."""


class Format(enum.StrEnum):
    """Output formats."""

    text = "text"
    json = "json"


class Evaluator(enum.StrEnum):
    """Which evaluator decides criteria."""

    durable = "durable-rules"
    reference = "reference"


class SchemaKind(enum.StrEnum):
    """Documents with a JSON Schema."""

    case = "case"
    decision = "decision"
    decision_deciding = "decision-deciding"
    decision_outcome = "decision-outcome"
    ruleset = "ruleset"


class Explain(enum.StrEnum):
    """How much reasoning a decision carries (docs/explanation.md)."""

    full = "full"
    deciding = "deciding"
    outcome = "outcome"


ExplainOption = Annotated[
    Explain,
    typer.Option(
        "--explain",
        help="full: every criterion and the facts it read; deciding: outcomes, the deciding "
        "criteria with citations, missing facts and notices, expandable later with "
        "`eligibility expand`; outcome: outcomes only (docs/explanation.md).",
    ),
]


RulesetsOption = Annotated[
    Path | None,
    typer.Option(
        "--rulesets",
        help="Folder of rulesets (<jurisdiction>/*.yaml). Default: the shipped rulesets, or $ELIGIBILITY_RULESETS.",
        file_okay=False,
    ),
]


def _fail(code: int, problems: list[Problem], heading: str) -> NoReturn:
    typer.echo(f"error: {heading}", err=True)
    for p in problems:
        typer.echo("  " + p.render(), err=True)
    raise typer.Exit(code)


@contextlib.contextmanager
def _deciding(source: str, heading: str) -> Iterator[None]:
    """Decide within the time budget; a failure exits with its documented code: a wrong case
    (its problems located in ``source``, under ``heading``) 1, a ruleset 3, the engine 4."""
    try:
        with limits.time_budget():
            yield
    except CaseError as exc:
        located = [p if p.file else dataclasses.replace(p, file=source) for p in exc.problems]
        _fail(EXIT_CASE, located, heading)
    except RulesetError as exc:
        _fail(EXIT_RULESET, exc.problems, "a ruleset cannot be compiled")
    except EngineError as exc:
        _fail(EXIT_ENGINE, [Problem(str(exc))], "the engine failed; the case was not decided")


def _registry(rulesets: Path | None, evaluator: Evaluator = Evaluator.durable) -> Registry:
    try:
        return Registry.load(rulesets or default_rulesets_dir(), evaluator=evaluator.value)
    except RulesetError as exc:
        _fail(EXIT_RULESET, exc.problems, f"{len(exc.problems)} problem(s) in the rulesets")


def _read_case(path: str, registry: Registry | None = None) -> Case:
    source = "<stdin>" if path == "-" else path
    limit = limits.current().case_bytes
    try:
        if path == "-":
            raw = sys.stdin.buffer.read(limit + 1)
        else:
            with open(path, "rb") as stream:  # read no more than the limit (think /dev/zero)
                raw = stream.read(limit + 1)
    except OSError as exc:
        _fail(
            EXIT_CASE,
            [Problem(f"cannot read the case file: {exc.strerror}", file=source)],
            "cannot read the case",
        )
    try:
        return parse_case_json(raw, source)
    except CaseError as exc:
        problems = list(exc.problems)
        if registry is not None:
            problems += [dataclasses.replace(p, file=source) for p in _precheck(registry, raw)]
        _fail(EXIT_CASE, problems, "the case is not valid")


def _precheck(registry: Registry, raw: bytes) -> list[Problem]:
    """Jurisdiction and fact-name problems, reported in the same round as structural ones."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return []
    return registry.precheck(data)


@app.command()
def check(
    case: Annotated[str, typer.Argument(help="Case file (JSON), or - for standard input.")],
    format: Annotated[
        Format, typer.Option("--format", "-f", help="text for people, json for machines.")
    ] = Format.text,
    rulesets: RulesetsOption = None,
    evaluator: Annotated[
        Evaluator, typer.Option(help="durable-rules (the engine) or reference (the test oracle).")
    ] = Evaluator.durable,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Refuse (exit 1) a case with a citation, substance or unit the rulesets cannot "
            "read, instead of deciding it with those values unknown.",
        ),
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Decide as if taken on this day (YYYY-MM-DD), in place of the decision date.",
        ),
    ] = None,
    what_if: Annotated[
        list[str] | None,
        typer.Option(
            "--what-if",
            help="Add next_questions, timeline, counterfactuals, lex_mitior or all (repeatable; docs/what-if.md).",
        ),
    ] = None,
    explain: ExplainOption = Explain.full,
) -> None:
    """Screen one case and explain every measure's outcome."""
    from eligibility import whatif
    from eligibility.explain import render_short
    from eligibility.whatif.render import with_what_if

    if explain is not Explain.full and (as_of is not None or what_if):
        _fail(
            EXIT_USAGE,
            [Problem("--as-of and --what-if add to the full decision: use --explain full")],
            "usage",
        )
    registry = _registry(rulesets, evaluator)
    parsed = _read_case(case, registry)
    with _deciding("<stdin>" if case == "-" else case, "the case cannot be evaluated"):
        day = whatif.parse_day(as_of) if as_of is not None else None
        parts = whatif.parts_from(what_if or [])
        decision: AnyDecision = (
            whatif.decide(registry, parsed, day, parts, strict=strict)
            if day is not None or parts
            else registry.evaluate(parsed, strict=strict, explain=explain.value)
        )
    if not isinstance(decision, Decision):
        typer.echo(
            decision.to_json() if format is Format.json else render_short(decision), nl=False
        )
    elif format is Format.json:
        typer.echo(decision.to_json(), nl=False)
    else:
        typer.echo(with_what_if(render_text(decision), decision), nl=False)


@app.command()
def expand(
    decision: Annotated[
        str, typer.Argument(help="A decision made with --explain deciding (JSON file).")
    ],
    case: Annotated[str, typer.Argument(help="The case it was made for (JSON file, or -).")],
    format: Annotated[
        Format, typer.Option("--format", "-f", help="text for people, json for machines.")
    ] = Format.json,
    rulesets: RulesetsOption = None,
) -> None:
    """Expand a `deciding` decision to the full one: checks that the case and every ruleset
    version are those it was made with (exit 1 naming what differs), then prints the full
    decision — byte-identical to what `check` gave, by the same engine version."""
    from eligibility.explain import expand as run

    limit = limits.current().case_bytes
    try:
        with open(decision, "rb") as stream:
            stored = stream.read(limit * 4 + 1)
    except OSError as exc:
        _fail(
            EXIT_CASE,
            [Problem(f"cannot read the decision: {exc.strerror}", file=decision)],
            "cannot read the decision",
        )
    if len(stored) > limit * 4:
        _fail(
            EXIT_CASE,
            [Problem(f"the decision is larger than {limit * 4:,} bytes", file=decision)],
            "cannot read the decision",
        )
    registry = _registry(rulesets)
    parsed = _read_case(case, registry)
    with _deciding(decision, "the decision cannot be expanded"):
        full = run(stored, parsed, registry)
    typer.echo(full.to_json() if format is Format.json else render_text(full), nl=False)


@app.command("test")
def run_golden(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Golden case files or folders (default: every rulesets/*/cases/*.yaml)."
        ),
    ] = None,
    rulesets: RulesetsOption = None,
    coverage: Annotated[
        bool,
        typer.Option(
            "--coverage", help="Report which criterion statuses and outcomes the cases reach."
        ),
    ] = False,
) -> None:
    """Run golden cases: a line per case, what differs on failure, and `N passed, N failed`."""
    from eligibility.golden import compare, golden_files, load_golden

    root = rulesets or default_rulesets_dir()
    registry = _registry(root)
    files: list[Path] = []
    for path in paths or [root]:
        if path.is_dir():
            found = (
                golden_files(path)
                or sorted(path.glob("cases/*.yaml"))
                or sorted(path.glob("*.yaml"))
            )
            files.extend(found)
        else:
            files.append(path)
    passed = failed = 0
    seen: dict[tuple[str, str], set[str]] = {}
    for file in files:
        try:
            goldens = load_golden(file)
        except RulesetError as exc:
            _fail(EXIT_RULESET, exc.problems, f"cannot read the golden cases in {file}")
        for golden in goldens:
            try:
                decision = registry.evaluate(golden.case)
                diffs = compare(golden, decision)
                _record(decision, seen)
            except (CaseError, EngineError) as exc:
                diffs = [str(exc)]
            if diffs:
                failed += 1
                typer.echo(f"FAIL {golden.name}  ({file}:{golden.line})")
                for diff in diffs:
                    first, *rest = diff.split("\n")
                    typer.echo(f"     - {first}")
                    for line in rest:
                        typer.echo(f"       {line}")
            else:
                passed += 1
                typer.echo(f"ok   {golden.name}")
    if coverage:
        _report_coverage(registry, seen)
    typer.echo(f"{passed} passed, {failed} failed")
    if failed:
        raise typer.Exit(1)


def _record(decision: Decision, seen: dict[tuple[str, str], set[str]]) -> None:
    for m in decision.measures:
        seen.setdefault((m.ruleset, m.id), set()).add(m.outcome)
        for c in m.criteria:
            seen.setdefault((m.ruleset, f"{m.id}.{c.id}"), set()).add(c.status)
            for u in c.unless:
                seen.setdefault((m.ruleset, f"{m.id}.{u.id}"), set()).add(u.status)


def _report_coverage(registry: Registry, seen: dict[tuple[str, str], set[str]]) -> None:
    """Per measure the outcomes reached, per criterion met / not met / unknown, and the gaps."""
    typer.echo("")
    typer.echo("coverage (✓ reached by a golden case, · not reached):")
    gaps = []
    for ruleset in sorted({r.id: r for r in registry.rulesets}.values(), key=lambda r: r.id):
        if not any(key[0] == ruleset.id for key in seen):
            continue
        typer.echo(f"  {ruleset.id}")
        for measure in ruleset.measures:
            possible = ["not_applicable", "undetermined"]
            if measure.when_met is not None:
                possible = [measure.when_met, "ineligible", *possible]
            got = seen.get((ruleset.id, measure.id), set())
            marks = "  ".join(f"{'✓' if o in got else '·'} {o}" for o in possible)
            typer.echo(f"    {measure.id}: {marks}")
            gaps += [f"{ruleset.id} {measure.id}: outcome {o}" for o in possible if o not in got]
            for crit in measure.criteria():
                got = seen.get((ruleset.id, f"{measure.id}.{crit.id}"), set())
                marks = "  ".join(
                    f"{'✓' if s in got else '·'} {s}" for s in ("met", "not_met", "unknown")
                )
                typer.echo(f"      {crit.id}: {marks}")
                gaps += [
                    f"{ruleset.id} {measure.id}.{crit.id}: {s}"
                    for s in ("met", "not_met")
                    if s not in got
                ]
    typer.echo(f"branches no golden case reaches ({len(gaps)}):")
    for gap in gaps:
        typer.echo(f"  - {gap}")


@app.command("rulesets")
def list_rulesets(rulesets: RulesetsOption = None) -> None:
    """List the loaded rulesets, their versions and in-force periods."""
    registry = _registry(rulesets, Evaluator.reference)
    for r in sorted(registry.rulesets, key=lambda r: (r.jurisdiction, r.id, r.in_force.start)):
        until = r.in_force.until.isoformat() if r.in_force.until else ""
        typer.echo(
            f"{r.jurisdiction.upper():8} {r.id:32} {r.version:12} in force {r.in_force.start} – {until}"
            f"  ({len(r.measures)} measure(s), checked {r.checked})"
        )


@app.command()
def schema(
    kind: Annotated[
        SchemaKind,
        typer.Argument(help="case, decision (decision-deciding, decision-outcome) or ruleset"),
    ],
    jurisdiction: Annotated[
        str | None,
        typer.Option(
            "--jurisdiction",
            "-j",
            help="For `case`: the schema narrowed to one jurisdiction (its facts typed, its "
            "citations, substances and units as examples).",
        ),
    ] = None,
    rulesets: RulesetsOption = None,
) -> None:
    """Print the JSON Schema of a case, a decision or a ruleset file."""
    from eligibility.schemas import schema_for

    if jurisdiction is None:
        typer.echo(json.dumps(schema_for(kind.value), indent=2, ensure_ascii=False))
        return
    if kind is not SchemaKind.case:
        _fail(EXIT_USAGE, [Problem("--jurisdiction applies to the case schema only")], "usage")
    from eligibility.records.inputs import case_schema

    registry = _registry(rulesets, Evaluator.reference)
    narrowed = case_schema(registry, jurisdiction)
    if narrowed is None:
        _fail(
            EXIT_CASE,
            UnknownJurisdictionError(jurisdiction, registry.jurisdictions()).problems,
            "unknown jurisdiction",
        )
    typer.echo(json.dumps(narrowed, indent=2, ensure_ascii=False))


@app.command("lint")
def lint_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Ruleset files, golden case files or folders (default: the rulesets folder).",
            exists=True,
        ),
    ] = None,
    format: Annotated[
        Format, typer.Option("--format", "-f", help="text for people, json for editors and CI.")
    ] = Format.text,
    rulesets: RulesetsOption = None,
) -> None:
    """Check rulesets and golden cases without running them; exit 1 on errors, 0 otherwise."""
    from eligibility.lint import exit_code, lint

    report = lint(paths or [], rulesets)
    typer.echo(report.to_json() if format is Format.json else report.render_text(), nl=False)
    raise typer.Exit(exit_code(report))


@app.command()
def docs(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Folder to write the pages to. Default: docs/reference.", file_okay=False
        ),
    ] = None,
    rulesets: RulesetsOption = None,
    check_only: Annotated[
        bool,
        typer.Option("--check", help="Write nothing; exit 1 if the pages in the folder are stale."),
    ] = False,
) -> None:
    """Render every ruleset as a Markdown page for legal review, with an index and a
    comparison across jurisdictions. With --check, exit 1 if the pages are stale."""
    from eligibility.docgen import (
        DEFAULT_OUT,
        compare_reference,
        render_reference,
        write_reference,
    )

    folder = out or DEFAULT_OUT
    if rulesets is None and not os.environ.get("ELIGIBILITY_RULESETS"):
        # Run from a source checkout, the pages describe (and link to) its own rulesets, not
        # the copy an installed wheel carries.
        rulesets = Path("rulesets") if Path("rulesets").is_dir() else default_rulesets_dir()
    try:
        pages = render_reference(rulesets or default_rulesets_dir(), folder)
    except RulesetError as exc:
        _fail(EXIT_RULESET, exc.problems, f"{len(exc.problems)} problem(s) in the rulesets")
    if check_only:
        staleness = compare_reference(folder, pages)
        if staleness:
            typer.echo(f"{folder} is stale: run `eligibility docs` to regenerate it", err=True)
            for line in staleness.describe():
                typer.echo(f"  {line}", err=True)
            raise typer.Exit(1)
        typer.echo(f"{folder}: {len(pages)} page(s) up to date")
        return
    try:
        changed = write_reference(folder, pages)
    except OSError as exc:
        _fail(
            EXIT_USAGE,
            [Problem(f"cannot write the pages: {exc.strerror}", file=str(exc.filename or folder))],
            "cannot write to the output folder",
        )
    updated = len(changed.stale) + len(changed.missing)
    typer.echo(f"{folder}: {len(pages)} page(s), {updated} written, {len(changed.extra)} removed")


@app.command()
def explore(
    ruleset: Annotated[
        str,
        typer.Argument(
            help="A ruleset file, a jurisdiction's folder, or the id of a ruleset in --rulesets."
        ),
    ],
    rulesets: RulesetsOption = None,
    max_examples: Annotated[
        int, typer.Option("--max-examples", min=1, help="Cases to try per search.")
    ] = 200,
    seed: Annotated[
        int, typer.Option(help="Seed of the search; the same seed finds the same cases.")
    ] = 0,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            file_okay=False,
            help="Write every example and counterexample as a case file here.",
        ),
    ] = None,
    evaluator: Annotated[
        Evaluator, typer.Option(help="durable-rules (the engine) or reference (the test oracle).")
    ] = Evaluator.durable,
) -> None:
    """Search for cases that break a ruleset: unreachable outcomes, outcomes that contradict
    their criteria, declared invariants. Exit 0 when none is found, 1 when one is."""
    try:
        from eligibility.explore.command import echo, explore, render, select
    except ModuleNotFoundError as exc:  # Hypothesis is an optional dependency
        if exc.name != "hypothesis":
            raise
        typer.echo(
            "error: `eligibility explore` needs Hypothesis: pip install 'eligibility[authoring]'",
            err=True,
        )
        raise typer.Exit(EXIT_USAGE) from None
    try:
        chosen = select(ruleset, rulesets or default_rulesets_dir())
        report = explore(chosen, evaluator.value, max_examples, seed)
    except LookupError as exc:
        typer.echo(f"error: {exc.args[0]}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    except RulesetError as exc:
        _fail(EXIT_RULESET, exc.problems, f"{len(exc.problems)} problem(s) in the ruleset")
    except EngineError as exc:
        _fail(EXIT_ENGINE, [Problem(str(exc))], "the engine failed while exploring")
    echo(render(report, out))
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=0, max=65535)] = 8000,
    workers: Annotated[
        int, typer.Option(help="Worker processes, each with its own engine.", min=1)
    ] = 1,
    rulesets: RulesetsOption = None,
    max_batch: Annotated[int, typer.Option(help="Most cases per batch request.", min=1)] = 100,
    max_body: Annotated[int, typer.Option(help="Largest request body, bytes.", min=1024)] = 1048576,
    max_pending: Annotated[
        int, typer.Option(help="Most cases queued per worker before 503.", min=1)
    ] = 200,
    cors_origin: Annotated[
        list[str] | None, typer.Option(help="Allow this origin by CORS (repeatable; default none).")
    ] = None,
    reload_endpoint: Annotated[
        bool,
        typer.Option(
            help="Serve POST /v1/admin/reload, for loopback callers or with the token in "
            "$ELIGIBILITY_RELOAD_TOKEN (default off; SIGHUP reloads either way)."
        ),
    ] = False,
    access_log: Annotated[bool, typer.Option(help="Log each request line (never bodies).")] = True,
) -> None:
    """Run the HTTP service (needs the `service` extra). See docs/service.md."""
    try:
        from eligibility.service._server import check_address
        from eligibility.service._server import serve as run
        from eligibility.service._settings import Settings
    except ImportError as exc:
        typer.echo(
            f"error: `eligibility serve` needs the service extra ({exc.name} is not installed): "
            "pip install 'eligibility[service]'",
            err=True,
        )
        raise typer.Exit(EXIT_USAGE) from None
    if max_batch > max_pending:
        _fail(EXIT_USAGE, [Problem("--max-batch cannot exceed --max-pending")], "bad options")
    token = os.environ.get("ELIGIBILITY_RELOAD_TOKEN") or None
    if token is not None and len(token) < 16:
        _fail(
            EXIT_USAGE,
            [Problem("$ELIGIBILITY_RELOAD_TOKEN must be at least 16 characters")],
            "bad options",
        )
    problem = check_address(host, port)
    if problem:
        _fail(EXIT_USAGE, [Problem(problem)], "the address is not usable")
    settings = Settings(
        rulesets=rulesets,
        max_batch=max_batch,
        max_body_bytes=max_body,
        max_pending=max_pending,
        cors_origins=tuple(cors_origin or ()),
        reload_endpoint=reload_endpoint,
        reload_token=token,
    )
    try:
        run(settings, host=host, port=port, workers=workers, access_log=access_log)
    except RulesetError as exc:
        _fail(EXIT_RULESET, exc.problems, f"{len(exc.problems)} problem(s) in the rulesets")


@app.command()
def batch(
    input: Annotated[
        str, typer.Argument(help="Cases: JSON Lines (one case per line) or CSV; - for stdin.")
    ],
    output: Annotated[
        str, typer.Option("--output", "-o", help="Decisions as JSON Lines; - for stdout.")
    ] = "-",
    input_format: Annotated[
        str | None,
        typer.Option("--input-format", help="jsonl or csv (default: from the extension)."),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", "-w", help="Worker processes.")] = 1,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue an interrupted run of the same command.")
    ] = False,
    summary: Annotated[
        Path | None, typer.Option("--summary", help="Also write the summary as JSON here.")
    ] = None,
    progress: Annotated[
        bool | None,
        typer.Option("--progress/--no-progress", help="Progress bar (default: on a terminal)."),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No summary and no progress bar.")
    ] = False,
    chunk_size: Annotated[int, typer.Option(help="Cases per task sent to a worker.")] = 128,
    checkpoint_seconds: Annotated[
        float, typer.Option(help="Seconds between checkpoints that --resume continues from.")
    ] = 1.0,
    rulesets: RulesetsOption = None,
    evaluator: Annotated[
        Evaluator, typer.Option(help="durable-rules (the engine) or reference (the test oracle).")
    ] = Evaluator.durable,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="A case with a citation, substance or unit the rulesets cannot read becomes an "
            "error record instead of a decision with those values unknown.",
        ),
    ] = False,
    explain: ExplainOption = Explain.full,
) -> None:
    """Screen a file of cases: one decision or error record per case, in order (docs/batch.md)."""
    from eligibility.batch.run import BatchOptions, run_batch

    if input_format not in (None, "jsonl", "csv"):
        typer.echo("error: --input-format must be jsonl or csv", err=True)
        raise typer.Exit(EXIT_USAGE)
    options = BatchOptions(
        input=input,
        output=output,
        input_format=input_format,  # type: ignore[arg-type]  # checked just above
        workers=workers,
        chunk_size=chunk_size,
        resume=resume,
        progress=progress,
        summary=summary,
        quiet=quiet,
        rulesets=rulesets,
        evaluator=evaluator.value,
        checkpoint_seconds=checkpoint_seconds,
        strict=strict,
        explain=explain.value,
    )
    raise typer.Exit(run_batch(options))


def _what_if_commands() -> None:
    from eligibility.whatif.command import ask, replay

    app.command("ask")(ask)
    app.command("replay")(replay)


_what_if_commands()


def main() -> None:
    """Console entry point: run the app and turn unexpected failures into exit code 4."""
    try:
        limits.current()
    except ValueError as exc:  # a limit set in the environment that is not a number
        typer.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    try:
        app()
    except EligibilityError as exc:  # pragma: no cover - every command catches its own
        typer.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_ENGINE)
    except (KeyboardInterrupt, BrokenPipeError):  # pragma: no cover - interactive
        sys.exit(130)
    except Exception as exc:  # pragma: no cover - a bug; never show users a traceback
        if os.environ.get("ELIGIBILITY_DEBUG"):
            raise
        typer.echo(
            f"error: internal error ({type(exc).__name__}); please report it. "
            "Set ELIGIBILITY_DEBUG=1 for details.",
            err=True,
        )
        sys.exit(EXIT_ENGINE)
