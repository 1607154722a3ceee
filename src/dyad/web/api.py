"""The JSON API under ``/api/``: the Python query API of :mod:`dyad.kb`, one endpoint per method.

Names are what users write ("Russian Federation", "RUS", "Q159"); ``on`` is ``YYYY``,
``YYYY-MM`` or ``YYYY-MM-DD`` (a period means its last day; absent: everything known). Lists
that grow are paginated: ``{"items": [...], "total": N, "offset": O, "limit": L, "next": URL}``.
Errors are ``{"error", "message", "hint", "status"}`` with that HTTP status (see
:mod:`dyad.web.errors`).
"""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from dyad.errors import DyadError, InputError
from dyad.kb import KnowledgeBase
from dyad.kb.dates import parse_on
from dyad.web import queries
from dyad.web.config import WebConfig
from dyad.web.security import token_matches

__all__ = ["MAX_LIMIT", "ErrorBody", "Json", "openapi_cleanup", "page", "router", "write_router"]

MAX_LIMIT = 500
MAX_SEARCH = 1000
MAX_FACT_ID = 2**62


class ErrorBody(BaseModel):
    """Every error answer: the kind of error, a message, a hint to fix it, the HTTP status."""

    error: str
    message: str
    hint: str
    status: int


def _errors(**described: str) -> dict[int | str, dict[str, Any]]:
    return {int(code[1:]): {"model": ErrorBody, "description": text} for code, text in described.items()}


router = APIRouter(
    prefix="/api",
    tags=["knowledge base"],
    responses=_errors(
        e400="A bad parameter: missing, malformed (a date that cannot be read), out of range",
        e404="An unknown state or organisation, or no such event",
        e409="A name that fits several states",
    ),
)
write_router = APIRouter(
    prefix="/api",
    tags=["writes"],
    responses=_errors(
        e400="A bad parameter",
        e401="Missing or wrong token",
        e403="Uploads are off (the server has no token)",
        e413="The article is larger than the server's upload limit",
        e422="The article cannot be read or ingested",
    ),
)

Name = Annotated[
    str,
    Query(
        min_length=1,
        max_length=200,
        description="A state or organisation: name, alias, ISO code or Wikidata id.",
    ),
]
OptName = Annotated[
    str | None, Query(min_length=1, max_length=200, description="A second state or organisation (optional).")
]
On = Annotated[
    str | None,
    Query(
        max_length=40,
        description="As of this date: YYYY, YYYY-MM or YYYY-MM-DD (a period means its last day). "
        "Absent: everything known, undated events included.",
        examples=["2009-12-31"],
    ),
]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="At most this many items.")]
Offset = Annotated[int, Query(ge=0, le=10**9, description="Skip this many items.")]


