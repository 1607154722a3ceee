"""Shaping query results for the pages: labels, timeline items, the recognition chart, marks.

Pure functions over the objects of :mod:`dyad.kb`; no I/O. Text that came from an article is
never turned into markup here: highlighting returns (text, marked) segments that the
templates escape.
"""

from __future__ import annotations

import calendar
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import Markup

from dyad.kb import FactView

__all__ = [
    "LANES",
    "TYPE_LABELS",
    "Chart",
    "Excerpt",
    "counterparts",
    "excerpt",
    "lane_of",
    "mark_words",
    "period",
    "recognition_chart",
    "script_json",
    "timeline_items",
    "type_label",
]

TYPE_LABELS = {
    "recognition": "Recognition",
    "recognition_withdrawn": "Recognition withdrawn",
    "relations_established": "Relations established",
    "relations_severed": "Relations severed",
    "treaty_signed": "Treaty signed",
    "treaty_ratified": "Treaty ratified",
    "ambassador_appointed": "Envoy appointed",
    "credentials_presented": "Credentials presented",
    "ambassador_dismissed": "Envoy dismissed",
    "mission_opened": "Mission opened",
    "mission_planned": "Mission planned",
    "mission_closed": "Mission closed",
    "condemnation": "Condemnation",
    "membership": "Membership",
}
LANES = {
    "recognition": "recognition",
    "recognition_withdrawn": "recognition",
    "relations_established": "relations",
    "relations_severed": "relations",
    "ambassador_appointed": "envoy",
    "credentials_presented": "envoy",
    "ambassador_dismissed": "envoy",
    "mission_opened": "mission",
    "mission_planned": "mission",
    "mission_closed": "mission",
    "treaty_signed": "treaty",
    "treaty_ratified": "treaty",
}
_NEGATIVE = {
    "recognition_withdrawn",
    "relations_severed",
    "ambassador_dismissed",
    "mission_closed",
    "condemnation",
}
_STATE_ROLES = ("actor", "target", "sender", "receiver", "owner", "host", "member", "organization")


def type_label(type_: str) -> str:
    return TYPE_LABELS.get(type_, type_.replace("_", " ").capitalize())


def lane_of(type_: str) -> str:
    return LANES.get(type_, "other")


def period(value: str | None) -> tuple[date, date] | None:
    """First and last day of an ISO date, month or year; None if absent or unreadable."""
    if not value:
        return None
    try:
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 1:
            return date(parts[0], 1, 1), date(parts[0], 12, 31)
        if len(parts) == 2:
            last = calendar.monthrange(parts[0], parts[1])[1]
            return date(parts[0], parts[1], 1), date(parts[0], parts[1], last)
        if len(parts) == 3:
            day = date(parts[0], parts[1], parts[2])
            return day, day
    except ValueError:
        return None
    return None


def timeline_items(facts: Sequence[FactView], evidence: dict[int, tuple[str, str]]) -> list[dict[str, Any]]:
    """The JSON the timeline script draws: one item per fact, with its first source sentence."""
    items = []
    for f in facts:
        span = period(f.date)
        doc, text = evidence.get(f.id, (f.sources[0] if f.sources else "", ""))
        items.append(
            {
                "id": f.id,
                "type": f.type,
                "label": type_label(f.type),
                "lane": lane_of(f.type),
                "negative": f.type in _NEGATIVE,
                "date": f.date or "undated",
                "precision": f.precision,
                "start": span[0].isoformat() if span else None,
                "end": span[1].isoformat() if span else None,
                "summary": f.summary(),
                "text": text,
                "doc": doc,
                "sources": list(f.sources),
                "conflict": f.conflict,
            }
        )
    return items


def parties_of(fact: FactView) -> list[str]:
    """The states and organisations a fact names."""
    names = [str(fact.roles[r]) for r in _STATE_ROLES if isinstance(fact.roles.get(r), str)]
    names += [str(p) for p in fact.roles.get("parties") or []]
    return list(dict.fromkeys(n for n in names if n))


def counterparts(facts: Iterable[FactView], name: str, limit: int = 15) -> list[tuple[str, int]]:
    """The states ``name`` shares the most events with, most first."""
    counts: Counter[str] = Counter()
    for f in facts:
        for other in parties_of(f):
            if other != name:
                counts[other] += 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


# --------------------------------------------------------------------------- recognition chart


@dataclass(frozen=True, slots=True)
class Chart:
    """A step chart of two yearly series, laid out for an SVG of ``width`` × ``height``."""

    width: int
    height: int
    left: int
    right: int
    bottom: int
    years: tuple[int, ...]
    series: tuple[dict[str, Any], ...]  # {"key", "label", "points": [(x, y, year, value)], "path"}
    x_ticks: tuple[tuple[float, int], ...]
    y_ticks: tuple[tuple[float, int], ...]
    max_value: int

    @property
    def empty(self) -> bool:
        return not self.years


