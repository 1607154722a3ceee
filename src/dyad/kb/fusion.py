"""Fusion: the same event told by several articles becomes one fact with several evidences.

**Identity.** A claim's identity is its type and its identity roles (:data:`IDENTITY_ROLES`):
states by canonical name, ``parties`` as a set, persons by family name, treaty titles by
normalised title (:func:`dyad.kb.names.title_key`), mission ``kind``. ``city`` is not part of the
identity but two different cities never fuse. All claims with one identity form a *group*
(``group_key``, a hash of the identity); fusion works one group at a time.

**Facts within a group.** One identity can still be several real events (a recognition withdrawn
and given again, credentials presented twice), so a group is split into facts by date:

- claims whose dates are compatible (equal, or one a coarser form of the other: "2009" and
  "2009-05-01") are one fact, and the precise date is kept (no conflict);
- claims of *different* documents whose dates differ by at most :data:`CONFLICT_WINDOW_DAYS`
  are one fact whose sources disagree (a *conflict*: 14 vs 15 December 2009);
- a document never disagrees with itself: two dates from one document that are not compatible
  are two events (the extractor already merged what the article said twice);
- undated claims join the earliest dated fact of their group (or form one undated fact).

**Date of a fact.** Among the most precise candidate dates (those that contain no other
candidate), the one with the most supporting documents wins (a coarser date supports every
precise date it contains); then the more precise; then the earliest. The fact is a conflict
when more than one such candidate exists.

The result depends only on the set of claims (documents and their order of statement), never
on row ids, so ingesting in any order, or resuming after a crash, gives the same facts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from dyad.kb.dates import PRECISION_RANK, contains, gap_days, parse_event_date
from dyad.kb.names import norm_name, person_key, title_key
from dyad.kb.schema import ClaimRow, DocumentRow, EntityRow, FactPartyRow, FactRow
from dyad.model import STATE_ROLES, Event

__all__ = [
    "CONFLICT_WINDOW_DAYS",
    "ENTITY_ROLES",
    "IDENTITY_ROLES",
    "Candidate",
    "ClaimInfo",
    "DateChoice",
    "PreparedEvent",
    "choose_date",
    "cluster_claims",
    "identity_of",
    "prepare_event",
    "refuse_groups",
]

CONFLICT_WINDOW_DAYS = 183

IDENTITY_ROLES: dict[str, tuple[str, ...]] = {
    "recognition": ("actor", "target"),
    "recognition_withdrawn": ("actor", "target"),
    "relations_established": ("parties",),
    "relations_severed": ("actor", "target"),
    "treaty_signed": ("parties", "title"),
    "treaty_ratified": ("actor", "title"),
    "ambassador_appointed": ("person", "sender", "receiver"),
    "credentials_presented": ("person", "sender", "receiver"),
    "ambassador_dismissed": ("person", "sender", "receiver"),
    "mission_opened": ("owner", "host", "kind"),
    "mission_planned": ("owner", "host", "kind"),
    "mission_closed": ("owner", "host", "kind"),
    "condemnation": ("actor", "target"),
    "membership": ("member", "organization"),
}

# Which roles go to facts.actor_id / facts.target_id (the as-of index columns).
PAIR_ROLES: dict[str, tuple[str, str | None]] = {
    "recognition": ("actor", "target"),
    "recognition_withdrawn": ("actor", "target"),
    "relations_severed": ("actor", "target"),
    "condemnation": ("actor", "target"),
    "treaty_ratified": ("actor", None),
    "ambassador_appointed": ("sender", "receiver"),
    "credentials_presented": ("sender", "receiver"),
    "ambassador_dismissed": ("sender", "receiver"),
    "mission_opened": ("owner", "host"),
    "mission_planned": ("owner", "host"),
    "mission_closed": ("owner", "host"),
    "membership": ("member", "organization"),
}

# Roles whose values are states or organisations (fact_parties rows); "parties" gives "party".
ENTITY_ROLES = (*STATE_ROLES, "parties")
_ATTRIBUTE_ROLES = ("city",)  # never part of the identity; different values never fuse


@dataclass(slots=True)
class PreparedEvent:
    """An event with canonical names, its identity and parsed date, ready to store."""

    seq: int
    type: str
    roles: dict[str, Any]
    group_key: str
    date: str | None
    precision: str | None
    date_start: dt.date | None
    date_end: dt.date | None
    event: Event
    entity_names: list[tuple[str, str]] = field(default_factory=list)  # (role, canonical name)

    def fingerprint(self) -> list[Any]:
        ev = self.event
        return [
            self.type,
            self.roles,
            self.date,
            [[e.text, e.start, e.end, list(e.section), e.block_kind] for e in ev.evidence],
            ev.extractor,
            round(ev.confidence, 6),
        ]


def _canon_value(name: str, value: Any, canon: Callable[[str], str]) -> Any:
    if name == "parties":
        items = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
        return sorted({canon(str(v)) for v in items if v})
    if name in STATE_ROLES and isinstance(value, str) and value:
        return canon(value)
    if isinstance(value, (tuple, set, frozenset)):
        return list(value)
    return value


def identity_of(type_: str, roles: dict[str, Any]) -> list[Any]:
    """The identity of a claim (see the module docstring), as a JSON-able list."""
    names = IDENTITY_ROLES.get(type_) or tuple(sorted(r for r in roles if r not in _ATTRIBUTE_ROLES))
    parts: list[Any] = [type_]
    for name in names:
        value = roles.get(name)
        if name == "person":
            value = person_key(value)
        elif name == "title":
            drop = [*(roles.get("parties") or []), roles.get("actor") or ""]
            value = title_key(value, drop) or norm_name(str(value or ""))
        elif name == "kind":
            value = str(value or "").lower() or None
        elif name == "parties":
            value = sorted(value or [])
        elif isinstance(value, str):
            value = value
        elif isinstance(value, (list, tuple)):
            value = [str(v) for v in value]
        elif value is not None:
            value = str(value)
        parts.append([name, value])
    return parts


def group_key_of(identity: list[Any]) -> str:
    return hashlib.sha1(json.dumps(identity, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def prepare_event(event: Event, seq: int, canon: Callable[[str], str]) -> PreparedEvent:
    """Canonicalise names (through ``canon``), compute identity and parse the date."""
    roles = {name: _canon_value(name, value, canon) for name, value in event.roles.items()}
    roles = {k: v for k, v in roles.items() if v not in (None, "", [])}
    parsed = parse_event_date(event.date)
    entity_names: list[tuple[str, str]] = []
    for name in ENTITY_ROLES:
        value = roles.get(name)
        if name == "parties":
            entity_names.extend(("party", v) for v in value or [])
        elif isinstance(value, str):
            entity_names.append((name, value))
    return PreparedEvent(
        seq=seq,
        type=event.type,
        roles=roles,
        group_key=group_key_of(identity_of(event.type, roles)),
        date=parsed[0] if parsed else None,
        precision=parsed[1] if parsed else None,
        date_start=parsed[2] if parsed else None,
        date_end=parsed[3] if parsed else None,
        event=event,
        entity_names=entity_names,
    )


# --------------------------------------------------------------------------- clustering


@dataclass(frozen=True, slots=True)
class ClaimInfo:
    """What clustering needs of a claim."""

    id: int
    doc: str
    seq: int
    date: str | None
    start: dt.date | None
    end: dt.date | None
    city: str | None = None  # folded

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        assert self.start is not None and self.end is not None
        return self.start, self.end

    @property
    def rank(self) -> int:
        return PRECISION_RANK.get(_precision(self.date), 0)


def _precision(value: str | None) -> str:
    return {4: "year", 7: "month", 10: "day"}.get(len(value or ""), "")


@dataclass(slots=True)
class _Cluster:
    claims: list[ClaimInfo] = field(default_factory=list)

    @property
    def docs(self) -> set[str]:
        return {c.doc for c in self.claims}

    @property
    def city(self) -> str | None:
        return next((c.city for c in self.claims if c.city), None)

    def dated(self) -> list[ClaimInfo]:
        return [c for c in self.claims if c.start is not None]


def _city_ok(claim: ClaimInfo, cluster: _Cluster) -> bool:
    city = cluster.city
    return claim.city is None or city is None or claim.city == city


def cluster_claims(claims: Iterable[ClaimInfo], window: int = CONFLICT_WINDOW_DAYS) -> list[list[ClaimInfo]]:
    """Split one identity group into facts (lists of claims), deterministically."""
    claims = list(claims)
    dated = sorted(
        (c for c in claims if c.start is not None), key=lambda c: (-c.rank, c.start, c.end, c.doc, c.seq)
    )
    undated = sorted((c for c in claims if c.start is None), key=lambda c: (c.doc, c.seq))
    clusters: list[_Cluster] = []
    for claim in dated:
        best: _Cluster | None = None
        best_score: tuple[int, int, int] | None = None
        for i, cluster in enumerate(clusters):
            if not _city_ok(claim, cluster):
                continue
            members = cluster.dated()
            if any(contains(m.period, claim.period) or contains(claim.period, m.period) for m in members):
                score = (0, 0, i)
            elif claim.doc not in cluster.docs:
                gap = min(gap_days(m.period, claim.period) for m in members)
                if gap > window:
                    continue
                score = (1, gap, i)
            else:
                continue
            if best_score is None or score < best_score:
                best, best_score = cluster, score
        if best is None:
            clusters.append(_Cluster([claim]))
        else:
            best.claims.append(claim)
    # Undated claims join the earliest dated fact they fit (clusters ordered by their dates).
    clusters.sort(key=lambda k: min((c.start, c.end) for c in k.dated()))  # type: ignore[type-var]
    undated_cluster: list[_Cluster] = []
    for claim in undated:
        target = next((k for k in clusters if _city_ok(claim, k)), None)
        if target is None:
            target = next((k for k in undated_cluster if _city_ok(claim, k)), None)
            if target is None:
                target = _Cluster()
                undated_cluster.append(target)
        target.claims.append(claim)
    return [sorted(k.claims, key=lambda c: (c.doc, c.seq)) for k in clusters + undated_cluster]


@dataclass(frozen=True, slots=True)
class Candidate:
    """One date the sources give for a fact, with the documents that give it."""

    date: str
    precision: str
    docs: tuple[str, ...]
    support: int  # documents that give this date or a coarser date containing it
    leaf: bool  # contains no other candidate (a coarser date that contains one is not a rival)
    chosen: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date,
            "precision": self.precision,
            "docs": list(self.docs),
            "support": self.support,
            "chosen": self.chosen,
        }


@dataclass(frozen=True, slots=True)
class DateChoice:
    date: str | None
    precision: str | None
    start: dt.date | None
    end: dt.date | None
    candidates: tuple[Candidate, ...]
    conflict: bool


def choose_date(claims: Sequence[ClaimInfo]) -> DateChoice:
    """Pick the best-supported date of a fact (see the module docstring)."""
    by_value: dict[str, set[str]] = defaultdict(set)
    periods: dict[str, tuple[dt.date, dt.date]] = {}
    for c in claims:
        if c.date and c.start is not None:
            by_value[c.date].add(c.doc)
            periods[c.date] = c.period
    if not by_value:
        return DateChoice(None, None, None, None, (), False)
    values = list(by_value)
    leaves = [v for v in values if not any(w != v and contains(periods[v], periods[w]) for w in values)]

    def support(v: str) -> set[str]:
        docs = set(by_value[v])
        for w in values:
            if w != v and contains(periods[w], periods[v]):
                docs |= by_value[w]
        return docs

    supports = {v: support(v) for v in values}
    best = max(
        leaves,
        key=lambda v: (len(supports[v]), PRECISION_RANK[_precision(v)], -periods[v][0].toordinal()),
    )
    candidates = tuple(
        Candidate(
            date=v,
            precision=_precision(v),
            docs=tuple(sorted(by_value[v])),
            support=len(supports[v]),
            leaf=v in leaves,
            chosen=v == best,
        )
        for v in sorted(values, key=lambda v: (periods[v][0], -PRECISION_RANK[_precision(v)]))
    )
    start, end = periods[best]
    return DateChoice(best, _precision(best), start, end, candidates, len(leaves) > 1)


# --------------------------------------------------------------------------- database step


def _vote(values: Iterable[Any], prefer_long: bool = True) -> Any:
    counts = Counter(v for v in values if v not in (None, ""))
    if not counts:
        return None
    return max(counts, key=lambda v: (counts[v], len(str(v)) if prefer_long else 0, str(v)))


def _chunks(items: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def refuse_groups(session: Session, keys: Iterable[str]) -> None:
    """Rebuild the facts of the given identity groups from their claims, keeping fact ids
    where a fact keeps some of its claims (or, failing that, where a group keeps its count)."""
    keys = sorted(set(keys))
    if not keys:
        return
    claim_rows: dict[str, list[Any]] = defaultdict(list)
    fact_rows: dict[str, list[FactRow]] = defaultdict(list)
    for chunk in _chunks(keys):
        for row in session.execute(
            select(
                ClaimRow.id,
                ClaimRow.group_key,
                ClaimRow.fact_id,
                ClaimRow.seq,
                ClaimRow.type,
                ClaimRow.roles,
                ClaimRow.date,
                ClaimRow.date_start,
                ClaimRow.date_end,
                DocumentRow.doc_id,
            )
            .join(DocumentRow, DocumentRow.id == ClaimRow.document_id)
            .where(ClaimRow.group_key.in_(chunk))
        ):
            claim_rows[row.group_key].append(row)
        for fact in session.scalars(select(FactRow).where(FactRow.group_key.in_(chunk)).order_by(FactRow.id)):
            fact_rows[fact.group_key].append(fact)

    names: set[str] = set()
    for rows in claim_rows.values():
        for row in rows:
            names.update(_entity_values(row.roles))
    entity_ids = _entity_ids(session, names)

    claim_updates: list[dict[str, Any]] = []
    dead: list[int] = []
    touched: list[tuple[list[ClaimInfo], FactRow, dict[int, Any]]] = []
    for key in keys:
        rows = claim_rows.get(key, [])
        existing = fact_rows.get(key, [])
        by_id = {r.id: r for r in rows}
        infos = [
            ClaimInfo(
                r.id,
                r.doc_id,
                r.seq,
                r.date,
                r.date_start,
                r.date_end,
                norm_name(str(r.roles.get("city"))) if r.roles.get("city") else None,
            )
            for r in rows
        ]
        clusters = cluster_claims(infos)
        members: dict[int, set[int]] = defaultdict(set)
        for r in rows:
            if r.fact_id is not None:
                members[r.fact_id].add(r.id)
        unused = list(existing)
        assigned: list[FactRow | None] = []
        for cluster in clusters:
            ids = {c.id for c in cluster}
            best = max(unused, key=lambda f: len(members[f.id] & ids), default=None)
            if best is not None and members[best.id] & ids:
                unused.remove(best)
                assigned.append(best)
            else:
                assigned.append(None)
        for cluster, maybe in zip(clusters, assigned, strict=True):
            fact = maybe if maybe is not None else unused.pop(0) if unused else FactRow(group_key=key)
            if fact.id is None:
                session.add(fact)
            _fill_fact(fact, [by_id[c.id] for c in cluster], cluster, entity_ids)
            touched.append((cluster, fact, by_id))
        dead.extend(f.id for f in unused)
        for f in unused:
            session.expunge(f)
    session.flush()
    party_rows: list[dict[str, Any]] = []
    for cluster, fact, by_id in touched:
        for c in cluster:
            if by_id[c.id].fact_id != fact.id:
                claim_updates.append({"id": c.id, "fact_id": fact.id})
        party_rows.extend(_party_rows(fact, entity_ids))
    if claim_updates:
        session.execute(update(ClaimRow), claim_updates)
    fact_ids = [fact.id for _, fact, _ in touched] + dead
    for chunk in _chunks(fact_ids):
        session.execute(delete(FactPartyRow).where(FactPartyRow.fact_id.in_(chunk)))
    if party_rows:
        session.execute(insert(FactPartyRow), party_rows)
    for chunk in _chunks(dead):
        session.execute(update(ClaimRow).where(ClaimRow.fact_id.in_(chunk)).values(fact_id=None))
        session.execute(delete(FactRow).where(FactRow.id.in_(chunk)))
    session.flush()


def _entity_values(roles: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for name in ENTITY_ROLES:
        value = roles.get(name)
        if name == "parties":
            out.extend(str(v) for v in value or [])
        elif isinstance(value, str):
            out.append(value)
    return out


def _entity_ids(session: Session, names: set[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    items = sorted(names)
    for chunk in _chunks(items):
        for name, id_ in session.execute(
            select(EntityRow.name, EntityRow.id).where(EntityRow.name.in_(chunk))
        ):
            out[name] = id_
    return out


def _fill_fact(fact: FactRow, rows: list[Any], cluster: list[ClaimInfo], entity_ids: dict[str, int]) -> None:
    choice = choose_date(cluster)
    type_ = rows[0].type
    ordered = sorted(rows, key=lambda r: (r.date != choice.date, -len(r.roles), r.doc_id, r.seq))
    roles: dict[str, Any] = {}
    for r in ordered:
        for name, value in r.roles.items():
            if roles.get(name) in (None, "", []):
                roles[name] = value
    for name in ("person", "title", "city"):
        voted = _vote(r.roles.get(name) for r in rows)
        if voted is not None:
            roles[name] = voted
    fact.type = type_
    fact.roles = roles
    fact.person = roles.get("person")
    fact.person_key = person_key(roles.get("person")) or None
    fact.title = roles.get("title")
    drop = [*(roles.get("parties") or []), roles.get("actor") or ""]
    fact.title_key = title_key(roles.get("title"), drop) or None
    fact.kind = str(roles["kind"]).lower() if roles.get("kind") else None
    fact.city = roles.get("city")
    fact.date = choice.date
    fact.precision = choice.precision
    fact.date_start = choice.start
    fact.date_end = choice.end
    fact.n_sources = len({r.doc_id for r in rows})
    fact.n_claims = len(rows)
    fact.conflict = choice.conflict
    actor_role, target_role = PAIR_ROLES.get(type_, ("actor", "target"))
    parties = roles.get("parties")
    if type_ not in PAIR_ROLES and isinstance(parties, list) and parties:
        fact.actor_id = entity_ids.get(parties[0]) if len(parties) <= 2 else None
        fact.target_id = entity_ids.get(parties[1]) if len(parties) == 2 else None
    else:
        fact.actor_id = entity_ids.get(roles.get(actor_role) or "")
        fact.target_id = entity_ids.get(roles.get(target_role) or "") if target_role else None


def _party_rows(fact: FactRow, entity_ids: dict[str, int]) -> list[dict[str, Any]]:
    rows = []
    seen = set()
    for name in ENTITY_ROLES:
        value = fact.roles.get(name)
        values = (
            [str(v) for v in value or []] if name == "parties" else [value] if isinstance(value, str) else []
        )
        role = "party" if name == "parties" else name
        for v in values:
            eid = entity_ids.get(v)
            if eid is not None and (eid, role) not in seen:
                seen.add((eid, role))
                rows.append({"fact_id": fact.id, "entity_id": eid, "role": role})
    return rows
