"""The FastAPI application: routes, static files, error handling, headers and the cache."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from dyad.kb import KnowledgeBase, open_kb
from dyad.web import api, pages, queries
from dyad.web.cache import CacheStore, ResponseCache
from dyad.web.config import WebConfig
from dyad.web.errors import install_error_handlers
from dyad.web.security import SecurityHeaders

__all__ = ["LOG_LEVELS", "create_app", "run_app", "serve"]

log = logging.getLogger("dyad.web")

DESCRIPTION = """\
The knowledge base of diplomatic events, read-only: every endpoint mirrors a method of
`dyad.kb.KnowledgeBase`. Names are what people write ("Russian Federation", "RUS", "Q159");
`on` is `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a period means its last day). Lists are paginated
with `limit` and `offset`. Errors are JSON: `{"error", "message", "hint", "status"}`.

The one write endpoint, `POST /api/documents`, is off unless the server was started with a
token (`dyad serve --token`, or env `DYAD_WEB_TOKEN`).
"""


def create_app(kb: KnowledgeBase | str | None = None, config: WebConfig | None = None) -> FastAPI:
    """The web application over ``kb`` (an open knowledge base, or a URL to open; None: env
    ``DYAD_DB``, else ``sqlite:///dyad.db``). A URL must name an existing knowledge base."""
    from dyad import __version__

    if not isinstance(kb, KnowledgeBase):
        kb = open_kb(kb, create=False)
    config = config or WebConfig()
    app = FastAPI(
        title="dyad",
        version=str(__version__),
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.kb = kb
    app.state.config = config
    app.state.render = pages.make_renderer()
    app.state.cache = None
    install_error_handlers(app)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            from fastapi.openapi.utils import get_openapi

            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            app.openapi_schema = api.openapi_cleanup(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.include_router(api.router)
    app.include_router(api.write_router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=str(pages.STATIC)), name="static")
    if config.cache:
        knowledge_base = kb

        def version() -> Any:
            return queries.data_version(knowledge_base)

        app.state.cache = CacheStore(version, config.cache_entries, config.cache_check_seconds)
        app.add_middleware(ResponseCache, store=app.state.cache)  # type: ignore[arg-type]
    app.add_middleware(SecurityHeaders)  # type: ignore[arg-type]
    return app


LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")


def run_app(app: FastAPI, host: str = "127.0.0.1", port: int = 8000, log_level: str = "info") -> None:
    """Run ``app`` with uvicorn until interrupted (uvloop and httptools when installed)."""
    import uvicorn

    from dyad.errors import InputError

    if log_level not in LOG_LEVELS:
        raise InputError(f"unknown log level {log_level!r}", "use one of " + ", ".join(LOG_LEVELS))
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=log_level in ("info", "debug", "trace"),
        server_header=False,
        proxy_headers=False,
        timeout_graceful_shutdown=5,
    )


def serve(
    db: str | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    config: WebConfig | None = None,
    log_level: str = "info",
) -> None:
    """Open the knowledge base at ``db`` and run the server on ``host``:``port`` (blocking)."""
    run_app(create_app(db, config), host, port, log_level)
