"""Batch against hostile input and a hostile machine: every line becomes a decision or an error
record, a full disk says so and how to carry on, and no worker outlives a killed parent."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

import pytest
from typer.testing import CliRunner

from eligibility.batch import output
from eligibility.cli import app
from tests.conftest import ROOT

GOOD = (ROOT / "docs/examples/batch/cases.jsonl").read_bytes().splitlines()[0]
HOSTILE = {
    "nested 5,000 deep": b'{"case_id": "deep", "facts": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    "an integer of 5,000 digits": b'{"case_id": "int", "consent": ' + b"9" * 5000 + b"}",
    "a repeated key": b'{"case_id": "dup", "consent": true, "consent": false}',
    "a lone surrogate": b'{"case_id": "sur", "jurisdiction": "US-CA\\ud800"}',
    "an empty key": b'{"case_id": "empty", "": 1}',
    "a NUL byte": b'{"case_id": "nul"\x00}',
    "bytes that are not UTF-8": b'{"case_id": "\xff\xfe"}',
    "a line over the size limit": b'{"case_id": "big", "x": "' + b"a" * (1024 * 1024) + b'"}',
    "NaN": b'{"case_id": "nan", "facts": {"a": NaN}}',
    "an array": b"[1, 2, 3]",
}


def _input(tmp_path: Path) -> Path:
    source = tmp_path / "cases.jsonl"
    lines = [GOOD]
    for line in HOSTILE.values():
        lines += [line, GOOD]
    source.write_bytes(b"\n".join(lines) + b"\n")
    return source


@pytest.mark.parametrize("workers", [1, 2])
def test_every_hostile_line_becomes_an_error_record_and_the_batch_goes_on(
    tmp_path: Path, workers: int
) -> None:
    source = _input(tmp_path)
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        app, ["batch", str(source), "-o", str(out), "-q", "--workers", str(workers)]
    )
    records = [json.loads(line) for line in out.read_text().splitlines()]
    kinds = [r["error"]["kind"] if "error" in r else "decision" for r in records]
    expected = ["decision"] + ["case", "decision"] * len(HOSTILE)
    assert (1, expected) == (result.exit_code, kinds), result.output
    assert [i + 2 for i in range(0, 2 * len(HOSTILE), 2)] == [
        r["line"] for r in records if "error" in r
    ]


def test_a_full_disk_says_so_and_resume_carries_on_to_the_same_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The input mixes hostile lines in, so resuming also goes past them (a line nested 5,000
    deep used to stop every resumed run at the same place)."""
    source = tmp_path / "cases.jsonl"
    source.write_bytes(b"\n".join([GOOD] * 20 + list(HOSTILE.values()) + [GOOD] * 20) + b"\n")
    whole = tmp_path / "whole.jsonl"
    assert 1 == CliRunner().invoke(app, ["batch", str(source), "-o", str(whole), "-q"]).exit_code

    class Full:
        """A file on a disk that fills up after ``room`` bytes."""

        def __init__(self, file: IO[bytes], room: int) -> None:
            self._file, self._room = file, room

        def write(self, data: Any) -> int:
            if len(data) > self._room:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            self._room -= len(data)
            return self._file.write(data) or 0

        def __getattr__(self, name: str) -> Any:
            return getattr(self._file, name)

    real_open = open

    def filling(path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        file = real_open(path, mode, *args, **kwargs)
        return Full(file, len(whole.read_bytes()) // 4) if str(path).endswith(".partial") else file

    out = tmp_path / "out.jsonl"
    monkeypatch.setattr(output, "open", filling, raising=False)
    full = CliRunner().invoke(
        app,
        [
            "batch",
            str(source),
            "-o",
            str(out),
            "-q",
            "--chunk-size",
            "4",
            "--checkpoint-seconds",
            "0",
        ],
    )
    monkeypatch.undo()
    assert 5 == full.exit_code, full.output
    assert "cannot write the output: no space left on the device" in full.stderr
    assert "run the same command again with --resume" in full.stderr
    resumed = CliRunner().invoke(app, ["batch", str(source), "-o", str(out), "-q", "--resume"])
    assert (1, whole.read_bytes()) == (resumed.exit_code, out.read_bytes()), resumed.output


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_no_worker_outlives_a_parent_killed_with_sigkill(tmp_path: Path) -> None:
    source = tmp_path / "cases.jsonl"
    source.write_bytes(b"\n".join([GOOD] * 3000) + b"\n")
    command = [
        sys.executable,
        "-m",
        "eligibility",
        "batch",
        str(source),
        "-o",
        str(tmp_path / "o"),
        "-q",
    ]
    run = subprocess.Popen([*command, "--workers", "2"], cwd=ROOT, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while time.monotonic() < deadline and len(workers) < 2 and run.poll() is None:
        workers = {
            p
            for p in _children(run.pid)
            if "multiprocessing" in Path(f"/proc/{p}/cmdline").read_text(errors="replace")
        }
        time.sleep(0.1)
    assert 2 <= len(workers), "the workers did not start"
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.1)
    assert set() == {p for p in workers if _alive(p)}


CSV_HOSTILE = {
    "a count of 999,999,999 priors": ("priors", "999999999"),
    "a whole number of 5,000 digits": ("person.age_at_offense", "9" * 5000),
    "a cell of 2 MB": ("charges.0.description", "a" * 2_000_000),
}


@pytest.mark.parametrize("column,cell", CSV_HOSTILE.values(), ids=list(CSV_HOSTILE))
def test_a_hostile_csv_cell_becomes_an_error_record_in_bounded_time(
    tmp_path: Path, column: str, cell: str
) -> None:
    """A priors count cell of 999999999 built that many items (gigabytes); a 5,000-digit
    number was an internal error; a cell over 128 KB stopped the whole batch."""
    source = tmp_path / "cases.csv"
    source.write_text(f"case_id,jurisdiction,{column}\nx,US-CA,{cell}\ny,US-CA,\n")
    out = tmp_path / "out.jsonl"
    started = time.monotonic()
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(out), "-q"])
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert (1, ["case", None]) == (
        result.exit_code,
        [r.get("error", {}).get("kind") for r in records],
    )
    assert time.monotonic() - started < 30


def test_a_json_line_longer_than_the_limit_is_skipped_without_holding_it(tmp_path: Path) -> None:
    source = tmp_path / "cases.jsonl"
    source.write_bytes(b'{"x": "' + b"a" * 3_000_000 + b'"}\n' + GOOD + b"\n")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(out), "-q"])
    first, second = (json.loads(line) for line in out.read_text().splitlines())
    assert (1, "case", None) == (result.exit_code, first["error"]["kind"], second.get("error"))
    assert "larger than the case bytes limit" in first["error"]["message"]
