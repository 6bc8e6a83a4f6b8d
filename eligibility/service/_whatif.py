"""The what-if routes: a decision with its what-if parts, the next question, and replay.

Kept apart from the core routes (``_app.py`` registers them with one call). Each route decides
on the engine thread, as batches do: a what-if answer re-decides a case many times.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import asdict
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError

from eligibility._evaluate import Registry
from eligibility.case import Case, parse_case
from eligibility.decision import Decision, QuestionsOut
from eligibility.service._cases import SOURCE, answer, decode, read_body
from eligibility.service._errors import Refusal
from eligibility.service._models import problem_responses
from eligibility.service._problems import FieldError
from eligibility.service._runtime import Runtime

API = "/v1"
JSON = "application/json"
_CASE_BODY = {
    "requestBody": {
        "required": True,
        "content": {JSON: {"schema": {"$ref": "#/components/schemas/Case"}}},
    }
}


def _case(raw: bytes) -> Case:
    try:
        return Case.model_validate_json(raw)
    except ValidationError:
        return parse_case(decode(raw), SOURCE)


def what_if_decision(raw: bytes, registry: Registry, as_of: str | None, parts: str) -> bytes:
    """The decision with the parts asked for, as canonical JSON bytes."""
    from eligibility import whatif

    day = whatif.parse_day(as_of) if as_of else None
    return whatif.decide(registry, _case(raw), day, whatif.parts_from([parts])).to_json_bytes()


def next_question(raw: bytes, registry: Registry, as_of: str | None) -> bytes:
    """The next question for a partial case, with the ranking and the deciding answers."""
    from eligibility import whatif

    day = whatif.parse_day(as_of) if as_of else None
    decision = whatif.decide(registry, _case(raw), day, ("next_questions",))
    assert decision.what_if is not None and decision.what_if.next_questions is not None
    found = decision.what_if.next_questions
    useful = [q for q in found.ranked if q.settles or q.may_settle]
    body = {
        "case_id": decision.case_id,
        "summary": decision.summary,
        "question": useful[0].model_dump() if useful else None,
        "ranked": [q.model_dump() for q in found.ranked],
        "deciding_answers": [d.model_dump() for d in found.deciding_answers],
    }
    return json.dumps(body, ensure_ascii=False, indent=2).encode() + b"\n"


def replayed(raw: bytes, registry: Registry) -> bytes:
    """The replay report for ``{"decision": …, "case": …}``."""
    from eligibility.whatif.replay import replay

    data = decode(raw)
    if not isinstance(data, dict) or set(data) != {"decision", "case"}:
        error = FieldError(message="expected an object with `decision` and `case`")
        raise Refusal(
            "invalid-request", 'the body must be {"decision": {...}, "case": {...}}', [error]
        )
    stored: Any = data["decision"]
    # The stored decision's bytes as the service writes them: compact, as a batch item is.
    stored_bytes = json.dumps(stored, ensure_ascii=False, separators=(",", ":")).encode()
    report = replay(registry, stored_bytes, parse_case(data["case"], SOURCE))
    if not report.identical:
        # A JSON body does not carry the stored bytes (only the document), so a decision is
        # the same when the documents are equal.
        fresh = json.loads(report.fresh_json) if report.fresh_json else None
        if fresh == stored:
            report = dataclasses.replace(report, identical=True, difference=None)
    body = asdict(report)
    body.pop("fresh_json", None)
    return json.dumps(body, ensure_ascii=False, indent=2).encode() + b"\n"


def register(app: FastAPI, runtime: Runtime) -> None:
    """Add the what-if routes to ``app``."""
    settings = runtime.settings

    @app.post(
        f"{API}/what-if",
        summary="Screen one case with its what-if answers (as of a day; next questions, timeline, counterfactuals)",
        response_class=Response,
        responses={200: {"model": Decision}, **problem_responses(400, 413, 415, 422, 503)},
        openapi_extra=_CASE_BODY,
    )
    async def what_if(
        request: Request,
        as_of: str | None = Query(None, description="Decide as of this day (YYYY-MM-DD)."),
        parts: str = Query(
            "all",
            description="Comma-separated: next_questions, timeline, counterfactuals, lex_mitior, all; empty for none.",
        ),
    ) -> Response:
        raw = await read_body(request, settings.max_body_bytes, settings.body_seconds)
        return await answer(
            runtime,
            lambda registry: what_if_decision(raw, registry, as_of, parts),
            len(raw),
            long=True,
        )

    @app.post(
        f"{API}/next-question",
        summary="The next question to ask for a partial case",
        response_class=Response,
        responses={200: {"model": QuestionsOut}, **problem_responses(400, 413, 415, 422, 503)},
        openapi_extra=_CASE_BODY,
    )
    async def next_question_route(
        request: Request,
        as_of: str | None = Query(None, description="Decide as of this day (YYYY-MM-DD)."),
    ) -> Response:
        raw = await read_body(request, settings.max_body_bytes, settings.body_seconds)
        return await answer(
            runtime, lambda registry: next_question(raw, registry, as_of), len(raw), long=True
        )

    @app.post(
        f"{API}/replay",
        summary="Re-derive a stored decision from its case and compare",
        response_class=Response,
        responses=problem_responses(400, 413, 415, 422, 503),
    )
    async def replay_route(request: Request) -> Response:
        raw = await read_body(request, settings.max_body_bytes, settings.body_seconds)
        return await answer(runtime, lambda registry: replayed(raw, registry), len(raw), long=True)
