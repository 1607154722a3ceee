"""The web server: a JSON API under ``/api/`` and server-rendered pages over the knowledge base.

>>> from dyad.web import create_app, WebConfig
>>> app = create_app("sqlite:///dyad.db")                   # read-only; uploads off
>>> app = create_app("sqlite:///dyad.db", WebConfig(token=secret))   # uploads on, with a token

``dyad serve`` runs it with uvicorn. Routes: see :mod:`dyad.web.api` (JSON) and
:mod:`dyad.web.pages` (HTML); the OpenAPI document is at ``/openapi.json`` and its docs at
``/docs`` (Swagger UI served from ``/static``: no network needed). The pages' scripts are built
from ``frontend/`` with esbuild and committed to ``static/`` with a sha256 manifest.
"""

from __future__ import annotations

from dyad.web.app import create_app, serve
from dyad.web.config import TOKEN_ENV, WebConfig

__all__ = ["TOKEN_ENV", "WebConfig", "create_app", "serve"]
