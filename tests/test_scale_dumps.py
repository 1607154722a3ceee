"""Streaming MediaWiki dumps (dyad.scale.dumps): plain, bz2 and multistream with index give the
same pages, with bounded memory; resuming from a position; the shared real dump slices."""

from __future__ import annotations

import bz2
import tracemalloc
from pathlib import Path

import pytest

from dyad.errors import ReadError
from dyad.scale import DumpReader, is_dump, iter_pages, make_page, write_dump
from dyad.scale.dumps import find_index, unescape_xml
from dyad.scale.testing import write_sample_dump

SHARED_DUMPS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "dumps"


def _keys(pages):
    return [p.key() for p in pages]


@pytest.fixture(scope="module")
def dumps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("dumps")
    out = {
        "xml": folder / "sample.xml",
        "bz2": folder / "sample.xml.bz2",
        "multistream": folder / "sample-multistream.xml.bz2",
    }
    write_sample_dump(out["xml"], 60)
    write_sample_dump(out["bz2"], 60)
    index = write_sample_dump(out["multistream"], 60, multistream=True, pages_per_stream=7)
    assert index is not None and index.name == "sample-multistream-index.txt.bz2"
    return out


def test_every_format_gives_the_same_pages(dumps: dict[str, Path]) -> None:
    reference = _keys(iter_pages(dumps["xml"]))
    assert len(reference) == 60 + 8 + 3 + 4 + 1
    assert DumpReader(dumps["xml"]).kind == "xml"
    assert DumpReader(dumps["bz2"]).kind == "bz2"
    assert DumpReader(dumps["multistream"]).kind == "multistream"
    assert _keys(iter_pages(dumps["bz2"])) == reference
    for workers in (1, 3):
        assert _keys(iter_pages(dumps["multistream"], workers=workers)) == reference
    # the multistream file is also a valid bz2 file of many streams, read without its index
    assert DumpReader(dumps["multistream"], index=False).kind == "bz2"
    assert _keys(iter_pages(dumps["multistream"], index=False)) == reference


def test_page_fields_and_unescaping(dumps: dict[str, Path]) -> None:
    pages = {p.title: p for p in iter_pages(dumps["bz2"])}
    page = pages["Abkhazia–Russia relations"]
    assert page.namespace == 0 and page.redirect is None and page.page_id > 100 and page.revision_id
    assert page.text.startswith("{{Infobox bilateral relations|Abkhazia–Russia relations|")
    assert "<ref>{{cite news|date=2008-08-26}}</ref>" in page.text
    assert (
        "&" in pages["Kosovo-Serbia relations"].text and "&amp;" not in pages["Kosovo-Serbia relations"].text
    )
    redirect = pages["Georgia–Russia relations"]
    assert redirect.redirect == "Five-Day War" and redirect.is_redirect
    assert pages["Talk:Abkhazia–Russia relations"].namespace == 1
    assert pages["Template:Infobox bilateral relations"].namespace == 10


def test_redirects_and_namespaces_can_be_skipped(dumps: dict[str, Path]) -> None:
    articles = list(iter_pages(dumps["multistream"], namespaces={0}, redirects=False))
    assert articles and all(p.namespace == 0 and p.redirect is None for p in articles)
    titles = {p.title for p in articles}
    assert "Georgia–Russia relations" not in titles and "Talk:Abkhazia–Russia relations" not in titles
    assert "Five-Day War" in titles


@pytest.mark.parametrize("kind", ["xml", "bz2", "multistream"])
def test_resume_from_a_position(dumps: dict[str, Path], kind: str) -> None:
    reader = DumpReader(dumps[kind], workers=2)
    pages = list(reader.pages())
    for cut in (1, 17, len(pages) - 1):
        rest = list(DumpReader(dumps[kind], workers=2).pages(pages[cut - 1].end))
        assert _keys(rest) == _keys(pages[cut:]), cut
        # a page's start is a position too
        again = list(DumpReader(dumps[kind]).pages(pages[cut].start))
        assert _keys(again) == _keys(pages[cut:]), cut


