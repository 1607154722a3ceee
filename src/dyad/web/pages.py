"""The HTML pages: server-rendered with Jinja2 (autoescaped), scripts only from ``/static``.

Home, search, states, one state, a pair, the network, one event, the conflicts, and the API
docs. Pages read the public query API of :mod:`dyad.kb` (plus the few read-only queries of
:mod:`dyad.web.queries`); article text reaches the templates as plain strings and is escaped
there, so ``<script>`` in an article is shown, never run.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, unquote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from dyad.errors import InputError
from dyad.kb import FactView, KnowledgeBase, MissionState, Tenure
from dyad.kb.dates import parse_on
from dyad.web import present, queries
from dyad.web.api import MAX_FACT_ID, MAX_SEARCH
from dyad.web.config import WebConfig

__all__ = ["STATIC", "TEMPLATES", "make_renderer", "router"]

HERE = Path(__file__).parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"
PAGE_SIZE = 50

router = APIRouter(include_in_schema=False)

OnParam = Annotated[str | None, Query(max_length=40)]


# --------------------------------------------------------------------------- rendering


def state_url(name: str) -> str:
    return "/states/" + quote(name, safe="")


def pair_url(a: str, b: str, on: str | None = None) -> str:
    url = f"/pairs/{quote(a, safe='')}/{quote(b, safe='')}"
    return f"{url}?{urlencode({'on': on})}" if on else url


def event_url(fact_id: int) -> str:
    return f"/events/{int(fact_id)}"


@lru_cache(maxsize=1)
def _versions() -> dict[str, str]:
    """File name -> short content hash, for cache-busting URLs of static files."""
    import hashlib

    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:12] for p in STATIC.iterdir() if p.is_file()}


def static_url(name: str) -> str:
    version = _versions().get(name)
    if version is None:
        raise KeyError(f"no static file {name!r}")
    return f"/static/{quote(name)}?v={version}"


def _date(value: str | None, empty: str = "—") -> str:
    return value if value else empty


def make_renderer() -> Callable[[str, Request, dict[str, Any]], str]:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        state_url=state_url,
        pair_url=pair_url,
        event_url=event_url,
        static=static_url,
        label=present.type_label,
        lane_of=present.lane_of,
    )
    env.filters["d"] = _date
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": False}

    def render(name: str, request: Request, context: dict[str, Any]) -> str:
        base = {"request_path": request.url.path, "q": "", "title": "dyad", "nav": ""}
        return env.get_template(name).render({**base, **context})

    return render


def _html(request: Request, template: str, /, **context: Any) -> HTMLResponse:
    return HTMLResponse(request.app.state.render(template, request, context))


def _kb(request: Request) -> KnowledgeBase:
    kb: KnowledgeBase = request.app.state.kb
    return kb


def _on(value: str | None) -> str | None:
    """The ``on`` of a form: empty means none; anything else must be a date (DateError)."""
    if value is None or not value.strip():
        return None
    day = parse_on(value)
    return value.strip() if day is not None else None


# --------------------------------------------------------------------------- pages


@router.api_route("/healthz", methods=["GET", "HEAD"])
async def healthz() -> Response:
    """Liveness (and the baseline of the load benchmark): answers without touching the database."""
    return Response(b'{"ok":true}', media_type="application/json")


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    kb = _kb(request)
    counts = kb.counts()
    entities = kb.entities()
    top = sorted((e for e in entities if e.facts), key=lambda e: (-e.facts, e.name))[:18]
    latest = queries.latest_facts(kb, 12)
    return _html(
        request,
        "home.html",
        title="dyad",
        nav="home",
        counts=counts,
        conflicts=queries.conflict_count(kb),
        states=sum(1 for e in entities if e.kind == "state"),
        top=top,
        latest=latest,
        names=[e.name for e in entities],
    )


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, q: Annotated[str, Query(max_length=500)] = "") -> HTMLResponse:
    hits = _kb(request).search(q, limit=MAX_SEARCH) if q.strip() else []
    rows = [(h, present.mark_words(h.text, q)) for h in hits[:200]]
    return _html(
        request, "search.html", title=f"Search: {q}" if q else "Search", q=q, rows=rows, total=len(hits)
    )


@router.get("/pair")
def pair_form(
    request: Request,
    a: Annotated[str, Query(max_length=200)] = "",
    b: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """The home page's pair form: resolve the two names and go to their page."""
    if not a.strip() or not b.strip():
        raise InputError("give two states to compare", "type a name in each box")
    kb = _kb(request)
    return RedirectResponse(pair_url(kb.resolve(a.strip()).name, kb.resolve(b.strip()).name), status_code=303)