def _nice_ticks(maximum: int, count: int = 5) -> list[int]:
    if maximum <= count:
        return list(range(0, maximum + 1))
    step = max(1, round(maximum / count))
    for nice in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if nice >= step:
            step = nice
            break
    return list(range(0, maximum + 1, step))


def recognition_chart(
    received: dict[int, int], given: dict[int, int], width: int = 720, height: int = 220
) -> Chart:
    """Lay out two series (year -> states recognising at the end of that year)."""
    years = sorted(set(received) | set(given))
    if not years or not any([*received.values(), *given.values()]):
        return Chart(width, height, 40, 24, 24, (), (), (), (), 0)
    first, last = years[0], max(years[-1], years[0] + 1)
    span = list(range(first, last + 1))
    left, right, top, bottom = 40, 24, 10, 24
    maximum = max([*received.values(), *given.values(), 1])

    def x(year: float) -> float:
        return round(left + (year - first) / (last - first) * (width - left - right), 1)

    def y(value: float) -> float:
        return round(top + (1 - value / maximum) * (height - top - bottom), 1)

    series = []
    for key, label, values in (("received", "recognised by", received), ("given", "recognises", given)):
        if not any(values.values()):
            continue
        points: list[tuple[float, float, int, int]] = []
        current = 0
        for year in span:
            current = values.get(year, current)
            points.append((x(year), y(current), year, current))
        path = ""
        for i, (px, py, _, _) in enumerate(points):
            if i == 0:
                path = f"M{px},{py}"
            else:
                path += f"H{px}V{py}"
        series.append({"key": key, "label": label, "points": points, "path": path, "last": current})
    n_ticks = max(2, min(len(span), (width - left - right) // 70))
    step = max(1, round(len(span) / n_ticks))
    x_ticks = tuple((x(yr), yr) for yr in span[::step])
    y_ticks = tuple((y(v), v) for v in _nice_ticks(maximum))
    return Chart(width, height, left, right, bottom, tuple(span), tuple(series), x_ticks, y_ticks, maximum)


# --------------------------------------------------------------------------- highlighting


def mark_words(text: str, query: str) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, matches a word of ``query``) segments, case-insensitively."""
    words = sorted({w for w in query.split() if w}, key=len, reverse=True)
    if not words or not text:
        return [(text, False)]
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in pattern.finditer(text):
        if m.start() > pos:
            out.append((text[pos : m.start()], False))
        out.append((m.group(0), True))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], False))
    return out


@dataclass(frozen=True, slots=True)
class Excerpt:
    """A window of a document with the evidence spans in it marked."""

    segments: tuple[tuple[str, bool], ...]
    cut_before: bool
    cut_after: bool


def excerpt(text: str, spans: Sequence[tuple[int, int]], context: int = 600) -> list[Excerpt]:
    """The parts of ``text`` around ``spans`` (± ``context`` characters, widened to whole
    lines; spans closer than that share a window), cut into (piece, is evidence) segments."""
    clean = sorted((max(0, s), min(len(text), e)) for s, e in spans if e > s and s < len(text))
    if not clean:
        return []
    groups: list[list[tuple[int, int]]] = [[clean[0]]]
    for s, e in clean[1:]:
        if s - max(end for _, end in groups[-1]) <= 2 * context:
            groups[-1].append((s, e))
        else:
            groups.append([(s, e)])
    return [_window(text, group, context) for group in groups]


def _window(text: str, spans: list[tuple[int, int]], context: int) -> Excerpt:
    first, last = spans[0][0], max(e for _, e in spans)
    lo, hi = max(0, first - context), min(len(text), last + context)
    if lo > 0:
        nl = text.find("\n", lo, first)
        lo = nl + 1 if nl >= 0 else lo
    if hi < len(text):
        nl = text.rfind("\n", last, hi)
        hi = nl if nl > last else hi
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    segments: list[tuple[str, bool]] = []
    pos = lo
    for s, e in merged:
        if s > pos:
            segments.append((text[pos:s], False))
        segments.append((text[max(s, pos) : e], True))
        pos = max(pos, e)
    if pos < hi:
        segments.append((text[pos:hi], False))
    return Excerpt(tuple(segments), lo > 0, hi < len(text))


def script_json(data: Any) -> Markup:
    """JSON to put inside ``<script type="application/json">``: ``<``, ``>`` and ``&`` are
    written as \\u escapes, so no text of an article can close the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)