def test_siteinfo_and_old_dumps_without_ns(tmp_path: Path) -> None:
    xml = tmp_path / "old.xml"
    xml.write_text(
        """<mediawiki version="0.3">
  <siteinfo>
    <dbname>oldwiki</dbname>
    <namespaces>
      <namespace key="0" />
      <namespace key="1">Talk</namespace>
      <namespace key="10">Template</namespace>
    </namespaces>
  </siteinfo>
  <page>
    <title>Talk:Foo</title>
    <id>3</id>
    <revision><id>9</id><text xml:space="preserve">hello</text></revision>
  </page>
  <page>
    <title>Foo</title>
    <id>4</id>
    <revision><id>10</id><id>11</id><text xml:space="preserve" /></revision>
  </page>
</mediawiki>
""",
        encoding="utf-8",
    )
    reader = DumpReader(xml)
    pages = list(reader.pages())
    assert reader.siteinfo().dbname == "oldwiki"
    assert [(p.title, p.namespace, p.page_id, p.revision_id, p.text) for p in pages] == [
        ("Talk:Foo", 1, 3, 9, "hello"),
        ("Foo", 0, 4, 10, ""),
    ]
    # resuming past the header still knows the namespaces
    assert [p.namespace for p in DumpReader(xml).pages(pages[0].end)] == [0]


def test_history_dumps_take_the_last_revision(tmp_path: Path) -> None:
    xml = tmp_path / "history.xml"
    xml.write_text(
        "<mediawiki><siteinfo><dbname>h</dbname></siteinfo><page><title>A–B relations</title><ns>0</ns>"
        "<id>1</id><revision><id>5</id><text>old</text></revision>"
        "<revision><id>6</id><contributor><id>77</id></contributor><text>new &lt;b&gt;</text></revision>"
        "</page></mediawiki>",
        encoding="utf-8",
    )
    (page,) = iter_pages(xml)
    assert (page.page_id, page.revision_id, page.text) == (1, 6, "new <b>")


def test_unescape_xml() -> None:
    assert (
        unescape_xml("a &amp;lt; b &lt;ref&gt; &quot;q&quot; &#039;s&#039; &#x263A;")
        == "a &lt; b <ref> \"q\" 's' ☺"
    )
    assert unescape_xml("plain") == "plain"


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="no such dump file"):
        DumpReader(tmp_path / "missing.xml.bz2")
    good = tmp_path / "t.xml.bz2"
    write_sample_dump(good, 40)
    truncated = tmp_path / "cut.xml.bz2"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(ReadError, match="ends early"):
        list(iter_pages(truncated))
    garbage = tmp_path / "garbage.xml.bz2"
    garbage.write_bytes(b"BZh9" + b"\x00" * 1000)
    with pytest.raises(ReadError, match="not valid bzip2"):
        list(iter_pages(garbage))
    # trailing zeros after complete streams are ignored, as bzip2 does
    padded = tmp_path / "padded.xml.bz2"
    padded.write_bytes(good.read_bytes() + b"\x00" * 64)
    assert len(list(iter_pages(padded))) == len(list(iter_pages(good)))
    with pytest.raises(ReadError, match="no such index"):
        DumpReader(good, index=tmp_path / "nope-index.txt.bz2")


def test_find_index_and_is_dump(dumps: dict[str, Path]) -> None:
    assert find_index(dumps["multistream"]) == dumps["multistream"].with_name(
        "sample-multistream-index.txt.bz2"
    )
    assert find_index(dumps["bz2"]) is None
    assert is_dump("enwiki-latest-pages-articles.xml.bz2") and is_dump("x.XML")
    assert not is_dump("corpus/kosovo-serbia.txt") and not is_dump("foreign-relations.wiki")


def test_write_dump_round_trips_awkward_titles(tmp_path: Path) -> None:
    pages = [
        make_page("Trinidad & Tobago–Venezuela relations", 'Text with "quotes" & <tags>.', page_id=1),
        make_page('Quote "test"', "x", page_id=2, redirect='Target "quoted" & more'),
    ]
    path = tmp_path / "awkward.xml.bz2"
    write_dump(pages, path)
    got = list(iter_pages(path))
    assert [(p.title, p.text, p.redirect) for p in got] == [(p.title, p.text, p.redirect) for p in pages]


