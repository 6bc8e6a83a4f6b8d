"""The per-process engine: the loaded rulesets, one evaluation at a time, admission and reload.

durable-rules keeps its state in its C extension, shared by the whole process and not
thread-safe. So each process evaluates one thing at a time, in arrival order, holding one turn
(an asyncio lock): a single case of ordinary size on the event loop itself (it takes about a
millisecond, less than handing it to a thread costs), a batch or an outsized case on one
dedicated engine thread so the loop keeps answering health checks meanwhile
(``evaluate_in="auto"``, the default; ``"thread"`` and ``"loop"`` put everything in one place). Requests are admitted against a bounded count of
pending cases; beyond it they are refused at once (503) instead of queueing without bound.

Reload builds a complete new :class:`Registry` off to the side (on another thread; loading
never touches durable-rules, which compiles lazily on the engine thread) and swaps one
reference. A request reads that reference once, so it sees the old or the new rulesets, never a
mix, and its Decision names the content hash of each ruleset file it used.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import logging
import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from eligibility._evaluate import Registry, default_rulesets_dir
from eligibility._files import read_bounded
from eligibility._loader import iter_ruleset_files
from eligibility.errors import EligibilityError
from eligibility.service._settings import Settings

T = TypeVar("T")
INLINE_MAX_BYTES = 8 * 1024
"""In ``auto`` mode, a single case whose body is larger than this is decided on the engine
thread. A typical case is 1–3 KB and takes about a millisecond, but the time grows with the
record: a California case listing 50 priors (5.8 KB) took 18 ms, 150 priors (16 KB) 46 ms, and
one of 1.2 MB most of a second — on the event loop, health checks would stall that long."""
log = logging.getLogger("eligibility.service")


class Overloaded(EligibilityError):
    """More cases are pending than the process admits."""


@dataclass(frozen=True)
class Loaded:
    """One complete, validated set of rulesets and when it was loaded."""

    registry: Registry
    root: Path
    fingerprint: str
    """SHA-256 over every ruleset file's relative path and content hash."""
    loaded_at: dt.datetime


def _fingerprint(pairs: list[tuple[str, str]]) -> str:
    text = "".join(f"{path}\0{digest}\n" for path, digest in sorted(pairs))
    return hashlib.sha256(text.encode()).hexdigest()


def files_fingerprint(root: Path) -> str:
    """The fingerprint of the ruleset files on disk now (equal to a :class:`Loaded`'s when the
    same files were loaded)."""
    pairs = []
    for path in iter_ruleset_files(root):
        # Bounded like the loader: a FIFO, a device or a link out of the folder is refused
        # (and a file removed while the folder is being replaced is reported).
        digest = hashlib.sha256(read_bounded(path)).hexdigest()
        pairs.append((path.relative_to(root).as_posix(), digest))
    return _fingerprint(pairs)


def load(settings: Settings) -> Loaded:
    """Load and validate every ruleset; raise :class:`RulesetError` listing all problems."""
    root = settings.rulesets or default_rulesets_dir()
    registry = Registry.load(root, evaluator=settings.evaluator)
    pairs = [(Path(r.path).relative_to(root).as_posix(), r.content_hash) for r in registry.rulesets]
    return Loaded(registry, root, _fingerprint(pairs), dt.datetime.now(dt.UTC))


def _off_thread(
    loop: asyncio.AbstractEventLoop, work: Callable[..., T], *args: object
) -> asyncio.Future[T]:
    """Run ``work`` on a daemon thread of its own: a load that never ends (a file that blocks,
    a disk that hangs) can be abandoned, and it never keeps the process from exiting, as a
    pooled thread would (the interpreter joins those at exit)."""
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if future.done():  # abandoned
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]  # a T when there is no error

    def target() -> None:
        try:
            outcome: tuple[T | None, BaseException | None] = (work(*args), None)
        except BaseException as exc:  # handed to the waiting coroutine
            outcome = (None, exc)
        with contextlib.suppress(RuntimeError):  # the loop is gone: nobody waits any more
            loop.call_soon_threadsafe(settle, *outcome)

    threading.Thread(target=target, name="eligibility-reload", daemon=True).start()
    return future


