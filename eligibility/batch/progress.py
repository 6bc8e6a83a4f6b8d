"""A progress bar on standard error: records done, cases per second and time left.

Shown when standard error is a terminal (or with ``--progress``), never in a pipe; the time left
is estimated from the share of the input file read, so no pre-counting pass is needed.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import Any


class Progress:
    """A live bar, or nothing at all when ``enabled`` is false."""

    def __init__(self, enabled: bool | None, total_bytes: int | None, label: str) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._total = total_bytes
        self._label = label
        self._bar: Any = None
        self._task: Any = None
        self._since: tuple[float, int] | None = None
        """When the first lines of this run were written, and how many there were then."""

    def __enter__(self) -> Progress:
        if not self.enabled:
            return self
        from rich import progress as rp
        from rich.console import Console

        Bar, BarColumn, TextColumn = rp.Progress, rp.BarColumn, rp.TextColumn
        TaskProgressColumn, TimeElapsedColumn = rp.TaskProgressColumn, rp.TimeElapsedColumn
        TimeRemainingColumn = rp.TimeRemainingColumn

        self._bar = Bar(
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[records]:>12,} records  {task.fields[rate]:>8,.0f}/s"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self._bar.__enter__()
        self._task = self._bar.add_task(self._label, total=self._total, records=0, rate=0.0)
        return self

    def start_at(self, records: int) -> None:
        """A resumed run: begin from what the interrupted run already wrote."""
        if self._bar is not None:
            self._bar.update(self._task, records=records)

    def update(self, records: int, offset: int) -> None:
        """``records`` written in all, the input read up to ``offset``."""
        if self._bar is None:
            return
        # The rate counts from the first lines written, so start-up does not drag it down.
        now = time.monotonic()
        if self._since is None:
            self._since = (now, records)
        since, first = self._since
        rate = (records - first) / (now - since) if now > since else 0.0
        self._bar.update(self._task, completed=offset, records=records, rate=rate)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.__exit__(kind, exc, tb)
