"""The pages in a real browser: Debian's chromium driven by Playwright, against a real uvicorn
server (``dyad serve``, started here on 127.0.0.1 with a free port).

Screenshots go to ``test-artifacts/web/``. Without chromium (``/usr/bin/chromium``, or env
``DYAD_CHROMIUM``) or the playwright package these tests skip, except under CI (env
``CI=true``), where they fail: CI must run them (``scripts/browser.sh`` installs chromium).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from dyad.web.testing import HOSTILE_NAME, FixtureKB, build_fixture_kb

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "web"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.slow


def _ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def _unavailable(reason: str) -> None:
    if _ci():
        pytest.fail(
            f"CI=true but {reason}: run scripts/browser.sh (apt-get install chromium) "
            "and pip install playwright"
        )
    pytest.skip(reason)


def _chromium() -> str:
    wanted = os.environ.get("DYAD_CHROMIUM")
    candidates = [wanted] if wanted else ["/usr/bin/chromium", shutil.which("chromium")]
    for path in candidates:
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    _unavailable(f"no chromium at {wanted or '/usr/bin/chromium'}")
    raise AssertionError("unreachable")


def expect(locator: Any) -> Any:
    """Playwright's expect (imported late: without playwright these tests skip or fail above)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def fixture_kb(tmp_path_factory: pytest.TempPathFactory) -> FixtureKB:
    return build_fixture_kb(tmp_path_factory.mktemp("web-browser"))


