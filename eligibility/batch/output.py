"""Crash-safe output: a ``.partial`` file, fsync'd checkpoints, resume, and an atomic rename.

While a batch runs, lines go to ``OUTPUT.partial``. At each checkpoint the partial file is
flushed and fsync'd, then ``OUTPUT.partial.state`` is replaced atomically (write, fsync, rename)
with how many input records and output bytes are safely on disk and the summary counts so far.
The state never runs ahead of the file, so after any crash — even ``kill -9`` or a power cut in
the middle of a write — the first ``bytes`` of the partial file are whole lines for the first
``records`` records. ``--resume`` truncates the partial file there (dropping any half line and
any line after the checkpoint, which are simply screened again) and carries on. When the last
record is written the file is fsync'd and renamed to ``OUTPUT``: ``OUTPUT`` only ever appears
complete.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import IO, Any

from eligibility.batch.summary import Tally

STATE_VERSION = 1


class ResumeError(Exception):
    """The output cannot be resumed (or would be overwritten by a fresh run); say why."""


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - a platform without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


class Sink:
    """Where output lines go: standard output, or a file through the partial/checkpoint cycle."""

    def __init__(
        self,
        output: str,
        fingerprint: dict[str, Any],
        resume: bool,
        checkpoint_seconds: float = 1.0,
    ) -> None:
        self.records = 0
        self.tally = Tally()
        self.resumed = False
        self._fingerprint = fingerprint
        self._every = checkpoint_seconds
        self._last = time.monotonic()
        self._bytes = 0
        self._file: IO[bytes]
        if output == "-":
            self.path: Path | None = None
            self._file = sys.stdout.buffer
            return
        self.path = Path(output)
        self.partial = self.path.with_name(self.path.name + ".partial")
        self.state_path = self.path.with_name(self.path.name + ".partial.state")
        if self.partial.exists() and not resume:
            raise ResumeError(
                f"{self.partial} is left by an interrupted run: add --resume to continue it, "
                "or delete it to start afresh"
            )
        if self.partial.exists():
            self._resume()
        else:
            self.state_path.unlink(missing_ok=True)
            self._file = open(self.partial, "wb", buffering=0)  # noqa: SIM115 - closed in finish/close
            _fsync_dir(self.partial.parent)

    def _resume(self) -> None:
        state: dict[str, Any] = {"records": 0, "bytes": 0, "tally": Tally().state()}
        if self.state_path.exists():
            try:
                state = json.loads(self.state_path.read_text(encoding="utf-8"))
                assert state["version"] == STATE_VERSION
            except (ValueError, KeyError, AssertionError):
                raise ResumeError(
                    f"{self.state_path} is not a checkpoint of this version; delete {self.partial} "
                    "and it to start afresh"
                ) from None
            if state["fingerprint"] != self._fingerprint:
                changed = sorted(
                    k
                    for k in self._fingerprint
                    if state["fingerprint"].get(k) != self._fingerprint[k]
                )
                raise ResumeError(
                    f"cannot resume {self.partial}: the {', '.join(changed)} changed since the "
                    "interrupted run; delete it to start afresh"
                )
        size = self.partial.stat().st_size
        if size < state["bytes"]:
            raise ResumeError(
                f"{self.partial} is shorter than its checkpoint says; delete it to start afresh"
            )
        self._file = open(self.partial, "r+b", buffering=0)  # noqa: SIM115 - closed in finish/close
        self._file.truncate(state["bytes"])
        self._file.seek(state["bytes"])
        os.fsync(self._file.fileno())
        self.records = state["records"]
        self._bytes = state["bytes"]
        self.tally = Tally.from_state(state["tally"])
        self.resumed = True

    def write(self, blob: bytes, records: int, tally: Tally) -> None:
        """Append whole lines for ``records`` more records; checkpoint if one is due."""
        view = memoryview(blob)
        while view:
            written = self._file.write(view)
            view = view[written or 0 :]
        if self.path is None:
            self._file.flush()
        self._bytes += len(blob)
        self.records += records
        self.tally.merge(tally)
        if self.path is not None and time.monotonic() - self._last >= self._every:
            self.checkpoint()

    def checkpoint(self) -> None:
        """Make everything written so far durable and record it as the resume point."""
        if self.path is None:
            return
        os.fsync(self._file.fileno())
        state = {
            "version": STATE_VERSION,
            "records": self.records,
            "bytes": self._bytes,
            "fingerprint": self._fingerprint,
            "tally": self.tally.state(),
        }
        write_atomic(self.state_path, json.dumps(state))
        self._last = time.monotonic()

    def finish(self) -> None:
        """The run is complete: make the output durable and give it its name."""
        if self.path is None:
            self._file.flush()
            return
        os.fsync(self._file.fileno())
        self._file.close()
        os.replace(self.partial, self.path)
        self.state_path.unlink(missing_ok=True)
        _fsync_dir(self.path.parent)

    def close(self) -> None:
        """The run stopped early: checkpoint what is written so ``--resume`` carries on."""
        if self.path is None or self._file.closed:
            return
        try:
            self.checkpoint()
        finally:
            self._file.close()
