"""The HTML pages (rendered by the server, checked as text): content, escaping, headers, errors."""

from __future__ import annotations

import re
import shutil
import warnings
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from dyad.kb import KnowledgeBase, open_kb
from dyad.web import WebConfig, create_app, present
from dyad.web.testing import HOSTILE_NAME, FixtureKB, build_fixture_kb

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

PAGES = [
    "/",
    "/states",
    "/states/Arland",
    "/states/Corenth",
    "/pairs/Arland/Borvia",
    "/pairs/Arland/Borvia?on=2005",
    "/pairs/Gravonia/Hollin",
    "/network",
    "/network?on=1999",
    "/conflicts",
    "/search?q=recognised",
    "/search?q=script",
    "/docs",
]


@pytest.fixture(scope="module")
def fixture_kb(tmp_path_factory: pytest.TempPathFactory) -> FixtureKB:
    return build_fixture_kb(tmp_path_factory.mktemp("web-pages"))


@pytest.fixture(scope="module")
def kb(fixture_kb: FixtureKB) -> Iterator[KnowledgeBase]:
    knowledge_base = open_kb(fixture_kb.url, gazetteer=None)
    yield knowledge_base
    knowledge_base.close()


@pytest.fixture(scope="module")
def client(kb: KnowledgeBase) -> Iterator[TestClient]:
    with TestClient(create_app(kb)) as c:
        yield c


def html(client: TestClient, url: str, status: int = 200) -> str:
    response = client.get(url, follow_redirects=False)
    assert response.status_code == status, (url, response.text[:500])
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def event_pages(kb: KnowledgeBase) -> list[str]:
    ids = {f.id for name in ("Arland", "Corenth", "Gravonia") for f in kb.timeline(name)}
    return [f"/events/{i}" for i in sorted(ids)]


# --------------------------------------------------------------------------- every page


