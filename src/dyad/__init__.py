"""dyad: a temporal, evidence-linked knowledge base of diplomacy, read from encyclopedia articles.

The public Python API. Each stage is a package with a small surface of its own
(:mod:`dyad.read`, :mod:`dyad.extract`, :mod:`dyad.kb`, ...); the names here are the ones most
programs need::

    import dyad
    doc = dyad.read_path("corpus/kosovo-serbia.txt")
    for event in dyad.extract_document(doc):
        print(event.date, event.type, event.roles)
"""

from __future__ import annotations

from typing import Any

from dyad.errors import (
    AmbiguousEntityError,
    ConfigError,
    DateError,
    DyadError,
    InputError,
    NotFoundError,
    ReadError,
    StoreError,
    UnknownEntityError,
)
from dyad.model import Block, Document, Event, Evidence
from dyad.read import read_path, read_paths, read_text

__version__ = "0.1.0"

__all__ = [
    "AmbiguousEntityError",
    "Block",
    "ConfigError",
    "DateError",
    "Document",
    "DyadError",
    "Event",
    "Evidence",
    "InputError",
    "NotFoundError",
    "ReadError",
    "StoreError",
    "UnknownEntityError",
    "__version__",
    "extract_document",
    "read_path",
    "read_paths",
    "read_text",
]


def extract_document(doc: Document, settings: Any = None) -> list[Event]:
    """Every event a document states, each with its evidence (see :mod:`dyad.extract`)."""
    from dyad.extract import extract_document as _extract

    return _extract(doc, settings)
