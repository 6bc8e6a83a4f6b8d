"""The service under concurrency, overload, failure and reload; and what it logs."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import socket
import sys
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from eligibility import EngineError, Registry, parse_case_json
from eligibility.cli import app as cli
from eligibility.service._runtime import INLINE_MAX_BYTES, Runtime
from tests.conftest import FIXTURES, ROOT, RULESETS
from tests.service_client import JSON, app_loading, app_over, copy_rulesets, request, with_client

CA = ROOT / "docs" / "examples" / "us-ca" / "simple-possession.json"
DE = ROOT / "docs" / "examples" / "de" / "example.json"


@pytest.mark.parametrize("mode", ["auto", "thread", "loop"])
def test_concurrent_requests_never_share_the_engine(
    mode: str, durable_registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forty single cases and four batches at once, in every placement mode: at most one
    evaluation runs at a time, and each answer equals the sequential one."""
    running, most = 0, 0
    lock = threading.Lock()
    evaluate = durable_registry.evaluate

    def counted(case: Any, strict: bool = False, explain: Any = "full") -> Any:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        try:
            return evaluate(case, strict=strict, explain=explain)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(durable_registry, "evaluate", counted)
    service = app_over(durable_registry, RULESETS, evaluate_in=mode)
    bodies = [CA.read_bytes(), DE.read_bytes()] * 20
    batch = json.dumps({"cases": [json.loads(b) for b in bodies[:5]]}).encode()

    async def burst(client: httpx.AsyncClient) -> list[httpx.Response]:
        singles = [client.post("/v1/evaluate", content=b, headers=JSON) for b in bodies]
        batches = [client.post("/v1/evaluate/batch", content=batch, headers=JSON)] * 4
        return await asyncio.gather(*singles[:20], *batches, *singles[20:])

    answers = with_client(service, burst)
    expected = [evaluate(parse_case_json(b)).to_json() for b in bodies]
    assert 1 == most
    assert expected == [a.text for a in answers[:20] + answers[24:]]
    for answer in answers[20:24]:
        decisions = [r["decision"] for r in answer.json()["results"]]
        assert [json.loads(e) for e in expected[:5]] == decisions


