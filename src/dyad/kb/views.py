"""The small read-only objects the query API returns; each has ``to_dict()`` for JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dyad.kb.fusion import PAIR_ROLES, Candidate
from dyad.kb.state import MissionState, RecognitionState, RelationsState, Tenure, TreatyState

__all__ = [
    "ConflictView",
    "DocumentView",
    "EntityView",
    "EvidenceView",
    "FactView",
    "SearchHit",
    "StatusView",
]

# How the roles of each type read in one line ("Russia → Abkhazia"): the same pairs the as-of
# index is built on.
_SUMMARY_ROLES = PAIR_ROLES


@dataclass(frozen=True, slots=True)
class EvidenceView:
    doc: str
    text: str
    start: int
    end: int
    section: str
    block_kind: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc": self.doc,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "section": self.section,
            "block_kind": self.block_kind,
        }


@dataclass(frozen=True, slots=True)
class FactView:
    """One fused fact: type, canonical roles, chosen date, and the documents that tell it."""

    id: int
    type: str
    roles: dict[str, Any]
    date: str | None
    precision: str | None
    sources: tuple[str, ...]
    conflict: bool = False
    evidence: tuple[EvidenceView, ...] = ()
    candidates: tuple[Candidate, ...] = ()

    @property
    def n_sources(self) -> int:
        return len(self.sources)

    def summary(self) -> str:
        """The roles in one line: "Russia → Abkhazia", "Georgia, Russia: Treaty of ...", ..."""
        r = self.roles
        if "parties" in r:
            text = ", ".join(r.get("parties") or [])
        else:
            first, second = _SUMMARY_ROLES.get(self.type, ("actor", "target"))
            text = str(r.get(first) or "?")
            if second and r.get(second):
                text += f" → {r[second]}"
        extras = [str(r[k]) for k in ("person", "title", "kind", "city") if r.get(k)]
        return text + (": " + ", ".join(extras) if extras else "")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "type": self.type, **self.roles}
        out.update(
            {
                "date": self.date,
                "precision": self.precision,
                "sources": list(self.sources),
                "conflict": self.conflict,
            }
        )
        if self.evidence:
            out["evidence"] = [e.to_dict() for e in self.evidence]
        if self.candidates:
            out["candidates"] = [c.to_dict() for c in self.candidates]
        return out


@dataclass(frozen=True, slots=True)
class ConflictView:
    """A fact whose sources disagree on the date: every candidate with its documents."""

    fact: FactView
    candidates: tuple[Candidate, ...]

    @property
    def chosen(self) -> str | None:
        return self.fact.date

    def to_dict(self) -> dict[str, Any]:
        return {
            "fact": self.fact.id,
            "type": self.fact.type,
            "roles": self.fact.roles,
            "chosen": self.chosen,
            "candidates": [c.to_dict() for c in self.candidates],
        }


@dataclass(frozen=True, slots=True)
class EntityView:
    name: str
    kind: str
    iso2: str | None
    iso3: str | None
    wikidata: str | None
    cow: int | None
    cow_abbr: str | None
    gw: int | None
    status: str | None
    capital: str | None
    known: bool
    aliases: tuple[str, ...]
    facts: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "iso2": self.iso2,
            "iso3": self.iso3,
            "wikidata": self.wikidata,
            "cow": self.cow,
            "cow_abbr": self.cow_abbr,
            "gw": self.gw,
            "status": self.status,
            "capital": self.capital,
            "known": self.known,
            "aliases": list(self.aliases),
            "facts": self.facts,
        }


@dataclass(frozen=True, slots=True)
class SearchHit:
    fact: FactView
    doc: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"fact": self.fact.to_dict(), "doc": self.doc, "text": self.text}


@dataclass(frozen=True, slots=True)
class DocumentView:
    doc: str
    title: str
    source: str
    format: str
    content_hash: str
    events: int
    ingested_at: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc": self.doc,
            "title": self.title,
            "source": self.source,
            "format": self.format,
            "content_hash": self.content_hash,
            "events": self.events,
            "ingested_at": self.ingested_at,
        }


@dataclass(slots=True)
class StatusView:
    """Everything between two states as of a day."""

    a: str
    b: str
    on: str | None
    recognition: tuple[RecognitionState, RecognitionState]  # a→b, b→a
    relations: RelationsState
    envoys: dict[str, list[Tenure]] = field(default_factory=dict)  # "a→b" and "b→a"
    missions: list[MissionState] = field(default_factory=list)
    treaties: list[TreatyState] = field(default_factory=list)

    def envoy_in_office(self, sender: str) -> Tenure | None:
        key = f"{sender}→{self.b if sender == self.a else self.a}"
        current = [t for t in self.envoys.get(key, []) if t.in_office]
        return current[-1] if current else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "on": self.on,
            "recognition": [r.to_dict() for r in self.recognition],
            "relations": self.relations.to_dict(),
            "envoys": {k: [t.to_dict() for t in v] for k, v in self.envoys.items()},
            "missions": [m.to_dict() for m in self.missions],
            "treaties": [t.to_dict() for t in self.treaties],
        }
