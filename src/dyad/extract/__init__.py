"""Extraction: Documents in, dated events with evidence out.

:func:`extract_document` runs every registered extractor (see :mod:`dyad.extract.registry`)
over one document; :func:`extract_paths` reads files and folders and goes on past bad ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from dyad.config import Settings, get_settings
from dyad.errors import DyadError, ExtractionError, ReadError
from dyad.extract.pipeline import extract_document
from dyad.extract.registry import EXTRACTOR_MODULES, register, registered
from dyad.model import Document, Event
from dyad.read import read_paths

__all__ = ["EXTRACTOR_MODULES", "extract_document", "extract_paths", "register", "registered"]


def extract_paths(
    paths: Iterable[str | Path], settings: Settings | None = None, fmt: str | None = None
) -> Iterator[tuple[Document, list[Event]] | ReadError | ExtractionError]:
    """Read and extract every article; a file that cannot be read, or on which extraction
    fails, yields its error instead and the batch goes on. A bad setting (an unknown extractor)
    stops the batch before it starts."""
    settings = settings or get_settings()
    registered(settings.extractors)
    for item in read_paths(paths, fmt=fmt):
        if isinstance(item, ReadError):
            yield item
            continue
        try:
            events = extract_document(item, settings)
        except DyadError:
            raise
        except Exception as error:  # one article must not stop a batch; it is reported
            yield ExtractionError(item.source, f"{type(error).__name__}: {error}")
            continue
        yield item, events
