"""Sequential, local-process and Dask runs of the same dump give the same knowledge base
(dyad.scale.parallel), with the quick processor and with the real reader and extractors."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from dyad.model import Document
from dyad.scale import KBSink, MemorySink, ingest_dump, slugify
from dyad.scale.parallel import PageJob, PoolBackend, SequentialBackend, make_backend, process_batch
from dyad.scale.testing import SELECTED_TITLES, write_sample_dump

QUICK = "dyad.scale.testing:quick_processor"
HAVE_PIPELINE = all(importlib.util.find_spec(m) is not None for m in ("dyad.read.wikitext", "dyad.entities"))
PROCESSORS = [
    pytest.param(QUICK, id="quick"),
    pytest.param(
        None,
        id="real",
        marks=pytest.mark.skipif(
            not HAVE_PIPELINE, reason="the wikitext reader or the gazetteer is not there yet"
        ),
    ),
]


@pytest.fixture(scope="module")
def dump(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("parallel") / "sample-multistream.xml.bz2"
    write_sample_dump(path, 40, multistream=True, pages_per_stream=5)
    return path


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as local:
        yield local


def _events(sink: MemorySink) -> list[str]:
    return sorted(json.dumps(e, sort_keys=True) for e in sink.events())


def _kb_rows(url: str) -> tuple[list[tuple[str, ...]], dict[str, int], list[str]]:
    from dyad.kb import open_kb

    kb = open_kb(url)
    try:
        docs = sorted((d.doc, d.title, d.source, d.content_hash, str(d.events)) for d in kb.documents())
        facts = sorted(
            json.dumps({k: v for k, v in f.to_dict().items() if k != "id"}, sort_keys=True, default=str)
            for e in kb.entities()
            for f in kb.timeline(e.name)
        )
        return docs, kb.counts(), facts
    finally:
        kb.close()


class _Tee:
    """Writes to a knowledge base and keeps the events in memory too."""

    def __init__(self, url: str) -> None:
        self.kb = KBSink(url)
        self.memory = MemorySink()

    def store_document(self, doc: Document, events: list) -> bool:
        self.memory.store_document(doc, events)
        return self.kb.store_document(doc, events)

    def has_document(self, doc_id: str, content_hash: str) -> bool:
        return self.kb.has_document(doc_id, content_hash)


def test_slugify() -> None:
    assert slugify("Abkhazia–Russia relations") == "abkhazia-russia-relations"
    assert slugify("Foreign relations of the Gambia") == "foreign-relations-of-the-gambia"
    assert slugify("Côte d'Ivoire–France relations") == "cote-d-ivoire-france-relations"
    assert slugify("Trinidad & Tobago") == "trinidad-tobago"
    assert slugify("Россия") == "россия"
    assert slugify("!!!") == "page"


def test_process_batch_keeps_order_and_reports_errors() -> None:
    jobs = [PageJob(f"d{i}", f"T{i}", "Signed in 1990." if i != 2 else "", f"x#{i}", i) for i in range(4)]
    results = process_batch(jobs, _fail_on_empty)
    assert [r.doc_id for r in results] == ["d0", "d1", "d2", "d3"]
    assert results[2].doc is None and results[2].error == "ValueError: empty page"
    assert all(r.error is None for i, r in enumerate(results) if i != 2)


def _fail_on_empty(job: PageJob) -> tuple[Document, list]:
    if not job.text:
        raise ValueError("empty page\nsecond line")
    return Document(job.title, job.source, "wikitext", job.text, doc_id=job.doc_id), []


def test_make_backend() -> None:
    assert isinstance(make_backend(1, processor=QUICK), SequentialBackend)
    pool = make_backend(2, processor=QUICK)
    try:
        assert isinstance(pool, PoolBackend) and pool.workers == 2
    finally:
        pool.close()


@pytest.mark.slow
@pytest.mark.parametrize("processor", PROCESSORS)
def test_sequential_processes_and_dask_give_the_same_knowledge_base(
    dump: Path, cluster: object, tmp_path: Path, processor: str | None
) -> None:
    from distributed import Client

    runs = {
        "sequential": {"workers": 1},
        "processes": {"workers": 2},
        "dask": {"dask_address": cluster.scheduler_address},  # type: ignore[attr-defined]
    }
    sinks = {}
    kbs = {}
    for name, options in runs.items():
        url = f"sqlite:///{tmp_path / (name + '.db')}"
        sink = _Tee(url)
        try:
            report = ingest_dump(dump, sink, progress=False, checkpoint=False, processor=processor, **options)  # type: ignore[arg-type]
        finally:
            sink.kb.close()
        assert report.mode == name and report.complete and report.ok, report.failed
        sinks[name] = sink.memory
        kbs[name] = _kb_rows(url)
    assert set(sinks["sequential"].titles.values()) == SELECTED_TITLES
    reference = _events(sinks["sequential"])
    assert reference, "no events at all"
    assert _events(sinks["processes"]) == reference
    assert _events(sinks["dask"]) == reference
    assert kbs["processes"] == kbs["sequential"]
    assert kbs["dask"] == kbs["sequential"]
    # a Client object works as well as an address, and is left open for its owner
    with Client(cluster) as client:
        sink = MemorySink()
        report = ingest_dump(
            dump, sink, progress=False, checkpoint=False, processor=QUICK, dask_address=client
        )
        assert report.mode == "dask" and report.workers == 2
        assert client.status == "running"
    assert set(sink.titles.values()) == SELECTED_TITLES


@pytest.mark.slow
def test_dask_run_stops_and_resumes(dump: Path, cluster: object, tmp_path: Path) -> None:
    from dyad.scale import IngestInterrupted

    sink = MemorySink()
    cp = tmp_path / "cp.json"
    address = cluster.scheduler_address  # type: ignore[attr-defined]
    with pytest.raises(IngestInterrupted):
        ingest_dump(
            dump,
            sink,
            progress=False,
            checkpoint=cp,
            processor=QUICK,
            dask_address=address,
            stop=lambda p: p.ingested >= 1,
        )
    for _ in range(5):
        try:
            report = ingest_dump(
                dump, sink, progress=False, checkpoint=cp, processor=QUICK, dask_address=address
            )
        except IngestInterrupted:  # pragma: no cover - only a stray signal gets here
            continue
        break
    assert report.complete and report.resumed_from is not None
    assert set(sink.titles.values()) == SELECTED_TITLES and sink.writes == len(SELECTED_TITLES)
