"""Ingesting dumps (dyad.scale.ingest_dump): selection with redirects, idempotency, checkpoints,
stop and resume without duplicates (in process and with a real SIGINT), the knowledge base sink,
and the shared real dump slice."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dyad.scale import IngestInterrupted, KBSink, MemorySink, ingest_dump, iter_pages
from dyad.scale.checkpoint import load_checkpoint
from dyad.scale.cli import main as cli_main
from dyad.scale.testing import SELECTED_TITLES, write_sample_dump

QUICK = "dyad.scale.testing:quick_processor"
SHARED_DUMPS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "dumps"
HAVE_PIPELINE = all(importlib.util.find_spec(m) is not None for m in ("dyad.read.wikitext", "dyad.entities"))


@pytest.fixture(scope="module")
def dumps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("ingest")
    out = {
        "xml": folder / "sample.xml",
        "bz2": folder / "sample.xml.bz2",
        "multistream": folder / "sample-multistream.xml.bz2",
    }
    write_sample_dump(out["xml"], 80)
    write_sample_dump(out["bz2"], 80)
    write_sample_dump(out["multistream"], 80, multistream=True, pages_per_stream=6)
    return out


def _ingest(path: Path, sink: object, **kwargs: object):
    kwargs.setdefault("processor", QUICK)
    kwargs.setdefault("progress", False)
    kwargs.setdefault("workers", 1)
    return ingest_dump(path, sink, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["xml", "bz2", "multistream"])
def test_selects_the_relations_articles(dumps: dict[str, Path], kind: str) -> None:
    sink = MemorySink()
    report = _ingest(dumps[kind], sink, checkpoint=False)
    assert set(sink.titles.values()) == SELECTED_TITLES
    assert report.complete and not report.interrupted and report.ok
    assert report.kind == kind
    assert report.selected == report.ingested == len(SELECTED_TITLES)
    assert report.scanned == len(list(iter_pages(dumps[kind])))
    # one redirect target comes after its redirect, one before (second pass)
    assert report.redirects_wanted == 2 and report.redirects_resolved == 2
    assert report.events == len(sink.events()) > 0
    assert "abkhazia-russia-relations" in sink.docs and "armenia-turkey-relations" in sink.docs
    event = next(e for e in sink.events() if e["doc"] == "abkhazia-russia-relations")
    assert event["doc"] == "abkhazia-russia-relations"


def test_sources_name_the_file_and_page(dumps: dict[str, Path]) -> None:
    seen = {}

    class Recording(MemorySink):
        def store_document(self, doc, events):  # type: ignore[no-untyped-def]
            seen[doc.doc_id] = doc.source
            return super().store_document(doc, events)

    _ingest(dumps["bz2"], Recording(), checkpoint=False)
    page_ids = {p.title: p.page_id for p in iter_pages(dumps["bz2"])}
    assert (
        seen["foreign-relations-of-the-gambia"]
        == f"sample.xml.bz2#{page_ids['Foreign relations of the Gambia']}"
    )


def test_select_all_reads_every_article(dumps: dict[str, Path]) -> None:
    sink = MemorySink()
    report = _ingest(dumps["multistream"], sink, select="all", checkpoint=False)
    articles = [p.title for p in iter_pages(dumps["multistream"], namespaces={0}, redirects=False)]
    assert sorted(sink.titles.values()) == sorted(articles)
    assert report.selected == len(articles) and report.redirects_wanted == 0


def test_rerun_is_idempotent(dumps: dict[str, Path], tmp_path: Path) -> None:
    sink = MemorySink()
    cp = tmp_path / "cp.json"
    first = _ingest(dumps["bz2"], sink, checkpoint=cp)
    assert first.complete and load_checkpoint(cp).phase == "done"  # type: ignore[union-attr]
    # the same command again: the checkpoint says done, nothing is read
    again = _ingest(dumps["bz2"], sink, checkpoint=cp)
    assert again.already_done and again.scanned == 0
    # ignoring the checkpoint: every selected page is found stored with the same text and skipped
    restarted = _ingest(dumps["bz2"], sink, checkpoint=cp, restart=True)
    assert restarted.skipped == len(SELECTED_TITLES) and restarted.ingested == 0
    # forcing extraction: stored again, nothing changes
    forced = _ingest(dumps["bz2"], sink, checkpoint=False, force=True)
    assert forced.unchanged == len(SELECTED_TITLES) and forced.ingested == 0
    assert sink.writes == len(SELECTED_TITLES)


@pytest.mark.parametrize(
    ("kind", "workers"), [("xml", 1), ("bz2", 1), ("multistream", 1), ("multistream", 2)]
)
def test_stop_and_resume_without_duplicates(
    dumps: dict[str, Path], tmp_path: Path, kind: str, workers: int
) -> None:
    sink = MemorySink()
    cp = tmp_path / "cp.json"
    stops = 0
    for _ in range(len(SELECTED_TITLES) + 1):  # each run stores two more documents, then stops
        try:
            final = _ingest(dumps[kind], sink, checkpoint=cp, workers=workers, stop=lambda p: p.ingested >= 2)
        except IngestInterrupted as stopped:
            stops += 1
            report = stopped.report
            assert report.interrupted and not report.complete and report.ingested >= 2
            state = load_checkpoint(cp)
            assert state is not None and state.phase in ("scan", "redirects")
            assert state.position != (0, 0) or state.phase == "redirects"
        else:
            break
    assert final.complete and final.resumed_from is not None
    assert stops >= 2
    assert set(sink.titles.values()) == SELECTED_TITLES
    # every document was written once: the pages read again after a stop were found stored
    assert sink.writes == len(SELECTED_TITLES)


def test_stop_during_the_redirect_pass(dumps: dict[str, Path], tmp_path: Path) -> None:
    sink = MemorySink()
    cp = tmp_path / "cp.json"
    with pytest.raises(IngestInterrupted):
        _ingest(dumps["bz2"], sink, checkpoint=cp, stop=lambda p: p.phase == "redirects")
    assert load_checkpoint(cp).phase == "redirects"  # type: ignore[union-attr]
    assert load_checkpoint(cp).wanted == ["Five-Day War"]  # type: ignore[union-attr]
    final = _ingest(dumps["bz2"], sink, checkpoint=cp)
    assert final.complete and final.scanned == 0 and final.redirects_resolved == 1
    assert set(sink.titles.values()) == SELECTED_TITLES and sink.writes == len(SELECTED_TITLES)


def test_checkpoint_of_another_knowledge_base_is_ignored(dumps: dict[str, Path], tmp_path: Path) -> None:
    cp = tmp_path / "cp.json"
    _ingest(dumps["xml"], MemorySink(), checkpoint=cp)
    fresh = MemorySink()  # the database was replaced: its last document is not there
    report = _ingest(dumps["xml"], fresh, checkpoint=cp)
    assert not report.already_done and report.resumed_from is None
    assert set(fresh.titles.values()) == SELECTED_TITLES


def test_failing_pages_are_reported_and_the_rest_goes_on(dumps: dict[str, Path]) -> None:
    from dyad.errors import ConfigError

    sink = MemorySink()
    with pytest.raises(ConfigError, match="cannot load the page processor"):
        _ingest(dumps["xml"], sink, processor="dyad.scale.parallel:no_such_function", checkpoint=False)
    report = _ingest(dumps["xml"], sink, processor=_fails_on_treaties, checkpoint=False)
    assert [title for title, _ in report.failed] == ["Treaty of Example (1920)"]
    assert "ValueError: no treaties" in report.failed[0][1]
    assert len(sink.docs) == len(SELECTED_TITLES) - 1


def _fails_on_treaties(job):  # type: ignore[no-untyped-def]
    from dyad.scale.testing import quick_processor

    if job.title.startswith("Treaty"):
        raise ValueError("no treaties today")
    return quick_processor(job)


def test_unknown_selection_is_an_input_error(dumps: dict[str, Path]) -> None:
    from dyad.errors import InputError

    with pytest.raises(InputError, match="unknown selection"):
        _ingest(dumps["xml"], MemorySink(), select="everything")


def test_progress_callback(dumps: dict[str, Path]) -> None:
    snaps = []
    _ingest(dumps["bz2"], MemorySink(), progress=snaps.append, checkpoint=False)
    assert snaps and snaps[-1].ingested == len(SELECTED_TITLES)
    assert snaps[-1].bytes_read > 0 and snaps[-1].bytes_total == dumps["bz2"].stat().st_size


# ---------------------------------------------------------------------- the knowledge base


def _kb_snapshot(url: str) -> tuple[list[tuple[str, ...]], list[str], dict[str, int]]:
    """What a knowledge base holds, without row ids or times."""
    from dyad.kb import open_kb

    kb = open_kb(url)
    try:
        docs = sorted(
            (d.doc, d.title, d.source, d.format, d.content_hash, str(d.events)) for d in kb.documents()
        )
        facts = set()
        for entity in kb.entities():
            for fact in kb.timeline(entity.name):
                data = fact.to_dict()
                data.pop("id", None)
                for ev in data.get("evidence", []):
                    ev.pop("id", None)
                facts.add(json.dumps(data, sort_keys=True, default=str))
        return docs, sorted(facts), kb.counts()
    finally:
        kb.close()


def test_knowledge_base_sink_resume_has_no_duplicates(dumps: dict[str, Path], tmp_path: Path) -> None:
    clean = f"sqlite:///{tmp_path / 'clean.db'}"
    _ingest(dumps["multistream"], clean, checkpoint=False)
    resumed = f"sqlite:///{tmp_path / 'resumed.db'}"
    with pytest.raises(IngestInterrupted):
        _ingest(dumps["multistream"], resumed, stop=lambda p: p.ingested >= 3)
    report = _ingest(dumps["multistream"], resumed)
    assert report.complete and report.resumed_from is not None
    assert any(p.name.startswith("resumed.db.ingest-sample-multistream") for p in tmp_path.iterdir())
    snapshot = _kb_snapshot(resumed)
    assert snapshot == _kb_snapshot(clean)
    assert snapshot[2]["documents"] == len(SELECTED_TITLES)
    sink = KBSink(resumed)
    try:
        assert sink.has_document(
            "armenia-turkey-relations", _hash_of(dumps["xml"], "Armenia—Turkey relations")
        )
        assert not sink.has_document("armenia-turkey-relations", "0" * 64)
    finally:
        sink.close()


def _hash_of(path: Path, title: str) -> str:
    from dyad.scale.sinks import content_hash

    return content_hash(next(p.text for p in iter_pages(path) if p.title == title))


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "dyad.scale", "ingest", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        start_new_session=True,  # its own process group, which Ctrl-C signals as a terminal does
    )


@pytest.mark.parametrize("workers", ["1", "2"])
def test_sigint_stops_cleanly_and_the_same_command_resumes(tmp_path: Path, workers: str) -> None:
    dump = tmp_path / "many.xml.bz2"
    write_sample_dump(dump, 400, filler_size=300)
    db = tmp_path / "kb.db"
    args = [str(dump), "--db", f"sqlite:///{db}", "--select", "all", "-j", workers, "--json", "--processor"]
    slow = "dyad.scale.testing:slow_processor"
    proc = _cli(*args, slow, env={"DYAD_TEST_DELAY": "0.05"})
    deadline = time.monotonic() + 60
    checkpoint = None
    while time.monotonic() < deadline:  # wait until some pages are stored and checkpointed
        found = list(tmp_path.glob("kb.db.ingest-*.json"))
        state = load_checkpoint(found[0]) if found else None
        if state is not None and state.totals.get("ingested", 0) >= 10:
            checkpoint = found[0]
            break
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    assert checkpoint is not None, "the ingest never checkpointed"
    os.killpg(proc.pid, signal.SIGINT)  # the whole group: the command and its workers
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    assert "interrupted" in err and "Traceback" not in err
    stopped = json.loads(out)
    assert stopped["interrupted"] and 10 <= stopped["ingested"] < 400

    rerun = _cli(*args, "dyad.scale.testing:quick_processor")
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    final = json.loads(out)
    assert final["complete"] and final["resumed_from"] is not None
    articles = len(list(iter_pages(dump, namespaces={0}, redirects=False)))
    assert stopped["ingested"] + final["ingested"] == articles
    clean = tmp_path / "clean.db"
    assert (
        cli_exit(
            str(dump), "--db", f"sqlite:///{clean}", "--select", "all", "-j", "1", "-q", "--processor", QUICK
        )
        == 0
    )
    assert _kb_snapshot(f"sqlite:///{db}") == _kb_snapshot(f"sqlite:///{clean}")


def cli_exit(*args: str) -> int:
    try:
        cli_main(["ingest", *args])
    except SystemExit as done:
        return int(done.code or 0)
    return 0


def test_cli_reports_and_knows_when_done(
    dumps: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'kb.db'}"
    assert cli_exit(str(dumps["bz2"]), "--db", db, "-j", "1", "--processor", QUICK) == 0
    out = capsys.readouterr().out
    assert "scanned" in out and "selected" in out
    assert cli_exit(str(dumps["bz2"]), "--db", db, "-j", "1", "--processor", QUICK) == 0
    assert "already ingested" in capsys.readouterr().out
    assert cli_exit(str(tmp_path / "missing.xml.bz2"), "--db", db) == 1
    assert "no such dump file" in capsys.readouterr().err


# ---------------------------------------------------------------------- the shared real dump


@pytest.mark.shared
def test_shared_dump_selects_foreign_relations_of_angola(tmp_path: Path) -> None:
    path = SHARED_DUMPS / "enwiki-pages-articles1-shortened.xml.bz2"
    if not path.is_file():
        pytest.skip(f"{path} not present (shared corpus missing)")
    sink = MemorySink()
    report = _ingest(path, sink, checkpoint=False)
    assert sink.titles == {"foreign-relations-of-angola": "Foreign relations of Angola"}
    assert report.scanned == 206 and report.selected == 1
    if HAVE_PIPELINE:  # the real reader and extractors find events in it
        real = MemorySink()
        report = _ingest(path, real, processor=None, checkpoint=False)
        assert report.ok and report.events > 0, report.failed
        assert all(e["doc"] == "foreign-relations-of-angola" for e in real.events())
