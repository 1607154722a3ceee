"""Derived state as of a date, from facts (pure functions; the queries feed them).

As-of rule (see :mod:`dyad.kb.dates`): a fact has happened by day D when its date starts on or
before D. ``on=None`` means "everything known", undated facts included (ordered before dated
ones, since when they happened is unknown); with a date, undated facts do not count.

Facts are taken in order of date (start, then end), then a lifecycle order of their types
(recognition before withdrawal, appointment before credentials before dismissal, ...).

- recognition of T by A: "recognised", "withdrawn", "re-recognised" (after a withdrawal), "none";
- diplomatic relations between A and B: "established", "severed" (by either side), "restored";
- envoys of A to B: tenures from appointment (or credentials, when no appointment is known) to a
  dismissal, or to the appointment of the next envoy of A to B ("succeeded");
- missions of A in B per kind (and city): "planned", "open", "closed";
- treaties: signed, ratified by which parties, in force once every party has ratified.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dyad.kb.dates import bounds
from dyad.kb.names import norm_name, title_key, title_similarity

__all__ = [
    "ENVOY_TYPES",
    "MISSION_TYPES",
    "RECOGNITION_TYPES",
    "RELATION_TYPES",
    "FactInfo",
    "MissionState",
    "Ratification",
    "RecognitionState",
    "RelationsState",
    "Step",
    "Tenure",
    "TreatyState",
    "envoy_tenures",
    "happened",
    "in_order",
    "mission_states",
    "recognition_state",
    "recognition_walk",
    "relations_state",
    "treaty_states",
]

RECOGNITION_TYPES = ("recognition", "recognition_withdrawn")
RELATION_TYPES = ("relations_established", "relations_severed")
ENVOY_TYPES = ("ambassador_appointed", "credentials_presented", "ambassador_dismissed")
MISSION_TYPES = ("mission_planned", "mission_opened", "mission_closed")

_TYPE_ORDER = {
    "recognition": 0,
    "recognition_withdrawn": 1,
    "relations_established": 0,
    "relations_severed": 1,
    "ambassador_appointed": 0,
    "credentials_presented": 1,
    "ambassador_dismissed": 2,
    "mission_planned": 0,
    "mission_opened": 1,
    "mission_closed": 2,
    "treaty_signed": 0,
    "treaty_ratified": 1,
}


@dataclass(frozen=True, slots=True)
class FactInfo:
    """A fact as the derivations read it (names are canonical)."""

    id: int
    type: str
    actor: str | None = None
    target: str | None = None
    date: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    person: str | None = None
    person_key: str | None = None
    title: str | None = None
    kind: str | None = None
    city: str | None = None
    parties: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()
    roles: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    n_sources: int = 1
    conflict: bool = False


def happened(fact: FactInfo, on: date | None) -> bool:
    if on is None:
        return True
    return fact.start is not None and fact.start <= on


def in_order(facts: Iterable[FactInfo], on: date | None = None) -> list[FactInfo]:
    """The facts that happened by ``on``, in time order."""
    return sorted(
        (f for f in facts if happened(f, on)),
        key=lambda f: (f.start or date.min, f.end or date.min, _TYPE_ORDER.get(f.type, 9), f.id),
    )


@dataclass(frozen=True, slots=True)
class Step:
    """One transition: the fact, its date and the state after it."""

    fact_id: int
    type: str
    date: str | None
    state: str

    def to_dict(self) -> dict[str, Any]:
        return {"fact": self.fact_id, "type": self.type, "date": self.date, "state": self.state}


@dataclass(frozen=True, slots=True)
class RecognitionState:
    actor: str
    target: str
    status: str  # "none", "recognised", "withdrawn", "re-recognised"
    since: str | None
    history: tuple[Step, ...] = ()

    @property
    def recognises(self) -> bool:
        return self.status in ("recognised", "re-recognised")

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "target": self.target,
            "status": self.status,
            "recognises": self.recognises,
            "since": self.since,
            "history": [s.to_dict() for s in self.history],
        }


def recognition_walk(
    steps: Iterable[tuple[int, str, str | None]],
) -> tuple[str, str | None, tuple[Step, ...]]:
    """Status, since and history from (fact id, type, date) of one actor and target, in order."""
    status, since, history = "none", None, []
    for fact_id, type_, value in steps:
        if type_ == "recognition":
            if status in ("none", "withdrawn"):
                status = "recognised" if status == "none" else "re-recognised"
                since = value
        elif type_ == "recognition_withdrawn":
            status, since = "withdrawn", value
        else:
            continue
        history.append(Step(fact_id, type_, value, status))
    return status, since, tuple(history)


def recognition_state(
    facts: Iterable[FactInfo], actor: str, target: str, on: dt.date | None = None
) -> RecognitionState:
    """Whether ``actor`` recognises ``target`` as of ``on`` (facts of other pairs are ignored)."""
    status, since, history = recognition_walk(
        (f.id, f.type, f.date) for f in in_order(facts, on) if f.actor == actor and f.target == target
    )
    return RecognitionState(actor, target, status, since, history)


@dataclass(frozen=True, slots=True)
class RelationsState:
    a: str
    b: str
    status: str  # "none", "established", "severed", "restored"
    since: str | None
    history: tuple[Step, ...] = ()

    @property
    def active(self) -> bool:
        return self.status in ("established", "restored")

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "status": self.status,
            "active": self.active,
            "since": self.since,
            "history": [s.to_dict() for s in self.history],
        }


def _between(f: FactInfo, a: str, b: str) -> bool:
    if f.parties:
        return a in f.parties and b in f.parties
    return {f.actor, f.target} == {a, b}


def relations_state(facts: Iterable[FactInfo], a: str, b: str, on: date | None = None) -> RelationsState:
    """Diplomatic relations between ``a`` and ``b`` as of ``on``."""
    status, since, history = "none", None, []
    for f in in_order(facts, on):
        if f.type not in RELATION_TYPES or not _between(f, a, b):
            continue
        if f.type == "relations_established":
            if status in ("none", "severed"):
                status = "established" if status == "none" else "restored"
                since = f.date
        else:
            status, since = "severed", f.date
        history.append(Step(f.id, f.type, f.date, status))
    return RelationsState(a, b, status, since, tuple(history))


@dataclass(slots=True)
class Tenure:
    """One envoy's time in post: appointed (or first credentials) until dismissed or succeeded."""

    sender: str
    receiver: str
    person: str
    appointed: str | None = None
    credentials: list[str | None] = field(default_factory=list)
    ended: str | None = None
    end_reason: str | None = None  # "dismissed" or "succeeded"
    successor: str | None = None
    in_office: bool = False
    facts: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sender": self.sender,
            "receiver": self.receiver,
            "person": self.person,
            "appointed": self.appointed,
            "credentials": list(self.credentials),
            "ended": self.ended,
            "end_reason": self.end_reason,
            "successor": self.successor,
            "in_office": self.in_office,
            "facts": list(self.facts),
        }