def _peak_while_streaming(path: Path, **kwargs: object) -> tuple[int, int]:
    tracemalloc.start()
    try:
        count = 0
        for _ in iter_pages(path, **kwargs):  # type: ignore[arg-type]
            count += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return count, peak


def _repeated_dump(path: Path, body: bytes, copies: int) -> None:
    """A dump of ``copies`` times the same compressed stream of pages, with a multistream index."""
    header = b'<mediawiki version="0.10">\n<siteinfo><dbname>rep</dbname></siteinfo>\n'
    index = []
    with open(path, "wb") as f:
        f.write(bz2.compress(header))
        for _ in range(copies):
            index.append(f"{f.tell()}:1:Place\n")
            f.write(body)
        f.write(bz2.compress(b"</mediawiki>\n"))
    with bz2.open(path.with_name(path.name.replace(".xml.bz2", "-index.txt.bz2")), "wt") as out:
        out.writelines(index)


@pytest.mark.parametrize("multistream", [False, True])
def test_memory_stays_bounded(tmp_path: Path, multistream: bool) -> None:
    from dyad.scale.dumps import _page_xml
    from dyad.scale.testing import sample_pages

    raw = "".join(_page_xml(p) for p in sample_pages(100, filler_size=4000)).encode()
    body = bz2.compress(raw)
    small, large = tmp_path / "small-multistream.xml.bz2", tmp_path / "large-multistream.xml.bz2"
    _repeated_dump(small, body, 8)
    _repeated_dump(large, body, 48)
    assert len(raw) * 48 > 20_000_000
    index = None if multistream else False
    n_small, peak_small = _peak_while_streaming(small, workers=2, index=index)
    n_large, peak_large = _peak_while_streaming(large, workers=2, index=index)
    assert n_large == 6 * n_small > 0
    # the peak does not grow with the dump (six times the pages), and stays far below its size;
    # with two decompression threads the peak depends on scheduling, hence the slack
    assert peak_large < 8_000_000, (peak_small, peak_large)
    assert peak_large < 2 * peak_small + 1_000_000, (peak_small, peak_large)


# ---------------------------------------------------------------------- the shared real dumps


def _shared(name: str) -> Path:
    path = SHARED_DUMPS / name
    if not path.is_file():
        pytest.skip(f"{path} not present (shared corpus missing)")
    return path


@pytest.mark.shared
def test_shared_dump_has_foreign_relations_of_angola_and_redirects() -> None:
    path = _shared("enwiki-pages-articles1-shortened.xml.bz2")
    pages = list(iter_pages(path))
    assert len(pages) == 206
    titles = {p.title: p for p in pages}
    angola = titles["Foreign relations of Angola"]
    assert angola.namespace == 0 and angola.redirect is None and len(angola.text) > 1000
    redirects = [p for p in pages if p.redirect is not None]
    assert len(redirects) == 100
    assert titles["Albania/Foreign relations"].redirect == "Foreign relations of Albania"


@pytest.mark.shared
@pytest.mark.parametrize(
    "name", ["enwiki-10k.xml.bz2", "simplewiki.xml.bz2", "enwiki-pages-articles1-shortened.xml.bz2"]
)
def test_shared_dumps_match_mwxml(name: str) -> None:
    """The fast scanner reads exactly what a real XML parser (mwxml) reads."""
    mwxml = pytest.importorskip("mwxml")
    path = _shared(name)
    expected = []
    with bz2.open(path) as f:
        for page in mwxml.Dump.from_file(f):
            last = None
            for revision in page:
                last = revision
            assert last is not None
            expected.append((page.title, page.namespace, page.id, last.id, page.redirect, last.text or ""))
    assert _keys(iter_pages(path)) == expected


def test_generated_dump_matches_mwxml(dumps: dict[str, Path]) -> None:
    mwxml = pytest.importorskip("mwxml")
    expected = []
    with open(dumps["xml"], "rb") as f:
        for page in mwxml.Dump.from_file(f):
            revisions = list(page)
            expected.append(
                (page.title, page.namespace, page.id, revisions[-1].id, page.redirect, revisions[-1].text)
            )
    assert _keys(iter_pages(dumps["multistream"])) == expected