@pytest.fixture(scope="module")
def server(fixture_kb: FixtureKB) -> Iterator[str]:
    """A real ``dyad serve`` process; yields its base URL."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = fixture_kb.folder / "server.log"
    env = {**os.environ, "DYAD_WEB_TOKEN": "", "NO_COLOR": "1"}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "dyad.cli", "serve", "--db", fixture_kb.url, "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning"],
            stdout=out, stderr=subprocess.STDOUT, cwd=fixture_kb.folder, env=env,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the server exited with {proc.returncode}: {log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer within 90 s: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Page:
    """A page with everything that went wrong recorded: console errors, page errors, dialogs
    (an alert would mean article text ran as script), and requests that left the server."""

    def __init__(self, browser: Any, base: str) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.outside: list[str] = []
        host = urlsplit(base).netloc

        def route(r: Any) -> None:
            if urlsplit(r.request.url).netloc == host:
                r.continue_()
            else:
                self.outside.append(r.request.url)
                r.abort()

        self.context.route("**/*", route)
        self.page.on(
            "console", lambda m: self.problems.append(f"console: {m.text}") if m.type == "error" else None
        )
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))

        def dialog(d: Any) -> None:
            self.problems.append(f"dialog: {d.message}")
            d.dismiss()

        self.page.on("dialog", dialog)

    def shot(self, name: str, **kwargs: Any) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), **kwargs)

    def check(self) -> None:
        assert not self.problems, self.problems
        assert not self.outside, f"requests left the server: {self.outside}"

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Page]:
    p = Page(browser, server)
    yield p
    p.close()


def test_pair_page_draws_its_timeline(page: Page, server: str) -> None:
    pg = page.page
    pg.goto(f"{server}/pairs/Arland/Borvia?on=2005")
    items = pg.locator("#timeline g.tl-item")
    items.first.wait_for()
    assert items.count() == 18  # every dated event; the undated one is only in the table
    assert pg.locator("#timeline .tl-lane-label").all_text_contents() == [
        "Recognition", "Relations", "Envoys", "Missions", "Treaties",
    ]  # fmt: skip
    assert pg.locator("#timeline line.tl-asof").get_attribute("visibility") == "visible"
    # hover: the source sentence
    pg.locator("#timeline g.tl-item.lane-relations").first.hover()
    tip = pg.locator("#timeline .tl-tip")
    tip.wait_for(state="visible")
    assert "established diplomatic relations on 12 June 1991" in tip.inner_text()
    page.shot("pair-hover")
    # click: the evidence panel, and the row in the table
    severed = pg.locator("#timeline g.tl-item.negative.lane-relations")
    severed.click()
    detail = pg.locator("#timeline-detail")
    detail.wait_for(state="visible")
    assert "Borvia broke off relations with Arland in September 2004." in detail.inner_text()
    fact_id = severed.get_attribute("data-id")
    assert pg.locator(f"tr#event-{fact_id}").get_attribute("class") == "selected"
    # zoom in with the wheel, then reset
    box = pg.locator("#timeline svg").bounding_box()
    assert box is not None
    before = pg.locator("#timeline .tl-axis .tick").all_text_contents()
    pg.mouse.move(box["x"] + box["width"] / 3, box["y"] + 40)
    for _ in range(6):
        pg.mouse.wheel(0, -300)
    pg.wait_for_timeout(300)
    assert pg.locator("#timeline .tl-axis .tick").all_text_contents() != before
    pg.locator(".tl-reset").click()
    pg.wait_for_timeout(100)
    assert pg.locator("#timeline .tl-axis .tick").all_text_contents() == before
    page.shot("pair", full_page=True)
    page.check()


def test_clicking_an_event_shows_its_evidence(page: Page, server: str) -> None:
    pg = page.page
    pg.goto(f"{server}/pairs/Arland/Borvia")
    conflict = pg.locator("#timeline g.tl-item.conflict")
    conflict.click()
    pg.locator("#timeline-detail").wait_for(state="visible")
    assert "sources disagree" in pg.locator("#timeline-detail").inner_text()
    pg.locator("#timeline-detail a").click()
    pg.wait_for_url("**/events/*")
    marks = pg.locator("mark.evidence-mark")
    assert marks.count() == 2  # one per document that states it
    assert marks.first.is_visible()
    texts = marks.all_text_contents()
    assert "The two states established diplomatic relations on 12 June 1991." in texts
    assert "Arland and Borvia established diplomatic relations on 14 June 1991." in texts
    assert "disagrees" in pg.locator("main").inner_text()
    page.shot("event", full_page=True)
    page.check()


def test_network_slider_redraws_the_edges(page: Page, server: str) -> None:
    pg = page.page
    pg.goto(f"{server}/network?on=2008")
    network = pg.locator("#network")
    expect(network).to_have_attribute("data-on", "2008-12-31")
    pg.wait_for_timeout(800)  # let the layout settle for the screenshot
    late = pg.locator("#network path.edge").count()
    assert late == int(network.get_attribute("data-edges") or -1) > 0
    page.shot("network-2008")

    slider = pg.locator("#net-year")
    slider.focus()
    pg.keyboard.press("Home")  # the first year: 1991
    expect(network).to_have_attribute("data-on", "1991-12-31")
    early_edges = pg.locator("#network path.edge")
    assert early_edges.count() < late
    assert pg.locator("#net-label").inner_text() == "31 December 1991"
    kinds = sorted(e.get_attribute("data-type") or "" for e in early_edges.all())
    assert kinds == ["recognition", "recognition", "relations"]  # Arland⇄Borvia, and relations in June
    assert "2 recognitions" in pg.locator("#net-summary").inner_text()
    pg.wait_for_timeout(800)
    page.shot("network-1991")

    slider.fill("2001")  # Arland withdrew its recognition of Corenth on 9 October 2001
    expect(network).to_have_attribute("data-on", "2001-12-31")
    titles = [t.text_content() or "" for t in pg.locator("#network path.edge title").all()]
    assert not any(t.startswith("Arland recognises Corenth") for t in titles)
    slider.fill("2000")
    expect(network).to_have_attribute("data-on", "2000-12-31")
    titles = [t.text_content() or "" for t in pg.locator("#network path.edge title").all()]
    assert any(t.startswith("Arland recognises Corenth") for t in titles)

    pg.locator("#net-all").check()  # everything known, undated events too
    expect(network).to_have_attribute("data-on", "")
    assert pg.locator("#network path.edge").count() >= late
    page.check()


def test_hostile_article_text_renders_as_text(page: Page, server: str) -> None:
    pg = page.page
    pg.goto(f"{server}/pairs/Gravonia/Hollin")
    pg.locator("#timeline g.tl-item").first.wait_for()
    body = pg.locator("main").inner_text()
    assert "<script>alert('xss')</script>" in body
    assert '<a href="javascript:alert(1)">the decree</a>' in body
    assert pg.locator("a[href^='javascript' i]").count() == 0
    assert pg.locator("main script:not([type='application/json'])").count() == 0
    first = pg.locator("#timeline g.tl-item").first
    first.hover()
    pg.locator("#timeline .tl-tip").wait_for(state="visible")
    assert "<script>alert('xss')</script>" in pg.locator("#timeline .tl-tip").inner_text()
    first.click()
    assert "<script>alert('xss')</script>" in pg.locator("#timeline-detail").inner_text()
    page.shot("hostile-pair", full_page=True)

    for url in (
        f"/states/{quote(HOSTILE_NAME, safe='')}",
        "/search?q=javascript",
        "/network",
        "/",
    ):
        pg.goto(server + url)
        pg.wait_for_load_state("networkidle")
        assert pg.locator("img").count() == 0, url  # the <img onerror> in a name stayed text
        assert pg.locator("a[href^='javascript' i]").count() == 0, url
    assert HOSTILE_NAME in pg.locator("main").inner_text()
    pg.goto(f"{server}/network")
    expect(pg.locator("#network")).to_have_attribute("data-edges", re.compile(r"[1-9]"))
    assert HOSTILE_NAME in pg.locator("#network").inner_text()
    page.shot("hostile-network")
    pg.goto(f"{server}/events/{_event_id(server, 'Gravonia')}")
    assert "<script>alert('xss')</script>" in pg.locator("pre.doc-text").first.inner_text()
    page.shot("hostile-event", full_page=True)
    page.check()  # no alert ever fired, no script error, nothing fetched from elsewhere


def _event_id(server: str, state: str) -> int:
    import json

    with urllib.request.urlopen(f"{server}/api/timeline?a={state}", timeout=10) as response:
        items = json.load(response)["items"]
    return int(next(i["id"] for i in items if i["date"] == "2002-04-04"))


def test_home_search_and_docs_work_offline(page: Page, server: str) -> None:
    pg = page.page
    pg.goto(server + "/")
    page.shot("home", full_page=True)
    pg.fill(".search-big input[name=q]", "embassy")
    pg.press(".search-big input[name=q]", "Enter")
    pg.wait_for_url("**/search?q=embassy")
    assert pg.locator("ol.hits mark").first.inner_text().lower() == "embassy"
    page.shot("search", full_page=True)
    pg.goto(server + "/")
    pg.fill("input[name=a]", "arland")
    pg.fill("input[name=b]", "borvia")
    pg.click(".pair-form button")
    pg.wait_for_url("**/pairs/Arland/Borvia")
    pg.goto(server + "/states/Corenth")
    assert pg.locator("figure.chart path.series").count() == 1
    page.shot("state", full_page=True)
    pg.goto(server + "/docs")
    pg.locator(".opblock").first.wait_for(timeout=20000)
    assert pg.locator(".opblock").count() >= 14
    assert "/api/status" in pg.locator("#swagger-ui").inner_text()
    page.shot("docs", full_page=True)
    page.check()
