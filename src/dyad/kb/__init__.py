"""The temporal knowledge base: documents, entities, events (fused into facts) and evidence.

>>> kb = open_kb("sqlite:///dyad.db")            # creates or migrates the schema
>>> report = kb.ingest_documents(["corpus/"])     # read, extract, store; idempotent
>>> kb.status("Russia", "Abkhazia", on="2009").relations.status
'established'

``open_kb(url)`` takes a SQLAlchemy URL (``sqlite:///path``, ``postgresql://user@host/db``), a
plain file path (SQLite), or None (env ``DYAD_DB``, else ``sqlite:///dyad.db``). See
:mod:`dyad.kb.fusion` for how claims of several articles become one fact, :mod:`dyad.kb.state`
for the as-of derivations and :mod:`dyad.kb.dates` for the as-of rule.
"""

from __future__ import annotations

from typing import Any

from dyad.kb.fusion import CONFLICT_WINDOW_DAYS, Candidate
from dyad.kb.queries import KnowledgeBase
from dyad.kb.state import MissionState, Ratification, RecognitionState, RelationsState, Tenure, TreatyState
from dyad.kb.store import _MISSING, DEFAULT_URL, EntityRef, ForgetReport, IngestReport, normalise_url
from dyad.kb.views import (
    ConflictView,
    DocumentView,
    EntityView,
    EvidenceView,
    FactView,
    SearchHit,
    StatusView,
)

__all__ = [
    "CONFLICT_WINDOW_DAYS",
    "DEFAULT_URL",
    "Candidate",
    "ConflictView",
    "DocumentView",
    "EntityRef",
    "EntityView",
    "EvidenceView",
    "FactView",
    "ForgetReport",
    "IngestReport",
    "KnowledgeBase",
    "MissionState",
    "Ratification",
    "RecognitionState",
    "RelationsState",
    "SearchHit",
    "StatusView",
    "Tenure",
    "TreatyState",
    "normalise_url",
    "open_kb",
]


def open_kb(url: str | None = None, *, gazetteer: Any = _MISSING, create: bool = True) -> KnowledgeBase:
    """Open (creating and migrating as needed) the knowledge base at ``url``.

    ``gazetteer``: the entity gazetteer to canonicalise and resolve names with; by default the
    one of ``dyad.entities`` (none if that stage is missing); ``None`` for no gazetteer.
    ``create=False``: a SQLite file that does not exist is an error (StoreError), not created.
    """
    return KnowledgeBase(url, gazetteer=gazetteer, create=create)
