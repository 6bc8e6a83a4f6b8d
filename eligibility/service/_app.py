"""The ASGI application: versioned routes over one process's :class:`Runtime`."""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
import logging
import signal
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Query, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from eligibility.decision import DecidingDecision, Decision, Explanation, OutcomeDecision
from eligibility.errors import RulesetError
from eligibility.schemas import schema_for
from eligibility.service import _catalogue as catalogue
from eligibility.service._admin import admit_reload
from eligibility.service._cases import (
    NO_STORE,
    answer,
    batch_cases,
    cost,
    decide_batch,
    decide_one,
    expand_one,
    read_body,
)
from eligibility.service._errors import Refusal, install, problems_of
from eligibility.service._models import (
    BatchResponse,
    Health,
    Readiness,
    ReloadResult,
    openapi_for,
    problem_responses,
)
from eligibility.service._runtime import Loaded, Overloaded, Runtime, load
from eligibility.service._settings import Settings

log = logging.getLogger("eligibility.service")

API = "/v1"
JSON = "application/json"


_early_hup = threading.Event()


ExplainQuery = Annotated[
    Explanation,
    Query(
        description="How much reasoning the decision carries: `full` (the Decision), `deciding` "
        "(outcomes, deciding criteria with citations, missing facts, notices and the hashes to "
        "expand it later with `POST /v1/expand`) or `outcome` (outcomes only); "
        "docs/explanation.md."
    ),
]

StrictQuery = Annotated[
    bool,
    Query(
        description="Refuse (422) a case with a citation, substance or unit the rulesets cannot "
        "read, instead of deciding it with those values unknown (docs/records.md)."
    ),
]


def catch_early_sighup() -> Callable[[], None]:
    """Until the server is up, remember a SIGHUP instead of dying of it (the default action);
    the reload then runs as soon as the server starts. Returns what restores the previous
    handler."""
    if not hasattr(signal, "SIGHUP") or threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = signal.signal(signal.SIGHUP, lambda *_: _early_hup.set())

    def restore() -> None:
        signal.signal(signal.SIGHUP, previous)

    return restore


def _on_sighup(runtime: Runtime) -> Callable[[], None]:
    """Reload on SIGHUP (main thread only, i.e. under a real server). Returns the remover."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGHUP"):
        return lambda: None
    loop = asyncio.get_running_loop()
    tasks: set[asyncio.Task[None]] = set()

    async def reload() -> None:
        try:
            changed = await runtime.reload()
            log.info("SIGHUP: %s", "rulesets reloaded" if changed else "rulesets unchanged")
        except RulesetError as exc:
            log.error("SIGHUP: rulesets invalid, still serving the previous ones:")
            for p in exc.problems:
                log.error("  %s", p.render())

    def handler() -> None:
        task = loop.create_task(reload())
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    loop.add_signal_handler(signal.SIGHUP, handler)
    if _early_hup.is_set():  # a SIGHUP came while the server was starting
        _early_hup.clear()
        handler()

    def remove() -> None:
        loop.remove_signal_handler(signal.SIGHUP)

    return remove


def _telemetry() -> dict[str, Any]:
    """FastAPI (0.16x) can export OpenTelemetry traces, metrics and log records once an
    operator configures an exporter. Its log records carry exception messages, which may quote
    a case, so they are switched off; traces and metrics (routes, statuses, timings) stay."""
    if "telemetry" not in inspect.signature(FastAPI).parameters:  # older FastAPI: none at all
        return {}
    return {"telemetry": {"logs": False}}


def create_app(settings: Settings | None = None, loaded: Loaded | None = None) -> FastAPI:
    """The service for ``settings``; loads the rulesets now unless ``loaded`` is given.

    Raises :class:`RulesetError` if the rulesets are invalid.
    """
    settings = settings or Settings()
    runtime = Runtime(settings, loaded or load(settings))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        remove = _on_sighup(runtime)
        try:
            yield
        finally:
            remove()
            runtime.close()

    app = FastAPI(
        title="eligibility",
        summary="Screen a case for the alternatives to prosecution or imprisonment the law opens.",
        version="1",
        openapi_url=f"{API}/openapi.json",
        docs_url=None,  # the Swagger/ReDoc pages load scripts from a CDN; serve none
        redoc_url=None,
        lifespan=lifespan,
        **_telemetry(),
    )
    app.state.runtime = runtime
    install(app, settings.retry_after)
    app.add_middleware(NoSniff)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
        )
    _routes(app, runtime)
    app.openapi = lambda: openapi_for(app, settings)  # type: ignore[method-assign]  # FastAPI's documented override
    return app


class NoSniff:
    """ASGI middleware: every response says ``X-Content-Type-Options: nosniff``, so no browser
    reads a JSON answer (which may quote a request) as HTML or script."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    h for h in message.get("headers", []) if h[0] != b"x-content-type-options"
                ]
                message = {
                    **message,
                    "headers": [*headers, (b"x-content-type-options", b"nosniff")],
                }
            await send(message)

        await self.app(scope, receive, with_header)


