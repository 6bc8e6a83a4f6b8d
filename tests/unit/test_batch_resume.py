"""`--resume` after `kill -9` gives exactly the output of an uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from eligibility.cli import app
from tests.conftest import ROOT

EXAMPLES = [
    json.loads(line) for line in (ROOT / "docs/examples/batch/cases.jsonl").read_text().splitlines()
]


def _corpus(path: Path, n: int) -> None:
    with path.open("w") as f:
        for i in range(n):
            case = EXAMPLES[i % len(EXAMPLES)]
            f.write(json.dumps({**case, "case_id": f"{case['case_id']}-{i}"}) + "\n")
        f.write("not json\n")  # an error record must survive the resume too


def test_resume_after_kill_gives_the_uninterrupted_output(tmp_path: Path) -> None:
    source = tmp_path / "cases.jsonl"
    _corpus(source, 600)
    whole, whole_summary = tmp_path / "whole.jsonl", tmp_path / "whole-summary.json"
    result = CliRunner().invoke(
        app, ["batch", str(source), "-o", str(whole), "-q", "--summary", str(whole_summary)]
    )
    assert 1 == result.exit_code, result.output  # the line that is not JSON

    out, summary = tmp_path / "out.jsonl", tmp_path / "summary.json"
    partial, state = Path(f"{out}.partial"), Path(f"{out}.partial.state")
    command = [sys.executable, "-m", "eligibility", "batch", str(source), "-o", str(out), "-q"]
    run = subprocess.Popen(
        [*command, "--chunk-size", "16", "--checkpoint-seconds", "0"],
        cwd=ROOT,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and run.poll() is None:
        if state.exists() and json.loads(state.read_text())["records"] > 0:
            break
        time.sleep(0.01)
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    assert -signal.SIGKILL == run.returncode, "the run ended before it could be interrupted"
    assert not out.exists()
    with partial.open("ab") as f:
        f.write(b'{"schema_version":"1.0","case_id":"torn')  # a write cut short

    result = CliRunner().invoke(
        app, ["batch", str(source), "-o", str(out), "-q", "--resume", "--summary", str(summary)]
    )
    assert 1 == result.exit_code, result.output
    assert "note: resuming after " in result.stderr
    assert whole.read_bytes() == out.read_bytes()
    assert {**json.loads(whole_summary.read_text()), "output": "-"} == {
        **json.loads(summary.read_text()),
        "output": "-",
    }
    assert not partial.exists() and not state.exists()


def test_resume_refuses_when_the_input_changed(tmp_path: Path) -> None:
    source = tmp_path / "cases.jsonl"
    _corpus(source, 20)
    out = tmp_path / "out.jsonl"
    state = {"version": 1, "records": 3, "bytes": 0, "tally": {}, "fingerprint": {"input": "?"}}
    Path(f"{out}.partial").write_bytes(b"")
    Path(f"{out}.partial.state").write_text(json.dumps(state))
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(out), "--resume"])
    assert 2 == result.exit_code
    assert "changed since the interrupted run; delete it to start afresh" in result.stderr
