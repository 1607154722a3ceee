"""Synthetic knowledge bases for the export tests and benchmarks (not imported by dyad itself).

:func:`synthetic_kb` stores random but plausible events (every type, dates at every precision,
undated ones, events told by several documents with dates that sometimes disagree) about the
states of a fake gazetteer into a fresh database.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from dyad.kb import KnowledgeBase, open_kb
from dyad.kb.testing import SAMPLE_ENTITIES, FakeEntity, FakeGazetteer
from dyad.model import Document, Event, Evidence

__all__ = ["synthetic_entities", "synthetic_events", "synthetic_kb"]

_PEOPLE = (
    "Ada Lind",
    "Boris Kell",
    "Cora Vance",
    "Dmitri Oro",
    "Elsa Marr",
    "Felix Tamm",
    "Gus Ward",
    "Hana Iso",
)
_TITLES = (
    "Treaty of Friendship and Cooperation",
    "Agreement on Visa-Free Travel",
    "Treaty on Mutual Assistance",
    "Agreement on Trade",
)
_KINDS = ("embassy", "embassy", "consulate", "representative_office", "trade_mission")
_CITIES = (None, None, "Capital City", "Port Town")
_WEIGHTS = {
    "recognition": 10,
    "recognition_withdrawn": 2,
    "relations_established": 8,
    "relations_severed": 2,
    "treaty_signed": 4,
    "treaty_ratified": 4,
    "ambassador_appointed": 5,
    "credentials_presented": 3,
    "ambassador_dismissed": 2,
    "mission_opened": 5,
    "mission_planned": 2,
    "mission_closed": 1,
    "condemnation": 3,
    "membership": 1,
}


def synthetic_entities(n: int) -> tuple[FakeEntity, ...]:
    """``n`` fictional states (every seventh without COW, GW or ISO codes) and one organisation."""
    states = []
    for i in range(1, n + 1):
        coded = i % 7 != 0
        states.append(
            FakeEntity(
                f"State {i:03d}",
                iso3=f"S{i:02d}"[:3] if coded and i < 100 else None,
                wikidata=f"Q{900000 + i}",
                cow=1000 - i if coded else None,
                gw=1000 - i if coded else None,
                status="member" if coded else "partially recognised",
            )
        )
    states.append(FakeEntity("Union of States", kind="organization", wikidata="Q899999", status=None))
    return tuple(states)


def _date(rng: random.Random, start: int, end: int) -> str | None:
    roll = rng.random()
    year = rng.randint(start, end)
    if roll < 0.05:
        return None
    if roll < 0.2:
        return f"{year}"
    if roll < 0.35:
        return f"{year}-{rng.randint(1, 12):02d}"
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _event(
    rng: random.Random, states: Sequence[str], orgs: Sequence[str], start: int, end: int
) -> tuple[str, dict[str, Any]]:
    a, b, c = rng.sample(list(states), 3)
    kind = rng.choices(list(_WEIGHTS), weights=list(_WEIGHTS.values()))[0]
    if kind in ("recognition", "recognition_withdrawn", "relations_severed"):
        return kind, {"actor": a, "target": b}
    if kind == "condemnation":
        return kind, {"actor": rng.choice([a, *orgs]), "target": b}
    if kind == "relations_established":
        return kind, {"parties": [a, b]}
    if kind == "treaty_signed":
        parties = [a, b, c] if rng.random() < 0.2 else [a, b]
        return kind, {"parties": parties, "title": rng.choice(_TITLES)}
    if kind == "treaty_ratified":
        return kind, {"actor": a, "title": rng.choice(_TITLES)}
    if kind in ("ambassador_appointed", "credentials_presented", "ambassador_dismissed"):
        return kind, {"person": rng.choice(_PEOPLE), "sender": a, "receiver": b}
    if kind.startswith("mission_"):
        roles: dict[str, Any] = {"owner": a, "host": b, "kind": rng.choice(_KINDS)}
        city = rng.choice(_CITIES)
        if city:
            roles["city"] = city
        return kind, roles
    return "membership", {"member": a, "organization": rng.choice(list(orgs) or [c])}


def synthetic_events(
    states: Sequence[str],
    orgs: Sequence[str] = (),
    *,
    docs: int = 8,
    per_doc: int = 40,
    start: int = 1990,
    end: int = 2020,
    seed: int = 1,
    focus: int | None = None,
) -> list[tuple[Document, list[Event]]]:
    """Documents with their events. ``focus``: draw most events among the first ``focus`` states
    (so that pairs have histories), the rest among all."""
    rng = random.Random(seed)
    pool: list[tuple[str, dict[str, Any], str | None]] = []
    out = []
    for d in range(docs):
        doc_id = f"synthetic-{d:03d}"
        events: list[Event] = []
        offset = 0
        for _ in range(per_doc):
            if pool and rng.random() < 0.25:  # the same event told again, sometimes with another date
                type_, roles, date = rng.choice(pool)
                if date and rng.random() < 0.3:
                    date = date[:4] if rng.random() < 0.5 else _date(rng, int(date[:4]), int(date[:4]))
            else:
                chosen = states[:focus] if focus and rng.random() < 0.8 else states
                type_, roles = _event(rng, chosen, orgs, start, end)
                date = _date(rng, start, end)
                pool.append((type_, roles, date))
            text = f"{type_.replace('_', ' ')}: {roles} ({date or 'undated'})."
            evidence = Evidence(doc_id, text, offset, offset + len(text), ("History",))
            confidence = round(rng.uniform(0.5, 1.0), 3)
            events.append(
                Event(type_, dict(roles), date, [evidence], extractor="synthetic", confidence=confidence)
            )
            offset += len(text) + 1
        body = "\n".join(e.evidence[0].text for e in events)
        title = f"Synthetic article {d}"
        out.append(
            (Document(title=title, source=f"{doc_id}.txt", format="text", text=body, doc_id=doc_id), events)
        )
    return out


def synthetic_kb(
    url: str,
    *,
    entities: Sequence[FakeEntity] | None = None,
    docs: int = 8,
    per_doc: int = 40,
    start: int = 1990,
    end: int = 2020,
    seed: int = 1,
    focus: int | None = None,
) -> KnowledgeBase:
    """A fresh knowledge base at ``url`` holding :func:`synthetic_events` about ``entities``
    (default: the sample states of :mod:`dyad.kb.testing`, Abkhazia and South Ossetia included)."""
    entities = tuple(entities or SAMPLE_ENTITIES)
    kb = open_kb(url, gazetteer=FakeGazetteer(tuple(entities)))
    states = [e.name for e in entities if e.kind == "state"]
    orgs = [e.name for e in entities if e.kind == "organization"]
    for doc, events in synthetic_events(
        states, orgs, docs=docs, per_doc=per_doc, start=start, end=end, seed=seed, focus=focus
    ):
        kb.store_document(doc, events, extractor="synthetic")
    return kb