def _routes(app: FastAPI, runtime: Runtime) -> None:
    from eligibility.service._whatif import register as what_if_routes

    what_if_routes(app, runtime)  # POST /v1/what-if, /v1/next-question, /v1/replay
    settings = runtime.settings
    schemas = {kind: schema_for(kind) for kind in ("case", "decision")}

    @app.post(
        f"{API}/evaluate",
        summary="Screen one case",
        response_class=Response,
        responses={
            200: {
                "model": Decision | DecidingDecision | OutcomeDecision,
                "description": "The Decision, as `eligibility check --format json` prints it; "
                "with `explain=deciding` or `explain=outcome`, the shorter document.",
            },
            **problem_responses(400, 408, 413, 415, 422, 500, 503),
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {JSON: {"schema": {"$ref": "#/components/schemas/Case"}}},
            }
        },
    )
    async def evaluate(
        request: Request, strict: StrictQuery = False, explain: ExplainQuery = "full"
    ) -> Response:
        raw = await read_body(request, settings.max_body_bytes, settings.body_seconds)
        return await answer(
            runtime, lambda registry: decide_one(raw, registry, strict, explain), len(raw)
        )

    @app.post(
        f"{API}/evaluate/batch",
        summary="Screen a list of cases",
        response_class=Response,
        responses={
            200: {
                "model": BatchResponse,
                "description": "One result per case, in order: a Decision or a problem.",
            },
            **problem_responses(400, 408, 413, 415, 422, 503),
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {JSON: {"schema": {"$ref": "#/components/schemas/BatchRequest"}}},
            }
        },
    )
    async def evaluate_batch(
        request: Request, strict: StrictQuery = False, explain: ExplainQuery = "full"
    ) -> Response:
        raw = await read_body(request, settings.max_body_bytes, settings.body_seconds)
        cases = batch_cases(raw, settings.max_batch)
        body = await runtime.run(
            lambda registry: decide_batch(cases, registry, strict, explain),
            max(1, len(cases), cost(raw)),
            long=True,
        )
        return Response(body, media_type=JSON, headers=NO_STORE)

    @app.post(
        f"{API}/expand",
        summary="Expand a `deciding` decision to the full Decision",
        response_class=Response,
        responses={
            200: {
                "model": Decision,
                "description": "The full Decision: checked to be the one the stored decision "
                "was made with (same case, same ruleset versions, same outcomes).",
            },
            **problem_responses(400, 408, 413, 415, 422, 500, 503),
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {JSON: {"schema": {"$ref": "#/components/schemas/ExpandRequest"}}},
            }
        },
    )
    async def expand(request: Request) -> Response:
        raw = await read_body(request, settings.max_body_bytes, settings.body_seconds)
        return await answer(runtime, lambda registry: expand_one(raw, registry), len(raw))

    @app.get(f"{API}/rulesets", summary="List rulesets and their versions in force")
    async def rulesets() -> catalogue.RulesetList:
        return catalogue.ruleset_list(runtime.loaded, dt.date.today())

    @app.get(
        f"{API}/rulesets/{{ruleset_id}}",
        summary="One ruleset's measures and sources",
        responses=problem_responses(404, 422),
    )
    async def ruleset(
        ruleset_id: str,
        on: Annotated[
            dt.date | None,
            Query(
                description="Show the version in force on this day (default today; the latest if none is)."
            ),
        ] = None,
    ) -> catalogue.RulesetDetail:
        detail = catalogue.ruleset_detail(runtime.loaded, ruleset_id, on or dt.date.today())
        if detail is None:
            raise Refusal("not-found", f"no ruleset {ruleset_id!r} is loaded")
        return detail

    @app.get(
        f"{API}/schemas/{{kind}}",
        summary="JSON Schema of a case or a decision",
        response_class=JSONResponse,
        responses={200: {"content": {"application/schema+json": {}}}, **problem_responses(422)},
    )
    async def schema(kind: Literal["case", "decision"]) -> Response:
        return JSONResponse(schemas[kind], media_type="application/schema+json")

    @app.get(
        f"{API}/jurisdictions/{{code}}/inputs",
        summary="What a case for one jurisdiction may give: facts, questions, substances, citations",
        response_class=JSONResponse,
        responses=problem_responses(404),
    )
    async def inputs(code: str) -> Response:
        """The jurisdiction's declared facts (type, allowed values, question), the substance
        names and spellings its records vocabulary reads, its code families and statute table,
        the units read, and the case JSON Schema narrowed to it — to build forms from."""
        from eligibility.records.inputs import case_schema, jurisdiction_inputs

        registry = runtime.loaded.registry
        found = jurisdiction_inputs(registry, code)
        if found is None:
            raise Refusal(
                "not-found",
                f"no rulesets for jurisdiction {code!r}; known: {', '.join(registry.jurisdictions())}",
            )
        found["case_schema"] = case_schema(registry, code)
        return JSONResponse(found)

    @app.get(f"{API}/health", summary="Liveness: the process answers")
    async def health() -> Health:
        return Health(status="ok")

    @app.get(
        f"{API}/ready",
        summary="Readiness: rulesets loaded and room for more cases",
        responses=problem_responses(503),
    )
    async def ready() -> Readiness:
        if runtime.pending >= settings.max_pending:
            raise Overloaded(f"{runtime.pending} cases pending")
        loaded = runtime.loaded
        return Readiness(
            status="ready",
            fingerprint=loaded.fingerprint,
            loaded_at=loaded.loaded_at,
            rulesets=len(loaded.registry.rulesets),
            pending=runtime.pending,
            max_pending=settings.max_pending,
        )

    @app.post(
        f"{API}/admin/reload",
        summary="Reload the rulesets from disk if they changed",
        responses=problem_responses(403, 409, 503),
    )
    async def reload(request: Request) -> ReloadResult:
        admit_reload(request, settings)
        try:
            changed = await runtime.reload(propagate=True)
        except RulesetError as exc:
            raise Refusal(
                "invalid-rulesets",
                f"{len(exc.problems)} problem(s) in the rulesets",
                problems_of(exc.problems, runtime.loaded.root),
            ) from None
        except TimeoutError:
            raise Refusal(
                "reload-timeout",
                f"the rulesets did not load within {settings.reload_seconds:g} seconds; "
                "the previous ones stay in use",
            ) from None
        loaded = runtime.loaded
        return ReloadResult(
            changed=changed,
            fingerprint=loaded.fingerprint,
            loaded_at=loaded.loaded_at,
            rulesets={
                Path(r.path).relative_to(loaded.root).as_posix(): r.content_hash
                for r in loaded.registry.rulesets
            },
            other_workers_signalled=changed and settings.supervisor_pid is not None,
        )
