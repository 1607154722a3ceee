"""Running extraction over dump pages: in process, in a local process pool, or on a Dask cluster.

Every backend takes batches of :class:`PageJob` and gives back, batch by batch and in the
order they were submitted, :class:`PageResult` values (a document and its events, or the
error that stopped that page). Only the caller writes: one writer, whatever the backend, so
all three give the same knowledge base for the same input.

The work done on a page is a *processor*, ``PageJob -> (Document, events)``: by default
:func:`read_and_extract` (the wikitext reader, then every extractor). A processor is given as
a ``"module:function"`` string or a picklable top-level function.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import re
import signal
import unicodedata
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

from dyad.errors import ConfigError
from dyad.model import Document, Event

__all__ = [
    "DEFAULT_PROCESSOR",
    "Backend",
    "DaskBackend",
    "PageJob",
    "PageResult",
    "PoolBackend",
    "Processor",
    "SequentialBackend",
    "make_backend",
    "process_batch",
    "read_and_extract",
    "resolve_processor",
    "slugify",
]

DEFAULT_PROCESSOR = "dyad.scale.parallel:read_and_extract"


@dataclass(frozen=True, slots=True)
class PageJob:
    """What a worker needs to turn one page into a document and its events."""

    doc_id: str
    title: str
    text: str
    source: str
    page_id: int = 0
    revision_id: int | None = None


@dataclass(slots=True)
class PageResult:
    doc_id: str
    title: str
    doc: Document | None
    events: list[Event] = field(default_factory=list)
    error: str | None = None


Processor = Callable[[PageJob], tuple[Document, Sequence[Event]]]


def slugify(title: str) -> str:
    """A stable document id for a title: ``"Abkhazia–Russia relations"`` -> ``"abkhazia-russia-relations"``.

    Accents are dropped, letters of other scripts kept; empty titles give ``"page"``.
    """
    text = unicodedata.normalize("NFKD", title)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"[\W_]+", "-", text).strip("-")
    return text or "page"


def read_and_extract(job: PageJob) -> tuple[Document, list[Event]]:
    """The default processor: read the page's wikitext, then run every extractor."""
    from dyad.extract import extract_document
    from dyad.read import read_text

    doc = read_text(job.text, source=job.source, fmt="wikitext", title=job.title)
    doc.doc_id = job.doc_id
    return doc, list(extract_document(doc))


_RESOLVED: dict[str, Processor] = {}


def resolve_processor(processor: str | Processor | None) -> Processor:
    """The function a ``"module:function"`` spec names (callables are returned as they are)."""
    if processor is None:
        processor = DEFAULT_PROCESSOR
    if callable(processor):
        return processor
    found = _RESOLVED.get(processor)
    if found is None:
        module_name, _, name = processor.partition(":")
        try:
            found = getattr(importlib.import_module(module_name), name or "process")
        except (ImportError, AttributeError) as error:
            raise ConfigError(
                f"cannot load the page processor {processor!r}: {error}", "give module:function"
            ) from error
        _RESOLVED[processor] = found
    return found


def process_batch(jobs: Sequence[PageJob], processor: str | Processor | None = None) -> list[PageResult]:
    """Run the processor over a batch; a page that fails gives its error, the others go on."""
    fn = resolve_processor(processor)
    out: list[PageResult] = []
    for job in jobs:
        try:
            doc, events = fn(job)
        except Exception as error:  # one bad page must not stop a whole dump
            message = str(error).splitlines()[0] if str(error) else ""
            out.append(
                PageResult(job.doc_id, job.title, None, [], f"{type(error).__name__}: {message}"[:500])
            )
        else:
            out.append(PageResult(job.doc_id, job.title, doc, list(events)))
    return out


# ---------------------------------------------------------------------- backends


class Handle(Protocol):
    def done(self) -> bool: ...

    def result(self) -> list[PageResult]: ...

    def cancel(self) -> bool: ...


class Backend(Protocol):
    """Runs batches of jobs.

    ``window``: how many batches to keep in flight; ``batch_pages``/``batch_bytes``: batch size.
    """

    name: str
    workers: int
    window: int
    batch_pages: int
    batch_bytes: int

    def submit(self, jobs: list[PageJob]) -> Handle: ...

    def close(self) -> None: ...


class _Done:
    __slots__ = ("_value",)

    def __init__(self, value: list[PageResult]) -> None:
        self._value = value

    def done(self) -> bool:
        return True

    def result(self) -> list[PageResult]:
        return self._value

    def cancel(self) -> bool:
        return False


class SequentialBackend:
    """Everything in this process, one page at a time."""

    name = "sequential"
    workers = 1
    window = 1
    batch_pages = 1
    batch_bytes = 0

    def __init__(self, processor: str | Processor | None = None) -> None:
        self.processor = resolve_processor(processor)

    def submit(self, jobs: list[PageJob]) -> Handle:
        return _Done(process_batch(jobs, self.processor))

    def close(self) -> None:
        pass


def _worker_init() -> None:
    # The parent handles Ctrl-C and stops the pool cleanly; workers must not die of it mid-page.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class PoolBackend:
    """A pool of local processes (``spawn``: safe with the reader's threads)."""

    name = "processes"
    batch_pages = 1  # a page costs far more to extract than to send: one per task balances best
    batch_bytes = 0

    def __init__(self, workers: int, processor: str | Processor | None = None) -> None:
        self.workers = workers
        self.window = 2 * workers
        self.processor = processor if processor is not None else DEFAULT_PROCESSOR
        resolve_processor(self.processor)  # a bad name fails here, not in every worker
        self._pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_init
        )

    def submit(self, jobs: list[PageJob]) -> Handle:
        future: Future[list[PageResult]] = self._pool.submit(process_batch, jobs, self.processor)
        return future

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskBackend:
    """Extraction on a Dask distributed cluster; results come back to this process, which writes."""

    name = "dask"
    batch_pages = 4
    batch_bytes = 256 << 10

    def __init__(self, address: Any, processor: str | Processor | None = None) -> None:
        try:
            from distributed import Client
        except ImportError as error:
            raise ConfigError(
                "--dask needs the distributed package", "pip install 'dask[distributed]'"
            ) from error
        if isinstance(address, Client):
            self.client, self._owned = address, False
        else:
            try:
                self.client, self._owned = Client(address, timeout="30s"), True
            except OSError as error:
                raise ConfigError(
                    f"cannot reach the Dask scheduler at {address}: {error}",
                    "check the address (tcp://host:8786)",
                ) from error
        threads = sum(self.client.nthreads().values()) or 1
        self.workers = threads
        self.window = 2 * threads + 2
        self.processor = processor if processor is not None else DEFAULT_PROCESSOR
        resolve_processor(self.processor)

    def submit(self, jobs: list[PageJob]) -> Handle:
        future: Handle = self.client.submit(process_batch, jobs, self.processor, pure=False)
        return future

    def close(self) -> None:
        if self._owned:
            self.client.close()


def make_backend(
    workers: int | None = None, dask_address: Any = None, processor: str | Processor | None = None
) -> SequentialBackend | PoolBackend | DaskBackend:
    """Dask when an address (or a ``distributed.Client``) is given; else a pool of ``workers``
    processes (default: all cores); one worker runs in this process."""
    if dask_address is not None:
        return DaskBackend(dask_address, processor)
    n = workers if workers is not None else (os.cpu_count() or 1)
    if n <= 1:
        return SequentialBackend(processor)
    return PoolBackend(n, processor)
