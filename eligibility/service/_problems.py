"""Errors as RFC 9457 problem details (``application/problem+json``), each naming its field.

Every error response of the service is one :class:`ProblemDocument`. ``type`` is a stable URN
per kind of problem (listed in :data:`KINDS` and in docs/service.md); ``errors`` lists every
problem found in the request, each with the dotted ``location`` the CLI prints and the
equivalent JSON Pointer into the request body. Documents carry no case data beyond the names of
the fields that are wrong, so they are safe to log.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict

from eligibility.errors import Problem

MEDIA_TYPE = "application/problem+json"

KINDS: dict[str, tuple[int, str]] = {
    "malformed-json": (400, "The request body is not JSON"),
    "invalid-case": (422, "The case is not valid"),
    "unknown-jurisdiction": (422, "No ruleset is loaded for the case's jurisdiction"),
    "invalid-request": (422, "The request is not valid"),
    "too-many-cases": (422, "Too many cases in one request"),
    "content-too-large": (413, "The request body is too large"),
    "unsupported-media-type": (415, "The request body must be JSON"),
    "not-found": (404, "Not found"),
    "method-not-allowed": (405, "Method not allowed"),
    "invalid-rulesets": (409, "The rulesets on disk are invalid; the previous ones stay in use"),
    "reload-disabled": (403, "Reloading over HTTP is disabled"),
    "reload-forbidden": (403, "Reloading is allowed from this host or with the reload token only"),
    "reload-timeout": (
        503,
        "The reload took too long and was abandoned; the previous rulesets stay in use",
    ),
    "request-timeout": (408, "The request body came too slowly"),
    "time-budget": (
        503,
        "The case took longer than the evaluation time budget; it was not decided",
    ),
    "overloaded": (503, "The service is busy; retry later"),
    "ruleset-error": (500, "A ruleset cannot be compiled; the case was not decided"),
    "engine-error": (500, "The engine failed; the case was not decided"),
    "internal-error": (500, "Internal error; the case was not decided"),
}
"""Problem kind → (HTTP status, title). The ``type`` is ``urn:eligibility:problem:<kind>``."""

_INDEX = re.compile(r"\[(\d+)\]")


class FieldError(BaseModel):
    """One thing wrong with the request, and where."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    message: str
    file: str | None = None
    """The ruleset file at fault (for problems in the rulesets, not in the request)."""
    location: str | None = None
    """Dotted path of the field, as the CLI prints it, e.g. ``charges[0].quantity.unit``."""
    pointer: str | None = None
    """The same field as a JSON Pointer (RFC 6901) into the request body."""
    line: int | None = None
    column: int | None = None
    hint: str | None = None


class ProblemDocument(BaseModel):
    """An RFC 9457 problem details document."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] = []


def pointer(location: str | None, prefix: str = "") -> str | None:
    """``charges[0].quantity.unit`` → ``/charges/0/quantity/unit`` (under ``prefix``)."""
    if not location:
        return prefix or None
    parts = _INDEX.sub(r".\1", location).split(".")
    escaped = (p.replace("~", "~0").replace("/", "~1") for p in parts if p)
    return prefix + "".join("/" + p for p in escaped)


def field_errors(
    problems: Iterable[Problem], item: int | None = None, files: bool = False
) -> list[FieldError]:
    """The library's problems as field errors; ``item`` locates them in a batch's ``cases``;
    ``files`` keeps the file names (for problems in ruleset files)."""
    out = []
    for p in problems:
        location, prefix = p.location, ""
        if item is not None:
            prefix = f"/cases/{item}"
            location = f"cases[{item}].{location}" if location else f"cases[{item}]"
        out.append(
            FieldError(
                message=p.message,
                file=p.file if files else None,
                location=location,
                pointer=pointer(p.location, prefix),
                line=p.line,
                column=p.column,
                hint=p.hint,
            )
        )
    return out


def document(kind: str, detail: str, errors: list[FieldError] | None = None) -> ProblemDocument:
    """The problem document of ``kind``."""
    status, title = KINDS[kind]
    return ProblemDocument(
        type=f"urn:eligibility:problem:{kind}",
        title=title,
        status=status,
        detail=detail,
        errors=errors or [],
    )


def response(
    kind: str,
    detail: str,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """An ``application/problem+json`` response of ``kind``."""
    doc = document(kind, detail, errors)
    return Response(
        doc.model_dump_json(exclude_none=True),
        status_code=doc.status,
        media_type=MEDIA_TYPE,
        headers=headers,
    )
