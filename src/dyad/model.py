"""The small data objects every stage shares: Document, Block, Evidence, Event.

Data flows one way: a reader turns source text into a :class:`Document` made of
:class:`Block` objects that remember where they came from; extractors turn blocks into
:class:`Event` objects, each carrying the :class:`Evidence` that states it; the knowledge
base and the exports read events. No stage needs another's internals.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["BLOCK_KINDS", "EVENT_TYPES", "MISSION_KINDS", "Block", "Document", "Event", "Evidence"]

BLOCK_KINDS = ("paragraph", "list_item", "table_header", "table_row")

EVENT_TYPES = (
    "recognition",
    "recognition_withdrawn",
    "relations_established",
    "relations_severed",
    "treaty_signed",
    "treaty_ratified",
    "ambassador_appointed",
    "credentials_presented",
    "ambassador_dismissed",
    "mission_opened",
    "mission_planned",
    "condemnation",
    "membership",
)

MISSION_KINDS = (
    "embassy",
    "chancery",
    "consulate",
    "consulate_general",
    "trade_mission",
    "representative_office",
    "honorary_consulate",
    "other",
)


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph, list item, table header or table row, with where it stands in the source.

    ``text`` is the rendered text (markup removed). ``start``/``end`` are offsets into the
    original source text. For wikitext the rendered text is shorter than the markup it came
    from, so ``anchors`` keeps pairs ``(text_offset, source_offset)`` at the start of every
    rendered piece; :meth:`source_span` maps a span of ``text`` back into the source.
    An empty ``anchors`` means the text is the source verbatim from ``start`` on.
    """

    kind: str
    text: str
    start: int
    end: int
    section: tuple[str, ...] = ()
    cells: tuple[str, ...] = ()
    anchors: tuple[tuple[int, int], ...] = ()
    cell_spans: tuple[tuple[int, int], ...] = ()

    def source_offset(self, i: int) -> int:
        """Source offset of position ``i`` of ``text`` (exact at piece starts, else nearest)."""
        if not self.anchors:
            return min(self.start + i, self.end)
        keys = [a[0] for a in self.anchors]
        k = bisect.bisect_right(keys, i) - 1
        if k < 0:
            return self.start
        text_pos, src_pos = self.anchors[k]
        return min(src_pos + (i - text_pos), self.end)

    def source_span(self, i: int, j: int) -> tuple[int, int]:
        """Source offsets of ``text[i:j]``."""
        s = self.source_offset(i)
        e = self.source_offset(j) if j < len(self.text) else self.end
        return s, max(s, e)


@dataclass(slots=True)
class Document:
    """One article, as every later stage reads it."""

    title: str
    source: str
    format: str  # "text" or "wikitext"
    text: str
    infobox: dict[str, str] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    doc_id: str = ""

    def __post_init__(self) -> None:
        if not self.doc_id:
            self.doc_id = Path(self.source).stem if self.source else self.title

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc": self.doc_id,
            "title": self.title,
            "source": self.source,
            "format": self.format,
            "infobox": dict(self.infobox),
            "warnings": list(self.warnings),
            "blocks": [
                {
                    "kind": b.kind,
                    "section": list(b.section),
                    "text": b.text,
                    "cells": list(b.cells),
                    "start": b.start,
                    "end": b.end,
                }
                for b in self.blocks
            ],
        }


@dataclass(frozen=True, slots=True)
class Evidence:
    """The sentence, row or item that states an event, and where it is in its source."""

    doc: str
    text: str
    start: int
    end: int
    section: tuple[str, ...] = ()
    block_kind: str = "paragraph"


# Roles that name states or organisations; the rest (person, title, kind, city) are free text.
STATE_ROLES = ("actor", "target", "sender", "receiver", "owner", "host", "member", "organization")


@dataclass(slots=True)
class Event:
    """One dated diplomatic event with the evidence that states it.

    ``roles`` holds the roles of ``../shared/spec/events.md`` (actor, target, parties, person,
    title, kind, city, ...). ``date`` is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, never more
    precise than the text, or None.
    """

    type: str
    roles: dict[str, Any]
    date: str | None
    evidence: list[Evidence] = field(default_factory=list)
    extractor: str = ""
    confidence: float = 1.0

    @property
    def doc(self) -> str:
        return self.evidence[0].doc if self.evidence else ""

    @property
    def precision(self) -> str | None:
        if self.date is None:
            return None
        return {4: "year", 7: "month", 10: "day"}.get(len(self.date), "year")

    def key(self) -> tuple[Any, ...]:
        """Identity of the fact regardless of date: type and roles, order-free for parties."""
        items = []
        for name, value in sorted(self.roles.items()):
            if name == "parties":
                value = tuple(sorted(value))
            elif isinstance(value, list):
                value = tuple(value)
            items.append((name, value))
        return (self.type, tuple(items))

    def to_exchange(self) -> dict[str, Any]:
        """The exchange format of ``events.md``, plus offsets and provenance as extra fields."""
        out: dict[str, Any] = {"doc": self.doc, "type": self.type}
        for name, value in self.roles.items():
            out[name] = list(value) if isinstance(value, (list, tuple)) else value
        out["date"] = self.date
        first = self.evidence[0] if self.evidence else None
        out["evidence"] = first.text if first else ""
        if first is not None:
            out["start"] = first.start
            out["end"] = first.end
            out["section"] = list(first.section)
        if len(self.evidence) > 1:
            out["more_evidence"] = [
                {"text": e.text, "start": e.start, "end": e.end} for e in self.evidence[1:]
            ]
        out["extractor"] = self.extractor
        out["confidence"] = round(self.confidence, 3)
        return out
