"""The service against hostile callers: who may reload, browser pages, slow clients, costly
cases, headers that keep answers out of caches and browsers' guesses."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from eligibility import Registry, limits
from eligibility.service import _runtime
from eligibility.service._cases import cost
from eligibility.service._protocols import protocol_class
from eligibility.service._settings import Settings
from tests.conftest import ROOT, RULESETS
from tests.service_client import JSON, app_over, copy_rulesets, request

CA = ROOT / "docs" / "examples" / "us-ca" / "simple-possession.json"
TOKEN = "a-long-enough-reload-token"


def _from(app: Any, host: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, client=(host, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            return await client.request(method, url, **kwargs)

    return asyncio.run(send())


def _kind(answer: httpx.Response) -> tuple[int, str]:
    return answer.status_code, answer.json()["type"].rsplit(":", 1)[-1]


def test_a_reload_from_another_host_is_refused_without_the_token(
    durable_registry: Registry,
) -> None:
    service = app_over(durable_registry, RULESETS, reload_endpoint=True)
    assert (403, "reload-forbidden") == _kind(
        _from(service, "203.0.113.7", "POST", "/v1/admin/reload")
    )
    assert 200 == _from(service, "127.0.0.1", "POST", "/v1/admin/reload").status_code


def test_a_reload_with_the_token_is_accepted_from_anywhere_and_a_wrong_one_refused(
    durable_registry: Registry,
) -> None:
    service = app_over(durable_registry, RULESETS, reload_endpoint=True, reload_token=TOKEN)
    good = {"Authorization": f"Bearer {TOKEN}"}
    bad = {"Authorization": f"Bearer {TOKEN[:-1]}x"}
    assert (
        200 == _from(service, "203.0.113.7", "POST", "/v1/admin/reload", headers=good).status_code
    )
    assert (403, "reload-forbidden") == _kind(
        _from(service, "127.0.0.1", "POST", "/v1/admin/reload", headers=bad)
    )


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Content-Type": "application/x-www-form-urlencoded"},
        {"Content-Type": "text/plain"},
    ],
    ids=["cross-origin", "form", "text"],
)
def test_a_reload_from_a_web_page_or_form_is_refused_even_on_loopback(
    durable_registry: Registry, headers: dict[str, str]
) -> None:
    service = app_over(durable_registry, RULESETS, reload_endpoint=True, reload_token=TOKEN)
    headers = {**headers, "Authorization": f"Bearer {TOKEN}"}
    answer = _from(
        service, "127.0.0.1", "POST", "/v1/admin/reload", headers=headers, content=b"a=1"
    )
    assert (403, "reload-forbidden") == _kind(answer)


def test_a_reload_that_hangs_is_abandoned_and_does_not_block_the_next(
    tmp_path: Path, durable_registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_rulesets(tmp_path / "rulesets", "de", source=RULESETS)
    service = app_over(durable_registry, root, reload_endpoint=True, reload_seconds=0.3)
    for f in root.glob("de/*.yaml"):
        f.write_bytes(f.read_bytes() + b"\n# edited\n")
    release = threading.Event()
    real = _runtime.load

    def stuck(settings: Settings) -> Any:
        release.wait(30)
        return real(settings)

    monkeypatch.setattr(_runtime, "load", stuck)
    started = time.monotonic()
    assert (503, "reload-timeout") == _kind(request(service, "POST", "/v1/admin/reload"))
    assert time.monotonic() - started < 5
    monkeypatch.setattr(_runtime, "load", real)
    runtime = service.state.runtime  # a loaded machine may need more than 0.3 s to load
    runtime.settings = runtime.settings.model_copy(update={"reload_seconds": 120.0})
    second = request(service, "POST", "/v1/admin/reload")
    release.set()
    assert (200, True) == (second.status_code, second.json()["changed"])


def test_answers_carry_nosniff_decisions_no_store_and_405_allow(
    durable_registry: Registry,
) -> None:
    service = app_over(durable_registry, RULESETS)
    decided = request(service, "POST", "/v1/evaluate", content=CA.read_bytes(), headers=JSON)
    health = request(service, "GET", "/v1/health")
    wrong = request(service, "GET", "/v1/evaluate")
    assert ("nosniff", "no-store") == (
        decided.headers["x-content-type-options"],
        decided.headers["cache-control"],
    )
    assert "nosniff" == health.headers["x-content-type-options"]
    assert (405, "POST", "nosniff") == (
        wrong.status_code,
        wrong.headers.get("allow"),
        wrong.headers["x-content-type-options"],
    )


def test_a_body_sent_too_slowly_is_refused_with_408(durable_registry: Registry) -> None:
    service = app_over(durable_registry, RULESETS, body_seconds=0.2)

    async def trickle() -> AsyncIterator[bytes]:
        yield b'{"case_id": '
        await asyncio.sleep(1)
        yield b'"x"}'

    answer = request(service, "POST", "/v1/evaluate", content=trickle(), headers=JSON)
    assert (408, "request-timeout") == _kind(answer)


def test_a_repeated_key_is_refused_by_the_service_as_by_the_cli(
    durable_registry: Registry,
) -> None:
    service = app_over(durable_registry, RULESETS)
    body = CA.read_bytes().replace(b'"case_id"', b'"consent": true, "consent": false, "case_id"', 1)
    answer = request(service, "POST", "/v1/evaluate", content=body, headers=JSON)
    assert (422, "invalid-case") == _kind(answer)
    assert "the key 'consent' appears more than once" in answer.text


def test_a_deeply_nested_body_is_a_400_or_422_not_a_500(durable_registry: Registry) -> None:
    service = app_over(durable_registry, RULESETS)
    body = b'{"case_id": "x", "jurisdiction": "US-CA", "facts": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    single = request(service, "POST", "/v1/evaluate", content=body, headers=JSON)
    batch = request(
        service, "POST", "/v1/evaluate/batch", content=b'{"cases": [' + body + b"]}", headers=JSON
    )
    assert (422, 422) == (single.status_code, batch.status_code)
    assert "nesting limit" in single.text


def test_a_case_past_its_time_budget_is_a_503_naming_the_budget(
    durable_registry: Registry,
) -> None:
    service = app_over(durable_registry, RULESETS)
    with limits.override(evaluation_seconds=1e-9):
        answer = request(service, "POST", "/v1/evaluate", content=CA.read_bytes(), headers=JSON)
    assert (503, "time-budget") == _kind(answer)
    assert "ELIGIBILITY_LIMIT_EVALUATION_SECONDS" in answer.json()["detail"]


def test_a_costly_case_is_admitted_as_several_and_holds_back_the_rest(
    durable_registry: Registry,
) -> None:
    """A 55 KB case (1,000 priors) counts as 7 pending cases: with room for 5, it is admitted
    alone, and an ordinary case arriving meanwhile is refused at once (503) rather than left
    waiting behind it."""
    data = json.loads(CA.read_bytes())
    data["priors"] = [{"statute": "HSC 11350", "disposition": "conviction"}] * 1000
    big = json.dumps(data).encode()
    assert (7, 1) == (cost(big), cost(CA.read_bytes()))
    runtime = app_over(durable_registry, RULESETS, max_pending=5, max_batch=5).state.runtime
    gate = threading.Event()

    async def both() -> tuple[str, str]:
        first = asyncio.ensure_future(
            runtime.run(lambda _: gate.wait(10) and "big", cost(big), long=True)
        )
        await asyncio.sleep(0.05)
        try:
            await runtime.run(lambda _: "small", cost(CA.read_bytes()))
            second = "admitted"
        except _runtime.Overloaded:
            second = "refused"
        gate.set()
        return await first, second

    assert ("big", "refused") == asyncio.run(both())


def test_a_client_sending_headers_too_slowly_is_disconnected(durable_registry: Registry) -> None:
    app = app_over(durable_registry, RULESETS)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, http=protocol_class("auto", 0.5), log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(100):
            if server.started:
                break
            time.sleep(0.05)
        with socket.create_connection(("127.0.0.1", port), timeout=5) as slow:
            slow.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
            started = time.monotonic()
            assert b"" == slow.recv(100)  # closed by the server
            assert time.monotonic() - started < 3
        answer = httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=5)
        assert 200 == answer.status_code
    finally:
        server.should_exit = True
        thread.join(10)


def test_every_answer_about_a_case_is_not_to_be_stored(durable_registry: Registry) -> None:
    """What-if answers, next questions and expansions are about a person, like a decision."""
    service = app_over(durable_registry, RULESETS)
    body = CA.read_bytes()
    deciding = request(
        service, "POST", "/v1/evaluate?explain=deciding", content=body, headers=JSON
    ).json()
    answers = [
        request(service, "POST", "/v1/what-if?parts=next_questions", content=body, headers=JSON),
        request(service, "POST", "/v1/next-question", content=body, headers=JSON),
        request(
            service, "POST", "/v1/expand", json={"decision": deciding, "case": json.loads(body)}
        ),
    ]
    assert [(200, "no-store")] * 3 == [
        (a.status_code, a.headers.get("cache-control")) for a in answers
    ]
