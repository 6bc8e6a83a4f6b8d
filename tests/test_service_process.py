"""`eligibility serve` as a real process on a loopback port: serve, reload, stop.

Each test is bounded: readiness within 90 s, reload within 90 s, shutdown within 30 s.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, RULESETS
from tests.service_client import JSON, copy_rulesets

CASE = json.loads((ROOT / "docs" / "examples" / "us-ca" / "simple-possession.json").read_text())
SECRET = "SECRET-CASE-5150"


class Server:
    """A running `eligibility serve`, its port and its captured output."""

    def __init__(self, root: Path, log: Path, workers: int) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        command = [sys.executable, "-m", "eligibility", "serve", "--port", str(self.port)]
        command += ["--workers", str(workers), "--rulesets", str(root), "--reload-endpoint"]
        with log.open("wb") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                if httpx.get(f"{self.url}/v1/ready", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"not ready in {timeout} s:\n{self.log.read_text()}")

    def decide(self) -> httpx.Response:
        """One case on a new connection (so several workers share the requests)."""
        case = {**CASE, "case_id": SECRET}
        return httpx.post(f"{self.url}/v1/evaluate", json=case, headers=JSON, timeout=30)

    def wait_for_hash(self, digest: str, timeout: float = 90) -> None:
        """Until ten answers in a row name ``digest``."""
        deadline, streak = time.monotonic() + timeout, 0
        while streak < 10:
            assert time.monotonic() < deadline, self.log.read_text()
            used = self.decide().json()["rulesets"][0]["content_hash"]
            streak = streak + 1 if used == digest else 0
            if streak == 0:
                time.sleep(0.2)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
            raise


@pytest.fixture
def rulesets(tmp_path: Path) -> Path:
    return copy_rulesets(tmp_path / "rulesets", "us-ca", source=RULESETS)


@pytest.fixture
def server(request: pytest.FixtureRequest, rulesets: Path, tmp_path: Path) -> Iterator[Server]:
    running = Server(rulesets, tmp_path / "server.log", workers=request.param)
    try:
        yield running
    finally:
        running.stop()


def _edit(rulesets: Path) -> str:
    path = rulesets / "us-ca" / "drug-diversion.yaml"
    path.write_bytes(path.read_bytes() + b"\n# amended\n")
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("server", [1], indirect=True)
def test_one_process_serves_reloads_on_sighup_and_stops_cleanly(
    server: Server, rulesets: Path
) -> None:
    server.wait_ready()
    first = server.decide()
    assert (200, SECRET) == (first.status_code, first.json()["case_id"])
    digest = _edit(rulesets)
    server.process.send_signal(signal.SIGHUP)
    server.wait_for_hash(digest)
    assert 0 == server.stop()
    log = server.log.read_text()
    assert "Application shutdown complete." in log
    assert '"POST /v1/evaluate HTTP/1.1" 200' in log
    assert "SIGHUP: rulesets reloaded" in log
    assert SECRET not in log


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX signals")
@pytest.mark.parametrize("server", [2], indirect=True)
def test_a_reload_in_one_worker_reaches_every_worker(server: Server, rulesets: Path) -> None:
    """POST /v1/admin/reload validates and swaps in the worker that answers, then the parent
    has every other worker reload; soon every answer names the new file's hash."""
    server.wait_ready()
    assert 200 == server.decide().status_code
    digest = _edit(rulesets)
    reloaded = httpx.post(f"{server.url}/v1/admin/reload", timeout=60).json()
    assert (True, True) == (reloaded["changed"], reloaded["other_workers_signalled"])
    server.wait_for_hash(digest)
    assert 0 == server.stop()  # the parent exits 0 once its workers have stopped
    log = server.log.read_text()
    assert "Received SIGHUP, asking every worker to reload." in log
    assert 2 == log.count("SIGHUP: rulesets")  # each worker handled the parent's SIGHUP
    assert SECRET not in log
    assert os.environ.get("ELIGIBILITY_SERVICE_SETTINGS") is None  # the test's own env is untouched


@pytest.mark.parametrize("server", [1], indirect=True)
def test_sigterm_stops_within_seconds_while_a_client_holds_a_request_open(server: Server) -> None:
    """A client that sends half a body kept the process alive for the 30 s graceful shutdown;
    now requests in progress get a few seconds (``shutdown_seconds``), then the process ends."""
    server.wait_ready()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as slow:
        slow.sendall(
            b"POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b'Content-Length: 1000\r\n\r\n{"case_id": '
        )
        time.sleep(0.5)
        started = time.monotonic()
        assert 0 == server.stop()
        assert time.monotonic() - started < 15
