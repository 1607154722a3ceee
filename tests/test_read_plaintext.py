"""The plain-text reader: structure, offsets, tables with empty cells, bad input."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dyad.errors import ReadError
from dyad.read import read_path, read_paths, read_text
from dyad.read.plaintext import parse_plaintext

ARTICLE = """= Freedonia–Sylvania relations =

Infobox
- Party1: Freedonia
- Party2: Sylvania

Freedonia and Sylvania are neighbours. They signed a pact in 1933.

==History==

=== Early contacts ===
The two states exchanged envoys in 1931.

== Treaties ==
| Signed: | | Ratified by Freedonia: | Treaty: | Notes: |
| 3 May 1933 | | 9 June 1933 | Pact of friendship | |
| | | | Trade agreement | extra | cell |
==Missions==
- Freedonia has an embassy in Sylvania City.
- Sylvania has a consulate in Freedonia Town.
"""


def test_structure_and_sections() -> None:
    doc = parse_plaintext(ARTICLE, source="fs.txt")
    assert doc.title == "Freedonia–Sylvania relations"
    assert doc.infobox == {"Party1": "Freedonia", "Party2": "Sylvania"}
    kinds = [b.kind for b in doc.blocks]
    assert kinds == [
        "paragraph",
        "paragraph",
        "table_header",
        "table_row",
        "table_row",
        "list_item",
        "list_item",
    ]
    assert doc.blocks[1].section == ("History", "Early contacts")
    assert doc.blocks[2].section == ("Treaties",)
    assert doc.blocks[-1].section == ("Missions",)
    assert doc.blocks[-1].text == "Sylvania has a consulate in Freedonia Town."
    assert doc.doc_id == "fs"


def test_table_cells_keep_empty_positions() -> None:
    doc = parse_plaintext(ARTICLE)
    header, row, wide = doc.blocks[2], doc.blocks[3], doc.blocks[4]
    assert header.cells == ("Signed:", "", "Ratified by Freedonia:", "Treaty:", "Notes:")
    assert row.cells == ("3 May 1933", "", "9 June 1933", "Pact of friendship", "")
    assert len(wide.cells) == 6
    assert any("6 cells" in w for w in doc.warnings)
    for block in (header, row):
        for cell, (s, e) in zip(block.cells, block.cell_spans, strict=True):
            assert ARTICLE[s:e] == cell


def test_offsets_slice_the_source() -> None:
    doc = parse_plaintext(ARTICLE)
    for block in doc.blocks:
        assert ARTICLE[block.start : block.end] == block.text
        s, e = block.source_span(0, len(block.text))
        assert ARTICLE[s:e] == block.text


_word = st.text(alphabet=string.ascii_letters, min_size=1, max_size=8)
_sentence = st.lists(_word, min_size=1, max_size=12).map(lambda ws: " ".join(ws) + ".")
_heading = st.tuples(st.integers(2, 4), _word, st.booleans()).map(
    lambda t: ("=" * t[0]) + (f" {t[1]} " if t[2] else t[1]) + ("=" * t[0])
)
_row = st.lists(st.one_of(st.just(""), _word), min_size=1, max_size=6).map(
    lambda cs: "| " + " | ".join(cs) + " |"
)
_item = _sentence.map(lambda s: "- " + s)
_line = st.one_of(_sentence, _heading, _row, _item, st.just(""))


@given(st.lists(_line, max_size=30))
@settings(max_examples=200, deadline=None)
def test_any_article_reads_with_valid_offsets(lines: list[str]) -> None:
    text = "= T =\n\n" + "\n".join(lines)
    doc = parse_plaintext(text)
    for block in doc.blocks:
        assert 0 <= block.start <= block.end <= len(text)
        assert text[block.start : block.end] == block.text
        assert block.kind in ("paragraph", "list_item", "table_header", "table_row")
    rows = [line for line in lines if line.startswith("| ")]
    assert sum(b.kind in ("table_header", "table_row") for b in doc.blocks) == len(rows)


@given(st.text(max_size=300))
@settings(max_examples=200, deadline=None)
def test_never_raises_on_arbitrary_text(text: str) -> None:
    doc = read_text(text, source="x.txt", fmt="text")
    for block in doc.blocks:
        assert 0 <= block.start <= block.end <= len(doc.text)


def test_bad_files_give_one_line_errors(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "latin.txt").write_bytes("= Caf\xe9 =\n\ncaf\xe9".encode("latin-1"))
    (tmp_path / "good.txt").write_text(ARTICLE)
    results = list(read_paths([tmp_path]))
    errors = {Path(r.path).name: r for r in results if isinstance(r, ReadError)}
    docs = [r for r in results if not isinstance(r, ReadError)]
    assert [d.title for d in docs] == ["Freedonia–Sylvania relations"]
    assert set(errors) == {"empty.txt", "binary.txt", "latin.txt"}
    assert "empty" in errors["empty.txt"].message
    assert "binary" in errors["binary.txt"].message
    assert "UTF-8" in errors["latin.txt"].message
    for error in errors.values():
        assert "\n" not in error.one_line()
        assert error.hint


def test_large_file_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.write(b"= Big =\n\n")
        fh.write(b"word " * (50 * 1024 * 1024 // 5))
    with pytest.raises(ReadError, match="too large"):
        read_path(big)


def test_missing_file() -> None:
    with pytest.raises(ReadError, match="no such file"):
        read_path("/nonexistent/article.txt")


SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "dev"


@pytest.mark.shared
def test_shared_dev_articles_read() -> None:
    if not SHARED.is_dir():
        pytest.skip("../shared/corpus/dev is absent")
    for path in sorted(SHARED.glob("*.txt")):
        doc = read_path(path)
        assert doc.format == "text"
        assert doc.title.endswith("relations")
        assert any(b.kind == "paragraph" for b in doc.blocks)