class Json(JSONResponse):
    """JSON with UTF-8 text as it is (names are not \\u-escaped)."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


def kb_of(request: Request) -> KnowledgeBase:
    kb: KnowledgeBase = request.app.state.kb
    return kb


def page(request: Request, items: list[Any], offset: int, limit: int, **extra: Any) -> Json:
    """One page of ``items`` (already-serialisable dicts or objects with ``to_dict``)."""
    chunk = items[offset : offset + limit]
    next_url = None
    if offset + limit < len(items):
        url = request.url.include_query_params(offset=offset + limit, limit=limit)
        next_url = f"{url.path}?{url.query}"
    return Json(
        {
            **extra,
            "items": [i.to_dict() if hasattr(i, "to_dict") else i for i in chunk],
            "total": len(items),
            "offset": offset,
            "limit": limit,
            "next": next_url,
        }
    )


@router.get("/status", summary="Everything between two states as of a date")
def status(request: Request, a: Name, b: Name, on: On = None) -> Json:
    """Recognition both ways, diplomatic relations, envoys both ways, missions and treaties
    between ``a`` and ``b`` as of ``on`` (``KnowledgeBase.status``)."""
    return Json(kb_of(request).status(a, b, on).to_dict())


@router.get("/recognitions", summary="The states that recognise a state")
def recognitions(
    request: Request,
    state: Name,
    on: On = None,
    include_withdrawn: Annotated[
        bool, Query(description="Also list recognitions withdrawn by then.")
    ] = False,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Json:
    """The states that recognise ``state`` on ``on``, earliest first (``KnowledgeBase.recognitions``)."""
    items = kb_of(request).recognitions(state, on, include_withdrawn=include_withdrawn)
    return page(request, items, offset, limit)


@router.get("/timeline", summary="Every event of a state or a pair, in date order")
def timeline(
    request: Request, a: Name, b: OptName = None, on: On = None, limit: Limit = 100, offset: Offset = 0
) -> Json:
    """Every event involving ``a`` (and ``b``), in date order, undated last (``KnowledgeBase.timeline``)."""
    return page(request, kb_of(request).timeline(a, b, on), offset, limit)


@router.get("/envoys", summary="Envoys with their tenures")
def envoys(
    request: Request, a: Name, b: OptName = None, on: On = None, limit: Limit = 100, offset: Offset = 0
) -> Json:
    """Envoys sent by ``a`` (to ``b``) with their tenures as of ``on`` (``KnowledgeBase.envoys``)."""
    return page(request, kb_of(request).envoys(a, b, on), offset, limit)


@router.get("/missions", summary="Missions (embassies, consulates, ...) of a state")
def missions(
    request: Request, a: Name, b: OptName = None, on: On = None, limit: Limit = 100, offset: Offset = 0
) -> Json:
    """Missions of ``a`` (in ``b``) as of ``on`` (``KnowledgeBase.missions``)."""
    return page(request, kb_of(request).missions(a, b, on), offset, limit)


@router.get("/treaties", summary="Treaties with their ratification state")
def treaties(
    request: Request,
    a: Name,
    b: OptName = None,
    pending: Annotated[bool, Query(description="Only treaties not in force.")] = False,
    on: On = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Json:
    """Treaties of ``a`` (with ``b``) signed by ``on``, with who ratified them
    (``KnowledgeBase.treaties``)."""
    return page(request, kb_of(request).treaties(a, b, pending=pending, on=on), offset, limit)


@router.get("/conflicts", summary="Facts whose sources disagree on the date")
def conflicts(request: Request, limit: Limit = 100, offset: Offset = 0) -> Json:
    """Every fact whose sources give different dates, with each candidate date and its documents."""
    return page(request, kb_of(request).conflicts(), offset, limit)


@router.get("/entities", summary="States and organisations")
def entities(
    request: Request,
    kind: Annotated[
        str | None, Query(pattern="^(state|organization)$", description="Only this kind.")
    ] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="Only names or aliases containing this text.")
    ] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Json:
    """The states and organisations of the knowledge base, with ids, aliases and event counts."""
    items = kb_of(request).entities()
    if kind:
        items = [e for e in items if e.kind == kind]
    if q and q.strip():
        needle = q.strip().casefold()
        items = [
            e for e in items if needle in e.name.casefold() or any(needle in a.casefold() for a in e.aliases)
        ]
    return page(request, items, offset, limit)


@router.get("/search", summary="Events whose evidence contains every word")
def search(
    request: Request,
    q: Annotated[
        str, Query(min_length=1, max_length=500, description="Words the source sentence must contain.")
    ],
    limit: Limit = 50,
    offset: Offset = 0,
) -> Json:
    """Facts whose evidence contains every word of ``q``, case-insensitively (``KnowledgeBase.search``;
    at most the first 1000 are paged through)."""
    return page(request, kb_of(request).search(q, limit=MAX_SEARCH), offset, limit)


@router.get("/events/{fact_id}", summary="One event with its evidence")
def event(
    request: Request, fact_id: Annotated[int, Path(ge=1, le=MAX_FACT_ID, description="The event's id.")]
) -> Json:
    """One fact with every piece of evidence (document, sentence, offsets) and the candidate
    dates its sources give (``KnowledgeBase.event``)."""
    view = kb_of(request).event(fact_id)
    return Json({**view.to_dict(), "summary": view.summary()})


@router.get("/documents", summary="The ingested documents")
def documents(request: Request, limit: Limit = 100, offset: Offset = 0) -> Json:
    return page(request, kb_of(request).documents(), offset, limit)


@router.get("/counts", summary="Rows per table")
def counts(request: Request) -> Json:
    return Json(kb_of(request).counts())


@router.get("/network", summary="Recognition and relations between all states as of a date")
def network(request: Request, on: On = None) -> Json:
    """Nodes (states and organisations with recognition or relations events) and the edges
    that stand on ``on``: ``recognition`` (source recognises target) and ``relations``
    (diplomatic relations in force between the two)."""
    return Json(queries.network(kb_of(request), parse_on(on)))


# --------------------------------------------------------------------------- writes

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _doc_name(name: str) -> str:
    stem = PurePosixPath(name.replace("\\", "/")).name
    for suffix in (".txt", ".wiki", ".wikitext", ".mediawiki"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
    clean = _SAFE_NAME.sub("-", stem).strip(".-")
    if not clean:
        raise InputError(
            f"cannot make a document id from {name!r}", "name the article with letters, digits, '-' or '_'"
        )
    return clean[:120]


class UploadsOff(DyadError):
    status = 403
    default_hint = "start the server with --token (or env DYAD_WEB_TOKEN) to allow uploads"


class BadToken(DyadError):
    status = 401
    default_hint = "send the token as 'Authorization: Bearer TOKEN'"


class TooLarge(InputError):
    status = 413


def _given_token(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    return request.headers.get("x-dyad-token")


@write_router.post(
    "/documents",
    summary="Upload an article to ingest (needs the write token)",
    status_code=201,
    openapi_extra={
        "requestBody": {"content": {"text/plain": {"schema": {"type": "string"}}}, "required": True},
    },
)
async def upload(
    request: Request,
    name: Annotated[
        str,
        Query(
            min_length=1, max_length=200, description="The article's file name; its stem is the document id."
        ),
    ],
    format: Annotated[
        str | None, Query(pattern="^(text|wikitext)$", description="text or wikitext (default: detect).")
    ] = None,
) -> Json:
    """Ingest the request body (a UTF-8 article, plain text or wikitext) as document ``name``.

    Off unless the server has a token; send it as ``Authorization: Bearer TOKEN``. The body
    may be at most the server's upload limit (413 past it).
    """
    config: WebConfig = request.app.state.config
    if not config.writable:
        raise UploadsOff("uploads are off on this server")
    if not token_matches(_given_token(request), config.token):
        raise BadToken("missing or wrong token")
    declared = request.headers.get("content-length")
    limit = config.max_upload
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"the article is too large ({int(declared)} bytes; the limit is {limit})")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise TooLarge(f"the article is too large (over {limit} bytes)")
    doc_id = _doc_name(name)

    def ingest() -> dict[str, Any]:
        from dyad.read import read_text
        from dyad.read.source import decode_source

        text = decode_source(bytes(body), name)
        document = read_text(text, source=f"upload:{name}", fmt=format)
        document.doc_id = doc_id
        report = kb_of(request).ingest_documents([document], extractor=config.extractor)
        return report.to_dict()

    report = await anyio.to_thread.run_sync(ingest)
    cache = getattr(request.app.state, "cache", None)
    if cache is not None:
        cache.clear()
    if report["failed"]:
        raise InputError(f"the article could not be ingested: {report['failed'][0]['error']}", status=422)
    return Json({"doc": doc_id, **report}, status_code=201, headers={"Cache-Control": "no-store"})


def openapi_cleanup(schema: dict[str, Any]) -> dict[str, Any]:
    """Drop FastAPI's generic 422 "Validation Error" answers: bad parameters are 400 here."""
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            responses = operation.get("responses", {})
            if responses.get("422", {}).get("description") == "Validation Error":
                del responses["422"]
    components = schema.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    return schema
