"""Events out and back in: JSON Lines round trip, CSV and Parquet, import errors, content hash."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from dyad.errors import DateError, InputError
from dyad.export import content_hash, events_frame, import_events, write_events
from dyad.export.events import EVENT_COLUMNS
from dyad.export.testing import synthetic_kb
from dyad.kb import KnowledgeBase, open_kb
from dyad.kb.testing import FakeGazetteer, check_consistency, snapshot


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    path = tmp_path_factory.mktemp("events") / "kb.db"
    return synthetic_kb(f"sqlite:///{path}", docs=6, per_doc=40, seed=11)


def test_jsonl_export_import_export_is_identical(kb: KnowledgeBase, tmp_path: Path) -> None:
    first = tmp_path / "events.jsonl"
    n = write_events(kb, first)
    lines = [json.loads(x) for x in first.read_text(encoding="utf-8").splitlines()]
    assert n == len(lines) == kb.counts()["claims"]
    for line in lines:  # the exchange format, with provenance
        assert {"doc", "type", "date", "evidence", "start", "end", "event_id", "doc_title"} <= set(line)
    copy = open_kb(f"sqlite:///{tmp_path / 'copy.db'}", gazetteer=FakeGazetteer(kb.gazetteer.entities))
    report = import_events(copy, first)
    assert report.ok and len(report.added) == 6 and report.events == n
    second = tmp_path / "again.jsonl"
    write_events(copy, second)
    assert second.read_bytes() == first.read_bytes()
    assert snapshot(copy) == snapshot(kb) and check_consistency(copy) == []
    assert content_hash(copy) == content_hash(kb)
    assert len(import_events(copy, first).unchanged) == 6  # importing again changes nothing


def test_multiple_evidence_and_sections_survive(tmp_path: Path) -> None:
    line = {
        "doc": "d1", "type": "recognition", "actor": "Russia", "target": "Abkhazia", "date": "2008-08",
        "evidence": "Russia recognised Abkhazia.", "start": 10, "end": 37, "section": ["History", "2008 war"],
        "block_kind": "list_item",
        "more_evidence": [{"text": "It recognised it again.", "start": 90, "end": 113, "section": [],
                           "block_kind": "paragraph"}],
        "extractor": "x", "confidence": 0.75, "doc_title": "Abkhazia–Russia relations",
        "doc_source": "https://en.wikipedia.org/wiki/Abkhazia_Russia", "doc_format": "wikitext",
    }  # fmt: skip
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    kb = open_kb(f"sqlite:///{tmp_path / 'kb.db'}", gazetteer=FakeGazetteer())
    import_events(kb, source)
    out = tmp_path / "out.jsonl"
    write_events(kb, out)
    (back,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    event_id = back.pop("event_id")
    assert back == line and len(event_id) == 16
    (view,) = kb.timeline("Russia", "Abkhazia")
    assert {e.text for e in kb.event(view.id).evidence} == {
        "Russia recognised Abkhazia.",
        "It recognised it again.",
    }


def test_extract_output_imports(tmp_path: Path) -> None:
    # What `dyad extract --format events-jsonl` writes (Event.to_exchange) imports as well.
    from dyad.kb.testing import ev

    event = ev("relations_established", "2008-09-09", "abkhazia-russia", "They established relations.",
               parties=["Russia", "Abkhazia"])  # fmt: skip
    source = tmp_path / "extracted.jsonl"
    source.write_text(json.dumps(event.to_exchange()) + "\n")
    kb = open_kb(f"sqlite:///{tmp_path / 'kb.db'}", gazetteer=FakeGazetteer())
    assert import_events(kb, source).events == 1
    assert kb.status("Russia", "Abkhazia", on="2009").relations.status == "established"


def test_frames_and_parquet_round_trip(kb: KnowledgeBase, tmp_path: Path) -> None:
    frame = events_frame(kb)
    assert list(frame.columns) == list(EVENT_COLUMNS)
    assert {c: str(t) for c, t in frame.dtypes.items()} == EVENT_COLUMNS
    assert frame.event_id.notna().all() and frame.evidence.notna().all() and frame.start.notna().all()
    out = tmp_path / "events.parquet"
    write_events(kb, out)
    pd.testing.assert_frame_equal(pd.read_parquet(out), frame)
    csv = tmp_path / "events.csv"
    write_events(kb, csv)
    back = pd.read_csv(csv, dtype={c: t for c, t in EVENT_COLUMNS.items() if t != "boolean"})
    assert len(back) == len(frame) and list(back.columns) == list(frame.columns)
    import dyad.frames

    pd.testing.assert_frame_equal(dyad.frames.events(kb), frame)


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        ('{"doc": "a", "type": "recognition"}\nnot json\n', InputError, "line 3: not JSON"),
        ('["a list"]\n', InputError, "line 2: not a JSON object"),
        ('{"type": "recognition", "evidence": "x"}\n', InputError, "'doc'"),
        ('{"doc": "a", "type": "hug", "evidence": "x"}\n', InputError, "unknown event type 'hug'"),
        (
            '{"doc": "a", "type": "recognition", "date": "2008-13-01", "evidence": "x"}\n',
            DateError,
            "2008-13-01",
        ),
        (
            '{"doc": "a", "type": "recognition", "evidence": "x", "start": "ten"}\n',
            InputError,
            "whole number",
        ),
    ],
)
def test_bad_lines_stop_the_import_before_writing(
    tmp_path: Path, content: str, error: type[Exception], message: str
) -> None:
    source = tmp_path / "bad.jsonl"
    good = '{"doc": "z", "type": "recognition", "actor": "Russia", "target": "Abkhazia", "evidence": "x"}\n'
    source.write_text(good + content)
    kb = open_kb(f"sqlite:///{tmp_path / 'kb.db'}", gazetteer=FakeGazetteer())
    with pytest.raises(error, match=message) as info:
        import_events(kb, source)
    assert info.value.hint and "\n" not in info.value.one_line()  # type: ignore[attr-defined]
    assert kb.counts()["documents"] == 0


def test_missing_file_and_bad_format(kb: KnowledgeBase, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        import_events(kb, tmp_path / "nope.jsonl")
    with pytest.raises(InputError, match="unknown events format"):
        write_events(kb, tmp_path / "x.jsonl", fmt="xml")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.postgres
def test_exports_are_the_same_on_postgresql(tmp_path: Path) -> None:
    from dyad.export import build_panel
    from dyad.kb.testing import engine_url

    pg = synthetic_kb(engine_url("postgresql", tmp_path), docs=4, per_doc=30, seed=9)
    lite = synthetic_kb(f"sqlite:///{tmp_path / 'lite.db'}", docs=4, per_doc=30, seed=9)
    try:
        write_events(pg, tmp_path / "pg.jsonl")
        write_events(lite, tmp_path / "lite.jsonl")
        assert (tmp_path / "pg.jsonl").read_bytes() == (tmp_path / "lite.jsonl").read_bytes()
        assert content_hash(pg) == content_hash(lite)
        pd.testing.assert_frame_equal(build_panel(pg).frame, build_panel(lite).frame)
    finally:
        pg.close()
