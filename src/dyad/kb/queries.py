"""The public query API: :class:`KnowledgeBase` (a :class:`~dyad.kb.store.Store` that answers).

Every method takes names as users write them ("Russian Federation", "RUS", "Q159"), resolved
through the stored aliases and the gazetteer; an unknown name raises UnknownEntityError with
suggestions, an ambiguous one AmbiguousEntityError. ``on`` is a date (``date``, ``YYYY``,
``YYYY-MM``, ``YYYY-MM-DD``; a period means its last day) or None for "everything known".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session, aliased

from dyad.errors import NotFoundError
from dyad.kb.dates import parse_on
from dyad.kb.fusion import ClaimInfo, choose_date
from dyad.kb.names import title_similarity
from dyad.kb.schema import AliasRow, ClaimRow, DocumentRow, EntityRow, EvidenceRow, FactPartyRow, FactRow
from dyad.kb.state import (
    ENVOY_TYPES,
    MISSION_TYPES,
    RECOGNITION_TYPES,
    RELATION_TYPES,
    FactInfo,
    MissionState,
    RecognitionState,
    Tenure,
    TreatyState,
    envoy_tenures,
    mission_states,
    recognition_state,
    relations_state,
    treaty_states,
)
from dyad.kb.store import EntityRef, Store
from dyad.kb.views import (
    ConflictView,
    DocumentView,
    EntityView,
    EvidenceView,
    FactView,
    SearchHit,
    StatusView,
)

__all__ = ["KnowledgeBase"]

_Actor = aliased(EntityRow, name="actor_entity")
_Target = aliased(EntityRow, name="target_entity")
_FACT_COLUMNS = (
    FactRow.id,
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
    _Actor.name.label("actor"),
    _Target.name.label("target"),
)
# Types between two states that `status` reads through the (type, actor, target, date) index.
_PAIR_TYPES = (*RECOGNITION_TYPES, *RELATION_TYPES, *ENVOY_TYPES, *MISSION_TYPES)


def _chunks(items: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


class KnowledgeBase(Store):
    """An open knowledge base: writes (from :class:`Store`) and queries."""

    # ------------------------------------------------------------------ fact loading

    def _select_facts(self, *where: ColumnElement[bool]) -> Any:
        return (
            select(*_FACT_COLUMNS)
            .outerjoin(_Actor, _Actor.id == FactRow.actor_id)
            .outerjoin(_Target, _Target.id == FactRow.target_id)
            .where(*where)
        )

    def _load(self, conn: Any, stmt: Any, docs: bool = False) -> list[FactInfo]:
        rows = conn.execute(stmt).all()
        doc_map = self._docs_of(conn, [r.id for r in rows]) if docs else {}
        return [
            FactInfo(
                id=r.id,
                type=r.type,
                actor=r.actor,
                target=r.target,
                date=r.date,
                start=r.date_start,
                end=r.date_end,
                person=r.person,
                person_key=r.person_key,
                title=r.title,
                kind=r.kind,
                city=r.city,
                parties=tuple(r.roles.get("parties") or ()),
                docs=doc_map.get(r.id, ()),
                roles=r.roles,
                n_sources=r.n_sources,
                conflict=r.conflict,
            )
            for r in rows
        ]

    @staticmethod
    def _docs_of(conn: Any, fact_ids: list[int]) -> dict[int, tuple[str, ...]]:
        found: dict[int, set[str]] = defaultdict(set)
        for chunk in _chunks(sorted(set(fact_ids))):
            for fact_id, doc_id in conn.execute(
                select(ClaimRow.fact_id, DocumentRow.doc_id)
                .join(DocumentRow, DocumentRow.id == ClaimRow.document_id)
                .where(ClaimRow.fact_id.in_(chunk))
            ):
                found[fact_id].add(doc_id)
        return {k: tuple(sorted(v)) for k, v in found.items()}

    @staticmethod
    def _view(f: FactInfo) -> FactView:
        return FactView(f.id, f.type, dict(f.roles), f.date, _precision(f.date), f.docs, f.conflict)

    @staticmethod
    def _on_filter(on: date | None) -> list[ColumnElement[bool]]:
        return [FactRow.date_start <= on] if on is not None else []

    def _treaty_facts(
        self, conn: Any, a: EntityRef, b: EntityRef | None, on: date | None
    ) -> tuple[list[FactInfo], list[FactInfo]]:
        """Treaties signed with ``a`` (and ``b``) as parties, and the ratifications by their parties."""
        if a.id is None or (b is not None and b.id is None):
            return [], []
        p1 = aliased(FactPartyRow)
        ids = select(p1.fact_id).where(p1.entity_id == a.id, p1.role == "party")
        if b is not None:
            p2 = aliased(FactPartyRow)
            ids = ids.join(p2, and_(p2.fact_id == p1.fact_id, p2.entity_id == b.id, p2.role == "party"))
        signed = self._load(
            conn,
            self._select_facts(FactRow.id.in_(ids), FactRow.type == "treaty_signed", *self._on_filter(on)),
            docs=True,
        )
        if not signed:
            return [], []
        party_ids = select(FactPartyRow.entity_id).where(
            FactPartyRow.fact_id.in_([t.id for t in signed]), FactPartyRow.role == "party"
        )
        candidates = self._load(
            conn,
            self._select_facts(
                FactRow.type == "treaty_ratified", FactRow.actor_id.in_(party_ids), *self._on_filter(on)
            ),
        )
        # Only ratifications whose title fits one of these treaties need their documents.
        ratified = [
            r
            for r in candidates
            if r.title
            and any(r.actor in t.parties and t.title and title_similarity(r.title, t.title, t.parties) >= 0.5
                    for t in signed)
        ]  # fmt: skip
        docs = self._docs_of(conn, [r.id for r in ratified])
        return signed, [replace(r, docs=docs.get(r.id, ())) for r in ratified]

    # ------------------------------------------------------------------ queries

    def status(self, a: str, b: str, on: str | date | None = None) -> StatusView:
        """Everything between ``a`` and ``b`` as of ``on``: recognition both ways, relations,
        envoys both ways, missions both ways, treaties."""
        day = parse_on(on)
        facts: list[FactInfo] = []
        signed: list[FactInfo] = []
        ratified: list[FactInfo] = []
        with self._read() as conn:
            ra, rb = self.resolve(a, conn), self.resolve(b, conn)
            if ra.id is not None and rb.id is not None:
                facts = self._load(
                    conn,
                    self._select_facts(
                        FactRow.type.in_(_PAIR_TYPES),
                        FactRow.actor_id.in_([ra.id, rb.id]),
                        FactRow.target_id.in_([ra.id, rb.id]),
                    ),
                )  # all dates: the derivations apply `on` (mission cities come from every fact)
                signed, ratified = self._treaty_facts(conn, ra, rb, day)
        envoys = {
            f"{ra.name}→{rb.name}": envoy_tenures(
                [f for f in facts if f.type in ENVOY_TYPES and f.actor == ra.name and f.target == rb.name],
                day,
            ),
            f"{rb.name}→{ra.name}": envoy_tenures(
                [f for f in facts if f.type in ENVOY_TYPES and f.actor == rb.name and f.target == ra.name],
                day,
            ),
        }
        missions = mission_states([f for f in facts if f.type in MISSION_TYPES and f.actor != f.target], day)
        return StatusView(
            a=ra.name,
            b=rb.name,
            on=_iso(day),
            recognition=(
                recognition_state(facts, ra.name, rb.name, day),
                recognition_state(facts, rb.name, ra.name, day),
            ),
            relations=relations_state(facts, ra.name, rb.name, day),
            envoys=envoys,
            missions=missions,
            treaties=treaty_states(signed, ratified, day),
        )

    def recognitions(
        self, x: str, on: str | date | None = None, *, include_withdrawn: bool = False
    ) -> list[RecognitionState]:
        """The states that recognise ``x`` on ``on`` (with ``include_withdrawn``, also those
        whose recognition was withdrawn by then), earliest first."""
        day = parse_on(on)
        with self._read() as conn:
            rx = self.resolve(x, conn)
            if rx.id is None:
                return []
            facts = self._load(
                conn,
                self._select_facts(
                    FactRow.type.in_(RECOGNITION_TYPES), FactRow.target_id == rx.id, *self._on_filter(day)
                ),
            )
        by_actor: dict[str, list[FactInfo]] = defaultdict(list)
        for f in facts:
            if f.actor:
                by_actor[f.actor].append(f)
        states = [recognition_state(items, actor, rx.name, day) for actor, items in by_actor.items()]
        states = [s for s in states if s.recognises or (include_withdrawn and s.status == "withdrawn")]
        return sorted(states, key=lambda s: (s.since is None, s.since or "", s.actor))

    def timeline(self, a: str, b: str | None = None, on: str | date | None = None) -> list[FactView]:
        """Every fact involving ``a`` (and ``b``), in date order, undated last; with ``b``, also
        the ratifications of the treaties between them."""
        day = parse_on(on)
        with self._read() as conn:
            ra = self.resolve(a, conn)
            rb = self.resolve(b, conn) if b is not None else None
            if ra.id is None or (rb is not None and rb.id is None):
                return []
            p1 = aliased(FactPartyRow)
            ids = select(p1.fact_id).where(p1.entity_id == ra.id)
            if rb is not None:
                p2 = aliased(FactPartyRow)
                ids = ids.join(p2, and_(p2.fact_id == p1.fact_id, p2.entity_id == rb.id))
            facts = self._load(
                conn, self._select_facts(FactRow.id.in_(ids), *self._on_filter(day)), docs=True
            )
            if rb is not None:
                signed, ratified = self._treaty_facts(conn, ra, rb, day)
                linked = {r.fact_id for t in treaty_states(signed, ratified, day) for r in t.ratified}
                seen = {f.id for f in facts}
                facts += [r for r in ratified if r.id in linked and r.id not in seen]
        facts.sort(key=lambda f: (f.start is None, f.start or date.min, f.end or date.min, f.id))
        return [self._view(f) for f in facts]

    def envoys(self, a: str, b: str | None = None, on: str | date | None = None) -> list[Tenure]:
        """Envoys of ``a`` (to ``b``) with their tenures, as of ``on``."""
        day = parse_on(on)
        with self._read() as conn:
            ra = self.resolve(a, conn)
            rb = self.resolve(b, conn) if b is not None else None
            if ra.id is None or (rb is not None and rb.id is None):
                return []
            where = [FactRow.type.in_(ENVOY_TYPES), FactRow.actor_id == ra.id, *self._on_filter(day)]
            if rb is not None:
                where.append(FactRow.target_id == rb.id)
            facts = self._load(conn, self._select_facts(*where))
        by_receiver: dict[str, list[FactInfo]] = defaultdict(list)
        for f in facts:
            by_receiver[f.target or ""].append(f)
        return [t for receiver in sorted(by_receiver) for t in envoy_tenures(by_receiver[receiver], day)]

    def missions(self, a: str, b: str | None = None, on: str | date | None = None) -> list[MissionState]:
        """Missions of ``a`` (in ``b``) as of ``on``."""
        day = parse_on(on)
        with self._read() as conn:
            ra = self.resolve(a, conn)
            rb = self.resolve(b, conn) if b is not None else None
            if ra.id is None or (rb is not None and rb.id is None):
                return []
            where = [FactRow.type.in_(MISSION_TYPES), FactRow.actor_id == ra.id]
            if rb is not None:
                where.append(FactRow.target_id == rb.id)
            facts = self._load(conn, self._select_facts(*where))
        return mission_states(facts, day)

    def treaties(
        self, a: str, b: str | None = None, pending: bool = False, on: str | date | None = None
    ) -> list[TreatyState]:
        """Treaties of ``a`` (with ``b``) signed by ``on``; ``pending``: only those not in force."""
        day = parse_on(on)
        with self._read() as conn:
            ra = self.resolve(a, conn)
            rb = self.resolve(b, conn) if b is not None else None
            signed, ratified = self._treaty_facts(conn, ra, rb, day)
        states = treaty_states(signed, ratified, day)
        return [t for t in states if t.pending] if pending else states

    def conflicts(self) -> list[ConflictView]:
        """Facts whose sources disagree on the date, with every candidate and its sources."""
        with self._read() as conn:
            facts = self._load(
                conn, self._select_facts(FactRow.conflict.is_(True)).order_by(FactRow.id), docs=True
            )
            claims: dict[int, list[ClaimInfo]] = defaultdict(list)
            ids = [f.id for f in facts]
            for chunk in _chunks(ids):
                for r in conn.execute(
                    select(
                        ClaimRow.id,
                        ClaimRow.fact_id,
                        ClaimRow.seq,
                        ClaimRow.date,
                        ClaimRow.date_start,
                        ClaimRow.date_end,
                        DocumentRow.doc_id,
                    )
                    .join(DocumentRow, DocumentRow.id == ClaimRow.document_id)
                    .where(ClaimRow.fact_id.in_(chunk))
                ):
                    claims[r.fact_id].append(
                        ClaimInfo(r.id, r.doc_id, r.seq, r.date, r.date_start, r.date_end)
                    )
        out = []
        for f in facts:
            candidates = choose_date(claims[f.id]).candidates
            view = self._view(f)
            out.append(ConflictView(FactView(**{**_fields(view), "candidates": candidates}), candidates))
        return out

    def entities(self) -> list[EntityView]:
        """The states and organisations in the knowledge base, with ids, aliases and fact counts."""
        with self._read() as conn:
            counts = dict(
                conn.execute(
                    select(FactPartyRow.entity_id, func.count(func.distinct(FactPartyRow.fact_id))).group_by(
                        FactPartyRow.entity_id
                    )
                ).all()
            )
            aliases: dict[int, list[str]] = defaultdict(list)
            for entity_id, alias in conn.execute(
                select(AliasRow.entity_id, AliasRow.alias).order_by(AliasRow.id)
            ):
                aliases[entity_id].append(alias)
            rows = Session(bind=conn).scalars(select(EntityRow).order_by(EntityRow.name)).all()
            return [
                EntityView(
                    name=e.name,
                    kind=e.kind,
                    iso2=e.iso2,
                    iso3=e.iso3,
                    wikidata=e.wikidata,
                    cow=e.cow,
                    cow_abbr=e.cow_abbr,
                    gw=e.gw,
                    status=e.status,
                    capital=e.capital,
                    known=e.known,
                    aliases=tuple(a for a in aliases[e.id] if a != e.name),
                    facts=counts.get(e.id, 0),
                )
                for e in rows
            ]

    def search(self, text: str, limit: int = 50) -> list[SearchHit]:
        """Facts whose evidence contains every word of ``text`` (case-insensitive)."""
        words = text.split()
        if not words:
            return []
        conditions = [EvidenceRow.text.icontains(w, autoescape=True) for w in words]
        with self._read() as conn:
            found = conn.execute(
                select(ClaimRow.fact_id, DocumentRow.doc_id, EvidenceRow.text)
                .join(ClaimRow, ClaimRow.id == EvidenceRow.claim_id)
                .join(DocumentRow, DocumentRow.id == EvidenceRow.document_id)
                .where(*conditions, ClaimRow.fact_id.is_not(None))
                .order_by(ClaimRow.fact_id, EvidenceRow.id)
            ).all()
            first: dict[int, tuple[str, str]] = {}
            for fact_id, doc_id, evidence_text in found:
                first.setdefault(fact_id, (doc_id, evidence_text))
            facts = []
            for chunk in _chunks(list(first)):
                facts += self._load(conn, self._select_facts(FactRow.id.in_(chunk)), docs=True)
        facts.sort(key=lambda f: (f.start is None, f.start or date.min, f.id))
        return [SearchHit(self._view(f), *first[f.id]) for f in facts[:limit]]

    def event(self, fact_id: int) -> FactView:
        """One fact with all its evidence and candidate dates; NotFoundError if there is none."""
        with self._read() as conn:
            facts = self._load(conn, self._select_facts(FactRow.id == fact_id), docs=True)
            if not facts:
                raise NotFoundError(f"no event with id {fact_id}")
            rows = conn.execute(
                select(
                    DocumentRow.doc_id,
                    EvidenceRow.text,
                    EvidenceRow.start_offset,
                    EvidenceRow.end_offset,
                    EvidenceRow.section,
                    EvidenceRow.block_kind,
                )
                .join(ClaimRow, ClaimRow.id == EvidenceRow.claim_id)
                .join(DocumentRow, DocumentRow.id == EvidenceRow.document_id)
                .where(ClaimRow.fact_id == fact_id)
                .order_by(DocumentRow.doc_id, EvidenceRow.start_offset)
            ).all()
            claims = conn.execute(
                select(
                    ClaimRow.id,
                    ClaimRow.seq,
                    ClaimRow.date,
                    ClaimRow.date_start,
                    ClaimRow.date_end,
                    DocumentRow.doc_id,
                )
                .join(DocumentRow, DocumentRow.id == ClaimRow.document_id)
                .where(ClaimRow.fact_id == fact_id)
            ).all()
        choice = choose_date(
            [ClaimInfo(c.id, c.doc_id, c.seq, c.date, c.date_start, c.date_end) for c in claims]
        )
        view = self._view(facts[0])
        return FactView(
            **{
                **_fields(view),
                "evidence": tuple(EvidenceView(*r) for r in rows),
                "candidates": choice.candidates,
            }
        )

    def documents(self) -> list[DocumentView]:
        """The ingested documents."""
        with self._read() as conn:
            rows = Session(bind=conn).scalars(select(DocumentRow).order_by(DocumentRow.doc_id)).all()
            return [
                DocumentView(
                    d.doc_id,
                    d.title,
                    d.source,
                    d.format,
                    d.content_hash,
                    d.n_events,
                    d.ingested_at.isoformat(),
                )
                for d in rows
            ]

    def counts(self) -> dict[str, int]:
        """Rows per table (documents, entities, facts, claims, evidence, ...)."""
        from dyad.kb.schema import Base

        with self._read() as conn:
            return {
                name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in Base.metadata.tables.items()
            }

    def recognition(self, actor: str, target: str, on: str | date | None = None) -> RecognitionState:
        """Whether ``actor`` recognises ``target`` as of ``on``."""
        return self.status(actor, target, on).recognition[0]


def _precision(value: str | None) -> str | None:
    return {4: "year", 7: "month", 10: "day"}.get(len(value)) if value else None


def _fields(view: FactView) -> dict[str, Any]:
    return {name: getattr(view, name) for name in FactView.__dataclass_fields__}