def envoy_tenures(facts: Iterable[FactInfo], on: date | None = None) -> list[Tenure]:
    """Tenures of the envoys in ``facts`` (one sender and receiver), as of ``on``.

    An appointment ends every other open tenure ("succeeded", on the appointment's date); a
    dismissal ends the envoy's own. Credentials without a known appointment open a tenure.
    """
    tenures: list[Tenure] = []
    open_: dict[str, Tenure] = {}
    for f in in_order(facts, on):
        if f.type not in ENVOY_TYPES:
            continue
        key = f.person_key or norm_name(f.person or "")
        person = f.person or key
        tenure = open_.get(key)
        if f.type == "ambassador_dismissed":
            if tenure is None:
                tenure = Tenure(f.actor or "", f.target or "", person)
                tenures.append(tenure)
            tenure.ended, tenure.end_reason = f.date, "dismissed"
            tenure.facts.append(f.id)
            open_.pop(key, None)
            continue
        if tenure is None:
            for other_key, other in list(open_.items()):
                other.ended, other.end_reason, other.successor = f.date, "succeeded", person
                del open_[other_key]
            tenure = Tenure(f.actor or "", f.target or "", person)
            tenures.append(tenure)
            open_[key] = tenure
        if len(person) > len(tenure.person):
            tenure.person = person
        if f.type == "ambassador_appointed":
            if tenure.appointed is None:
                tenure.appointed = f.date
        else:
            tenure.credentials.append(f.date)
        tenure.facts.append(f.id)
    for tenure in tenures:
        tenure.in_office = tenure.end_reason is None
    return tenures


@dataclass(frozen=True, slots=True)
class MissionState:
    owner: str
    host: str
    kind: str
    city: str | None
    status: str  # "planned", "open", "closed"
    since: str | None
    history: tuple[Step, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "owner": self.owner,
            "host": self.host,
            "kind": self.kind,
            "city": self.city,
            "status": self.status,
            "since": self.since,
            "history": [s.to_dict() for s in self.history],
        }


