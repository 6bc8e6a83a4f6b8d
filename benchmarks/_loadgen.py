"""The HTTP load generator: N keep-alive clients in one process, bounded in count and time.

Runs in its own process (so its CPU is not the server's), talks to loopback addresses only,
and stops by itself after ``requests`` requests or ``seconds`` seconds, whichever comes first.
Each client is one HTTP/1.1 connection on asyncio streams sending prepared request bytes and
reading the response by its ``Content-Length``: an HTTP client library (aiohttp, httpx) spends
several times more CPU per request, and on a 2-core machine the generator's CPU is taken from
the server. Also here: a canned-response socket server, to measure the generator's ceiling.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast
from urllib.parse import urlsplit

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass
class Result:
    """What one load run measured: per-request latencies (seconds) and status counts."""

    clients: int
    elapsed: float
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: int = 0
    """Requests that got no HTTP response (connection errors)."""
    server_cpu: float | None = None
    """CPU seconds the server used during the run, where measurable."""


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> int:
    """Send one request on a kept-alive connection and read the whole response; its status."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
            break
    else:
        raise ConnectionError("response without content-length")
    await reader.readexactly(length)
    return status


def _requests(url: str, bodies: list[bytes]) -> list[bytes]:
    parts = urlsplit(url)
    host, path = f"{parts.hostname}:{parts.port}", parts.path or "/"
    if not bodies:
        return [f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()]
    return [
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
        for body in bodies
    ]


async def _load(
    url: str, bodies: list[bytes], clients: int, requests: int, seconds: float, warmup: int
) -> Result:
    parts = urlsplit(url)
    if parts.hostname not in LOOPBACK or parts.port is None:
        raise ValueError(f"load is only sent to a loopback address and port, not {url!r}")
    prepared = _requests(url, bodies)
    result = Result(clients, 0.0)
    left = requests
    warm = warmup
    deadline = 0.0

    async def client(offset: int) -> None:
        nonlocal left, warm
        feed = itertools.islice(itertools.cycle(prepared), offset, None)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        perf = time.perf_counter
        try:
            while warm > 0:
                warm -= 1
                await _exchange(reader, writer, next(feed))
            await started.wait()
            while left > 0 and perf() < deadline:
                left -= 1
                t0 = perf()
                try:
                    status = await _exchange(reader, writer, next(feed))
                except (ConnectionError, asyncio.IncompleteReadError):
                    result.failures += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
                    continue
                result.latencies.append(perf() - t0)
                result.statuses[status] += 1
        finally:
            writer.close()

    started = asyncio.Event()
    tasks = [asyncio.ensure_future(client(i * 7)) for i in range(clients)]
    while warm > 0 and not all(t.done() for t in tasks):
        await asyncio.sleep(0.01)
    start = time.perf_counter()
    deadline = start + seconds
    started.set()
    await asyncio.gather(*tasks)
    result.elapsed = time.perf_counter() - start
    return result


def load(
    url: str,
    bodies: list[bytes],
    clients: int,
    requests: int,
    seconds: float,
    warmup: int = 50,
) -> Result:
    """Run ``clients`` concurrent keep-alive clients against ``url`` (GET if no ``bodies``,
    else POST them in turn) for at most ``requests`` requests and ``seconds`` seconds."""
    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        return runner.run(_load(url, bodies, clients, requests, seconds, warmup))


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    try:
        import uvloop  # installed with the service extra, except on Windows
    except ImportError:  # pragma: no cover
        return None
    return uvloop.new_event_loop


_CANNED = (
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 15\r\n\r\n"
    b'{"status":"ok"}'
)


class _Canned(asyncio.Protocol):
    """Answers every GET request with the same bytes; parses nothing else."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        count = self.buffer.count(b"\r\n\r\n")
        if count:
            self.buffer = self.buffer[self.buffer.rfind(b"\r\n\r\n") + 4 :]
            self.transport.write(_CANNED * count)


def canned_server(port: int, seconds: float) -> None:
    """Serve canned responses on 127.0.0.1:``port`` for ``seconds`` seconds (the floor)."""

    async def run() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(_Canned, "127.0.0.1", port)
        async with server:
            await asyncio.sleep(seconds)

    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        runner.run(run())
