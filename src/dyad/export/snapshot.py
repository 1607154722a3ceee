"""The knowledge base read into memory once, for exports that look at every pair of states.

The query API of :mod:`dyad.kb` answers one question at a time (``status(a, b, on)``); a panel
asks it for every pair and every year. This module reads the tables once, read-only, through
SQLAlchemy (the public API has no bulk reader), and builds the same
:class:`~dyad.kb.state.FactInfo` objects the query API feeds to the derivations of
:mod:`dyad.kb.state`, so both paths give the same answers.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from dyad.errors import StoreError
from dyad.kb import KnowledgeBase
from dyad.kb.names import norm_name
from dyad.kb.schema import ClaimRow, DocumentRow, EntityRow, FactPartyRow, FactRow
from dyad.kb.state import FactInfo
from dyad.kb.store import safe_url

__all__ = ["EntityInfo", "FactMeta", "Snapshot", "event_ids", "load_snapshot", "read_connection"]


@dataclass(frozen=True, slots=True)
class EntityInfo:
    """A row of ``entities``: a state or organisation with its codes."""

    id: int
    name: str
    kind: str
    iso2: str | None = None
    iso3: str | None = None
    wikidata: str | None = None
    cow: int | None = None
    gw: int | None = None
    status: str | None = None
    known: bool = True


@dataclass(frozen=True, slots=True)
class FactMeta:
    """What a fact has besides its :class:`FactInfo`: ids, precision, parties with roles."""

    event_id: str
    group_key: str
    precision: str | None
    actor_id: int | None
    target_id: int | None
    parties: frozenset[tuple[int, str]]  # (entity id, role) from fact_parties


@dataclass(slots=True)
class Snapshot:
    """Entities and facts of a knowledge base, with indexes the exports need."""

    entities: dict[int, EntityInfo]
    facts: list[FactInfo]
    meta: dict[int, FactMeta]
    by_name: dict[str, EntityInfo] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_name = {e.name: e for e in self.entities.values()}

    def states(self) -> list[EntityInfo]:
        return sorted((e for e in self.entities.values() if e.kind == "state"), key=lambda e: e.name)

    def years(self) -> tuple[int, int] | None:
        """First and last year of the dated facts (None when no fact is dated)."""
        years = [f.start.year for f in self.facts if f.start is not None]
        return (min(years), max(years)) if years else None

    def entity_ids(self, fact_id: int, role: str | None = None) -> set[int]:
        return {eid for eid, r in self.meta[fact_id].parties if role is None or r == role}


@contextmanager
def read_connection(kb: KnowledgeBase) -> Iterator[Any]:
    """A read-only connection to the knowledge base; database errors become StoreError."""
    try:
        with kb.engine.connect() as conn:
            yield conn
    except SQLAlchemyError as error:
        orig = getattr(error, "orig", None) or error
        first = (str(orig).strip().splitlines() or [type(error).__name__])[0]
        raise StoreError(f"cannot read {safe_url(kb.url)}: {first}") from error


def event_ids(rows: list[tuple[int, str, str | None, str | None]]) -> dict[int, str]:
    """Stable ids of facts ``(fact id, group key, date, city)``: a hash of what the fact is.

    Row ids depend on the order documents were ingested in; these do not, so an event keeps
    its id in every export and across an export, import, export cycle.
    """
    out: dict[int, str] = {}
    seen: dict[str, int] = defaultdict(int)
    for fact_id, group_key, date, city in sorted(rows, key=lambda r: (r[1], r[2] or "", r[3] or "", r[0])):
        base = hashlib.sha1(f"{group_key}|{date or ''}|{norm_name(city or '')}".encode()).hexdigest()[:16]
        seen[base] += 1
        out[fact_id] = base if seen[base] == 1 else f"{base}-{seen[base]}"
    return out


def load_snapshot(kb: KnowledgeBase, *, docs: bool = True) -> Snapshot:
    """Every entity and fact of ``kb`` (``docs``: with the documents that tell each fact)."""
    with read_connection(kb) as conn:
        entities = {
            r.id: EntityInfo(
                r.id, r.name, r.kind, r.iso2, r.iso3, r.wikidata, r.cow, r.gw, r.status, bool(r.known)
            )
            for r in conn.execute(
                select(
                    EntityRow.id,
                    EntityRow.name,
                    EntityRow.kind,
                    EntityRow.iso2,
                    EntityRow.iso3,
                    EntityRow.wikidata,
                    EntityRow.cow,
                    EntityRow.gw,
                    EntityRow.status,
                    EntityRow.known,
                )
            )
        }
        parties: dict[int, set[tuple[int, str]]] = defaultdict(set)
        for fact_id, entity_id, role in conn.execute(
            select(FactPartyRow.fact_id, FactPartyRow.entity_id, FactPartyRow.role)
        ):
            parties[fact_id].add((entity_id, role))
        doc_map: dict[int, set[str]] = defaultdict(set)
        if docs:
            for fact_id, doc_id in conn.execute(
                select(ClaimRow.fact_id, DocumentRow.doc_id).join(
                    DocumentRow, DocumentRow.id == ClaimRow.document_id
                )
            ):
                if fact_id is not None:
                    doc_map[fact_id].add(doc_id)
        rows = conn.execute(
            select(
                FactRow.id,
                FactRow.group_key,
                FactRow.type,
                FactRow.roles,
                FactRow.date,
                FactRow.precision,
                FactRow.date_start,
                FactRow.date_end,
                FactRow.person,
                FactRow.person_key,
                FactRow.title,
                FactRow.kind,
                FactRow.city,
                FactRow.n_sources,
                FactRow.conflict,
                FactRow.actor_id,
                FactRow.target_id,
            ).order_by(FactRow.id)
        ).all()
    ids = event_ids([(r.id, r.group_key, r.date, r.city) for r in rows])
    facts: list[FactInfo] = []
    meta: dict[int, FactMeta] = {}
    for r in rows:
        actor = entities[r.actor_id].name if r.actor_id in entities else None
        target = entities[r.target_id].name if r.target_id in entities else None
        roles = dict(r.roles or {})
        facts.append(
            FactInfo(
                id=r.id,
                type=r.type,
                actor=actor,
                target=target,
                date=r.date,
                start=r.date_start,
                end=r.date_end,
                person=r.person,
                person_key=r.person_key,
                title=r.title,
                kind=r.kind,
                city=r.city,
                parties=tuple(roles.get("parties") or ()),
                docs=tuple(sorted(doc_map.get(r.id, ()))),
                roles=roles,
                n_sources=r.n_sources,
                conflict=bool(r.conflict),
            )
        )
        meta[r.id] = FactMeta(
            ids[r.id], r.group_key, r.precision, r.actor_id, r.target_id, frozenset(parties.get(r.id, ()))
        )
    return Snapshot(entities, facts, meta)