def mission_states(facts: Iterable[FactInfo], on: date | None = None) -> list[MissionState]:
    """Missions of one owner in one host, per kind and city, as of ``on``.

    A fact without a city joins the only city known for its kind (from every fact given, so a
    plan stated before the opening still gets the city of the opening), if there is exactly one.
    """
    all_facts = [f for f in in_order(facts) if f.type in MISSION_TYPES]
    cities: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for f in all_facts:
        if f.city:
            cities[(f.actor or "", f.target or "", f.kind or "other")].add(f.city)
    groups: dict[tuple[str, str, str, str | None], list[FactInfo]] = defaultdict(list)
    for f in all_facts:
        if not happened(f, on):
            continue
        base = (f.actor or "", f.target or "", f.kind or "other")
        city = f.city
        if city is None and len(cities[base]) == 1:
            city = next(iter(cities[base]))
        groups[(*base, city)].append(f)
    states = []
    for (owner, host, kind, city), items in groups.items():
        status, since, history = "planned", None, []
        for f in items:
            new = {"mission_planned": "planned", "mission_opened": "open", "mission_closed": "closed"}[f.type]
            if new == "planned" and status == "open":
                continue  # a plan stated after the opening changes nothing
            if new != status or since is None:
                status, since = new, f.date
            history.append(Step(f.id, f.type, f.date, status))
        states.append(MissionState(owner, host, kind, city, status, since, tuple(history)))
    return sorted(states, key=lambda s: (s.owner, s.host, s.kind, s.city or ""))


@dataclass(frozen=True, slots=True)
class Ratification:
    party: str
    date: str | None
    fact_id: int

    def to_dict(self) -> dict[str, Any]:
        return {"party": self.party, "date": self.date, "fact": self.fact_id}


@dataclass(frozen=True, slots=True)
class TreatyState:
    fact_id: int
    title: str
    parties: tuple[str, ...]
    signed: str | None
    ratified: tuple[Ratification, ...]
    not_ratified: tuple[str, ...]
    in_force: bool
    in_force_since: str | None

    @property
    def pending(self) -> bool:
        return not self.in_force

    @property
    def status(self) -> str:
        if self.in_force:
            return "in force"
        return "partly ratified" if self.ratified else "signed"

    def to_dict(self) -> dict[str, Any]:
        return {
            "fact": self.fact_id,
            "title": self.title,
            "parties": list(self.parties),
            "signed": self.signed,
            "ratified": [r.to_dict() for r in self.ratified],
            "not_ratified": list(self.not_ratified),
            "status": self.status,
            "in_force": self.in_force,
            "in_force_since": self.in_force_since,
        }


def _title_fit(title: str, t: FactInfo) -> tuple[bool, float] | None:
    """(same normalised title, similarity) of a ratification's title and a treaty, or None."""
    if not t.title:
        return None
    similarity = title_similarity(title, t.title, t.parties)
    if similarity < 0.5:
        return None
    return title_key(title, t.parties) == title_key(t.title, t.parties), similarity


def _link_score(r: FactInfo, t: FactInfo, fit: tuple[bool, float]) -> tuple[Any, ...] | None:
    if r.actor not in t.parties or (r.end and t.start and r.end < t.start):
        return None  # not a party, or ratified before it was signed
    exact, similarity = fit
    shares_doc = bool(set(r.docs) & set(t.docs))
    gap = abs((r.start - t.start).days) if r.start and t.start else 0
    return (shares_doc, exact, similarity, -gap, -t.id)


def treaty_states(
    signed: Sequence[FactInfo], ratifications: Sequence[FactInfo], on: dt.date | None = None
) -> list[TreatyState]:
    """Treaties signed by ``on`` with their ratifications by ``on``.

    A ratification names its ratifier and a title; it is linked to the signed treaty among
    ``signed`` that has the ratifier as a party, was not signed after the ratification and has
    the most similar title (see :func:`~dyad.kb.names.title_similarity`), preferring one told
    by the same article, then the same normalised title, then the nearest date.
    """
    treaties = [t for t in in_order(signed, on) if t.type == "treaty_signed"]
    fits: dict[str, list[tuple[FactInfo, tuple[bool, float]]]] = {}
    by_treaty: dict[int, dict[str, Ratification]] = defaultdict(dict)
    for r in in_order(ratifications, on):
        if r.type != "treaty_ratified" or not r.actor or not r.title:
            continue
        if r.title not in fits:
            fits[r.title] = [(t, fit) for t in treaties if (fit := _title_fit(r.title, t)) is not None]
        scored = [(s, t) for t, fit in fits[r.title] if (s := _link_score(r, t, fit)) is not None]
        if not scored:
            continue
        _, best = max(scored, key=lambda st: st[0])
        by_treaty[best.id].setdefault(r.actor, Ratification(r.actor, r.date, r.id))
    states = []
    for t in treaties:
        got = by_treaty.get(t.id, {})
        ratified = tuple(got[p] for p in t.parties if p in got)
        missing = tuple(p for p in t.parties if p not in got)
        in_force = bool(t.parties) and not missing
        since = None
        if in_force and all(r.date for r in ratified):
            since = max(ratified, key=lambda r: bounds(r.date or "0001")).date
        states.append(TreatyState(t.id, t.title or "", t.parties, t.date, ratified, missing, in_force, since))
    return states
