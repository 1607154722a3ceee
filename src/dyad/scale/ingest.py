"""Ingesting a whole dump: scan, select, extract (in parallel), write (one writer), resume.

:func:`ingest_dump` streams the dump once, selects pages with :mod:`dyad.scale.select`, sends
them in batches to a backend of :mod:`dyad.scale.parallel` and writes the results *in dump
order* to a sink (the knowledge base). Because the writer is single and ordered, every page
before the oldest page not yet written is done, and that position is the checkpoint
(:mod:`dyad.scale.checkpoint`), saved every second and on every stop. A rerun of the same
ingest starts from it; the few pages between the checkpoint and the stop are read again and
the knowledge base, idempotent by content hash, stores nothing twice.

Redirects: a redirect titled like a relations article whose target is not (``"X–Y relations"``
-> ``"Some treaty"``) makes the target wanted. Targets met later in the scan are selected
then; the rest (they came before their redirect) are fetched by a second pass: through the
index for a multistream dump, else by scanning again up to the last such redirect.

Ctrl-C: the first stops at the next page (finished results are written, the rest dropped,
the checkpoint saved) and raises :class:`IngestInterrupted` carrying the report; a second one
stops at once (the checkpoint is still saved, every write being one transaction).
"""

from __future__ import annotations

import bisect
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, nullcontext, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dyad.errors import InputError
from dyad.scale.checkpoint import Checkpoint, checkpoint_path, load_checkpoint, save_checkpoint
from dyad.scale.dumps import START, DumpReader, Page, Position, index_offsets_of
from dyad.scale.parallel import Handle, PageJob, PageResult, Processor, make_backend, slugify
from dyad.scale.progress import IngestProgress, RichProgress
from dyad.scale.select import SELECT_MODES, redirect_target, select_page
from dyad.scale.sinks import as_sink, content_hash

__all__ = ["DumpReport", "IngestInterrupted", "ingest_dump"]

CHECKPOINT_EVERY = 1.0  # seconds
PROGRESS_EVERY = 0.2  # seconds


@dataclass(slots=True)
class DumpReport:
    """What one run of :func:`ingest_dump` did (counts are for this run)."""

    dump: str
    kind: str = ""
    select: str = "relations"
    mode: str = "sequential"
    workers: int = 1
    scanned: int = 0  # pages read, every namespace
    selected: int = 0  # pages selected for extraction (including redirect targets)
    ingested: int = 0  # documents added or changed in the sink
    unchanged: int = 0  # documents extracted and found already stored as they are
    skipped: int = 0  # selected pages already stored with the same text (not extracted again)
    events: int = 0  # events of the documents written
    failed: list[tuple[str, str]] = field(default_factory=list)  # (title, error)
    redirects_wanted: int = 0
    redirects_resolved: int = 0
    rescanned: int = 0  # pages read again by the second pass (redirect targets)
    bytes_read: int = 0  # compressed input read
    seconds: float = 0.0
    resumed_from: tuple[int, int] | None = None
    already_done: bool = False  # the checkpoint said this dump was ingested: nothing was read
    interrupted: bool = False
    complete: bool = False
    checkpoint: str | None = None

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def mb_per_s(self) -> float:
        return self.bytes_read / 1e6 / self.seconds if self.seconds > 0 else 0.0

    @property
    def pages_per_s(self) -> float:
        return self.scanned / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "dump": self.dump,
            "kind": self.kind,
            "select": self.select,
            "mode": self.mode,
            "workers": self.workers,
            "scanned": self.scanned,
            "selected": self.selected,
            "ingested": self.ingested,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "events": self.events,
            "failed": [{"title": t, "error": e} for t, e in self.failed],
            "redirects_wanted": self.redirects_wanted,
            "redirects_resolved": self.redirects_resolved,
            "rescanned": self.rescanned,
            "bytes_read": self.bytes_read,
            "seconds": round(self.seconds, 3),
            "mb_per_s": round(self.mb_per_s, 3),
            "resumed_from": list(self.resumed_from) if self.resumed_from else None,
            "already_done": self.already_done,
            "interrupted": self.interrupted,
            "complete": self.complete,
            "checkpoint": self.checkpoint,
        }


class IngestInterrupted(KeyboardInterrupt):
    """Ctrl-C (or ``stop``) ended an ingest cleanly; ``report`` says how far it got."""

    def __init__(self, report: DumpReport) -> None:
        super().__init__("ingest interrupted; run it again to resume")
        self.report = report


@dataclass(slots=True)
class _Item:
    job: PageJob
    start: Position
    end: Position


@dataclass(slots=True)
class _Batch:
    items: list[_Item]
    handle: Handle


