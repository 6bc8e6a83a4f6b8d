"""The HTTP service: ``eligibility serve``, an ASGI application on uvicorn.

Needs the ``service`` extra (``pip install 'eligibility[service]'``). Routes, error format,
limits, the concurrency model and reloading are described in docs/service.md::

    from eligibility.service import Settings, create_app

    app = create_app(Settings(max_batch=50))     # any ASGI server can run it
"""

from __future__ import annotations

from eligibility.service._app import create_app
from eligibility.service._settings import Settings

__all__ = ["Settings", "create_app"]
