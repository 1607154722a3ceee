"""Errors become answers here, once: JSON for the API, an HTML page for the pages.

- :class:`~dyad.errors.DyadError`: its ``status``, ``message`` and ``hint``;
- a bad or missing parameter (FastAPI's validation): 400 with every problem named;
- an unknown route or method: 404 / 405;
- anything else: 500 with a generic message (the traceback goes to the server's log only).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from dyad.errors import DyadError
from dyad.web.security import CSP

SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}

__all__ = ["error_body", "install_error_handlers", "wants_json"]

log = logging.getLogger("dyad.web")

_HTTP_HINTS = {
    404: "check the address; the home page links to every kind of page, /docs lists the API",
    405: "this address does not take that method; /docs lists the API",
}
_NAMES = {400: "InputError", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 405: "MethodNotAllowed"}


def wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith(("/api/", "/openapi")) or path == "/healthz":
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_body(error: str, message: str, hint: str, status: int) -> dict[str, Any]:
    return {"error": error, "message": message, "hint": hint, "status": status}


def _respond(request: Request, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    status = int(body["status"])
    # Set here too: a 500 is answered outside the middleware that adds them to everything else.
    headers = {**(headers or {}), "Cache-Control": "no-store", **SECURITY_HEADERS}
    if wants_json(request):
        from dyad.web.api import Json

        return Json(body, status_code=status, headers=headers)
    render = getattr(request.app.state, "render", None)
    if render is None:  # pragma: no cover - pages are always installed by create_app
        return HTMLResponse(f"<p>{status}</p>", status_code=status, headers=headers)
    html = render("error.html", request, {"error": body, "title": f"{status} · {body['error']}"})
    return HTMLResponse(html, status_code=status, headers=headers)


def _location(loc: Any) -> str:
    parts = [str(p) for p in loc if p not in ("query", "path", "body", "header")]
    return ".".join(parts) or "request"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DyadError)
    async def dyad_error(request: Request, exc: DyadError) -> Response:
        status = exc.status if 400 <= exc.status < 600 else 500
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        if status >= 500:
            log.warning("%s %s: %s", request.method, request.url.path, exc.one_line())
        return _respond(request, error_body(type(exc).__name__, exc.message, exc.hint, status), headers)

    @app.exception_handler(RequestValidationError)
    async def bad_parameters(request: Request, exc: RequestValidationError) -> Response:
        problems = []
        for item in exc.errors():
            where = _location(item.get("loc", ()))
            if item.get("type") == "missing":
                problems.append(f"missing parameter {where!r}")
            else:
                problems.append(f"parameter {where!r}: {item.get('msg', 'invalid')}")
        message = "; ".join(problems) or "bad parameters"
        return _respond(
            request, error_body("InputError", message, "see /docs for the parameters of every endpoint", 400)
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        status = exc.status_code
        message = {404: f"nothing at {request.url.path}", 405: f"{request.method} is not allowed here"}.get(
            status, str(exc.detail)
        )
        body = error_body(_NAMES.get(status, "HTTPError"), message, _HTTP_HINTS.get(status, ""), status)
        return _respond(request, body, dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        body = error_body("InternalError", "the server failed to answer", "see the server's log", 500)
        return _respond(request, body)