class _Stopper:
    """Turns the first SIGINT into a flag checked between pages (main thread only)."""

    def __init__(self, stop: Callable[[IngestProgress], bool] | None) -> None:
        self.flag = False
        self.stop = stop
        self._previous: Any = None

    def __enter__(self) -> _Stopper:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.getsignal(signal.SIGINT)
            signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum: int, frame: Any) -> None:
        if self.flag:  # second Ctrl-C: stop now
            raise KeyboardInterrupt
        self.flag = True

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)

    def requested(self, snap: Callable[[], IngestProgress]) -> bool:
        if not self.flag and self.stop is not None and self.stop(snap()):
            self.flag = True
        return self.flag


class _Run:
    """The state of one ingest: backend, in-flight batches in order, and the writer."""

    def __init__(
        self,
        reader: DumpReader,
        sink: Any,
        backend: Any,
        report: DumpReport,
        cp: Checkpoint,
        cp_path: Path | None,
        mode: str,
        force: bool,
        progress: Callable[[IngestProgress], None] | None,
        stopper: _Stopper,
        source_name: str,
    ) -> None:
        self.reader, self.sink, self.backend, self.report = reader, sink, backend, report
        self.cp, self.cp_path, self.mode, self.force = cp, cp_path, mode, force
        self.progress, self.stopper, self.source_name = progress, stopper, source_name
        self.started = time.perf_counter()
        self.pending: list[_Item] = []
        self.pending_bytes = 0
        self.inflight: deque[_Batch] = deque()
        self.writing: deque[_Item] = deque()
        self.last_end: Position = cp.start
        # redirect targets not written yet (a title leaves when its page is written, so that a
        # checkpoint taken before the page still wants it) and those already sent to extraction
        self.wanted: set[str] = set(cp.wanted)
        self.offered: set[str] = set()
        self.wanted_until: Position = Position(*cp.wanted_until)
        self.selected_titles: set[str] = set()
        self.phase = cp.phase
        self._next_cp = self.started + CHECKPOINT_EVERY
        self._next_progress = 0.0
        self.bytes_base = 0  # compressed bytes of earlier passes

    # -------------------------------------------------------------- bookkeeping

    def snapshot(self) -> IngestProgress:
        r = self.report
        return IngestProgress(
            self.phase,
            r.scanned,
            r.selected,
            r.ingested,
            r.unchanged,
            len(r.failed),
            r.events,
            self.reader.consumed,
            self.reader.size,
            time.perf_counter() - self.started,
        )

    def safe_position(self) -> Position:
        """Every page before this is scanned and, if selected, written."""
        if self.writing:
            return self.writing[0].start
        if self.inflight:
            return self.inflight[0].items[0].start
        if self.pending:
            return self.pending[0].start
        return self.last_end

    def save(self, force: bool = False) -> None:
        now = time.perf_counter()
        if self.cp_path is None or (not force and now < self._next_cp):
            return
        self._next_cp = now + CHECKPOINT_EVERY
        if self.phase == "scan":
            self.cp.position = tuple(self.safe_position())  # type: ignore[assignment]
        self.cp.phase = self.phase
        self.cp.wanted = sorted(self.wanted)
        self.cp.wanted_until = tuple(self.wanted_until)  # type: ignore[assignment]
        save_checkpoint(self.cp_path, self.cp)

    def tick(self, force: bool = False) -> None:
        if self.progress is None:
            return
        now = time.perf_counter()
        if force or now >= self._next_progress:
            self._next_progress = now + PROGRESS_EVERY
            self.progress(self.snapshot())

    def stop_requested(self) -> bool:
        return self.stopper.requested(self.snapshot)

    def check_stop(self) -> None:
        """While waiting on workers: a stop request ends the run (what is not written is dropped)."""
        if self.stop_requested():
            raise KeyboardInterrupt

    # -------------------------------------------------------------- the pipeline

    def offer(self, page: Page, reason: str) -> None:
        """A selected page: skip it if stored as it is, else queue it for extraction."""
        self.report.selected += 1
        if self.mode == "relations":
            self.selected_titles.add(page.title)
            if page.title in self.wanted:
                self.offered.add(page.title)
        text = page.text
        source = f"{self.source_name}#{page.page_id}"
        job = PageJob(slugify(page.title), page.title, text, source, page.page_id, page.revision_id)
        if not self.force and self.sink.has_document(job.doc_id, content_hash(text)):
            self.report.skipped += 1
            self.wanted.discard(page.title)
            return
        self.pending.append(_Item(job, page.start, page.end))
        self.pending_bytes += len(text)
        if (
            len(self.pending) >= self.backend.batch_pages
            or self.pending_bytes >= self.backend.batch_bytes > 0
        ):
            self.dispatch()

    def dispatch(self) -> None:
        if not self.pending:
            return
        while len(self.inflight) >= self.backend.window:
            self.write_next()
            self.check_stop()
        items, self.pending, self.pending_bytes = self.pending, [], 0
        self.inflight.append(_Batch(items, self.backend.submit([item.job for item in items])))
        self.write_ready()

    def write_ready(self) -> None:
        while self.inflight and self.inflight[0].handle.done():
            self.write_next()

    def write_next(self) -> None:
        batch = self.inflight[0]
        try:
            results = batch.handle.result()
        except Exception:
            if self.stopper.flag:  # a worker that Ctrl-C reached before it could ignore it
                raise KeyboardInterrupt from None
            raise
        self.writing.extend(batch.items)
        self.inflight.popleft()
        for result in results:
            self.write(result)
            self.writing.popleft()
            if self.writing:
                self.check_stop()
        self.save()

    def write(self, result: PageResult) -> None:
        report = self.report
        if result.error is not None or result.doc is None:
            report.failed.append((result.title, result.error or "no document"))
            self.wanted.discard(result.title)
            return
        changed = self.sink.store_document(result.doc, result.events)
        self.wanted.discard(result.title)
        if changed:
            report.ingested += 1
        else:
            report.unchanged += 1
        report.events += len(result.events)
        self.cp.last_doc = (result.doc.doc_id, content_hash(result.doc.text))
        totals = self.cp.totals
        totals["ingested"] = totals.get("ingested", 0) + int(changed)
        totals["events"] = totals.get("events", 0) + len(result.events)

    def drain(self, cancel: bool = False) -> None:
        """Write every batch in flight (``cancel``: only those already finished; drop the rest)."""
        if not cancel:
            self.dispatch()
        while self.inflight:
            if not cancel:
                self.check_stop()
            if cancel and (self.writing or not self.inflight[0].handle.done()):
                # stopped: what is not written yet is dropped (and read again on resume); the
                # batches stay listed, so the checkpoint is saved before the first of them
                for batch in self.inflight:
                    batch.handle.cancel()
                return
            self.write_next()

    # -------------------------------------------------------------- passes

    def scan(self, pages: Iterator[Page]) -> bool:
        """The main pass; False if it was stopped."""
        report, mode = self.report, self.mode
        for page in pages:
            report.scanned += 1
            if report.scanned % 256 == 0:
                self.tick()
                if self.stop_requested():
                    return False
            if page.namespace == 0:
                if page.redirect is not None:
                    if mode == "relations":
                        target = redirect_target(page.title, page.redirect)
                        if (
                            target is not None
                            and target not in self.selected_titles
                            and target not in self.wanted
                        ):
                            self.wanted.add(target)
                            self.wanted_until = page.end
                            report.redirects_wanted += 1
                else:
                    reason = select_page(page.title, page.raw, mode=mode)
                    if reason is None and page.title in self.wanted and page.title not in self.offered:
                        reason = "redirect"
                        report.redirects_resolved += 1
                    if reason is not None:
                        self.offer(page, reason)
                        if self.stop_requested():
                            self.last_end = page.end
                            return False
            self.last_end = page.end
            self.save()
        self.drain()
        return True

    def second_pass(self) -> bool:
        """Fetch the wanted redirect targets that came before their redirect; False if stopped."""
        if not self.wanted:
            return True
        self.phase = "redirects"
        self.save(force=True)
        reader = self.reader
        if reader.index is not None and reader.offsets:
            found = index_offsets_of(reader.index, self.wanted)
            starts = sorted(set(found.values()))
            offsets = reader.offsets
            streams = []
            for off in starts:
                k = bisect.bisect_right(offsets, off)
                streams.append((off, offsets[k] if k < len(offsets) else None))
        else:
            streams = [(0, None)]
        todo = self.wanted - self.offered
        for base, stop_base in streams:
            self.bytes_base += reader.consumed
            reader.consumed = 0
            for page in reader.pages(
                Position(base, 0), stop_base=stop_base, namespaces=(0,), redirects=False
            ):
                self.report.rescanned += 1
                if page.title in todo:
                    todo.discard(page.title)
                    self.report.redirects_resolved += 1
                    self.offer(page, "redirect")
                if self.report.rescanned % 256 == 0:
                    self.tick()
                if self.stop_requested():
                    return False
                if not todo or (
                    reader.index is None and self.wanted_until != START and page.end >= self.wanted_until
                ):
                    break
            if not todo:
                break
        self.drain()
        return True


