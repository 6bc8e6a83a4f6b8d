"""Reading cases from request bodies: media type, size and time limits, JSON, the case model.

A single case is decoded and validated exactly as ``eligibility check`` does it
(:func:`parse_case_json`, under the limits of :mod:`eligibility.limits`), so the Decision bytes
and the refusals are the same as the CLI's.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from eligibility import _case_json
from eligibility._evaluate import Registry
from eligibility.case import parse_case, parse_case_json
from eligibility.decision import Explanation
from eligibility.errors import CaseError
from eligibility.limits import current, time_budget
from eligibility.service._errors import Refusal, refusal_for
from eligibility.service._problems import FieldError, document
from eligibility.service._runtime import INLINE_MAX_BYTES, Overloaded, Runtime

SOURCE = "<request>"
UNIT_BYTES = 8 * 1024
"""A body counts as one pending case per this many bytes (see :func:`cost`)."""


async def read_body(request: Request, limit: int, seconds: float = 30.0) -> bytes:
    """The request body, refused unless it is JSON of at most ``limit`` bytes, received
    completely within ``seconds``."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json" and not media.endswith("+json"):
        raise Refusal(
            "unsupported-media-type",
            f"send the body as application/json (got {media or 'no content type'!r})",
        )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise Refusal("content-too-large", f"the body may be at most {limit} bytes")
    body = bytearray()
    try:
        async with asyncio.timeout(seconds):
            async for chunk in request.stream():
                body += chunk
                if len(body) > limit:
                    raise Refusal("content-too-large", f"the body may be at most {limit} bytes")
    except TimeoutError:
        raise Refusal(
            "request-timeout", f"the body was not received within {seconds:g} seconds"
        ) from None
    return bytes(body)


def decode(raw: bytes) -> Any:
    """JSON-decode a batch body (no repeated keys, bounded nesting and integers), refusing
    malformed JSON with its line and column."""
    try:
        return _case_json.decode(raw, SOURCE, dataclasses.replace(current(), case_bytes=len(raw)))
    except CaseError as exc:
        raise refusal_for(exc) from None


NO_STORE = {"Cache-Control": "no-store"}
"""A decision is about a person: no cache between the service and its caller may keep it."""


async def answer(
    runtime: Runtime, work: Callable[[Registry], bytes], size: int, long: bool = False
) -> Response:
    """Run ``work`` on the runtime's engine and answer its JSON bytes, not to be stored; a
    failure becomes its problem document. ``size`` (the body's bytes) sets what the work costs
    and, with ``long``, whether it runs on the engine thread."""
    try:
        body = await runtime.run(work, cost(size), long=long or size > INLINE_MAX_BYTES)
    except Overloaded:
        raise
    except Exception as exc:
        raise refusal_for(exc) from None
    return Response(body, media_type="application/json", headers=NO_STORE)


def decide_one(
    raw: bytes, registry: Registry, strict: bool = False, explain: Explanation = "full"
) -> bytes:
    """Decode, validate and evaluate one case: the decision's canonical JSON bytes."""
    case = parse_case_json(raw, SOURCE)
    with time_budget():
        return registry.evaluate(case, strict=strict, explain=explain).to_json_bytes()


def expand_one(raw: bytes, registry: Registry) -> bytes:
    """``{"decision": <deciding decision>, "case": <case>}`` → the full Decision's JSON bytes."""
    from eligibility.explain import expand

    data = decode(raw)
    if not isinstance(data, dict) or set(data) != {"decision", "case"}:
        error = FieldError(
            message="expected an object with exactly `decision` and `case`", location="body"
        )
        raise Refusal(
            "invalid-request", 'the body must be {"decision": {...}, "case": {...}}', [error]
        )
    case = parse_case(data["case"], SOURCE)
    with time_budget():
        return expand(data["decision"], case, registry).to_json_bytes()


def cost(raw: bytes | int) -> int:
    """What a body costs to decide, in pending cases: the time to decide a case grows with its
    record (priors, charges, custody periods), and so does its size, about one ordinary case
    per 8 KB (docs/performance.md)."""
    size = raw if isinstance(raw, int) else len(raw)
    return max(1, -(-size // UNIT_BYTES))


def batch_cases(raw: bytes, max_batch: int) -> list[Any]:
    """The ``cases`` list of a batch body, checked for shape and length."""
    data = decode(raw)
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        error = FieldError(message="expected an object with a list `cases`", location="cases")
        raise Refusal("invalid-request", 'the body must be {"cases": [...]}', [error])
    extra = sorted(set(data) - {"cases"})
    if extra:
        errors = [FieldError(message="unknown field", location=k, pointer=f"/{k}") for k in extra]
        raise Refusal("invalid-request", "the body has unknown fields", errors)
    cases: list[Any] = data["cases"]
    if len(cases) > max_batch:
        error = FieldError(
            message=f"{len(cases)} cases; at most {max_batch} per request",
            location="cases",
            pointer="/cases",
            hint="split the list into several requests",
        )
        raise Refusal("too-many-cases", f"at most {max_batch} cases per request", [error])
    return cases


def decide_batch(
    cases: list[Any], registry: Registry, strict: bool = False, explain: Explanation = "full"
) -> bytes:
    """Evaluate every case; each result is a Decision or a problem, in request order."""
    parts = []
    for index, item in enumerate(cases):
        try:
            case = parse_case(item, SOURCE)
            with time_budget():
                decision = registry.evaluate(case, strict=strict, explain=explain)
            parts.append(
                b'{"index":%d,"status":200,"decision":%b}' % (index, decision.to_json_bytes(False))
            )
        except Exception as exc:
            refusal = refusal_for(exc, index)
            doc = document(refusal.kind, refusal.detail, refusal.errors)
            body = doc.model_dump_json(exclude_none=True).encode()
            parts.append(b'{"index":%d,"status":%d,"problem":%b}' % (index, doc.status, body))
    return b'{"results":[' + b",".join(parts) + b"]}"
