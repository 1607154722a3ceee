"""Read-only queries the pages need that :mod:`dyad.kb`'s query API does not answer.

Everything else the web layer shows comes from the public API (``status``, ``timeline``,
``recognitions``, ``envoys``, ``missions``, ``treaties``, ``conflicts``, ``entities``,
``search``, ``event``, ``documents``, ``counts``). These few read the tables directly, with
SELECT statements only:

- :func:`latest_facts`: the most recent events, for the home page;
- :func:`first_evidence`: one source sentence per fact, for the timeline's hover text;
- :func:`network`: recognition and relations edges as of a day, for the network page (the
  as-of rule and the transitions are those of :mod:`dyad.kb.state`; a test compares every edge
  with ``KnowledgeBase.status``);
- :func:`conflict_count` and :func:`data_version` (a cheap stamp that changes whenever a
  document is stored, replaced or forgotten: the response cache keys on it);
- :func:`document_text`: the text of an ingested article, read back from the file it was
  ingested from, only when that file still has the same content hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from dyad.kb import DocumentView, FactView, KnowledgeBase
from dyad.kb.schema import ClaimRow, DocumentRow, EntityRow, EvidenceRow, FactRow

__all__ = [
    "MAX_SOURCE_BYTES",
    "Edge",
    "conflict_count",
    "data_version",
    "document_text",
    "edge_facts",
    "first_evidence",
    "fold_recognitions",
    "latest_facts",
    "network",
    "precision_of",
    "recognition_series",
]

RECOGNITION_TYPES = ("recognition", "recognition_withdrawn")
RELATION_TYPES = ("relations_established", "relations_severed")
# Within one day: the lifecycle order of dyad.kb.state (recognition before its withdrawal).
_TYPE_ORDER = {
    "recognition": 0,
    "recognition_withdrawn": 1,
    "relations_established": 0,
    "relations_severed": 1,
}
MAX_SOURCE_BYTES = 20 * 1024 * 1024

_Actor = aliased(EntityRow, name="actor_entity")
_Target = aliased(EntityRow, name="target_entity")


def precision_of(value: str | None) -> str | None:
    return {4: "year", 7: "month", 10: "day"}.get(len(value)) if value else None


def _chunks(items: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def latest_facts(kb: KnowledgeBase, limit: int = 12) -> list[FactView]:
    """The ``limit`` most recent dated events, newest first (sources are not filled in)."""
    with kb.engine.connect() as conn:
        rows = conn.execute(
            select(FactRow.id, FactRow.type, FactRow.roles, FactRow.date, FactRow.conflict)
            .where(FactRow.date_start.is_not(None))
            .order_by(FactRow.date_start.desc(), FactRow.id.desc())
            .limit(limit)
        ).all()
    return [
        FactView(r.id, r.type, dict(r.roles), r.date, precision_of(r.date), (), bool(r.conflict))
        for r in rows
    ]


def first_evidence(kb: KnowledgeBase, fact_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """For each fact, (document id, text) of its first piece of evidence."""
    ids = sorted(set(fact_ids))
    found: dict[int, tuple[str, str]] = {}
    with kb.engine.connect() as conn:
        for chunk in _chunks(ids):
            rows = conn.execute(
                select(ClaimRow.fact_id, DocumentRow.doc_id, EvidenceRow.text)
                .join(ClaimRow, ClaimRow.id == EvidenceRow.claim_id)
                .join(DocumentRow, DocumentRow.id == EvidenceRow.document_id)
                .where(ClaimRow.fact_id.in_(chunk))
                .order_by(ClaimRow.fact_id, DocumentRow.doc_id, EvidenceRow.id)
            )
            for fact_id, doc_id, text in rows:
                if fact_id is not None:
                    found.setdefault(fact_id, (doc_id, text))
    return found


def conflict_count(kb: KnowledgeBase) -> int:
    with kb.engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).select_from(FactRow).where(FactRow.conflict.is_(True))
            ).scalar_one()
        )


def data_version(kb: KnowledgeBase) -> tuple[Any, ...]:
    """A stamp of the stored documents: changes when one is added, replaced or forgotten."""
    with kb.engine.connect() as conn:
        row = conn.execute(
            select(
                func.count(DocumentRow.id), func.max(DocumentRow.ingested_at), func.sum(DocumentRow.n_events)
            )
        ).one()
    return (row[0], str(row[1]), row[2])


# --------------------------------------------------------------------------- network


@dataclass(frozen=True, slots=True)
class _Row:
    """A recognition or relations fact, as the folds read it."""

    id: int
    type: str
    actor: str
    target: str
    date: str | None
    start: dt.date | None
    end: dt.date | None


@dataclass(frozen=True, slots=True)
class Edge:
    """A recognition (directed: source recognises target) or diplomatic relations (undirected)."""

    type: str  # "recognition" or "relations"
    source: str
    target: str
    status: str  # "recognised", "re-recognised", "established", "restored"
    since: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "source": self.source,
            "target": self.target,
            "status": self.status,
            "since": self.since,
        }


def _network_rows(kb: KnowledgeBase, entity: str | None = None) -> list[_Row]:
    stmt = (
        select(
            FactRow.id,
            FactRow.type,
            _Actor.name.label("actor"),
            _Target.name.label("target"),
            FactRow.date,
            FactRow.date_start,
            FactRow.date_end,
        )
        .join(_Actor, _Actor.id == FactRow.actor_id)
        .join(_Target, _Target.id == FactRow.target_id)
        .where(FactRow.type.in_((*RECOGNITION_TYPES, *RELATION_TYPES)))
    )
    if entity is not None:
        stmt = stmt.where((_Actor.name == entity) | (_Target.name == entity))
    with kb.engine.connect() as conn:
        return [_Row(*r) for r in conn.execute(stmt)]


def _in_order(rows: Iterable[_Row], on: date | None) -> list[_Row]:
    """The rows that happened by ``on`` (with a day, undated rows do not count), in time order."""
    kept = [r for r in rows if on is None or (r.start is not None and r.start <= on)]
    return sorted(
        kept, key=lambda r: (r.start or date.min, r.end or date.min, _TYPE_ORDER.get(r.type, 9), r.id)
    )


def fold_recognitions(rows: Iterable[_Row], on: date | None) -> dict[tuple[str, str], tuple[str, str | None]]:
    """(actor, target) -> (status, since) of every recognition that stands on ``on``."""
    state: dict[tuple[str, str], tuple[str, str | None]] = {}
    for r in _in_order((r for r in rows if r.type in RECOGNITION_TYPES), on):
        key = (r.actor, r.target)
        status = state.get(key, ("none", None))[0]
        if r.type == "recognition":
            if status in ("none", "withdrawn"):
                state[key] = ("recognised" if status == "none" else "re-recognised", r.date)
        else:
            state[key] = ("withdrawn", r.date)
    return {k: v for k, v in state.items() if v[0] in ("recognised", "re-recognised")}


def _fold_relations(rows: Iterable[_Row], on: date | None) -> dict[tuple[str, str], tuple[str, str | None]]:
    state: dict[tuple[str, str], tuple[str, str | None]] = {}
    for r in _in_order((r for r in rows if r.type in RELATION_TYPES), on):
        a, b = sorted((r.actor, r.target))
        status = state.get((a, b), ("none", None))[0]
        if r.type == "relations_established":
            if status in ("none", "severed"):
                state[(a, b)] = ("established" if status == "none" else "restored", r.date)
        else:
            state[(a, b)] = ("severed", r.date)
    return {k: v for k, v in state.items() if v[0] in ("established", "restored")}


def edge_facts(facts: Iterable[FactView]) -> list[_Row]:
    """The recognition and relations facts among ``facts`` (from the query API), for the folds."""
    from dyad.web.present import period

    rows = []
    for f in facts:
        if f.type in RECOGNITION_TYPES or f.type == "relations_severed":
            actor, target = f.roles.get("actor"), f.roles.get("target")
        elif f.type == "relations_established" and len(f.roles.get("parties") or []) == 2:
            actor, target = f.roles["parties"]
        else:
            continue
        if not actor or not target:
            continue
        span = period(f.date)
        rows.append(_Row(f.id, f.type, str(actor), str(target), f.date, *(span or (None, None))))
    return rows


def recognition_series(rows: Sequence[_Row], name: str) -> tuple[dict[int, int], dict[int, int]]:
    """Year -> how many states recognise ``name`` at the end of that year, and year -> how many
    ``name`` recognises; from the first year with a dated recognition to the last."""
    years = sorted({r.start.year for r in rows if r.start is not None and r.type in RECOGNITION_TYPES})
    received: dict[int, int] = {}
    given: dict[int, int] = {}
    if not years:
        return received, given
    for year in range(years[0], years[-1] + 1):
        standing = fold_recognitions(rows, date(year, 12, 31))
        received[year] = sum(1 for _, t in standing if t == name)
        given[year] = sum(1 for a, _ in standing if a == name)
    return received, given


def network(kb: KnowledgeBase, on: date | None) -> dict[str, Any]:
    """Nodes (every state with a recognition or relations event, dated or not) and the edges
    that stand on ``on`` (None: everything known), with the range of years the events span."""
    rows = _network_rows(kb)
    names = sorted({r.actor for r in rows} | {r.target for r in rows})
    kinds = {e.name: e.kind for e in kb.entities()} if names else {}
    edges = [
        Edge("recognition", a, t, status, since)
        for (a, t), (status, since) in fold_recognitions(rows, on).items()
    ]
    edges += [
        Edge("relations", a, b, status, since)
        for (a, b), (status, since) in _fold_relations(rows, on).items()
    ]
    edges.sort(key=lambda e: (e.type, e.source, e.target))
    years = sorted({r.start.year for r in rows if r.start is not None})
    degree: dict[str, int] = defaultdict(int)
    for e in edges:
        degree[e.source] += 1
        degree[e.target] += 1
    return {
        "on": on.isoformat() if on else None,
        "first_year": years[0] if years else None,
        "last_year": years[-1] if years else None,
        "nodes": [{"name": n, "kind": kinds.get(n, "state"), "degree": degree.get(n, 0)} for n in names],
        "edges": [e.to_dict() for e in edges],
    }


# --------------------------------------------------------------------------- documents


def document_text(doc: DocumentView, root: Path | None = None) -> str | None:
    """The text ``doc`` was ingested from, or None when its file is gone or has changed.

    The file is the one recorded at ingest (relative paths against ``root``, default the
    working folder); its decoded text must hash to the stored content hash, so offsets of the
    evidence still point at the right characters.
    """
    if not doc.source or doc.source.startswith(("<", "upload:")):
        return None
    path = Path(doc.source)
    if not path.is_absolute() and root is not None:
        path = root / path
    try:
        if not path.is_file() or path.stat().st_size > MAX_SOURCE_BYTES:
            return None
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != doc.content_hash:
        return None
    return text