class Runtime:
    """What one service process owns: the current rulesets and the engine thread."""

    def __init__(self, settings: Settings, loaded: Loaded) -> None:
        self.settings = settings
        self.loaded = loaded
        self.pending = 0
        """Cases admitted and not yet finished (waiting for their turn or being evaluated)."""
        self._executor: ThreadPoolExecutor | None = None
        self._turn = asyncio.Lock()
        """Held by the one evaluation running in this process, on the loop or on the thread."""
        self._reload_lock = asyncio.Lock()

    def _engine_thread(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="eligibility-engine")
        return self._executor

    async def run(self, work: Callable[[Registry], T], cases: int = 1, long: bool = False) -> T:
        """Run ``work`` on the current registry, admitted as ``cases`` pending cases; ``long``
        work (a batch, an outsized case) runs on the engine thread in ``auto`` mode, anything
        else on the event loop."""
        # Admission by cost: a costly case counts as several; one costlier than the whole
        # allowance is admitted alone, when nothing else is pending.
        cases = min(cases, self.settings.max_pending)
        if self.pending + cases > self.settings.max_pending:
            raise Overloaded(f"{self.pending} cases pending")
        registry = self.loaded.registry  # read once: the whole request uses this version
        self.pending += cases
        mode = self.settings.evaluate_in
        on_thread = mode == "thread" or (mode == "auto" and long)
        try:
            await self._turn.acquire()
        except BaseException:  # cancelled while waiting: never admitted to the engine
            self.pending -= cases
            raise
        if not on_thread:
            try:
                # Requests already received get their admission (or their 503) before this
                # evaluation holds the loop, so a burst is counted, not silently queued.
                await asyncio.sleep(0)
                return work(registry)
            finally:
                self.pending -= cases
                self._turn.release()
        loop = asyncio.get_running_loop()

        def finished(_: Future[T]) -> None:
            # The turn and the count are given back when the engine is done, even if the caller
            # stopped waiting: nothing else may run while the thread still evaluates.
            loop.call_soon_threadsafe(self._release, cases)

        try:
            future = self._engine_thread().submit(work, registry)
        except BaseException:
            self._release(cases)
            raise
        future.add_done_callback(finished)
        return await asyncio.wrap_future(future)

    def _release(self, cases: int) -> None:
        self.pending -= cases
        self._turn.release()

    async def reload(self, propagate: bool = False) -> bool:
        """Load the rulesets again if their files changed; swap them in if all are valid.

        Returns whether anything changed. Raises :class:`RulesetError` (and keeps the current
        rulesets) if the files on disk are invalid, ``TimeoutError`` (likewise) if loading
        takes longer than ``reload_seconds``: the load is abandoned on its own daemon thread
        and the next reload is not blocked by it. With several workers and ``propagate``, a
        change also signals the parent process, which asks every worker to reload.
        """
        async with self._reload_lock:
            loop = asyncio.get_running_loop()
            root = self.loaded.root
            async with asyncio.timeout(self.settings.reload_seconds):
                on_disk = await _off_thread(loop, files_fingerprint, root)
                if on_disk == self.loaded.fingerprint:
                    return False
                fresh = await _off_thread(loop, load, self.settings)
            if fresh.fingerprint == self.loaded.fingerprint:
                return False
            self.loaded = fresh
            log.info("rulesets reloaded: fingerprint %s", fresh.fingerprint[:12])
            hup = getattr(signal, "SIGHUP", None)  # POSIX only
            if propagate and hup is not None and self.settings.supervisor_pid is not None:
                os.kill(self.settings.supervisor_pid, hup)
            return True

    def close(self) -> None:
        """Stop the engine thread after the evaluations already admitted."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
