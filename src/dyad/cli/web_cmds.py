"""The ``serve`` command: the web pages and the JSON API over a knowledge base."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dyad.cli.app import app, err_console
from dyad.kb import DEFAULT_URL

__all__ = ["serve"]

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


@app.command()
def serve(
    db: Annotated[
        str,
        typer.Option(
            "--db",
            envvar="DYAD_DB",
            help="Knowledge base: a database URL (sqlite:///path, postgresql://user@host/db) "
            "or a SQLite file.",
        ),
    ] = DEFAULT_URL,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (loopback by default).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on.")] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="DYAD_WEB_TOKEN",
            show_envvar=True,
            help="Allow uploads (POST /api/documents) with this token, sent as "
            "'Authorization: Bearer TOKEN'. "
            "Without it the server is read-only.",
            show_default=False,
        ),
    ] = None,
    max_upload: Annotated[
        int, typer.Option("--max-upload", min=1, help="Largest article an upload may send, in bytes.")
    ] = 2 * 1024 * 1024,
    sources: Annotated[
        Path | None,
        typer.Option(
            "--sources",
            help="Folder that relative source paths of ingested documents are read from, to show evidence "
            "in its document (default: the working folder).",
            show_default=False,
        ),
    ] = None,
    cache: Annotated[
        bool,
        typer.Option(
            "--cache/--no-cache", help="Keep rendered answers in memory until the documents change."
        ),
    ] = True,
    log_level: Annotated[str, typer.Option("--log-level", help="uvicorn's log level.")] = "info",
) -> None:
    """Serve the pages and the JSON API: read-only unless a token is given.

    Pages: / (search, counts, latest events), /states/NAME, /pairs/A/B, /network, /events/ID,
    /conflicts. JSON under /api/ (see /docs, or /openapi.json).

    Example: [bold]dyad serve --db sqlite:///dyad.db --port 8000[/]
    """
    from dyad.errors import InputError
    from dyad.web import WebConfig, create_app
    from dyad.web.app import LOG_LEVELS, run_app

    if log_level not in LOG_LEVELS:
        raise InputError(f"unknown log level {log_level!r}", "use one of " + ", ".join(LOG_LEVELS))
    config = WebConfig.from_env(token or "", max_upload=max_upload, cache=cache, source_root=sources)
    application = create_app(db, config)
    if host not in _LOOPBACK:
        err_console.print(
            f"[yellow]warning:[/] listening on {host}: the server is reachable from other machines"
        )
    mode = "uploads on (token set)" if config.writable else "read-only"
    err_console.print(
        f"dyad: serving {db} at http://{host}:{port}/ ({mode}); API docs at /docs",
        highlight=False,
        soft_wrap=True,
    )
    run_app(application, host=host, port=port, log_level=log_level)
