"""Worker processes: each owns its own Registry; chunks go out bounded and come back in order.

durable-rules keeps engine state in C and is not thread-safe, so nothing is shared: every worker
process loads the rulesets itself (processes are *spawned*, never forked from a parent that may
hold engine state). At most ``2 × workers`` chunks are in flight, so memory stays flat whatever
the input size, and results are yielded in input order.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Generator, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from eligibility._evaluate import EvaluatorName, Registry
from eligibility.batch.records import Chunk, output_line, screen
from eligibility.batch.summary import Tally
from eligibility.decision import Explanation

ChunkResult = tuple[bytes, int, Tally]
"""The output lines of a chunk, how many records they are, and their counts."""

_registry: Registry | None = None
_strict = False
_explain: Explanation = "full"
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def screen_chunk(
    registry: Registry, chunk: Chunk, strict: bool = False, explain: Explanation = "full"
) -> ChunkResult:
    """Screen every record of ``chunk``: one output line each, and the chunk's tally."""
    tally = Tally()
    out = bytearray()
    for line, payload in chunk.records:
        result, kind = screen(registry, chunk.layout, line, payload, strict, explain)
        if kind is None:
            tally.add_decision(result)  # type: ignore[arg-type]  # no error kind: a decision
        else:
            tally.add_error(kind)
        out += output_line(result)
    return bytes(out), len(chunk.records), tally


def _die_with(parent: int) -> None:
    """End this worker when ``parent`` ends, however it ends (``kill -9`` included): a worker
    outliving its batch would hold memory and CPU for nobody. On Linux the kernel sends
    SIGKILL at once (``PR_SET_PDEATHSIG``); everywhere, a watcher thread notices within a
    second that the process has been handed to another parent."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl: the watcher below still ends the worker
            pass
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="eligibility-parent-watch", daemon=True).start()


def _start_worker(
    root: str,
    evaluator: EvaluatorName,
    parent: int,
    strict: bool = False,
    explain: Explanation = "full",
) -> None:
    _die_with(parent)
    # Ctrl-C reaches the whole process group; the parent alone decides how to stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _registry, _strict, _explain
    _registry = Registry.load(root, evaluator=evaluator)
    _strict = strict
    _explain = explain


def _work(chunk: Chunk) -> ChunkResult:
    assert _registry is not None, "worker started without its registry"
    return screen_chunk(_registry, chunk, _strict, _explain)


class WorkerDied(Exception):
    """A worker process ended abruptly (the engine crashed); the run stops where it is."""


def screen_ordered(
    chunks: Iterator[Chunk],
    registry: Registry,
    workers: int,
    root: Path,
    strict: bool = False,
    explain: Explanation = "full",
) -> Generator[tuple[int, ChunkResult], None, None]:
    """``(input offset after the chunk, result)`` for every chunk, in input order.

    With one worker the chunks are screened in this process with ``registry``; with more, each
    worker process loads its own registry from ``root``.
    """
    if workers <= 1:
        for chunk in chunks:
            yield chunk.end, screen_chunk(registry, chunk, strict, explain)
        return
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(str(root), registry.evaluator, os.getpid(), strict, explain),
    )
    pending: deque[tuple[int, Future[ChunkResult]]] = deque()
    try:
        for chunk in chunks:
            pending.append((chunk.end, pool.submit(_work, chunk)))
            if len(pending) >= 2 * workers:
                end, future = pending.popleft()
                yield end, future.result()
        while pending:
            end, future = pending.popleft()
            yield end, future.result()
    except BrokenProcessPool:
        raise WorkerDied(
            "a worker process ended abruptly (the engine crashed); the case that crashed it "
            "is in the chunk after the last line written"
        ) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
