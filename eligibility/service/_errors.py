"""Turning failures into problem responses, and logging them without case data.

Nothing the service logs quotes a request: not the body, not a problem message (a message may
echo a value from the case, such as an unknown statute), not an exception's text. A 500 is
logged with the exception's type and the frames of its traceback only.
"""

from __future__ import annotations

import dataclasses
import logging
import traceback
from http import HTTPStatus
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from eligibility._case_json import MalformedJson
from eligibility.errors import (
    CaseError,
    EngineError,
    Problem,
    RulesetError,
    UnknownJurisdictionError,
)
from eligibility.limits import BudgetExceeded
from eligibility.service._problems import MEDIA_TYPE, FieldError, ProblemDocument, response
from eligibility.service._problems import field_errors as _field_errors
from eligibility.service._runtime import Overloaded

log = logging.getLogger("eligibility.service")


class Refusal(Exception):
    """The request is refused with a problem document of ``kind``."""

    def __init__(self, kind: str, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(kind)
        self.kind = kind
        self.detail = detail
        self.errors = errors or []


def refusal_for(exc: Exception, item: int | None = None) -> Refusal:
    """The refusal for an exception raised while deciding a case (``item`` in a batch)."""
    if isinstance(exc, Refusal):
        return exc
    if isinstance(exc, MalformedJson):
        problem = exc.problems[0]
        message = problem.message.replace("the file is", "the body is")
        error = FieldError(message=message, line=problem.line, column=problem.column)
        return Refusal("malformed-json", "the body is not valid JSON", [error])
    if isinstance(exc, BudgetExceeded):
        log.warning("an evaluation ran past its time budget and was abandoned")
        return Refusal("time-budget", str(exc))
    if isinstance(exc, UnknownJurisdictionError):
        return Refusal(
            "unknown-jurisdiction",
            f"no ruleset is loaded for jurisdiction {exc.jurisdiction!r}",
            _field_errors(exc.problems, item),
        )
    if isinstance(exc, CaseError):
        n = len(exc.problems)
        return Refusal(
            "invalid-case", f"{n} problem(s) in the case", _field_errors(exc.problems, item)
        )
    if isinstance(exc, RulesetError):
        return Refusal(
            "ruleset-error", "a ruleset cannot be compiled", _field_errors(exc.problems, files=True)
        )
    if isinstance(exc, EngineError):
        log_internal(exc)
        return Refusal("engine-error", "the engine failed; please report it")
    log_internal(exc)
    return Refusal("internal-error", "an unexpected error occurred; please report it")


def log_internal(exc: BaseException) -> None:
    """Log a failure by type and traceback frames, never by its message."""
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("%s (message withheld: may contain case data)\n%s", type(exc).__name__, frames)


def invalid_request(exc: RequestValidationError) -> Refusal:
    """Path and query parameter errors, naming the parameter."""
    errors = []
    for e in exc.errors():
        where = ".".join(str(part) for part in e.get("loc", ())[1:])
        errors.append(FieldError(message=str(e.get("msg", "invalid")), location=where or None))
    return Refusal("invalid-request", f"{len(errors)} problem(s) in the request", errors)


def install(app: FastAPI, retry_after: int) -> None:
    """Register the handlers that answer every failure with a problem document."""

    async def refused(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, Refusal)
        if exc.kind not in ("internal-error", "engine-error"):
            log.info("refused: %s (%d problem(s))", exc.kind, len(exc.errors))
        return response(exc.kind, exc.detail, exc.errors)

    async def overloaded(_: Request, exc: Exception) -> Response:
        log.warning("overloaded: %s", exc)
        return response(
            "overloaded",
            "too many cases are pending; retry after the delay given",
            headers={"Retry-After": str(retry_after)},
        )

    async def http_error(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            return response("not-found", "no such resource")
        if exc.status_code == 405:
            allow = (exc.headers or {}).get("Allow")
            return response(
                "method-not-allowed",
                "the resource does not allow this method",
                headers={"Allow": allow} if allow else None,
            )
        doc = ProblemDocument(
            type="about:blank",
            title=HTTPStatus(exc.status_code).phrase,
            status=exc.status_code,
            detail=str(exc.detail),
        )
        return Response(doc.model_dump_json(), exc.status_code, media_type=MEDIA_TYPE)

    async def bad_parameters(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return await refused(request, invalid_request(exc))

    app.add_exception_handler(Refusal, refused)
    app.add_exception_handler(Overloaded, overloaded)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, bad_parameters)
    app.add_middleware(ContainFailures)


class ContainFailures:
    """ASGI middleware: any exception that escapes becomes a 500 problem, logged without its
    message, and is not re-raised (so the server prints no traceback with case data in it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as exc:
            log_internal(exc)
            if not started:
                problem = response("internal-error", "an unexpected error occurred")
                await problem(scope, receive, send)


def problems_of(problems: list[Problem], root: Path | None = None) -> list[FieldError]:
    """Ruleset problems (file, line, column) as field errors; files are named relative to
    ``root`` (the rulesets folder), so a response never shows the server's own paths."""
    if root is not None:
        problems = [dataclasses.replace(p, file=_relative(p.file, root)) for p in problems]
    return _field_errors(problems, files=True)


def _relative(file: str | None, root: Path) -> str | None:
    if file is None:
        return None
    try:
        return Path(file).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(file).name  # outside the folder (a golden file, say): its name only
