"""Service settings: one frozen model, passed to worker processes through the environment."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SETTINGS_ENV = "ELIGIBILITY_SERVICE_SETTINGS"
"""Worker processes started by ``eligibility serve --workers N`` read their settings from here."""


class Settings(BaseModel):
    """How one service process loads rulesets, admits requests and answers them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rulesets: Path | None = None
    """Folder of rulesets; ``None`` means ``$ELIGIBILITY_RULESETS`` or the shipped rulesets."""
    evaluator: Literal["durable-rules", "reference"] = "durable-rules"
    max_body_bytes: Annotated[int, Field(ge=1024)] = 1024 * 1024
    """Largest request body accepted (413 above it)."""
    max_batch: Annotated[int, Field(ge=1)] = 100
    """Most cases in one batch request (422 above it)."""
    max_pending: Annotated[int, Field(ge=1)] = 200
    """Most cases admitted at once per process, queued or being evaluated; beyond it 503."""
    retry_after: Annotated[int, Field(ge=1)] = 1
    """Seconds sent in ``Retry-After`` with a 503."""
    cors_origins: tuple[str, ...] = ()
    """Origins allowed by CORS; empty (the default) adds no CORS headers at all."""
    reload_endpoint: bool = False
    """Serve ``POST /v1/admin/reload`` (off by default: SIGHUP reloads). When on, a reload is
    accepted from a loopback address, or from anywhere with ``reload_token``; never from a
    browser page (a request carrying ``Origin`` or a form body is refused)."""
    reload_token: str | None = Field(default=None, min_length=16, repr=False)
    """Bearer token that allows a reload from any address (compared in constant time); read
    from ``$ELIGIBILITY_RELOAD_TOKEN`` by ``eligibility serve``."""
    reload_seconds: Annotated[float, Field(gt=0)] = 60.0
    """A reload still loading after this long is abandoned (the previous rulesets stay) and
    does not block the next one."""
    header_seconds: Annotated[float, Field(gt=0)] = 10.0
    """A client must send a request's complete headers within this time, or is disconnected."""
    body_seconds: Annotated[float, Field(gt=0)] = 30.0
    """A client must send a request's complete body within this time, or gets 408."""
    shutdown_seconds: Annotated[float, Field(gt=0)] = 5.0
    """On SIGTERM or SIGINT, requests in progress get this long to finish before the process
    stops."""
    evaluate_in: Literal["auto", "thread", "loop"] = "auto"
    """Where evaluations run, one at a time in every mode: ``auto`` (default) decides a single
    case on the event loop and a batch on the engine thread; ``thread`` runs everything on the
    engine thread; ``loop`` everything on the event loop. See docs/service.md."""
    supervisor_pid: int | None = None
    """With several workers, the parent process to signal (SIGHUP) after a reload."""

    @model_validator(mode="after")
    def _batch_fits(self) -> Settings:
        if self.max_batch > self.max_pending:
            raise ValueError("max_batch cannot exceed max_pending: such a batch is never admitted")
        return self

    def to_env(self) -> str:
        """The settings as JSON for :data:`SETTINGS_ENV`."""
        return self.model_dump_json()

    @classmethod
    def from_env(cls) -> Settings:
        """The settings a parent process left in :data:`SETTINGS_ENV`, else the defaults."""
        raw = os.environ.get(SETTINGS_ENV)
        return cls.model_validate_json(raw) if raw else cls()
