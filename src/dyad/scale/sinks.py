"""Where ingested pages go: the single writer's side of :func:`dyad.scale.ingest_dump`.

A :class:`Sink` stores one document with its events in one transaction, idempotently (a
document stored again with the same text and events changes nothing), and says whether it
already holds a document with a given text. :class:`KBSink` adapts the knowledge base of
:mod:`dyad.kb`; :class:`MemorySink` keeps everything in a dict (dry runs, tests).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from dyad.model import Document, Event

__all__ = ["KBSink", "MemorySink", "Sink", "as_sink", "content_hash"]


def content_hash(text: str) -> str:
    """The content hash the knowledge base keys documents with (SHA-256 of the UTF-8 text)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@runtime_checkable
class Sink(Protocol):
    def store_document(self, doc: Document, events: Sequence[Event]) -> bool:
        """Store ``doc`` and its events in one transaction; True if anything changed."""
        ...

    def has_document(self, doc_id: str, content_hash: str) -> bool:
        """True if the document ``doc_id`` is stored with this content hash."""
        ...


class KBSink:
    """A :class:`dyad.kb.KnowledgeBase` (or its URL) as a sink.

    ``extractor``: the tag stored with each document (default: ``dyad.extract@<version>``, the
    tag ``KnowledgeBase.ingest_documents`` uses, so both paths agree on what is unchanged).
    """

    def __init__(self, kb: Any, *, extractor: str | None = None) -> None:
        if isinstance(kb, str) or kb is None:
            from dyad.kb import open_kb

            kb = open_kb(kb)
            self._owned = True
        else:
            self._owned = False
        self.kb = kb
        self.extractor = extractor if extractor is not None else _extractor_tag()
        self._hashes: dict[str, str] | None = None

    @property
    def url(self) -> str:
        return str(getattr(self.kb, "url", ""))

    def store_document(self, doc: Document, events: Sequence[Event]) -> bool:
        status = self.kb.store_document(doc, events, extractor=self.extractor)
        if self._hashes is not None:
            self._hashes[doc.doc_id] = content_hash(doc.text)
        return bool(status) and status != "unchanged"

    def has_document(self, doc_id: str, content_hash: str) -> bool:
        native = getattr(self.kb, "has_document", None)
        if callable(native):
            return bool(native(doc_id, content_hash))
        if self._hashes is None:  # one read of the document list, then kept up to date
            self._hashes = {view.doc: view.content_hash for view in self.kb.documents()}
        return self._hashes.get(doc_id) == content_hash

    def close(self) -> None:
        if self._owned:
            self.kb.close()

    def __repr__(self) -> str:
        return f"KBSink({self.kb!r})"


class MemorySink:
    """Documents and events in memory: ``docs[doc_id] = (content_hash, [event.to_exchange(), ...])``."""

    def __init__(self) -> None:
        self.docs: dict[str, tuple[str, list[dict[str, Any]]]] = {}
        self.titles: dict[str, str] = {}
        self.writes = 0  # calls that changed something

    def store_document(self, doc: Document, events: Sequence[Event]) -> bool:
        value = (content_hash(doc.text), [ev.to_exchange() for ev in events])
        if self.docs.get(doc.doc_id) == value:
            return False
        self.docs[doc.doc_id] = value
        self.titles[doc.doc_id] = doc.title
        self.writes += 1
        return True

    def has_document(self, doc_id: str, content_hash: str) -> bool:
        found = self.docs.get(doc_id)
        return found is not None and found[0] == content_hash

    def events(self) -> list[dict[str, Any]]:
        return [ev for _, events in self.docs.values() for ev in events]


def as_sink(target: Any) -> Any:
    """A sink for what was given: a Sink as is, a knowledge base or a database URL wrapped in KBSink."""
    if target is None or isinstance(target, str):
        return KBSink(target)
    if hasattr(target, "has_document") and hasattr(target, "store_document") and not _is_kb(target):
        return target
    if hasattr(target, "store_document"):
        return KBSink(target)
    raise TypeError(f"not a sink: {target!r} (it needs store_document and has_document)")


def _is_kb(target: Any) -> bool:
    return type(target).__module__.startswith("dyad.kb")


def _extractor_tag() -> str:
    try:
        import dyad.extract as extract

        version = getattr(extract, "EXTRACTOR_VERSION", None)
    except ImportError:
        version = None
    if not version:
        try:
            from importlib.metadata import version as dist_version

            version = dist_version("dyad")
        except Exception:
            version = "dev"
    return f"dyad.extract@{version}"
