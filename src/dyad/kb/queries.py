"""The public query API: :class:`KnowledgeBase` (a :class:`~dyad.kb.store.Store` that answers).

Every method takes names as users write them ("Russian Federation", "RUS", "Q159"), resolved
through the stored aliases and the gazetteer; an unknown name raises UnknownEntityError with
suggestions, an ambiguous one AmbiguousEntityError. ``on`` is a date (``date``, ``YYYY``,
``YYYY-MM``, ``YYYY-MM-DD``; a period means its last day) or None for "everything known".

Speed: every statement is built once (:func:`_stmt`) with bound parameters, each call runs on
one connection (names are resolved on it too), and the as-of queries read through the
``(type, actor_id, target_id, date_start)`` and ``(type, target_id, date_start)`` indexes. Where
many rows may come back (recognitions of a state, ratifications by a state) only a few columns
are read, dates as ISO text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from functools import cache
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import String, and_, bindparam, exists, func, literal_column, select, true, type_coerce
from sqlalchemy.orm import Session

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
    recognition_walk,
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

F = FactRow.__table__
FP = FactPartyRow.__table__
CL = ClaimRow.__table__
DOC = DocumentRow.__table__
EV = EvidenceRow.__table__
_ACTOR = EntityRow.__table__.alias("actor_entity")
_TARGET = EntityRow.__table__.alias("target_entity")
_FROM = F.outerjoin(_ACTOR, _ACTOR.c.id == F.c.actor_id).outerjoin(_TARGET, _TARGET.c.id == F.c.target_id)
_START = type_coerce(F.c.date_start, String).label("date_start")
_END = type_coerce(F.c.date_end, String).label("date_end")
_FULL = (
    F.c.id,
    F.c.type,
    F.c.roles,
    F.c.date,
    _START,
    _END,
    F.c.person,
    F.c.person_key,
    F.c.title,
    F.c.kind,
    F.c.city,
    F.c.n_sources,
    F.c.conflict,
    _ACTOR.c.name.label("actor"),
    _TARGET.c.name.label("target"),
)
# Types between two states that `status` reads through the (type, actor, target, date) index
# (two-party treaties too: their parties are in actor_id/target_id).
_PAIR_TYPES = (*RECOGNITION_TYPES, *RELATION_TYPES, *ENVOY_TYPES, *MISSION_TYPES, "treaty_signed")


def _on(with_on: bool) -> Any:
    return F.c.date_start <= bindparam("on") if with_on else true()


def _has_party(key: str) -> Any:
    return exists().where(FP.c.fact_id == F.c.id, FP.c.entity_id == bindparam(key), FP.c.role == "party")


@cache
def _stmt(shape: str, with_on: bool = False, with_b: bool = True) -> Any:
    """The statement of one query shape, built once."""
    full = select(*_FULL).select_from(_FROM)
    if shape == "pair":
        pair: list[Any] = [bindparam("a"), bindparam("b")]
        return full.where(
            F.c.type.in_(bindparam("types", expanding=True)), F.c.actor_id.in_(pair), F.c.target_id.in_(pair)
        )
    if shape == "multiparty":  # treaties of more than two parties (actor_id is NULL for them)
        return full.where(
            F.c.type == "treaty_signed",
            F.c.actor_id.is_(None),
            _has_party("a"),
            _has_party("b") if with_b else true(),
            _on(with_on),
        )
    if shape == "treaties_of":
        return full.where(
            F.c.type == "treaty_signed", F.c.actor_id == bindparam("a"), _on(with_on)
        ).union_all(full.where(F.c.type == "treaty_signed", F.c.target_id == bindparam("a"), _on(with_on)))
    if shape == "ratifications":  # light, and read from the partial index ix_facts_ratifications
        return (
            select(F.c.id, F.c.actor_id, F.c.title, F.c.date, _START, _END)
            .where(
                F.c.type == literal_column("'treaty_ratified'"),  # inline, so the partial index applies
                F.c.actor_id.in_(bindparam("actors", expanding=True)),
                _on(with_on),
            )
            .with_hint(F, "INDEXED BY ix_facts_ratifications", "sqlite")  # its planner prefers another
        )
    if shape == "recognitions":  # light, covered by ix_facts_type_target_start, in as-of order
        return (
            select(F.c.id, F.c.type, F.c.actor_id, F.c.date)
            .where(F.c.type.in_(RECOGNITION_TYPES), F.c.target_id == bindparam("x"), _on(with_on))
            .order_by(
                F.c.actor_id,
                F.c.date_start.asc().nulls_first(),
                F.c.date_end.asc().nulls_first(),
                F.c.type,  # "recognition" before "recognition_withdrawn", as in state.in_order
                F.c.id,
            )
        )
    if shape in ("envoys", "missions"):
        types = ENVOY_TYPES if shape == "envoys" else MISSION_TYPES
        target = F.c.target_id == bindparam("b") if with_b else true()
        return full.where(F.c.type.in_(types), F.c.actor_id == bindparam("a"), target, _on(with_on))
    if shape == "involving":
        p1, p2 = FP.alias("p1"), FP.alias("p2")
        ids = select(p1.c.fact_id).where(p1.c.entity_id == bindparam("a"))
        if with_b:
            ids = ids.join(p2, and_(p2.c.fact_id == p1.c.fact_id, p2.c.entity_id == bindparam("b")))
        return full.where(F.c.id.in_(ids), _on(with_on))
    if shape == "by_ids":
        return full.where(F.c.id.in_(bindparam("ids", expanding=True)))
    if shape == "conflicts":
        return full.where(F.c.conflict.is_(True)).order_by(F.c.id)
    if shape == "docs_of":
        return (
            select(CL.c.fact_id, DOC.c.doc_id)
            .select_from(CL.join(DOC, DOC.c.id == CL.c.document_id))
            .where(CL.c.fact_id.in_(bindparam("ids", expanding=True)))
        )
    if shape == "claims_of":
        return (
            select(CL.c.id, CL.c.fact_id, CL.c.seq, CL.c.date, CL.c.date_start, CL.c.date_end, DOC.c.doc_id)
            .select_from(CL.join(DOC, DOC.c.id == CL.c.document_id))
            .where(CL.c.fact_id.in_(bindparam("ids", expanding=True)))
        )
    raise ValueError(shape)


def _chunks(items: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _day(value: Any) -> date | None:
    """A date from what the driver gives for a date read as text (str on SQLite, date on PG)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _params(day: date | None, **values: Any) -> dict[str, Any]:
    return {**values, "on": day} if day is not None else values