@pytest.mark.parametrize("url", PAGES)
def test_pages_render_with_security_headers(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.text[:500]
    csp = response.headers["content-security-policy"]
    script_src = re.search(r"script-src ([^;]+)", csp)
    assert script_src and script_src.group(1).strip() == "'self'"
    assert "unsafe-eval" not in csp and "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "unsafe-inline" not in csp  # the docs page (Swagger UI) too


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def tags_of(text: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Tags()
    parser.feed(text)
    return parser.tags


def assert_safe_markup(text: str, where: str) -> None:
    """No element carries an event handler, an inline style, a foreign or javascript: link;
    scripts are our static bundles or JSON data."""
    for tag, attrs in tags_of(text):
        for name, value in attrs.items():
            assert not name.startswith("on"), (where, tag, name)
            assert name != "style", (where, tag)
            assert not value.strip().lower().startswith(("javascript:", "data:text/html")), (where, tag, name)
        for name in ("href", "src", "action"):
            if name in attrs:
                assert attrs[name].startswith(("/", "#", "?")), (where, tag, name, attrs[name])
        if tag == "script":
            assert attrs.get("type") == "application/json" or re.fullmatch(
                r"/static/[\w.-]+\?v=[0-9a-f]{12}", attrs.get("src", "")
            ), (where, attrs)
        assert tag not in ("img", "iframe", "object", "embed", "base"), (where, tag)


@pytest.mark.parametrize("url", PAGES)
def test_pages_have_no_inline_script_and_no_outside_resources(client: TestClient, url: str) -> None:
    text = html(client, url)
    assert_safe_markup(text, url)
    for ref in re.findall(r'(?:src|href)="(/static/[^"?]+)', text):
        assert client.get(ref).status_code == 200, ref


def test_every_event_page_renders(client: TestClient, kb: KnowledgeBase) -> None:
    for url in event_pages(kb):
        text = html(client, url)
        assert "<mark" in text, url


# --------------------------------------------------------------------------- escaping


def _hostile_pages(client: TestClient, kb: KnowledgeBase) -> list[str]:
    from urllib.parse import quote

    urls = [
        "/",
        "/states",
        "/pairs/Gravonia/Hollin",
        f"/pairs/Gravonia/{quote(HOSTILE_NAME, safe='')}",
        f"/states/{quote(HOSTILE_NAME, safe='')}",
        "/states/Gravonia",
        "/search?q=script",
        "/search?q=javascript",
        "/search?q=%3Cscript%3Ealert(1)%3C/script%3E",
    ]
    return urls + [f"/events/{f.id}" for f in kb.timeline("Gravonia")]


def test_article_text_is_escaped(client: TestClient, kb: KnowledgeBase) -> None:
    for url in _hostile_pages(client, kb):
        text = html(client, url)
        assert_safe_markup(text, url)
        visible = re.sub(r'<script type="application/json".*?</script>', "", text, flags=re.S)
        assert "<script>alert" not in visible, url
        assert "<img src=x" not in visible, url
    text = html(client, "/pairs/Gravonia/Hollin")
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in text
    assert "&lt;a href=&#34;javascript:alert(1)&#34;&gt;" in text


def test_timeline_json_cannot_close_its_script_element(client: TestClient) -> None:
    text = html(client, "/pairs/Gravonia/Hollin")
    data = re.search(r'<script type="application/json" id="timeline-data">(.*?)</script>', text, flags=re.S)
    assert data is not None
    assert "<" not in data.group(1) and ">" not in data.group(1)
    import json

    items = json.loads(data.group(1))["items"]
    assert any("<script>alert('xss')</script>" in i["text"] for i in items)


def test_script_json_escapes() -> None:
    out = str(present.script_json({"t": "</script><!-- & \u2028"}))
    assert "<" not in out and ">" not in out and "&" not in out and "\u2028" not in out


# --------------------------------------------------------------------------- content


def test_home(client: TestClient) -> None:
    text = html(client, "/")
    assert 'action="/search"' in text and "Latest events" in text
    assert "2008-05-10" in text  # the newest event comes first
    assert text.index("2008-05-10") < text.index("2004-09")
    assert '<datalist id="state-names">' in text


def test_pair_page(client: TestClient) -> None:
    text = html(client, "/pairs/Arland/Borvia?on=2005")
    assert "severed" in text and "since 2004-09" in text
    assert "Treaty of Friendship and Cooperation" in text and "partly ratified" in text and "in force" in text
    assert "Ada Lind" in text and "Boris Kell" in text
    envoys = text.split("<h2>Envoys</h2>")[1].split("<h2>")[0]
    assert "Boris Kell" in envoys and "Cora Vance" not in envoys  # appointed in 2008, after the chosen date
    assert "data-timeline" in text and "timeline.js" in text
    assert text.count('<tr id="event-') == 19
    assert "Borvia broke off relations with Arland in September 2004." in text  # the source sentence
    assert "disputed date" in text


def test_state_page(client: TestClient) -> None:
    text = html(client, "/states/Corenth")
    assert "<svg" in text and "series-received" in text
    assert "re-recognised" in text
    assert "Corenth – Arland" in text  # pairs with the most events
    text = html(client, "/states/Arland")
    assert "Port Vale" in text and "Northgate" in text  # missions abroad
    assert "Borvia in Arland" in text  # a mission hosted
    assert "Cora Vance" in text


def test_event_page_highlights_evidence_in_its_document(client: TestClient, kb: KnowledgeBase) -> None:
    fact = next(f for f in kb.timeline("Arland", "Borvia") if f.conflict)
    text = html(client, f"/events/{fact.id}")
    assert (
        '<mark class="evidence-mark">The two states established diplomatic relations on 12 June 1991.</mark>'
        in text
    )
    assert "Arland recognised Borvia on 3 May 1991." in text  # context around it, from the file
    assert "disagrees" in text and "1991-06-14" in text and "agrees" in text
    assert "Borvia yearbook" in text


def test_event_page_without_the_source_file(fixture_kb: FixtureKB, tmp_path: Path) -> None:
    moved = tmp_path / "copy"
    shutil.copytree(fixture_kb.folder, moved)
    kb = open_kb(f"sqlite:///{moved / 'kb.db'}", gazetteer=None)
    (fixture_kb.articles / "corenth.txt").rename(tmp_path / "gone.txt")
    try:
        with TestClient(create_app(kb)) as client:
            fact = kb.timeline("Corenth")[0]
            text = html(client, f"/events/{fact.id}")
            assert "not at hand" in text
            assert '<mark class="evidence-mark">Arland recognised Corenth on 5 January 1999.</mark>' in text
    finally:
        (tmp_path / "gone.txt").rename(fixture_kb.articles / "corenth.txt")
        kb.close()


def test_changed_source_file_is_not_highlighted(fixture_kb: FixtureKB, kb: KnowledgeBase) -> None:
    from dyad.web.queries import document_text

    document = next(d for d in kb.documents() if d.doc == "corenth")
    assert document_text(document) is not None
    path = fixture_kb.articles / "corenth.txt"
    original = path.read_text()
    try:
        path.write_text("Something else entirely.\n" + original)
        assert document_text(document) is None
    finally:
        path.write_text(original)


def test_conflicts_and_search_pages(client: TestClient) -> None:
    text = html(client, "/conflicts")
    assert "1991-06-12" in text and "1991-06-14" in text and "borvia-yearbook" in text
    text = html(client, "/search?q=embassy")
    assert "<mark>embassy</mark>" in text
    assert "No" not in html(client, "/search").split("<main")[1][:20]


def test_network_page(client: TestClient) -> None:
    text = html(client, "/network?on=1999")
    assert 'type="range"' in text and 'min="1991"' in text and 'max="2008"' in text and 'value="1999"' in text
    assert "network.js" in text


# --------------------------------------------------------------------------- errors and redirects


def test_canonical_redirects(client: TestClient) -> None:
    response = client.get("/states/arland", follow_redirects=False)
    assert response.status_code == 307 and response.headers["location"] == "/states/Arland"
    response = client.get("/pairs/arland/BORVIA?on=2005", follow_redirects=False)
    assert response.status_code == 307 and response.headers["location"] == "/pairs/Arland/Borvia?on=2005"
    response = client.get("/pair?a=arland&b=borvia", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/pairs/Arland/Borvia"


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/states/Atlantis", 404, "unknown state"),
        ("/pairs/Arland/Atlantis", 404, "unknown state"),
        ("/pairs/Arland/Borvia?on=someday", 400, "cannot read"),
        ("/network?on=never", 400, "cannot read"),
        ("/events/424242", 404, "no event"),
        ("/events/xyz", 400, "fact_id"),
        ("/pair?a=Arland", 400, "two states"),
        ("/no/such/page", 404, "nothing at"),
    ],
)
def test_error_pages(client: TestClient, url: str, status: int, words: str) -> None:
    text = html(client, url, status)
    assert words in text and "Error " + str(status) in text
    assert "Traceback" not in text


def test_internal_errors_do_not_leak(kb: KnowledgeBase) -> None:
    app = create_app(kb, WebConfig(cache=False))

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret detail")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom", headers={"accept": "application/json"})
        assert response.status_code == 500
        assert "secret" not in response.text and response.json()["error"] == "InternalError"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "script-src 'self'" in response.headers["content-security-policy"]


