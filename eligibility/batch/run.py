"""``eligibility batch``: a file of cases in, exactly one line per case out, in order.

Exit codes (the output is complete for 0, 1, 3 and 4 alike — every record has its line):

====  ==================================================================================
0     every record was decided
1     some records are error records (a wrong case or an unknown jurisdiction), or the
      input cannot be read at all (missing file, unknown CSV column: nothing is written)
2     the command line is wrong, or ``--resume`` cannot continue the interrupted run
3     the rulesets are invalid (nothing is written), or a ruleset failed to compile for
      some records
4     the engine failed on some records (a bug: please report it), or a worker process
      died; the run can be continued with ``--resume`` once fixed
5     the output cannot be written (no space left on the device, a write error); what is
      written is kept and ``--resume`` carries on once space is freed
130   interrupted (Ctrl-C); continue with ``--resume``
====  ==================================================================================
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from eligibility._evaluate import EvaluatorName, Registry, default_rulesets_dir
from eligibility._loader import iter_ruleset_files
from eligibility.batch.output import ResumeError, Sink, write_atomic
from eligibility.batch.progress import Progress
from eligibility.batch.records import InputFormat, Reader, detect_format
from eligibility.batch.summary import render
from eligibility.batch.workers import WorkerDied, screen_ordered
from eligibility.decision import Explanation
from eligibility.errors import CaseError, RulesetError

EXIT_OUTPUT = 5
"""The output cannot be written (no space left, a write error); ``--resume`` carries on."""
_SEVERITY = {"case": 1, "jurisdiction": 1, "ruleset": 3, "engine": 4, "internal": 4}


@dataclass(frozen=True)
class BatchOptions:
    """What ``eligibility batch`` was asked to do."""

    input: str
    """Input file, or ``-`` for standard input."""
    output: str = "-"
    """Output file (JSON Lines), or ``-`` for standard output."""
    input_format: InputFormat | None = None
    """``jsonl`` or ``csv``; by default from the input's extension."""
    workers: int = 1
    chunk_size: int = 128
    resume: bool = False
    progress: bool | None = None
    """Show the progress bar: ``None`` on a terminal only."""
    summary: Path | None = None
    """Also write the summary as JSON to this file."""
    quiet: bool = False
    """Print no summary (and no progress bar unless ``progress`` is true)."""
    rulesets: Path | None = None
    evaluator: EvaluatorName = "durable-rules"
    checkpoint_seconds: float = 1.0
    """How often what is written is made durable (fsync) and recorded for ``--resume``."""
    strict: bool = False
    """Refuse (an error record) a case with a citation, substance or unit the rulesets cannot
    read, instead of deciding it with those values unknown."""
    explain: Explanation = "full"
    """How much reasoning each decision carries: ``full``, ``deciding`` or ``outcome``
    (docs/explanation.md)."""


_loaded: dict[tuple[str, str, tuple[tuple[str, int, int], ...]], Registry] = {}


