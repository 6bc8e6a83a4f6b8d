"""Running the service on uvicorn: one process, or a parent with N worker processes.

With one worker the rulesets are loaded once, here, and the server runs in this process;
SIGHUP reloads them in place. With ``--workers N`` uvicorn's parent process starts N workers
(spawned interpreters sharing the listening socket); each loads its own rulesets and owns its
own engine. SIGHUP to the parent is passed on to every worker, and each reloads in place
(uvicorn's own SIGHUP handling would replace the workers instead, and a worker stopping
closes connections it accepted but had not read yet). ``POST /v1/admin/reload`` reloads the
worker that answers it and, if the files changed, signals the parent, so every worker follows.
"""

from __future__ import annotations

import copy
import logging
import os
import signal
import socket
from typing import Any

import uvicorn
from fastapi import FastAPI
from uvicorn.supervisors import Multiprocess

from eligibility.service._app import catch_early_sighup, create_app
from eligibility.service._protocols import protocol_class, set_header_seconds
from eligibility.service._runtime import load
from eligibility.service._settings import SETTINGS_ENV, Settings

log = logging.getLogger("eligibility.service")


def log_config(level: str) -> dict[str, Any]:
    """uvicorn's logging, plus the service's own logger; nothing logs request bodies."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["formatters"]["service"] = {
        "format": "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"
    }
    config["handlers"]["service"] = {
        "formatter": "service",
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
    }
    config["loggers"]["eligibility"] = {
        "handlers": ["service"],
        "level": level.upper(),
        "propagate": False,
    }
    return config


class Supervisor(Multiprocess):
    """uvicorn's worker supervisor, except that SIGHUP makes each worker reload in place."""

    def handle_hup(self) -> None:
        """Pass SIGHUP on to every worker (each reloads its rulesets, see ``_app``)."""
        logging.getLogger("uvicorn.error").info("Received SIGHUP, asking every worker to reload.")
        for process in self.processes:
            if process.pid is not None and process.exitcode is None:
                os.kill(process.pid, signal.SIGHUP)


def _stopped(signum: int, frame: object) -> None:
    raise SystemExit(0)


def worker_app() -> FastAPI:
    """The app factory each worker process calls (settings from the environment)."""
    catch_early_sighup()
    settings = Settings.from_env()
    set_header_seconds(settings.header_seconds)  # the parent's value, in this process
    return create_app(settings)


def check_address(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be listened on, or ``None`` if it can."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as exc:
        return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
    return None


def serve(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    access_log: bool = True,
    log_level: str = "info",
    http: str = "auto",
    loop: str = "auto",
) -> None:
    """Run the service until SIGINT or SIGTERM. Raises :class:`RulesetError` before serving
    if the rulesets are invalid. ``http`` and ``loop`` pick uvicorn's implementations (the
    benchmark compares them; "auto" takes httptools and uvloop when installed)."""
    restore = catch_early_sighup()
    try:
        loaded = load(settings)  # validate before listening: exit 3 with every problem
    except BaseException:
        restore()
        raise
    common: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_config": log_config(log_level),
        "log_level": log_level,
        "access_log": access_log,
        "http": protocol_class(http, settings.header_seconds),
        "loop": loop,
        "server_header": False,
        # SIGTERM stops the process within seconds: requests in progress get this long (an
        # evaluation is bounded by its time budget, eligibility.limits).
        "timeout_graceful_shutdown": settings.shutdown_seconds,
        # A worker loads every ruleset before it answers the parent's health check; on a busy
        # machine that takes seconds.
        "timeout_worker_healthcheck": 60,
    }
    if workers <= 1:
        # uvicorn re-raises SIGTERM once it has shut down gracefully; end with status 0 then,
        # as the multi-worker parent does, rather than die of the signal.
        signal.signal(signal.SIGTERM, _stopped)
        uvicorn.Server(uvicorn.Config(create_app(settings, loaded), **common)).run()
        return
    del loaded  # each worker loads its own
    os.environ[SETTINGS_ENV] = settings.model_copy(update={"supervisor_pid": os.getpid()}).to_env()
    config = uvicorn.Config(
        "eligibility.service._server:worker_app", factory=True, workers=workers, **common
    )
    Supervisor(config, sockets=[config.bind_socket()]).run()
