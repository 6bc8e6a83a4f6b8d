"""Reading cases from request bodies: media type, size limit, JSON, and the case model.

A single case is decoded and validated exactly as ``eligibility check`` does it (a valid case in
one pass; a wrong one through ``json.loads`` then :func:`parse_case`, for the messages), so the
Decision bytes are the same as the CLI's.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from pydantic import ValidationError

from eligibility._evaluate import Registry
from eligibility.case import Case, parse_case
from eligibility.service._errors import Refusal, refusal_for
from eligibility.service._problems import FieldError, document

SOURCE = "<request>"


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused unless it is JSON of at most ``limit`` bytes."""
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
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise Refusal("content-too-large", f"the body may be at most {limit} bytes")
    return bytes(body)


def decode(raw: bytes) -> Any:
    """JSON-decode a body, refusing malformed JSON with its line and column."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        error = FieldError(message=f"malformed JSON: {exc.msg}", line=exc.lineno, column=exc.colno)
        raise Refusal("malformed-json", "the body is not valid JSON", [error]) from None
    except UnicodeDecodeError:
        error = FieldError(message="the body is not UTF-8 text")
        raise Refusal("malformed-json", "the body is not valid JSON", [error]) from None


def decide_one(raw: bytes, registry: Registry) -> bytes:
    """Decode, validate and evaluate one case: the Decision's canonical JSON bytes."""
    try:
        case: Case = Case.model_validate_json(raw)  # a valid case, in one pass
    except ValidationError:
        case = parse_case(decode(raw), SOURCE)  # a wrong one, named field by field
    return registry.evaluate(case).to_json_bytes()


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


def decide_batch(cases: list[Any], registry: Registry) -> bytes:
    """Evaluate every case; each result is a Decision or a problem, in request order."""
    parts = []
    for index, item in enumerate(cases):
        try:
            decision = registry.evaluate(parse_case(item, SOURCE))
            parts.append(
                b'{"index":%d,"status":200,"decision":%b}' % (index, decision.to_json_bytes(False))
            )
        except Exception as exc:
            refusal = refusal_for(exc, index)
            doc = document(refusal.kind, refusal.detail, refusal.errors)
            body = doc.model_dump_json(exclude_none=True).encode()
            parts.append(b'{"index":%d,"status":%d,"problem":%b}' % (index, doc.status, body))
    return b'{"results":[' + b",".join(parts) + b"]}"