def load_registry(root: Path, evaluator: EvaluatorName) -> Registry:
    """The rulesets under ``root``, loaded once per process while their files are unchanged.

    A registry compiles each jurisdiction on first use; reusing it makes repeated batches in one
    process (a service, a notebook, the tests) start at full speed.
    """
    files = tuple(
        (str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in iter_ruleset_files(root)
    )
    key = (str(root.resolve()), evaluator, files)
    if key not in _loaded:
        if len(_loaded) >= 4:  # a few folders or evaluators at once; never unbounded
            del _loaded[next(iter(_loaded))]
        _loaded[key] = Registry.load(root, evaluator=evaluator)
    return _loaded[key]


def _cannot_write(options: BatchOptions, sink: Sink, exc: OSError) -> int:
    """The output could not be written (a full disk, say): keep what is durable, say so and
    how to carry on. Exit 5."""
    with contextlib.suppress(OSError):  # the checkpoint needs space too; an older one holds
        sink.close()
    reason = (
        "no space left on the device"
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
        else exc.strerror or type(exc).__name__
    )
    _say(f"error: {options.output}: cannot write the output: {reason}")
    if sink.path is None:
        _say(f"{sink.records:,} record(s) were written; free space and run the batch again")
    else:
        _say(
            f"{sink.records:,} record(s) are written to {sink.partial}; free some space, then "
            "run the same command again with --resume to carry on from there"
        )
    return EXIT_OUTPUT


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _fingerprint(options: BatchOptions, fmt: InputFormat, registry: Registry) -> dict[str, str]:
    """What must not change between an interrupted run and its resumption."""
    hashes = sorted(
        f"{r.id}@{r.version}:{r.content_hash}:{r.vocabulary.content_hash if r.vocabulary else ''}"
        for r in registry.rulesets
    )
    out = {
        "input": str(Path(options.input).resolve()),
        "format": fmt,
        "rulesets": hashlib.sha256("\n".join(hashes).encode()).hexdigest(),
        "evaluator": registry.evaluator,
        "strict": str(options.strict).lower(),
        "explain": options.explain,
    }
    if options.input != "-":
        stat = Path(options.input).stat()
        out["input file"] = f"{stat.st_size}:{stat.st_mtime_ns}"
    return out


def run_batch(options: BatchOptions) -> int:
    """Run a batch; messages and the summary go to standard error. Returns the exit code."""
    if options.workers < 1 or options.chunk_size < 1:
        _say("error: --workers and --chunk-size must be at least 1")
        return 2
    if options.resume and "-" in (options.input, options.output):
        _say("error: --resume needs an input file and an output file (-o FILE)")
        return 2
    root = options.rulesets or default_rulesets_dir()
    try:
        registry = load_registry(root, options.evaluator)
    except RulesetError as exc:
        _say(f"error: {len(exc.problems)} problem(s) in the rulesets")
        for p in exc.problems:
            _say("  " + p.render())
        return 3
    fmt = options.input_format or detect_format(options.input, None)
    source = "<stdin>" if options.input == "-" else options.input
    try:
        stream: IO[bytes] = (
            sys.stdin.buffer if options.input == "-" else open(options.input, "rb")  # noqa: SIM115
        )
    except OSError as exc:
        _say(f"error: {source}: cannot read the input: {exc.strerror}")
        return 1
    try:
        return _run(options, registry, root, fmt, source, stream)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _run(
    options: BatchOptions,
    registry: Registry,
    root: Path,
    fmt: InputFormat,
    source: str,
    stream: IO[bytes],
) -> int:
    try:
        reader = Reader(stream, fmt)
    except CaseError as exc:
        _say(f"error: {source}: the CSV header is not valid")
        for p in exc.problems:
            _say(f"  {source}:1: error: " + p.render().removeprefix("error: "))
        return 1
    try:
        return _screen_all(options, registry, root, fmt, source, stream, reader)
    finally:
        reader.close()


def _screen_all(
    options: BatchOptions,
    registry: Registry,
    root: Path,
    fmt: InputFormat,
    source: str,
    stream: IO[bytes],
    reader: Reader,
) -> int:
    try:
        sink = Sink(
            options.output,
            _fingerprint(options, fmt, registry),
            options.resume,
            options.checkpoint_seconds,
        )
    except ResumeError as exc:
        _say(f"error: {exc}")
        return 2
    except OSError as exc:
        _say(f"error: {options.output}: cannot write the output: {exc.strerror}")
        return 1
    if options.resume and not sink.resumed:
        _say("note: no interrupted run to resume; starting afresh")
    elif sink.resumed:
        _say(f"note: resuming after {sink.records:,} record(s) already written")
    total = None if options.input == "-" else os.fstat(stream.fileno()).st_size
    show = (
        options.progress if options.progress is not None else (None if not options.quiet else False)
    )
    results = screen_ordered(
        reader.chunks(options.chunk_size, skip=sink.records),
        registry,
        options.workers,
        root,
        options.strict,
        options.explain,
    )
    try:
        with Progress(show, total, Path(source).name) as bar:
            bar.start_at(sink.records)
            for end, (blob, count, tally) in results:
                sink.write(blob, count, tally)
                bar.update(sink.records, end)
        sink.finish()
    except KeyboardInterrupt:
        results.close()
        sink.close()
        _say(f"\ninterrupted after {sink.records:,} record(s); continue with --resume")
        return 130
    except WorkerDied as exc:
        sink.close()
        _say(f"error: {exc}; {sink.records:,} record(s) are written")
        return 4
    except OSError as exc:
        return _cannot_write(options, sink, exc)
    finally:
        results.close()
    summary = {"input": source, "output": options.output, **sink.tally.to_json()}
    if options.summary is not None:
        write_atomic(options.summary, json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    if not options.quiet:
        _say(render(summary).rstrip("\n"))
    kinds = summary["errors"]["by_kind"]
    return max((_SEVERITY.get(k, 4) for k in kinds), default=0)
