"""Security headers on every response, and the write token.

Pages load scripts and styles from ``/static`` only: the Content-Security-Policy has no
``unsafe-inline`` and no ``unsafe-eval``, and data for scripts travels in ``<script
type="application/json">`` elements (never executed). The docs page (Swagger UI, served from
``/static``) lives under the same policy.
"""

from __future__ import annotations

import hashlib
import hmac

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CSP", "DOCS_CSP", "SecurityHeaders", "token_matches"]

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
DOCS_CSP = CSP  # Swagger UI needs nothing more: it styles through the CSSOM
_COMMON = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
)


class SecurityHeaders:
    """ASGI middleware: add the security headers (and a Cache-Control) to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        csp = (DOCS_CSP if path == "/docs" else CSP).encode()
        cache_control = b"public, max-age=86400" if path.startswith("/static/") else b"no-cache"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                extra = [*_COMMON, (b"content-security-policy", csp), (b"cache-control", cache_control)]
                headers += [(k, v) for k, v in extra if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def token_matches(given: str | None, expected: str | None) -> bool:
    """Whether ``given`` is the configured token, compared in constant time.

    Both sides are hashed first, so neither the content nor the length of the token leaks
    through the time the comparison takes.
    """
    if not expected or given is None:
        return False
    a = hashlib.sha256(given.encode("utf-8", "surrogatepass")).digest()
    b = hashlib.sha256(expected.encode("utf-8")).digest()
    return hmac.compare_digest(a, b)