def test_static_files(client: TestClient) -> None:
    response = client.get("/static/timeline.js")
    assert response.status_code == 200 and "javascript" in response.headers["content-type"]
    assert "max-age" in response.headers["cache-control"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert client.get("/static/../pages.py").status_code == 404
    assert client.get("/static/nothing.js").status_code == 404


# --------------------------------------------------------------------------- helpers


def test_excerpt_marks_spans_and_cuts_at_lines() -> None:
    text = "\n".join(f"line {i} " + "x" * 50 for i in range(200))
    start = text.index("line 100 ")
    windows = present.excerpt(text, [(start, start + 8)], context=120)
    assert len(windows) == 1
    w = windows[0]
    assert w.cut_before and w.cut_after
    assert [s for s, marked in w.segments if marked] == ["line 100"]
    assert w.segments[0][0].startswith("line ")  # whole lines
    far = text.index("line 190 ")
    assert len(present.excerpt(text, [(start, start + 8), (far, far + 8)], context=120)) == 2
    assert present.excerpt(text, [(10**9, 10**9 + 3)]) == []


def test_mark_words() -> None:
    assert present.mark_words("Arland opened an Embassy", "embassy arland") == [
        ("Arland", True),
        (" opened an ", False),
        ("Embassy", True),
    ]
    assert present.mark_words("a.b", ".*") == [("a.b", False)]


def test_recognition_chart() -> None:
    chart = present.recognition_chart({2000: 1, 2001: 3, 2002: 2}, {2000: 0, 2001: 0, 2002: 0})
    assert not chart.empty and [s["key"] for s in chart.series] == ["received"]
    assert chart.series[0]["last"] == 2 and chart.max_value == 3
    assert present.recognition_chart({}, {}).empty
    assert present.recognition_chart({2000: 0}, {2000: 0}).empty


def test_period() -> None:
    from datetime import date

    assert present.period("2004") == (date(2004, 1, 1), date(2004, 12, 31))
    assert present.period("2004-02") == (date(2004, 2, 1), date(2004, 2, 29))
    assert present.period("2004-02-03") == (date(2004, 2, 3), date(2004, 2, 3))
    assert present.period(None) is None and present.period("2004-13") is None


def test_an_empty_knowledge_base_renders(tmp_path: Path) -> None:
    kb = open_kb(f"sqlite:///{tmp_path / 'empty.db'}", gazetteer=None)
    with TestClient(create_app(kb)) as client:
        assert "No events yet" in html(client, "/")
        for url in ("/states", "/network", "/conflicts", "/search?q=x", "/docs"):
            html(client, url)
        assert client.get("/api/network").json()["nodes"] == []
    kb.close()


def test_odd_names_round_trip(tmp_path: Path) -> None:
    from urllib.parse import quote

    from dyad.kb.testing import doc, ev

    kb = open_kb(f"sqlite:///{tmp_path / 'odd.db'}", gazetteer=None)
    kb.store_document(
        doc("p"), [ev("recognition", "2001", "p", actor="100% Land", target="Ström & Co (Øst)")]
    )
    with TestClient(create_app(kb)) as client:
        for name in ("100% Land", "Ström & Co (Øst)"):
            assert "Ström &amp; Co (Øst)" in html(client, "/states/" + quote(name, safe=""))
        html(client, f"/pairs/{quote('100% Land', safe='')}/{quote('Ström & Co (Øst)', safe='')}")
    kb.close()
