"""Extraction: Documents in, dated events with evidence out.

:func:`extract_document` runs every registered extractor (see :mod:`dyad.extract.registry`)
over one document; :func:`extract_paths` reads files and folders and goes on past bad ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from dyad.config import Settings
from dyad.errors import ReadError
from dyad.extract.pipeline import extract_document
from dyad.extract.registry import EXTRACTOR_MODULES, register, registered
from dyad.model import Document, Event
from dyad.read import read_paths

__all__ = ["EXTRACTOR_MODULES", "extract_document", "extract_paths", "register", "registered"]


def extract_paths(
    paths: Iterable[str | Path], settings: Settings | None = None, fmt: str | None = None
) -> Iterator[tuple[Document, list[Event]] | ReadError]:
    """Read and extract every article; a file that cannot be read yields its error instead."""
    for item in read_paths(paths, fmt=fmt):
        if isinstance(item, ReadError):
            yield item
        else:
            yield item, extract_document(item, settings)