def _open_progress(progress: Any, reader: DumpReader) -> tuple[AbstractContextManager[Any], Any]:
    if progress is True:
        display = RichProgress(f"ingesting {reader.path.name}", reader.size)
        return display, display
    if callable(progress):
        return nullcontext(), progress
    return nullcontext(), None


def ingest_dump(
    path: str | Path,
    sink: Any = None,
    *,
    workers: int | None = None,
    dask_address: Any = None,
    select: str = "relations",
    progress: bool | Callable[[IngestProgress], None] = True,
    index: str | Path | bool | None = None,
    checkpoint: str | Path | bool | None = None,
    restart: bool = False,
    force: bool = False,
    processor: str | Processor | None = None,
    stop: Callable[[IngestProgress], bool] | None = None,
) -> DumpReport:
    """Ingest the selected pages of a MediaWiki dump into ``sink``; resumable, idempotent.

    ``sink``: a :class:`~dyad.scale.sinks.Sink`, a ``dyad.kb`` knowledge base, or a database
    URL (None: the default database). ``workers``: local processes for extraction (default:
    all cores; 1: in this process), and threads decompressing a multistream dump.
    ``dask_address``: run extraction on that Dask scheduler (or ``distributed.Client``)
    instead. ``select``: "relations" or "all". ``progress``: True for a rich display on
    stderr, or a callable receiving :class:`IngestProgress`. ``index``: a multistream dump's
    index (default: found beside it). ``checkpoint``: the resume file (default: see
    :func:`~dyad.scale.checkpoint.checkpoint_path`; False: none). ``restart``: ignore the
    checkpoint. ``force``: extract and store even pages already stored with the same text.
    ``processor``: what turns a page into (document, events) (default: wikitext reader +
    extractors). ``stop(progress) -> bool``: checked between pages, True stops as Ctrl-C does.

    Raises :class:`IngestInterrupted` (a KeyboardInterrupt carrying the report) when stopped.
    """
    if select not in SELECT_MODES:
        raise InputError(f"unknown selection {select!r}", f"use one of: {', '.join(SELECT_MODES)}")
    path = Path(path)
    reader = DumpReader(path, index=index, workers=workers)
    with ExitStack() as stack:
        target = as_sink(sink)
        if target is not sink and hasattr(target, "close") and (sink is None or isinstance(sink, str)):
            stack.callback(target.close)
        cp_path: Path | None
        if checkpoint is False:
            cp_path = None
        elif checkpoint is None or checkpoint is True:
            cp_path = checkpoint_path(path, target, select)
        else:
            cp_path = Path(checkpoint)
        report = DumpReport(str(path), reader.kind, select, checkpoint=str(cp_path) if cp_path else None)
        cp = _resume(cp_path, path, select, target, restart)
        report.resumed_from = tuple(cp.position) if cp.position != (0, 0) or cp.phase != "scan" else None  # type: ignore[assignment]
        if cp.phase == "done":
            report.already_done = report.complete = True
            return report
        backend = make_backend(workers, dask_address, processor)
        stack.callback(backend.close)
        report.mode, report.workers = backend.name, backend.workers
        display, callback = _open_progress(progress, reader)
        stack.enter_context(display)
        stopper = stack.enter_context(_Stopper(stop))
        run = _Run(reader, target, backend, report, cp, cp_path, select, force, callback, stopper, path.name)
        finished = False
        try:
            if cp.phase == "scan" and not run.scan(reader.pages(cp.start)):
                raise KeyboardInterrupt
            if not run.second_pass():
                raise KeyboardInterrupt
            finished = True
        except KeyboardInterrupt:
            report.interrupted = True
            with suppress(KeyboardInterrupt):
                run.drain(cancel=True)
        finally:
            report.bytes_read = run.bytes_base + reader.consumed
            report.seconds = time.perf_counter() - run.started
            if finished:
                run.phase = "done"
                run.wanted.clear()
                report.complete = True
            if cp_path is not None:
                run.save(force=True)
            run.tick(force=True)
        if report.interrupted:
            raise IngestInterrupted(report)
        return report
    raise AssertionError("unreachable")  # pragma: no cover


def _resume(cp_path: Path | None, path: Path, select: str, sink: Any, restart: bool) -> Checkpoint:
    """The checkpoint to go on from, or a fresh one (none, another dump, or a sink without its last write)."""
    fresh = Checkpoint.fresh(path, select)
    if cp_path is None or restart:
        return fresh
    found = load_checkpoint(cp_path)
    if found is None or not found.matches(path, select):
        return fresh
    if found.last_doc is not None and not sink.has_document(*found.last_doc):
        return fresh  # the knowledge base was replaced since: start again (idempotent anyway)
    return found
