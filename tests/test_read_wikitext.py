"""The wikitext reader: rendering, structure, tables, offsets back into the markup, bad input."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dyad.model import Block, Document
from dyad.read.wikitext import parse_wikitext

SHARED = Path(__file__).resolve().parents[2] / "shared"
REAL_WIKITEXT = SHARED / "corpus" / "real-wikitext"

ARTICLE = """{{Short description|Diplomatic relations between Freedonia and Sylvania}}
{{Use dmy dates|date=May 2020}}
{{Infobox bilateral relations|Freedonia–Sylvania relations|Freedonia|Sylvania
| map = Freedonia Sylvania Locator.png
| mission1 = [[Embassy of Freedonia, Sylvania City|Embassy]]<br />Sylvania City
| envoy2 = {{flagicon|Sylvania}} Ambassador [[Rufus T. Firefly]]
| filetype = png
}}
'''Freedonia–Sylvania relations''' are the [[bilateral relations|relations]] between \
[[Freedonia]] and {{flag|Sylvania}}.<ref>{{cite web|url=http://example.org|title=A source}}</ref> \
Both states opened embassies in {{dts|1931|05|04}}.<ref name="b" /> {{citation needed|date=May 2020}}
They are ''close'' partners.<!-- hidden remark -->

== History ==
{{Main|History of Freedonia}}
=== Early contacts ===
Freedonia recognised Sylvania on {{Start date|1930|2|18}}; see [http://example.org/pact the pact] and \
{{nowrap|the 1931 treaty}}.
[[File:Handshake.jpg|thumb|The signing, with [[Rufus T. Firefly]]]]

* {{flag|Freedonia}} opened an embassy on {{dts|12 March 1932}}.
* {{flagicon|Sylvania}} [[Sylvania]] opened a consulate{{ndash}}its first.
# A numbered item with {{lang|fr|un mot}}.

== Treaties ==
{| class="wikitable sortable"
|+ Treaties between the two states
! Signed !! Ratified !! style="width:40%" | Treaty
|-
| {{dts|1933|5|3}} || {{Date table sorting|9 June 1933}} || [[Pact of Friendship (1933)|Pact of friendship]]
|-
| style="text-align:center" | {{sort|1940|1 March 1940}}
|
| Trade agreement<ref>Trade note.</ref>
|-
| 1950 || || Extra || treaty || cell
|}

== References ==
{{Reflist}}
* A reference list item that must not appear.

[[Category:Bilateral relations of Freedonia]]
"""


def blocks_of(doc: Document, kind: str) -> list[Block]:
    return [b for b in doc.blocks if b.kind == kind]


def check_offsets(doc: Document) -> None:
    """The invariants every block of every document must keep."""
    assert not any("internal error" in w for w in doc.warnings), doc.warnings
    n = len(doc.text)
    for b in doc.blocks:
        assert 0 <= b.start <= b.end <= n, b
        assert b.text and b.text == b.text.strip()
        assert "{{" not in b.text and "[[" not in b.text and "<ref" not in b.text.lower(), b.text
        keys = [t for t, _ in b.anchors]
        sources = [s for _, s in b.anchors]
        assert keys == sorted(set(keys)), b.anchors
        assert sources == sorted(sources), b.anchors
        assert all(b.start <= s <= b.end for s in sources), b
        if b.anchors:
            assert b.anchors[0] == (0, b.start)
        for s, e in b.cell_spans:
            assert 0 <= s <= e <= n
        assert len(b.cell_spans) == len(b.cells)


def check_verbatim(doc: Document) -> None:
    """Every character rendered from plain text sits at its mapped offset in the source.

    Text a template or an entity made up (a date, a dash) maps to the markup as a whole: its
    anchor points at "{{" or "&", and its characters need not match.
    """
    for b in doc.blocks:
        anchors = b.anchors or ((0, b.start),)
        for k, (t, s) in enumerate(anchors):
            t_next = anchors[k + 1][0] if k + 1 < len(anchors) else len(b.text)
            if doc.text.startswith(("{{", "&"), s):
                continue
            for i in range(t, t_next):
                if b.text[i].isalnum():
                    assert doc.text[s + i - t] == b.text[i], (b.text, i, s)


# ------------------------------------------------------------------------------------------------
# Rendering and structure


def test_document_shape_and_infobox() -> None:
    doc = parse_wikitext(ARTICLE, source="data/freedonia-sylvania.wiki")
    assert doc.format == "wikitext"
    assert doc.text == ARTICLE
    assert doc.doc_id == "freedonia-sylvania"
    assert doc.title == "Freedonia–Sylvania relations"
    assert doc.infobox == {
        "Title": "Freedonia–Sylvania relations",
        "Party1": "Freedonia",
        "Party2": "Sylvania",
        "Map": "Freedonia Sylvania Locator.png",
        "Mission1": "Embassy Sylvania City",
        "Envoy2": "Sylvania Ambassador Rufus T. Firefly",
        "Filetype": "png",
    }
    check_offsets(doc)
    check_verbatim(doc)


def test_paragraphs_render_links_templates_and_drop_refs() -> None:
    doc = parse_wikitext(ARTICLE)
    paragraphs = blocks_of(doc, "paragraph")
    assert paragraphs[0].section == ()
    assert paragraphs[0].text == (
        "Freedonia–Sylvania relations are the relations between Freedonia and Sylvania. "
        "Both states opened embassies in 4 May 1931. They are close partners."
    )
    assert paragraphs[1].section == ("History", "Early contacts")
    assert paragraphs[1].text == (
        "Freedonia recognised Sylvania on 18 February 1930; see the pact and the 1931 treaty."
    )


def test_list_items_and_sections() -> None:
    doc = parse_wikitext(ARTICLE)
    items = blocks_of(doc, "list_item")
    assert [b.text for b in items] == [
        "Freedonia opened an embassy on 12 March 1932.",
        "Sylvania opened a consulate–its first.",  # flagicon before the same name is not doubled
        "A numbered item with un mot.",
    ]
    assert all(b.section == ("History", "Early contacts") for b in items)
    # the References section is reference material: skipped
    assert not any("must not appear" in b.text for b in doc.blocks)


def test_table_rows_cells_and_warnings() -> None:
    doc = parse_wikitext(ARTICLE, source="fs.wiki")
    (header,) = blocks_of(doc, "table_header")
    rows = blocks_of(doc, "table_row")
    assert header.text == "| Signed | Ratified | Treaty |"
    assert header.cells == ("Signed", "Ratified", "Treaty")
    assert header.section == ("Treaties",)
    assert rows[0].text == "| 3 May 1933 | 9 June 1933 | Pact of friendship |"
    assert rows[1].cells == ("1 March 1940", "", "Trade agreement")
    assert rows[1].text == "| 1 March 1940 | | Trade agreement |"
    assert rows[2].cells == ("1950", "", "Extra", "treaty", "cell")
    assert any("5 cells" in w and "header has 3" in w for w in doc.warnings)
    for block in (header, *rows):
        for cell, (s, e) in zip(block.cells, block.cell_spans, strict=True):
            if cell and not doc.text.startswith("{{", s):
                assert doc.text[s:e] == cell
    # the row text maps back into its row of the source
    treaty = rows[0].text.index("Pact of friendship")
    s, e = rows[0].source_span(treaty, treaty + len("Pact of friendship"))
    assert ARTICLE[s:e] == "Pact of friendship"


def test_source_span_of_words() -> None:
    doc = parse_wikitext(ARTICLE)
    para = blocks_of(doc, "paragraph")[0]
    for word in ("between", "Freedonia", "Both states opened embassies in", "close"):
        i = para.text.index(word)
        s, e = para.source_span(i, i + len(word))
        assert ARTICLE[s:e] == word
    # a span over a link starts and ends at the right characters, markup in between
    i = para.text.index("relations between")
    s, e = para.source_span(i, i + len("relations between"))
    assert ARTICLE[s:e] == "relations]] between"
    # a date made by a template maps to the template
    i = para.text.index("4 May 1931")
    s, _ = para.source_span(i, i + len("4 May 1931"))
    assert ARTICLE.startswith("{{dts|1931|05|04}}", s)


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("{{dts|2008|02|18}}", "18 February 2008"),
        ("{{dts|18 February 2008}}", "18 February 2008"),
        ("{{dts|February 18, 2008}}", "18 February 2008"),
        ("{{dts|2008-02-18}}", "18 February 2008"),
        ("{{dts|format=dmy|2008|Feb|18}}", "18 February 2008"),
        ("{{Date table sorting|03 June 1991}}", "3 June 1991"),
        ("{{Start date|2008|2}}", "February 2008"),
        ("{{start date and age|2008}}", "2008"),
        ("{{birth date|1950|1|2|df=y}}", "2 January 1950"),
        ("{{end date|2001|12|31}}", "31 December 2001"),
        ("{{date|2008-02}}", "February 2008"),
        ("{{daterange|1949|1971}}", "1949–1971"),
        ("{{dts|sometime}}", "sometime"),
        ("{{flag|France}}", "France"),
        ("{{flagcountry|France}}", "France"),
        ("{{flagicon|France}}", "France"),
        ("{{flagu|France}}", "France"),
        ("{{flag|France|1794}}", "France"),
        ("{{flagdeco|France}} x", "x"),
        ("{{country|Peru}}", "Peru"),
        ("{{nowrap|a b}}", "a b"),
        ("{{small|tiny}}", "tiny"),
        ("{{lang|de|Wort}}", "Wort"),
        ("{{sort|key|shown}}", "shown"),
        ("a{{nbsp}}b", "a b"),
        ("line{{pb}}break", "line break"),
        ("1990{{ndash}}1991", "1990–1991"),
        ("a{{snd}}b", "a – b"),
        ("[[a|b]] [[c]] [[:Category:Links]]", "b c Category:Links"),
        ("[[File:x.png|thumb|caption]][[Image:y.jpg]][[Category:Z]] text", "text"),
        ("[http://example.org label] [http://example.org]", "label"),
        ("a<ref>note</ref> b<ref name=x/> c<!-- hidden --> d", "a b c d"),
        ("one<br>two<br />three", "one two three"),
        ("<span style='x'>inner</span> <small>s</small>", "inner s"),
        ("'''bold''' and ''italic''", "bold and italic"),
        ("{{citation needed}}{{Use dmy dates}}{{main|X}}{{Unknown template|x}} left", "left"),
        ("a&nbsp;b &amp; c", "a b & c"),
        ("spaces   and\ttabs", "spaces and tabs"),
        ("__NOTOC__ words", "words"),
    ],
)
def test_inline_rendering(markup: str, expected: str) -> None:
    doc = parse_wikitext(markup)
    assert [b.text for b in doc.blocks] == [expected]
    check_offsets(doc)
    check_verbatim(doc)


def test_paragraph_splitting_and_lines() -> None:
    text = "First line\ncontinues here.\n\nSecond paragraph.\n{{Hatnote-like template}}\nThird."
    doc = parse_wikitext(text)
    assert [b.text for b in doc.blocks] == ["First line continues here.", "Second paragraph.", "Third."]
    assert [b.kind for b in doc.blocks] == ["paragraph"] * 3
    first = doc.blocks[0]
    assert (first.start, first.end) == (0, text.index(".") + 1)


def test_headings_nest_and_reference_sections_skip() -> None:
    text = (
        "== A ==\na\n=== B ===\nb\n==== C ====\nc\n=== D ===\nd\n== E ==\ne\n"
        "== Notes ==\nn\n=== Sub of notes ===\nsn\n== External links ==\n* x\n== See also ==\n* s\n"
    )
    doc = parse_wikitext(text)
    assert [(b.text, b.section) for b in doc.blocks] == [
        ("a", ("A",)),
        ("b", ("A", "B")),
        ("c", ("A", "B", "C")),
        ("d", ("A", "D")),
        ("e", ("E",)),
        ("s", ("See also",)),
    ]


def test_heading_with_markup() -> None:
    doc = parse_wikitext("== Relations with [[Sylvania|the south]]<ref>x</ref> ==\nText.")
    assert doc.blocks[0].section == ("Relations with the south",)


def test_table_attributes_colspan_and_nested_markup() -> None:
    text = """{| class="wikitable"
|-
! colspan="2" | Period !! rowspan=2 | Country
|-
! From !! To
|-
| style="x" | 1990 || 1995 || {{flagicon|Peru}} [[Peru|Republic of Peru]]<br />(since 1821)
|-
| 2000
| {{dts|2001}}
| A cell with a list:
* one
* two
|-
|}"""
    doc = parse_wikitext(text)
    kinds = [b.kind for b in doc.blocks]
    assert kinds == ["table_header", "table_header", "table_row", "table_row"]
    assert doc.blocks[0].cells == ("Period", "", "Country")  # colspan padded with an empty cell
    assert doc.blocks[1].cells == ("From", "To")
    assert doc.blocks[2].cells == ("1990", "1995", "Peru Republic of Peru (since 1821)")
    assert doc.blocks[3].cells == ("2000", "2001", "A cell with a list: one two")
    assert not doc.warnings
    check_offsets(doc)
    check_verbatim(doc)


def test_header_cells_on_separate_lines_and_row_headers() -> None:
    text = '{|\n!#\n!Country\n!Date\n|-\n|1\n!scope="row"| Chile\n|{{dts|1991|1|2}}\n|}'
    doc = parse_wikitext(text)
    assert [b.text for b in doc.blocks] == ["| # | Country | Date |", "| 1 | Chile | 2 January 1991 |"]
    assert [b.kind for b in doc.blocks] == ["table_header", "table_row"]


def test_infobox_of_another_kind() -> None:
    text = "{{Infobox country\n|conventional_long_name = Freedonia\n|capital=[[Freedonia Town]]\n}}\nx"
    doc = parse_wikitext(text)
    assert doc.infobox == {"Conventional_long_name": "Freedonia", "Capital": "Freedonia Town"}
    assert doc.title == ""
    assert [b.text for b in doc.blocks] == ["x"]


def test_title_from_argument_infobox_and_file_name() -> None:
    assert parse_wikitext("x", title="Given").title == "Given"
    from_file = parse_wikitext("x", source="a/foreign-relations-of-freedonia.wiki")
    assert from_file.title == "foreign relations of freedonia"
    infobox = "{{Infobox bilateral relations|A–B relations|A|B}}\ntext"
    assert parse_wikitext(infobox, source="x.wiki").title == "A–B relations"
    assert parse_wikitext(infobox, source="x.wiki", title="T").title == "T"


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("a\n----\nb", [("paragraph", "a"), ("paragraph", "b")]),
        (
            ";Term\n: definition\n:: deeper",
            [("paragraph", "Term"), ("paragraph", "definition"), ("paragraph", "deeper")],
        ),
        ("* one\n** two\n*: more\n#* mixed", [("list_item", t) for t in ("one", "two", "more", "mixed")]),
        (":{| class=x\n! h\n|-\n| v\n|}", [("table_header", "| h |"), ("table_row", "| v |")]),
        ("Line one<br>\n\nline two", [("paragraph", "Line one"), ("paragraph", "line two")]),
        ("<blockquote>Quoted\n\ntwo</blockquote>", [("paragraph", "Quoted"), ("paragraph", "two")]),
        ("<div>\n* in a div\n</div>", [("list_item", "in a div")]),
        ("x &mdash; y&#91;1&#93;", [("paragraph", "x — y[1]")]),
        ("{{Div col}}\n* a\n* b\n{{Div col end}}", [("list_item", "a"), ("list_item", "b")]),
        ("{|\n|-\n|a\n{|\n|in\n|}\n|}", [("table_row", "| a in |")]),  # a nested table, flattened
        (
            "<table><tr><th>H</th><th>I</th></tr><tr><td>v</td></tr></table>",
            [("table_header", "| H | I |"), ("table_row", "| v |")],
        ),
        ("a &#xD800; b", [("paragraph", "a \ufffd b")]),
    ],
)
def test_block_kinds(markup: str, expected: list[tuple[str, str]]) -> None:
    doc = parse_wikitext(markup)
    assert [(b.kind, b.text) for b in doc.blocks] == expected
    check_offsets(doc)
    check_verbatim(doc)


def test_empty_and_blank_input() -> None:
    for text in ("", "   \n\n", "<!-- only a comment -->", "{{Reflist}}"):
        doc = parse_wikitext(text)
        assert doc.blocks == []
        assert doc.format == "wikitext"


# ------------------------------------------------------------------------------------------------
# Broken markup


@pytest.mark.parametrize(
    "text",
    [
        "Intro {{cite web|url=x\n\nNext paragraph [[link]] here.",
        "Intro [[Unclosed link\n\nNext paragraph.",
        "Intro\n{| class=x\n! a !! b\n|-\n| 1 || 2\n\n== Later ==\nPara text.",
        "Text <ref>unclosed reference\n\nMore text.",
        "Text <!-- unclosed comment\n\nhidden?",
        "Text }} ]] |} stray closers.",
        "Text <span style='x' unfinished\n\nMore.",
        "Text [http://example.org unclosed external\n\nMore.",
        "{{{{{{",
        "[[[[[[",
        "{|\n{|\n{|\n",
        "<nowiki>{{</nowiki> after",
        "'''unclosed bold\nnext line",
        "=\n==\n===\n== ==\n",
    ],
)
def test_broken_markup_gives_a_document(text: str) -> None:
    doc = parse_wikitext(text, source="broken.wiki")
    check_offsets(doc)
    check_verbatim(doc)


def test_broken_markup_warns_and_keeps_text() -> None:
    doc = parse_wikitext("Intro {{cite web|url=x\n\nNext paragraph [[link]] here.", source="b.wiki")
    assert any("unclosed '{{'" in w and w.startswith("b.wiki") for w in doc.warnings)
    assert doc.blocks[-1].text == "Next paragraph link here."

    doc = parse_wikitext("Intro\n{| class=x\n! a !! b\n|-\n| 1 || 2\n\n== Later ==\nPara text.")
    assert any("unclosed table" in w for w in doc.warnings)
    assert [b.text for b in doc.blocks] == ["Intro", "| a | b |", "| 1 | 2 |", "Para text."]
    assert doc.blocks[-1].section == ("Later",)


def test_many_unclosed_constructs_stay_fast() -> None:
    for fragment in ("{{a|", "[[a|", "<ref>", "<span ", "<div>", "[http://x ", "<!--", "{|\n", "<p>"):
        text = ("word " + fragment) * 4000
        started = time.perf_counter()
        doc = parse_wikitext(text)
        assert time.perf_counter() - started < 5, fragment
        check_offsets(doc)
        assert len(doc.warnings) <= 50


PROSE = " ".join(
    ["The two states signed a [[treaty]] on trade and agreed to open consulates in both capitals."]
    + ["<ref>{{cite web|url=http://example.org|title=t}}</ref> Talks went on for some years."] * 20
)


@pytest.mark.slow
def test_large_document_reads_in_linear_time() -> None:
    """3 MB of articles (about 4 s of CPU), and ten times the time of a tenth of it, no more."""
    one = ARTICLE.replace("== References ==", "== Other ==") + "\n" + PROSE + "\n\n"
    copies = 3_000_000 // len(one)
    small_time = _timed(parse_wikitext, one * (copies // 10))
    big = one * copies
    started = time.process_time()
    doc = parse_wikitext(big)
    elapsed = time.process_time() - started
    assert elapsed < 60
    assert elapsed < 10 * small_time * 3  # linear, with room for noise
    assert len(blocks_of(doc, "table_row")) == 3 * copies
    assert doc.blocks[-1].end <= len(big)


# ------------------------------------------------------------------------------------------------
# Properties

FRAGMENTS = [
    "word",
    "Freedonia",
    " ",
    "\n",
    "\n\n",
    "== Heading ==\n",
    "=== Sub ===\n",
    "== References ==\n",
    "* ",
    "# ",
    ": ",
    "'''",
    "''",
    "[[Target|label]]",
    "[[Target]]",
    "[[File:x.jpg|thumb|cap [[in]]]]",
    "[http://example.org label]",
    "http://example.org",
    "{{flag|France}}",
    "{{flagicon|Spain}}",
    "{{dts|2008|02|18}}",
    "{{dts|18 February 2008}}",
    "{{cite web|url=x|title=y}}",
    "{{citation needed}}",
    "{{nowrap|a b}}",
    "{{Infobox bilateral relations|A–B|A|B|map=m}}",
    "<ref>note {{cite|x}}</ref>",
    "<ref name=a/>",
    "<!-- c -->",
    "<br>",
    "&nbsp;",
    "&amp;",
    "{|",
    "{| class=wikitable\n",
    "|-\n",
    "! h1 !! h2\n",
    "| a || b\n",
    "| style=x | c\n",
    "|+ cap\n",
    "|}",
    "{{",
    "}}",
    "[[",
    "]]",
    "[",
    "]",
    "{",
    "}",
    "|",
    "!",
    "<",
    ">",
    "<ref>",
    "</ref>",
    "<div>",
    "</div>",
    "<!--",
    "-->",
    "{{{1}}}",
    "<nowiki>[[x]]</nowiki>",
    "__NOTOC__",
    "\ue000",
    "=",
    "&",
]


MARKUP_CHARS = "ab {}[]|!<>=\n'*#:;&-"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises(text: str) -> None:
    doc = parse_wikitext(text)
    check_offsets(doc)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40))
def test_fragment_compositions(parts: list[str]) -> None:
    text = "".join(parts)
    doc = parse_wikitext(text)
    check_offsets(doc)
    check_verbatim(doc)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(alphabet=MARKUP_CHARS, max_size=6)), max_size=30)
)
def test_mixed_compositions(parts: list[str]) -> None:
    doc = parse_wikitext("".join(parts))
    check_offsets(doc)
    check_verbatim(doc)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="abcdefgh", min_size=1, max_size=8), min_size=1, max_size=12))
def test_plain_words_map_exactly(words: list[str]) -> None:
    """Words wrapped in links, bold and flag templates map back onto themselves."""
    wrappers = ["{w}", "[[X|{w}]]", "[[{w}]]", "'''{w}'''", "{{{{flag|{w}}}}}", "<ref>r</ref>{w}", "{w}<br>"]
    text = " ".join(wrappers[i % len(wrappers)].format(w=w) for i, w in enumerate(words))
    doc = parse_wikitext(text)
    (block,) = doc.blocks
    assert block.text == " ".join(words)
    i = 0
    for w in words:
        s, _ = block.source_span(i, i + len(w))
        assert text[s : s + len(w)] == w
        i += len(w) + 1


# ------------------------------------------------------------------------------------------------
# Real articles (only where ../shared is present)


def real_files() -> list[Path]:
    if not REAL_WIKITEXT.is_dir():
        return []
    return sorted(REAL_WIKITEXT.glob("*.wiki"))


@pytest.mark.shared
def test_real_wikitext_articles() -> None:
    files = real_files()
    if not files:
        pytest.skip(f"{REAL_WIKITEXT} is absent (a fresh clone has no ../shared)")
    for path in files:
        text = path.read_text(encoding="utf-8")
        doc = parse_wikitext(text, source=str(path))
        assert doc.blocks, path
        assert not any("internal error" in w for w in doc.warnings), path
        check_offsets(doc)
        check_verbatim(doc)
        for b in doc.blocks:
            assert not re.search(r"\}\}|\]\]|<ref|\{\|", b.text), (path.name, b.text)


def _timed(fn: Callable[[str], object], text: str) -> float:
    """CPU seconds of one call (wall-clock time swings with the machine's load)."""
    started = time.process_time()
    fn(text)
    return time.process_time() - started
