"""Helpers for the service tests: an in-process ASGI client and apps over given rulesets."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
from fastapi import FastAPI

from eligibility import Registry
from eligibility.service import Settings, create_app
from eligibility.service._runtime import Loaded, files_fingerprint, load

T = TypeVar("T")
JSON = {"Content-Type": "application/json"}


def app_over(registry: Registry, root: Path, **settings: Any) -> FastAPI:
    """An app over an already loaded registry (the session's), with ``settings``."""
    loaded = Loaded(registry, root, files_fingerprint(root), dt.datetime.now(dt.UTC))
    return create_app(Settings(rulesets=root, **settings), loaded)


def app_loading(root: Path, **settings: Any) -> FastAPI:
    """An app that loads the rulesets under ``root`` itself (as a worker does)."""
    s = Settings(rulesets=root, **settings)
    return create_app(s, load(s))


def copy_rulesets(target: Path, *jurisdictions: str, source: Path) -> Path:
    """A private copy of some jurisdictions' ruleset files and records vocabulary (no golden
    cases), to edit."""
    for j in jurisdictions:
        (target / j).mkdir(parents=True)
        for f in sorted((source / j).glob("*.yaml")):
            shutil.copy(f, target / j / f.name)
        if (source / j / "records").is_dir():  # the jurisdiction's records vocabulary
            shutil.copytree(source / j / "records", target / j / "records")
    return target


def with_client(app: FastAPI, body: Callable[[httpx.AsyncClient], Awaitable[T]]) -> T:
    """Run ``body`` with an httpx client talking to ``app`` in-process."""

    async def go() -> T:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            return await body(client)

    return asyncio.run(go())


def request(app: FastAPI, method: str, url: str, **kwargs: Any) -> httpx.Response:
    """One request to ``app``."""

    async def send(client: httpx.AsyncClient) -> httpx.Response:
        return await client.request(method, url, **kwargs)

    return with_client(app, send)
