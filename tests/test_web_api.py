"""The JSON API against a real SQLite file: answers, pagination, errors, uploads, the cache."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from dyad.kb import KnowledgeBase, open_kb
from dyad.kb.testing import fixture_extractor
from dyad.web import WebConfig, create_app
from dyad.web.testing import HOSTILE_NAME, FixtureKB, build_fixture_kb

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

TOKEN = "test-token-0123456789abcdef"


@pytest.fixture(scope="module")
def fixture_kb(tmp_path_factory: pytest.TempPathFactory) -> FixtureKB:
    return build_fixture_kb(tmp_path_factory.mktemp("web-api"))


@pytest.fixture(scope="module")
def kb(fixture_kb: FixtureKB) -> Iterator[KnowledgeBase]:
    knowledge_base = open_kb(fixture_kb.url, gazetteer=None)
    yield knowledge_base
    knowledge_base.close()


@pytest.fixture(scope="module")
def client(kb: KnowledgeBase) -> Iterator[TestClient]:
    with TestClient(create_app(kb)) as c:
        yield c


def get(client: TestClient, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, (url, response.text)
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def assert_error(body: dict[str, Any], status: int) -> None:
    assert set(body) == {"error", "message", "hint", "status"}
    assert body["status"] == status
    assert body["message"] and isinstance(body["hint"], str)


# --------------------------------------------------------------------------- answers


def test_status_mirrors_the_query_api(client: TestClient, kb: KnowledgeBase) -> None:
    body = get(client, "/api/status?a=Arland&b=Borvia&on=2005")
    assert body == kb.status("Arland", "Borvia", "2005").to_dict()
    assert body["on"] == "2005-12-31"
    assert body["relations"]["status"] == "severed"
    assert [t["status"] for t in body["treaties"]] == ["in force", "partly ratified"]
    assert get(client, "/api/status?a=Arland&b=Borvia&on=2009")["relations"]["status"] == "restored"


def test_recognitions_timeline_envoys_missions_treaties(client: TestClient, kb: KnowledgeBase) -> None:
    rec = get(client, "/api/recognitions?state=Corenth&on=2002")
    assert [r["actor"] for r in rec["items"]] == ["Borvia", "Dalmora"]  # Arland withdrew in 2001
    rec = get(client, "/api/recognitions?state=Corenth&on=2002&include_withdrawn=true")
    assert {r["actor"]: r["status"] for r in rec["items"]}["Arland"] == "withdrawn"
    timeline = get(client, "/api/timeline?a=Arland&b=Borvia")
    assert timeline["total"] == len(kb.timeline("Arland", "Borvia")) == 19
    assert [i["id"] for i in timeline["items"]] == [f.id for f in kb.timeline("Arland", "Borvia")]
    envoys = get(client, "/api/envoys?a=Arland&b=Borvia")["items"]
    assert [(t["person"], t["end_reason"]) for t in envoys] == [
        ("Ada Lind", "succeeded"),
        ("Boris Kell", "dismissed"),
        ("Cora Vance", None),
    ]
    missions = get(client, "/api/missions?a=Borvia&b=Arland")["items"]
    assert [m["status"] for m in missions] == ["closed"]
    pending = get(client, "/api/treaties?a=Arland&b=Borvia&pending=true")["items"]
    assert [t["title"] for t in pending] == ["Border Agreement"]


def test_pagination(client: TestClient) -> None:
    first = get(client, "/api/timeline?a=Arland&b=Borvia&limit=5")
    assert len(first["items"]) == 5 and first["total"] == 19 and first["offset"] == 0
    assert first["next"].startswith("/api/timeline?") and "offset=5" in first["next"]
    seen = [i["id"] for i in first["items"]]
    url = first["next"]
    while url:
        page = get(client, url)
        seen += [i["id"] for i in page["items"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == 19
    last = get(client, "/api/timeline?a=Arland&b=Borvia&limit=5&offset=15")
    assert len(last["items"]) == 4 and last["next"] is None
    assert get(client, "/api/timeline?a=Arland&b=Borvia&offset=100")["items"] == []


def test_entities_search_conflicts_documents_counts(client: TestClient) -> None:
    names = [e["name"] for e in get(client, "/api/entities?limit=500")["items"]]
    assert {"Arland", "Borvia", "Corenth", HOSTILE_NAME} <= set(names)
    assert [e["name"] for e in get(client, "/api/entities?q=orv")["items"]] == ["Borvia"]
    hits = get(client, "/api/search?q=embassy+Port")["items"]
    assert len(hits) == 1 and hits[0]["fact"]["type"] == "mission_opened" and "Port Vale" in hits[0]["text"]
    conflicts = get(client, "/api/conflicts")["items"]
    assert len(conflicts) == 1 and conflicts[0]["type"] == "relations_established"
    assert sorted(c["date"] for c in conflicts[0]["candidates"]) == ["1991-06-12", "1991-06-14"]
    docs = get(client, "/api/documents")["items"]
    assert {d["doc"] for d in docs} == {"arland-borvia", "borvia-yearbook", "corenth", "gravonia-hollin"}
    counts = get(client, "/api/counts")
    assert counts["documents"] == 4 and counts["facts"] > 20


def test_event_with_evidence(client: TestClient, kb: KnowledgeBase) -> None:
    fact = next(f for f in kb.timeline("Arland", "Borvia") if f.conflict)
    body = get(client, f"/api/events/{fact.id}")
    assert body["type"] == "relations_established" and body["conflict"] is True
    assert {e["doc"] for e in body["evidence"]} == {"arland-borvia", "borvia-yearbook"}
    assert all(e["end"] > e["start"] for e in body["evidence"])
    assert body["summary"] == "Arland, Borvia"


def test_names_resolve_through_aliases_and_case(client: TestClient) -> None:
    assert get(client, "/api/status?a=arland&b=BORVIA")["a"] == "Arland"


# --------------------------------------------------------------------------- network


@pytest.mark.parametrize("on", [None, "1991-05-05", "1991-12-31", "1999", "2001-12-31", "2004-12-31", "2008"])
def test_network_edges_agree_with_status(client: TestClient, kb: KnowledgeBase, on: str | None) -> None:
    body = get(client, "/api/network" + (f"?on={on}" if on else ""))
    names = [n["name"] for n in body["nodes"]]
    edges = {(e["type"], e["source"], e["target"]) for e in body["edges"]}
    for a in names:
        for b in names:
            if a >= b:
                continue
            status = kb.status(a, b, on)
            assert (("recognition", a, b) in edges) == status.recognition[0].recognises, (a, b, on)
            assert (("recognition", b, a) in edges) == status.recognition[1].recognises, (b, a, on)
            assert (("relations", a, b) in edges) == status.relations.active, (a, b, on)


def test_network_changes_over_time(client: TestClient) -> None:
    early = get(client, "/api/network?on=1991-05-05")
    late = get(client, "/api/network?on=2008")
    assert early["nodes"] == [{**n, "degree": n["degree"]} for n in early["nodes"]]
    assert len(early["edges"]) == 1 and early["edges"][0]["source"] == "Arland"
    assert len(late["edges"]) > len(early["edges"])
    assert early["first_year"] == 1991 and early["last_year"] == 2008
    assert [n["name"] for n in early["nodes"]] == [n["name"] for n in late["nodes"]]  # nodes stay


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("url", "status", "kind"),
    [
        ("/api/status?a=Nowhereland&b=Borvia", 404, "UnknownEntityError"),
        ("/api/recognitions?state=Atlantis", 404, "UnknownEntityError"),
        ("/api/status?a=Arland&b=Borvia&on=banana", 400, "DateError"),
        ("/api/status?a=Arland&b=Borvia&on=2005-13-45", 400, "DateError"),
        ("/api/network?on=31/31/31", 400, "DateError"),
        ("/api/status?a=Arland", 400, "InputError"),
        ("/api/status?a=&b=Borvia", 400, "InputError"),
        ("/api/timeline?a=Arland&limit=0", 400, "InputError"),
        ("/api/timeline?a=Arland&limit=100000", 400, "InputError"),
        ("/api/timeline?a=Arland&offset=-1", 400, "InputError"),
        ("/api/events/abc", 400, "InputError"),
        ("/api/events/0", 400, "InputError"),
        ("/api/events/99999999999999999999999", 400, "InputError"),
        ("/api/events/987654", 404, "NotFoundError"),
        ("/api/entities?kind=planet", 400, "InputError"),
        ("/api/search", 400, "InputError"),
        ("/api/nothing-here", 404, "NotFound"),
    ],
)
def test_bad_parameters_are_4xx_json(client: TestClient, url: str, status: int, kind: str) -> None:
    body = get(client, url, status)
    assert_error(body, status)
    assert body["error"] == kind


def test_unknown_name_suggests(client: TestClient) -> None:
    body = get(client, "/api/status?a=Arlnd&b=Borvia", 404)
    assert "Arland" in body["hint"]


def test_wrong_method(client: TestClient) -> None:
    response = client.delete("/api/status")
    assert response.status_code == 405
    assert_error(response.json(), 405)


def test_openapi(client: TestClient) -> None:
    schema = get(client, "/openapi.json")
    paths = schema["paths"]
    for path in (
        "/api/status",
        "/api/recognitions",
        "/api/timeline",
        "/api/envoys",
        "/api/treaties",
        "/api/conflicts",
        "/api/entities",
        "/api/search",
        "/api/events/{fact_id}",
        "/api/network",
    ):
        assert "get" in paths[path], path
        assert "422" not in paths[path]["get"]["responses"]
        assert paths[path]["get"]["responses"]["400"]["content"]["application/json"]["schema"][
            "$ref"
        ].endswith("ErrorBody")
    assert "post" in paths["/api/documents"]
    assert not any(p.startswith("/states") for p in paths)  # pages are not API


def test_docs_page_is_self_hosted(client: TestClient) -> None:
    html = client.get("/docs").text
    assert "swagger-ui-bundle.js" in html and "cdn" not in html.lower() and "https://" not in html
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-init.js"):
        assert client.get(f"/static/{name}").status_code == 200


# --------------------------------------------------------------------------- uploads


ARTICLE = "= Hollin–Estavia relations =\n\nHollin recognised Estavia on 2010-05-10.\n"


@pytest.fixture
def writable(fixture_kb: FixtureKB, tmp_path: Path) -> Iterator[tuple[TestClient, KnowledgeBase]]:
    import shutil

    db = tmp_path / "kb.db"
    shutil.copy(Path(fixture_kb.url.removeprefix("sqlite:///")), db)
    kb = open_kb(f"sqlite:///{db}", gazetteer=None)
    config = WebConfig(token=TOKEN, max_upload=4096, extractor=fixture_extractor, cache_check_seconds=3600)
    with TestClient(create_app(kb, config)) as c:
        yield c, kb
    kb.close()


def test_uploads_are_off_without_a_token(client: TestClient) -> None:
    response = client.post(
        "/api/documents?name=x.txt", content=ARTICLE, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 403
    assert_error(response.json(), 403)
    assert "token" in response.json()["hint"]


def test_upload_needs_the_right_token(writable: tuple[TestClient, KnowledgeBase]) -> None:
    client, _ = writable
    for headers in (
        {},
        {"Authorization": "Bearer nope"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"X-Dyad-Token": ""},
    ):
        response = client.post("/api/documents?name=x.txt", content=ARTICLE, headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["www-authenticate"] == "Bearer"
        assert_error(response.json(), 401)


def test_upload_ingests_and_the_cache_follows(writable: tuple[TestClient, KnowledgeBase]) -> None:
    client, kb = writable
    before = get(client, "/api/recognitions?state=Estavia")
    assert before["total"] == 0
    assert client.get("/api/recognitions?state=Estavia").headers["x-dyad-cache"] == "hit"
    response = client.post(
        "/api/documents?name=../../etc/hollin estavia.txt",
        content=ARTICLE.encode(),
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/plain"},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["doc"] == "hollin-estavia" and body["added"] == ["hollin-estavia"] and body["events"] == 1
    after = get(client, "/api/recognitions?state=Estavia")  # the cache was emptied
    assert [r["actor"] for r in after["items"]] == ["Hollin"]
    assert kb.recognitions("Estavia", date(2011, 1, 1))[0].actor == "Hollin"
    again = client.post(
        "/api/documents?name=hollin-estavia.txt", content=ARTICLE, headers={"X-Dyad-Token": TOKEN}
    )
    assert again.status_code == 201 and again.json()["unchanged"] == ["hollin-estavia"]


def test_upload_size_is_limited(writable: tuple[TestClient, KnowledgeBase]) -> None:
    client, _ = writable
    big = ARTICLE + "x" * 5000
    response = client.post(
        "/api/documents?name=big.txt", content=big, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 413
    assert_error(response.json(), 413)

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while streaming
        for _ in range(10):
            yield b"y" * 1000

    response = client.post(
        "/api/documents?name=big.txt", content=chunks(), headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 413


def test_upload_rejects_bad_articles(writable: tuple[TestClient, KnowledgeBase]) -> None:
    client, _ = writable
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert client.post("/api/documents?name=e.txt", content=b"", headers=auth).status_code == 422
    assert client.post("/api/documents?name=b.txt", content=b"\x00\x01\x02", headers=auth).status_code == 422
    assert (
        client.post("/api/documents?name=l.txt", content="é".encode("latin-1"), headers=auth).status_code
        == 422
    )
    assert client.post("/api/documents?name=...", content=ARTICLE, headers=auth).status_code == 400
    assert client.post("/api/documents?name=x&format=pdf", content=ARTICLE, headers=auth).status_code == 400


def test_short_tokens_are_refused() -> None:
    from dyad.errors import ConfigError

    with pytest.raises(ConfigError):
        WebConfig(token="short")
    assert WebConfig.from_env("").token is None


def test_token_comparison_is_constant_time_shaped() -> None:
    from dyad.web.security import token_matches

    assert token_matches(TOKEN, TOKEN)
    assert not token_matches(TOKEN[:-1], TOKEN)
    assert not token_matches(None, TOKEN)
    assert not token_matches(TOKEN, None)
    assert not token_matches("\udcff", TOKEN)  # undecodable header text does not crash


# --------------------------------------------------------------------------- the cache


def test_cache_is_dropped_when_documents_change(fixture_kb: FixtureKB, tmp_path: Path) -> None:
    import shutil

    from dyad.kb.testing import doc, ev

    db = tmp_path / "kb.db"
    shutil.copy(Path(fixture_kb.url.removeprefix("sqlite:///")), db)
    kb = open_kb(f"sqlite:///{db}", gazetteer=None)
    with TestClient(create_app(kb, WebConfig(cache_check_seconds=0))) as client:
        first = client.get("/api/recognitions?state=Hollin")
        assert first.headers["x-dyad-cache"] == "miss" and first.json()["total"] == 1
        assert client.get("/api/recognitions?state=Hollin").headers["x-dyad-cache"] == "hit"
        other = open_kb(f"sqlite:///{db}", gazetteer=None)  # another process ingests
        other.store_document(
            doc("extra"), [ev("recognition", "2011", "extra", actor="Estavia", target="Hollin")]
        )
        other.close()
        again = client.get("/api/recognitions?state=Hollin")
        assert again.headers["x-dyad-cache"] == "miss" and again.json()["total"] == 2
        assert client.get("/api/status?a=Nowhere&b=Hollin").headers["x-dyad-cache"] == "miss"
        assert (
            client.get("/api/status?a=Nowhere&b=Hollin").headers["x-dyad-cache"] == "miss"
        )  # errors: never kept
    kb.close()


def test_no_cache(kb: KnowledgeBase) -> None:
    with TestClient(create_app(kb, WebConfig(cache=False))) as client:
        response = client.get("/api/counts")
        assert response.status_code == 200 and "x-dyad-cache" not in response.headers


def test_missing_database_is_an_error(tmp_path: Path) -> None:
    from dyad.errors import StoreError

    with pytest.raises(StoreError):
        create_app(f"sqlite:///{tmp_path / 'none.db'}")
    assert not (tmp_path / "none.db").exists()
