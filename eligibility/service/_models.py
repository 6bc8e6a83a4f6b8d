"""Response models of the small routes, and the OpenAPI document.

The case and batch request bodies are read as bytes (so a case is validated exactly as the CLI
validates it), so their schemas are added to the OpenAPI components here from the case model.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ConfigDict

from eligibility.case import Case
from eligibility.decision import DecidingDecision, Decision, OutcomeDecision
from eligibility.service._problems import KINDS, MEDIA_TYPE, ProblemDocument
from eligibility.service._settings import Settings

_CONFIG = ConfigDict(extra="forbid", frozen=True)
_REF = "#/components/schemas/{model}"


class Health(BaseModel):
    """The process answers."""

    model_config = _CONFIG

    status: Literal["ok"]


class Readiness(BaseModel):
    """The process has its rulesets and room for more cases."""

    model_config = _CONFIG

    status: Literal["ready"]
    fingerprint: str
    """Fingerprint of the ruleset files in use (see ``GET /v1/rulesets``)."""
    loaded_at: dt.datetime
    rulesets: int
    pending: int
    max_pending: int


class ReloadResult(BaseModel):
    """What a reload did."""

    model_config = _CONFIG

    changed: bool
    """False when the files on disk are the ones already in use."""
    fingerprint: str
    loaded_at: dt.datetime
    rulesets: dict[str, str]
    """Each ruleset file (relative to the rulesets folder) → its SHA-256."""
    other_workers_signalled: bool
    """With several workers: the parent was signalled to have every other worker reload too."""


class BatchItem(BaseModel):
    """The result for one case of a batch: a Decision (status 200) or a problem."""

    model_config = _CONFIG

    index: int
    status: int
    decision: Decision | DecidingDecision | OutcomeDecision | None = None
    """The decision, at the explanation level asked for."""
    problem: ProblemDocument | None = None


class BatchResponse(BaseModel):
    """One result per case, in request order."""

    model_config = _CONFIG

    results: list[BatchItem]


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for problem documents with these statuses."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        kinds = sorted(k for k, (s, _) in KINDS.items() if s == status)
        out[status] = {
            "description": "Problem: " + ", ".join(kinds),
            "content": {MEDIA_TYPE: {"schema": {"$ref": _REF.format(model="ProblemDocument")}}},
        }
    return out


def _add(components: dict[str, Any], name: str, schema: dict[str, Any]) -> None:
    for sub, definition in schema.pop("$defs", {}).items():
        _add(components, sub, definition)
    # FastAPI has already added the models it saw (response models, in its own rendering).
    components.setdefault(name, schema)


def openapi_for(app: FastAPI, settings: Settings) -> dict[str, Any]:
    """The OpenAPI document of ``app`` (cached), with the request body schemas."""
    if app.openapi_schema:
        return app.openapi_schema
    doc = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=(
            "Screens a case for the alternatives to prosecution or imprisonment the law opens, "
            "and explains why. Errors are RFC 9457 problem documents. See docs/service.md."
        ),
        routes=app.routes,
    )
    components: dict[str, Any] = doc.setdefault("components", {}).setdefault("schemas", {})
    _add(components, "Case", Case.model_json_schema(by_alias=True, ref_template=_REF))
    _add(
        components,
        "ProblemDocument",
        ProblemDocument.model_json_schema(ref_template=_REF, mode="serialization"),
    )
    components["BatchRequest"] = {
        "title": "BatchRequest",
        "type": "object",
        "additionalProperties": False,
        "required": ["cases"],
        "properties": {
            "cases": {
                "type": "array",
                "maxItems": settings.max_batch,
                "items": {"$ref": _REF.format(model="Case")},
            }
        },
    }
    _add(
        components,
        "DecidingDecision",
        DecidingDecision.model_json_schema(ref_template=_REF, mode="serialization"),
    )
    components["ExpandRequest"] = {
        "title": "ExpandRequest",
        "type": "object",
        "additionalProperties": False,
        "required": ["decision", "case"],
        "properties": {
            "decision": {"$ref": _REF.format(model="DecidingDecision")},
            "case": {"$ref": _REF.format(model="Case")},
        },
    }
    doc["components"]["schemas"] = dict(sorted(components.items()))
    app.openapi_schema = doc
    return doc