def test_an_outsized_case_is_decided_on_the_engine_thread_and_a_small_one_on_the_loop(
    durable_registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A case above INLINE_MAX_BYTES (here 800 priors) would hold the event loop for tens of
    milliseconds or more, so it goes to the engine thread; an ordinary one is decided in turn
    on the loop. Both answers equal the sequential ones."""
    threads: list[str] = []
    evaluate = durable_registry.evaluate

    def where(case: Any, strict: bool = False, explain: Any = "full") -> Any:
        threads.append(threading.current_thread().name)
        return evaluate(case, strict=strict, explain=explain)

    monkeypatch.setattr(durable_registry, "evaluate", where)
    small = CA.read_bytes()
    data = json.loads(small)
    prior = {
        "statute": "HSC 11350",
        "disposition": "conviction",
        "disposition_date": "2010-01-05",
        "felony": False,
    }
    data["priors"] = [prior] * 800
    big = json.dumps(data).encode()
    assert len(small) <= INLINE_MAX_BYTES < len(big)
    service = app_over(durable_registry, RULESETS)

    async def both(client: httpx.AsyncClient) -> list[httpx.Response]:
        return [
            await client.post("/v1/evaluate", content=small, headers=JSON),
            await client.post("/v1/evaluate", content=big, headers=JSON),
        ]

    answers = with_client(service, both)
    assert [200, 200] == [a.status_code for a in answers]
    assert not threads[0].startswith("eligibility-engine")
    assert threads[1].startswith("eligibility-engine")
    assert [evaluate(parse_case_json(b)).to_json() for b in (small, big)] == [
        a.text for a in answers
    ]


def test_overload_is_a_503_with_retry_after_and_the_service_recovers(
    durable_registry: Registry,
) -> None:
    """With the engine busy and the pending limit reached, a request is refused at once."""
    service = app_over(durable_registry, RULESETS, max_pending=1, max_batch=1, retry_after=2)
    runtime: Runtime = service.state.runtime
    release = threading.Event()

    async def scenario(client: httpx.AsyncClient) -> list[httpx.Response]:
        # Long work (a batch) runs on the engine thread, so the loop can still answer meanwhile.
        blocker = asyncio.ensure_future(runtime.run(lambda _: release.wait(10), long=True))
        await asyncio.sleep(0)  # let it be admitted
        refused = await client.post("/v1/evaluate", content=CA.read_bytes(), headers=JSON)
        not_ready = await client.get("/v1/ready")
        release.set()
        await blocker
        accepted = await client.post("/v1/evaluate", content=CA.read_bytes(), headers=JSON)
        return [refused, not_ready, accepted]

    refused, not_ready, accepted = with_client(service, scenario)
    assert (503, "2") == (refused.status_code, refused.headers["retry-after"])
    assert "urn:eligibility:problem:overloaded" == refused.json()["type"]
    assert (503, "2") == (not_ready.status_code, not_ready.headers["retry-after"])
    assert (200, 0) == (accepted.status_code, runtime.pending)


def test_a_burst_beyond_the_limit_gets_quick_503s_and_correct_decisions(
    durable_registry: Registry,
) -> None:
    """Forty requests at once against room for four: each is either decided correctly or
    refused with 503 and Retry-After; none fails otherwise."""
    service = app_over(durable_registry, RULESETS, max_pending=4, max_batch=4)
    expected = durable_registry.evaluate(parse_case_json(CA.read_bytes())).to_json()

    async def burst(client: httpx.AsyncClient) -> list[httpx.Response]:
        return await asyncio.gather(
            *(client.post("/v1/evaluate", content=CA.read_bytes(), headers=JSON) for _ in range(40))
        )

    answers = with_client(service, burst)
    decided = [a for a in answers if a.status_code == 200]
    refused = [a for a in answers if a.status_code == 503]
    assert 40 == len(decided) + len(refused)
    assert decided and refused
    assert all(expected == a.text for a in decided)
    assert all("1" == a.headers["retry-after"] for a in refused)
    assert 0 == service.state.runtime.pending


def _hashes(response: httpx.Response) -> dict[str, str]:
    return {r["id"]: r["content_hash"] for r in response.json()["rulesets"]}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_reload_swaps_all_rulesets_at_once_and_keeps_them_if_the_new_ones_are_invalid(
    tmp_path: Path,
) -> None:
    """Requests racing a reload see the old pair of German rulesets or the new pair, never
    one of each; invalid files leave the new pair in use and are reported with 409."""
    root = copy_rulesets(tmp_path / "rulesets", "de", source=RULESETS)
    files = sorted(root.glob("de/*.yaml"))
    service = app_loading(root, evaluator="reference", reload_endpoint=True)
    old = {_sha(f) for f in files}
    for f in files:
        f.write_bytes(f.read_bytes() + b"\n# edited\n")
    new = {_sha(f) for f in files}

    async def race(client: httpx.AsyncClient) -> tuple[list[httpx.Response], httpx.Response]:
        evaluations = [
            client.post("/v1/evaluate", content=DE.read_bytes(), headers=JSON) for _ in range(30)
        ]
        *answers, reloaded = await asyncio.gather(*evaluations, client.post("/v1/admin/reload"))
        return answers, reloaded

    answers, reloaded = with_client(service, race)
    seen = [set(_hashes(a).values()) for a in answers]
    assert (200, True, False) == (
        reloaded.status_code,
        reloaded.json()["changed"],
        reloaded.json()["other_workers_signalled"],
    )
    assert [] == [s for s in seen if s not in (old, new)]
    assert new == set(
        _hashes(
            request(service, "POST", "/v1/evaluate", content=DE.read_bytes(), headers=JSON)
        ).values()
    )

    files[0].write_text("id: [unclosed\n")
    refused = request(service, "POST", "/v1/admin/reload")
    after = request(service, "POST", "/v1/evaluate", content=DE.read_bytes(), headers=JSON)
    assert (409, "urn:eligibility:problem:invalid-rulesets") == (
        refused.status_code,
        refused.json()["type"],
    )
    errors = json.dumps(refused.json()["errors"])
    # The file is named inside the rulesets folder; the server's own paths are never shown.
    assert (True, False) == (f'"de/{files[0].name}"' in errors, str(tmp_path) in errors)
    assert new == set(_hashes(after).values())


def test_reload_without_changes_reports_unchanged(durable_registry: Registry) -> None:
    service = app_over(durable_registry, RULESETS, reload_endpoint=True)
    answered = request(service, "POST", "/v1/admin/reload").json()
    assert (False, service.state.runtime.loaded.fingerprint) == (
        answered["changed"],
        answered["fingerprint"],
    )


def test_the_reload_endpoint_is_off_unless_turned_on(durable_registry: Registry) -> None:
    service = app_over(durable_registry, RULESETS)
    answer = request(service, "POST", "/v1/admin/reload")
    assert (403, "urn:eligibility:problem:reload-disabled") == (
        answer.status_code,
        answer.json()["type"],
    )


def test_failures_are_problems_and_logs_hold_no_case_data(
    durable_registry: Registry, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Accepted, refused, engine-failed and crashed requests: no case id, fact or statute in
    the logs, no traceback in any response."""
    secret = "SECRET-4711"
    case = json.loads(CA.read_text())
    case["case_id"] = secret
    case["facts"]["waives_speedy_trial_rights"] = True
    bad = {**case, "charges": [{"statute": f"H&S {secret}"}]}
    service = app_over(durable_registry, RULESETS)
    caplog.set_level(logging.DEBUG)

    ok = request(service, "POST", "/v1/evaluate", json=case)
    # An unreadable statute is decided with a notice; strict mode refuses it (422).
    refused = request(service, "POST", "/v1/evaluate?strict=true", json=bad)
    evaluate = durable_registry.evaluate

    def crash(c: Any, strict: bool = False, explain: Any = "full") -> Any:
        raise RuntimeError(f"crashed on {c.case_id}")

    monkeypatch.setattr(durable_registry, "evaluate", crash)
    crashed = request(service, "POST", "/v1/evaluate", json=case)

    def engine_fails(c: Any, strict: bool = False, explain: Any = "full") -> Any:
        raise EngineError(f"durable-rules failed on {c.case_id}")

    monkeypatch.setattr(durable_registry, "evaluate", engine_fails)
    failed = request(service, "POST", "/v1/evaluate", json=case)
    monkeypatch.setattr(durable_registry, "evaluate", evaluate)

    assert [200, 422, 500, 500] == [r.status_code for r in (ok, refused, crashed, failed)]
    assert "urn:eligibility:problem:internal-error" == crashed.json()["type"]
    assert "urn:eligibility:problem:engine-error" == failed.json()["type"]
    for r in (crashed, failed):
        assert secret not in r.text and "Traceback" not in r.text
    assert "RuntimeError" in caplog.text and "EngineError" in caplog.text
    assert secret not in caplog.text
    assert "waives_speedy_trial_rights" not in caplog.text


def test_serve_without_the_service_extra_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "eligibility.service._server", None)
    result = CliRunner().invoke(cli, ["serve"])
    assert 2 == result.exit_code
    assert "pip install 'eligibility[service]'" in result.stderr


def test_serve_refuses_a_batch_limit_above_the_pending_limit_with_exit_2() -> None:
    result = CliRunner().invoke(cli, ["serve", "--max-batch", "300", "--max-pending", "200"])
    assert (2, True) == (
        result.exit_code,
        "--max-batch cannot exceed --max-pending" in result.stderr,
    )


def test_serve_refuses_a_busy_address_with_exit_2() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--port", str(port)])
    assert 2 == result.exit_code
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_serve_with_invalid_rulesets_exits_3_before_listening(tmp_path: Path) -> None:
    (tmp_path / "xx").mkdir()
    (tmp_path / "xx" / "bad.yaml").write_bytes(
        (FIXTURES / "bad_rulesets" / "malformed_yaml.yaml").read_bytes()
    )
    result = CliRunner().invoke(cli, ["serve", "--port", "0", "--rulesets", str(tmp_path)])
    assert 3 == result.exit_code
    assert "bad.yaml" in result.stderr