@router.get("/states", response_class=HTMLResponse)
def states(request: Request, q: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    entities = _kb(request).entities()
    needle = q.strip().casefold()
    if needle:
        entities = [
            e
            for e in entities
            if needle in e.name.casefold() or any(needle in a.casefold() for a in e.aliases)
        ]
    entities.sort(key=lambda e: (e.facts == 0, e.name))
    return _html(
        request, "states.html", title="States and organisations", nav="states", entities=entities, filter=q
    )


def _canonical_redirect(request: Request, url: str) -> RedirectResponse | None:
    if request.url.path != unquote(url.split("?")[0]):
        query = request.url.query
        return RedirectResponse(
            url + (("&" if "?" in url else "?") + query if query else ""), status_code=307
        )
    return None


@router.get("/states/{name}", response_class=HTMLResponse)
def state(request: Request, name: Annotated[str, PathParam(max_length=200)]) -> Response:
    kb = _kb(request)
    ref = kb.resolve(name)
    redirect = _canonical_redirect(request, state_url(ref.name))
    if redirect is not None:
        return redirect
    x = ref.name
    facts = kb.timeline(x)
    entity = next((e for e in kb.entities() if e.name == x), None)
    received = kb.recognitions(x, include_withdrawn=True)
    edge_facts = queries.edge_facts(facts)
    given = sorted(
        (
            (t, status, since)
            for (a, t), (status, since) in queries.fold_recognitions(edge_facts, None).items()
            if a == x
        ),
        key=lambda g: (g[2] is None, g[2] or "", g[0]),
    )
    series_received, series_given = queries.recognition_series(edge_facts, x)
    chart = present.recognition_chart(series_received, series_given)
    hosted_owners = sorted(
        {
            str(f.roles["owner"])
            for f in facts
            if present.lane_of(f.type) == "mission" and f.roles.get("host") == x and f.roles.get("owner")
        }
    )
    missions_abroad = kb.missions(x)
    missions_hosted: list[MissionState] = [m for owner in hosted_owners for m in kb.missions(owner, x)]
    senders = sorted(
        {
            str(f.roles["sender"])
            for f in facts
            if present.lane_of(f.type) == "envoy" and f.roles.get("receiver") == x and f.roles.get("sender")
        }
    )
    envoys_sent = kb.envoys(x)
    envoys_received: list[Tenure] = [t for s in senders for t in kb.envoys(s, x)]
    return _html(
        request,
        "state.html",
        title=x,
        nav="states",
        name=x,
        entity=entity,
        n_facts=len(facts),
        received=received,
        given=given,
        chart=chart,
        missions_abroad=missions_abroad,
        missions_hosted=missions_hosted,
        envoys_sent=envoys_sent,
        envoys_received=envoys_received,
        partners=present.counterparts(facts, x),
        recent=[f for f in reversed(facts) if f.date][:10],
    )


@router.get("/pairs/{a}/{b}", response_class=HTMLResponse)
def pair(
    request: Request,
    a: Annotated[str, PathParam(max_length=200)],
    b: Annotated[str, PathParam(max_length=200)],
    on: OnParam = None,
) -> Response:
    kb = _kb(request)
    ra, rb = kb.resolve(a).name, kb.resolve(b).name
    on = _on(on)
    redirect = _canonical_redirect(request, pair_url(ra, rb))
    if redirect is not None:
        return redirect
    status = kb.status(ra, rb, on)
    facts = kb.timeline(ra, rb)
    evidence = queries.first_evidence(kb, [f.id for f in facts])
    items = present.timeline_items(facts, evidence)
    data = {"a": ra, "b": rb, "on": status.on, "items": items}
    envoys = [(direction, tenures) for direction, tenures in status.envoys.items()]
    return _html(
        request,
        "pair.html",
        title=f"{ra} – {rb}",
        a=ra,
        b=rb,
        on=on or "",
        status=status,
        envoys=envoys,
        items=items,
        undated=sum(1 for i in items if not i["start"]),
        all_tenures=[t for _, tenures in envoys for t in tenures],
        timeline_json=present.script_json(data),
    )


@router.get("/network", response_class=HTMLResponse)
def network(request: Request, on: OnParam = None) -> HTMLResponse:
    kb = _kb(request)
    on = _on(on)
    full = queries.network(kb, None)
    first = full["first_year"] or date.today().year
    last = full["last_year"] or first
    day = parse_on(on) if on else None
    year = min(max(day.year, first), last) if day else last
    return _html(
        request,
        "network.html",
        title="Network",
        nav="network",
        first=first,
        last=last,
        year=year,
        all_known=on is None,
        n_nodes=len(full["nodes"]),
        n_edges=len(full["edges"]),
    )


@router.get("/events/{fact_id}", response_class=HTMLResponse)
def event(request: Request, fact_id: Annotated[int, PathParam(ge=1, le=MAX_FACT_ID)]) -> HTMLResponse:
    kb = _kb(request)
    config: WebConfig = request.app.state.config
    view: FactView = kb.event(fact_id)
    documents = {d.doc: d for d in kb.documents()}
    by_doc: dict[str, list[Any]] = {}
    for ev in view.evidence:
        by_doc.setdefault(ev.doc, []).append(ev)
    sources = []
    for doc_id, evidence in by_doc.items():
        document = documents.get(doc_id)
        text = queries.document_text(document, config.source_root) if document else None
        windows = present.excerpt(text, [(e.start, e.end) for e in evidence]) if text else []
        sources.append({"doc": doc_id, "document": document, "evidence": evidence, "windows": windows})
    verdicts = []
    for doc_id in view.sources:
        given = [c for c in view.candidates if doc_id in c.docs]
        dates = ", ".join(c.date for c in given) or "no date"
        disagrees = any(c.leaf and not c.chosen for c in given) and not any(c.chosen for c in given)
        verdicts.append(
            {
                "doc": doc_id,
                "dates": dates,
                "disagrees": disagrees,
                "title": getattr(documents.get(doc_id), "title", doc_id),
            }
        )
    parties = present.parties_of(view)
    return _html(
        request,
        "event.html",
        title=f"{present.type_label(view.type)}: {view.summary()}",
        view=view,
        sources=sources,
        verdicts=verdicts,
        parties=parties,
        pair=(parties[0], parties[1]) if len(parties) >= 2 else None,
    )


@router.get("/conflicts", response_class=HTMLResponse)
def conflicts(request: Request, offset: Annotated[int, Query(ge=0, le=10**9)] = 0) -> HTMLResponse:
    found = _kb(request).conflicts()
    chunk = found[offset : offset + PAGE_SIZE]
    return _html(
        request,
        "conflicts.html",
        title="Conflicts",
        nav="conflicts",
        conflicts=chunk,
        total=len(found),
        offset=offset,
        page_size=PAGE_SIZE,
    )


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    return _html(request, "docs.html", title="API", nav="api")
