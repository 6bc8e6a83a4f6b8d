"""Batch input as numbered records, and one record screened into one output line.

JSON Lines: record *n* is line *n* of the file, one case document per line. CSV: the first row is
the header (see :mod:`eligibility.batch.flatten`); record *n* is the *n*-th row after it, and its
``line`` is the file line the row starts on (the header is line 1). Every record gives exactly one
output line: the decision as compact JSON, or an error record (:func:`error_record`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any, Literal

from eligibility._evaluate import Registry
from eligibility.batch.flatten import CsvLayout
from eligibility.case import parse_case, parse_case_json
from eligibility.decision import AnyDecision, Explanation
from eligibility.errors import (
    CaseError,
    EngineError,
    Problem,
    RulesetError,
    UnknownJurisdictionError,
)
from eligibility.limits import current, time_budget

InputFormat = Literal["jsonl", "csv"]
ErrorKind = Literal["case", "jurisdiction", "ruleset", "engine", "internal"]


@dataclass(frozen=True)
class Unreadable:
    """A CSV record the reader could not read (a cell over the size limit); it becomes an
    error record like any other, and reading goes on at the next line."""

    message: str


Payload = bytes | list[str] | Unreadable


@dataclass(frozen=True)
class Chunk:
    """Consecutive records handed to one worker; ``end`` is the input offset after them."""

    layout: CsvLayout | None
    records: list[tuple[int, Payload]]
    end: int


def detect_format(path: str, given: str | None) -> InputFormat:
    """The input format: as given, else by the file's extension (``.csv``, else JSON Lines)."""
    if given in ("jsonl", "csv"):
        return given  # type: ignore[return-value]  # narrowed by the test above
    return "csv" if path.lower().endswith((".csv", ".csv.txt")) else "jsonl"


class Reader:
    """Numbered records of one input stream; a CSV header is resolved when the reader opens."""

    def __init__(self, stream: IO[bytes], fmt: InputFormat) -> None:
        self._stream = stream
        self.format = fmt
        self.layout: CsvLayout | None = None
        self._rows: Iterator[list[str]] | None = None
        self._text: io.TextIOWrapper | None = None
        self._line = 0
        if fmt == "csv":
            # surrogateescape keeps bytes that are not UTF-8 so the row, not the batch, fails.
            self._text = io.TextIOWrapper(
                stream, encoding="utf-8-sig", errors="surrogateescape", newline=""
            )
            # A cell may be as long as a whole case (the csv module's default is 128 KB).
            csv.field_size_limit(current().case_bytes)
            reader = csv.reader(self._text)
            try:
                header = next(reader, None)
                if header is None:
                    raise CaseError([Problem("the CSV file is empty: expected a header row")])
                self.layout = CsvLayout.from_header(header)
            except BaseException:
                self.close()
                raise
            self._line = reader.line_num
            self._reader = reader
        self.offset = 0

    def close(self) -> None:
        """Let go of the input stream (the caller closes it)."""
        if self._text is not None:
            self._text.detach()
            self._text = None

    def records(self) -> Iterator[tuple[int, Payload]]:
        """``(line, payload)`` for every record, in order; ``offset`` follows the input."""
        if self.layout is None:
            yield from self._lines()
            return
        while True:
            start = self._line + 1
            try:
                row: list[str] | Unreadable = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                row = Unreadable(f"the row cannot be read as CSV: {exc}")
            self._line = self._reader.line_num
            self.offset = self._stream.tell() if self._stream.seekable() else self.offset
            yield start, row

    def _lines(self) -> Iterator[tuple[int, Payload]]:
        """JSON Lines records; a line longer than the ``case_bytes`` limit is skipped in
        pieces (never held whole in memory) and becomes an error record."""
        limit = current().case_bytes
        line = 0
        while True:
            raw = self._stream.readline(limit + 2)  # room for the limit and "\r\n"
            if not raw:
                return
            line += 1
            self.offset += len(raw)
            if len(raw) <= limit + 2 and (raw.endswith(b"\n") or len(raw) <= limit):
                yield line, raw.rstrip(b"\r\n")
                continue
            while raw and not raw.endswith(b"\n"):  # the rest of the long line
                raw = self._stream.readline(1024 * 1024)
                self.offset += len(raw)
            yield (
                line,
                Unreadable(
                    f"the line is larger than the case bytes limit ({limit:,} bytes, "
                    "ELIGIBILITY_LIMIT_CASE_BYTES)"
                ),
            )

    def chunks(self, size: int, skip: int = 0) -> Iterator[Chunk]:
        """Records grouped ``size`` at a time, after skipping the first ``skip`` records."""
        batch: list[tuple[int, Payload]] = []
        for n, record in enumerate(self.records()):
            if n < skip:
                continue
            batch.append(record)
            if len(batch) == size:
                yield Chunk(self.layout, batch, self.offset)
                batch = []
        if batch:
            yield Chunk(self.layout, batch, self.offset)