class KnowledgeBase(Store):
    """An open knowledge base: writes (from :class:`Store`) and queries."""

    # ------------------------------------------------------------------ loading

    def _load(self, conn: Any, stmt: Any, params: dict[str, Any], docs: bool = False) -> list[FactInfo]:
        rows = conn.execute(stmt, params).all()
        doc_map = self._docs_of(conn, [r.id for r in rows]) if docs else {}
        return [
            FactInfo(
                id=r.id,
                type=r.type,
                actor=r.actor,
                target=r.target,
                date=r.date,
                start=_day(r.date_start),
                end=_day(r.date_end),
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
            for fact_id, doc_id in conn.execute(_stmt("docs_of"), {"ids": list(chunk)}).all():
                found[fact_id].add(doc_id)
        return {k: tuple(sorted(v)) for k, v in found.items()}

    @staticmethod
    def _view(f: FactInfo) -> FactView:
        return FactView(f.id, f.type, dict(f.roles), f.date, _precision(f.date), f.docs, f.conflict)

    def _treaty_facts(
        self,
        conn: Any,
        a: EntityRef,
        b: EntityRef | None,
        day: date | None,
        two_party: list[FactInfo] | None = None,
    ) -> tuple[list[FactInfo], list[FactInfo]]:
        """Treaties signed with ``a`` (and ``b``) as parties, and the ratifications that fit them.

        ``two_party``: the pair's two-party treaties when the caller has them already.
        """
        if a.id is None or (b is not None and b.id is None):
            return [], []
        with_on = day is not None
        if b is None:
            signed = self._load(conn, _stmt("treaties_of", with_on), _params(day, a=a.id))
        elif two_party is None:
            signed = [
                f
                for f in self._load(conn, _stmt("pair"), {"a": a.id, "b": b.id, "types": ["treaty_signed"]})
                if day is None or (f.start is not None and f.start <= day)
            ]
        else:
            signed = list(two_party)
        multi = _stmt("multiparty", with_on, b is not None)
        signed += self._load(conn, multi, _params(day, a=a.id, b=b.id if b else None))
        if not signed:
            return [], []
        names = self.entity_names(conn)
        ids = {name: id_ for id_, name in names.items()}
        if any(p not in ids for t in signed for p in t.parties):  # added by another process
            self._names.clear()
            names = self.entity_names(conn)
            ids = {name: id_ for id_, name in names.items()}
        party_ids = sorted({ids[p] for t in signed for p in t.parties if p in ids})
        rows = conn.execute(_stmt("ratifications", with_on), _params(day, actors=party_ids)).all()
        # Ratifications that fit one of these treaties: the title first (once per distinct
        # title), then the ratifier is a party and did not ratify before the signature.
        fits: dict[str, list[FactInfo]] = {}
        kept = []
        for fact_id, actor_id, title, value, start_text, end_text in rows:  # positional: fast
            if not title:
                continue
            treaties = fits.get(title)
            if treaties is None:
                treaties = fits[title] = [
                    t for t in signed if t.title and title_similarity(title, t.title, t.parties) >= 0.5
                ]
            if not treaties:
                continue
            actor, start, end = names.get(actor_id), _day(start_text), _day(end_text)
            n = sum(1 for t in treaties if actor in t.parties and not (end and t.start and end < t.start))
            if n:
                kept.append((fact_id, actor, title, value, start, end, n))
        # Documents break ties between several fitting treaties; a single fit needs none.
        docs = self._docs_of(conn, [t.id for t in signed] + [k[0] for k in kept if k[6] > 1])
        ratified = [
            FactInfo(
                fact_id,
                "treaty_ratified",
                actor,
                None,
                value,
                start,
                end,
                title=title,
                docs=docs.get(fact_id, ()),
                roles={"actor": actor, "title": title},
            )
            for fact_id, actor, title, value, start, end, _ in kept
        ]
        return [replace(t, docs=docs.get(t.id, ())) for t in signed], ratified

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
                # all dates: the derivations apply `on` (mission cities come from every fact)
                facts = self._load(conn, _stmt("pair"), {"a": ra.id, "b": rb.id, "types": list(_PAIR_TYPES)})
                treaties = [
                    f
                    for f in facts
                    if f.type == "treaty_signed" and (day is None or (f.start and f.start <= day))
                ]
                signed, ratified = self._treaty_facts(conn, ra, rb, day, treaties)
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
            rows = conn.execute(_stmt("recognitions", day is not None), _params(day, x=rx.id)).all()
            names = self.entity_names(conn, (r[2] for r in rows))
        states = []
        for actor_id, group in groupby(rows, key=itemgetter(2)):  # rows: id, type, actor_id, date
            status, since, history = recognition_walk((i, t, v) for i, t, _, v in group)
            if status in ("recognised", "re-recognised") or (include_withdrawn and status == "withdrawn"):
                states.append(
                    RecognitionState(names.get(actor_id, str(actor_id)), rx.name, status, since, history)
                )
        return sorted(states, key=lambda s: (s.since is None, s.since or "", s.actor))

    def recognition(self, actor: str, target: str, on: str | date | None = None) -> RecognitionState:
        """Whether ``actor`` recognises ``target`` as of ``on``."""
        return self.status(actor, target, on).recognition[0]

    def timeline(self, a: str, b: str | None = None, on: str | date | None = None) -> list[FactView]:
        """Every fact involving ``a`` (and ``b``), in date order, undated last; with ``b``, also
        the ratifications of the treaties between them."""
        day = parse_on(on)
        with self._read() as conn:
            ra = self.resolve(a, conn)
            rb = self.resolve(b, conn) if b is not None else None
            if ra.id is None or (rb is not None and rb.id is None):
                return []
            params = _params(day, a=ra.id, b=rb.id if rb else None)
            facts = self._load(conn, _stmt("involving", day is not None, rb is not None), params, docs=True)
            if rb is not None:
                signed, ratified = self._treaty_facts(conn, ra, rb, day)
                seen = {f.id for f in facts}
                linked = {r.fact_id for t in treaty_states(signed, ratified, day) for r in t.ratified} - seen
                if linked:
                    facts += self._load(conn, _stmt("by_ids"), {"ids": sorted(linked)}, docs=True)
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
            params = _params(day, a=ra.id, b=rb.id if rb else None)
            facts = self._load(conn, _stmt("envoys", day is not None, rb is not None), params)
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
            # all dates: mission cities come from every fact; `on` applies in the derivation
            facts = self._load(
                conn, _stmt("missions", False, rb is not None), {"a": ra.id, "b": rb.id if rb else None}
            )
        by_host: dict[str, list[FactInfo]] = defaultdict(list)
        for f in facts:
            by_host[f.target or ""].append(f)
        return [m for host in sorted(by_host) for m in mission_states(by_host[host], day)]

    def treaties(
        self, a: str, b: str | None = None, pending: bool = False, on: str | date | None = None
    ) -> list[TreatyState]:
        """Treaties of ``a`` (with ``b``) signed by ``on``; ``pending``: only those not in force."""
        day = parse_on(on)
        with self._read() as conn:
            ra = self.resolve(a, conn)
            rb = self.resolve(b, conn) if b is not None else None
            signed, ratified = self._treaty_facts(conn, ra, rb, day)
        signed.sort(key=lambda t: (t.start is None, t.start or date.min, t.id))
        states = treaty_states(signed, ratified, day)
        return [t for t in states if t.pending] if pending else states

    def conflicts(self) -> list[ConflictView]:
        """Facts whose sources disagree on the date, with every candidate and its sources."""
        with self._read() as conn:
            facts = self._load(conn, _stmt("conflicts"), {}, docs=True)
            claims: dict[int, list[ClaimInfo]] = defaultdict(list)
            for chunk in _chunks([f.id for f in facts]):
                for r in conn.execute(_stmt("claims_of"), {"ids": list(chunk)}):
                    claims[r.fact_id].append(
                        ClaimInfo(r.id, r.doc_id, r.seq, r.date, r.date_start, r.date_end)
                    )
        out = []
        for f in facts:
            candidates = choose_date(claims[f.id]).candidates
            out.append(ConflictView(replace(self._view(f), candidates=candidates), candidates))
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
            facts: list[FactInfo] = []
            for chunk in _chunks(list(first)):
                facts += self._load(conn, _stmt("by_ids"), {"ids": list(chunk)}, docs=True)
        facts.sort(key=lambda f: (f.start is None, f.start or date.min, f.id))
        return [SearchHit(self._view(f), *first[f.id]) for f in facts[:limit]]

    def event(self, fact_id: int) -> FactView:
        """One fact with all its evidence and candidate dates; NotFoundError if there is none."""
        with self._read() as conn:
            facts = self._load(conn, _stmt("by_ids"), {"ids": [fact_id]}, docs=True)
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
            claims = conn.execute(_stmt("claims_of"), {"ids": [fact_id]}).all()
        choice = choose_date(
            [ClaimInfo(c.id, c.doc_id, c.seq, c.date, c.date_start, c.date_end) for c in claims]
        )
        return replace(
            self._view(facts[0]),
            evidence=tuple(EvidenceView(*r) for r in rows),
            candidates=choice.candidates,
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


def _precision(value: str | None) -> str | None:
    return {4: "year", 7: "month", 10: "day"}.get(len(value)) if value else None
