"""uvicorn's HTTP protocols with a deadline for a request's headers.

uvicorn times out an idle keep-alive connection, but not a client that opens a connection and
sends its request line and headers a byte at a time (or nothing at all): each such client holds
a connection and its memory for as long as it likes ("slowloris"). Here every request must have
sent its complete headers within ``header_seconds`` of the connection opening or of the previous
response; otherwise the connection is closed. (A slow *body* is timed out by
:func:`eligibility.service._cases.read_body`.)

The classes live at module level so that ``eligibility serve --workers N`` can hand them to the
spawned worker processes by name; each worker sets ``header_seconds`` from its settings.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger("eligibility.service")

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    HAS_HTTPTOOLS = True
except ImportError:  # pragma: no cover - httptools comes with the service extra
    HAS_HTTPTOOLS = False


class _HeaderDeadline:
    """Mixed into a uvicorn protocol: closes the connection if headers come too slowly."""

    header_seconds: float = 10.0
    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport
    _header_timer: asyncio.TimerHandle | None = None

    def _arm(self) -> None:
        self._disarm()
        self._header_timer = self.loop.call_later(self.header_seconds, self._too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _too_slow(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            log.info(
                "closed a connection that sent no complete request headers in %gs",
                self.header_seconds,
            )
            self.transport.close()


class H11(_HeaderDeadline, H11Protocol):
    """uvicorn's h11 protocol with the header deadline."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def handle_events(self) -> None:
        before = self.cycle
        super().handle_events()
        if self.cycle is not None and self.cycle is not before:
            self._disarm()  # a new request's headers are complete

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


if HAS_HTTPTOOLS:

    class HttpTools(_HeaderDeadline, HttpToolsProtocol):
        """uvicorn's httptools protocol with the header deadline."""

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def on_message_begin(self) -> None:
            super().on_message_begin()
            if self._header_timer is None:
                self._arm()

        def on_headers_complete(self) -> None:
            self._disarm()
            super().on_headers_complete()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)


def set_header_seconds(seconds: float) -> None:
    """The header deadline for every connection this process serves from now on."""
    _HeaderDeadline.header_seconds = seconds


def protocol_class(kind: str, header_seconds: float) -> Any:
    """The protocol class for uvicorn's ``http`` setting (``auto``, ``httptools``, ``h11``)."""
    set_header_seconds(header_seconds)
    if kind in ("auto", "httptools") and HAS_HTTPTOOLS:
        return HttpTools
    if kind == "httptools":  # pragma: no cover - asked for and not installed
        raise ImportError("httptools is not installed")
    return H11