def _problem_json(p: Problem) -> dict[str, Any]:
    out: dict[str, Any] = {"message": p.message}
    if p.location:
        out["location"] = p.location
    if p.column is not None:
        out["column"] = p.column
    if p.hint:
        out["hint"] = p.hint
    return out


def _render(p: Problem) -> str:
    text = f"{p.location}: {p.message}" if p.location else p.message
    return f"{text} (hint: {p.hint})" if p.hint else text


def error_record(
    line: int | None, case_id: str | None, kind: ErrorKind, problems: list[Problem]
) -> dict[str, Any]:
    """``{"line": n, "case_id": …, "error": {"kind", "message", "problems": […]}}``."""
    return {
        "line": line,
        "case_id": case_id,
        "error": {
            "kind": kind,
            "message": "; ".join(_render(p) for p in problems),
            "problems": [_problem_json(p) for p in problems],
        },
    }


def _case_id(layout: CsvLayout | None, payload: Payload | Any) -> str | None:
    """The case id of a record that failed, when one can be read, to help find the case."""
    try:
        if isinstance(payload, Unreadable):
            raise CaseError([Problem(payload.message)])
        if layout is not None and isinstance(payload, list):
            names = [c.name for c in layout.columns]
            value: Any = payload[names.index("case_id")] if "case_id" in names else None
        else:
            data = json.loads(payload) if isinstance(payload, bytes | str) else payload
            value = data.get("case_id") if isinstance(data, dict) else None
    except Exception:
        return None
    if not isinstance(value, str) or not value or len(value) > 200:
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # bytes that were not UTF-8 in a CSV cell
        return None
    return value


def screen(
    registry: Registry,
    layout: CsvLayout | None,
    line: int | None,
    payload: Payload | Any,
    strict: bool = False,
    explain: Explanation = "full",
) -> tuple[dict[str, Any] | AnyDecision, ErrorKind | None]:
    """Screen one record: its decision, or an error record and the error's kind (with
    ``strict``, a case with a citation, substance or unit the rulesets cannot read is a ``case``
    error record instead of a decision with notices).

    ``payload`` is a JSON line (bytes or text), a CSV row (with ``layout``), or a case document
    already decoded (a dict). Nothing a record holds can stop the batch: even an unexpected
    failure becomes an ``internal`` error record.
    """
    kind: ErrorKind
    try:
        if isinstance(payload, Unreadable):
            raise CaseError([Problem(payload.message)])
        if layout is not None and isinstance(payload, list):
            if not payload or payload == [""]:
                raise CaseError([Problem("empty row: expected a case")])
            if any("\udc80" <= ch <= "\udcff" for cell in payload for ch in cell):
                raise CaseError([Problem("the row is not UTF-8 text")])
            case = layout.case(payload)
        elif isinstance(payload, dict):
            case = parse_case(payload)
        elif isinstance(payload, bytes | str):
            if not payload.strip():
                raise CaseError([Problem("empty line: expected a case as a JSON object")])
            case = parse_case_json(payload)
        else:
            raise CaseError([Problem("a case must be a JSON object")])
        with time_budget():
            return registry.evaluate(case, strict=strict, explain=explain), None
    except UnknownJurisdictionError as exc:
        kind, problems = "jurisdiction", exc.problems
    except CaseError as exc:
        kind, problems = "case", exc.problems
    except RulesetError as exc:
        kind, problems = "ruleset", exc.problems
    except EngineError as exc:
        kind, problems = "engine", [Problem(f"the engine failed; the case was not decided: {exc}")]
    except Exception as exc:  # a bug: recorded against the line, never crashing the batch
        kind = "internal"
        problems = [Problem(f"internal error ({type(exc).__name__}); please report it")]
    return error_record(line, _case_id(layout, payload), kind, problems), kind


def output_line(result: dict[str, Any] | AnyDecision) -> bytes:
    """One output line: the decision (same content as its ``to_json``) or the error record."""
    if not isinstance(result, dict):
        return result.to_json_bytes(indent=False) + b"\n"
    text = json.dumps(result, ensure_ascii=False, separators=(",", ":"))
    # A message can only quote what the case said; never let an odd character lose the line.
    return text.encode("utf-8", "replace") + b"\n"
