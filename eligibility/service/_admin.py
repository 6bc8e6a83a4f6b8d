"""Who may reload the rulesets over HTTP.

``POST /v1/admin/reload`` makes the service read files from disk and may swap the law every
decision is made under, so nobody else may trigger it: it is off unless the operator turns it on
(SIGHUP reloads either way), and when on it is accepted only

* from a loopback address (the operator on the same host, or a sidecar), or
* with ``Authorization: Bearer <token>`` equal to the configured token (compared in constant
  time, so the answer's timing tells nothing about the token);

and never from a browser page: a request that carries ``Origin`` (browsers send it on every
cross-origin POST) or a form or text body (what an HTML form or a "simple" cross-origin request
can send without a CORS preflight) is refused, whatever its address or token.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging

from fastapi import Request

from eligibility.service._errors import Refusal
from eligibility.service._settings import Settings

log = logging.getLogger("eligibility.service")

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain")


def _loopback(host: str | None) -> bool:
    if not host:
        return False
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def admit_reload(request: Request, settings: Settings) -> None:
    """Return if ``request`` may reload the rulesets; raise a 403 :class:`Refusal` if not."""
    if not settings.reload_endpoint:
        raise Refusal("reload-disabled", "start the service with --reload-endpoint, or send SIGHUP")
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if "origin" in request.headers or media in _FORM_TYPES:
        log.warning("reload refused: a browser or form request")
        raise Refusal("reload-forbidden", "a reload cannot come from a web page or a form")
    client = request.client.host if request.client else None
    token = settings.reload_token
    given = request.headers.get("authorization", "")
    if token is not None and given:
        scheme, _, value = given.partition(" ")
        expected = token.encode()
        if scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), expected):
            return
        log.warning("reload refused: wrong token")
        raise Refusal("reload-forbidden", "the reload token is wrong")
    if _loopback(client):
        return
    log.warning("reload refused: not from a loopback address and no token")
    raise Refusal(
        "reload-forbidden",
        "a reload is accepted from this host (loopback) or with the reload token only",
    )
