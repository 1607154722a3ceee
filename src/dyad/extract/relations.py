"""Diplomatic relations established (or restored) and severed.

"X and Y established diplomatic relations on ...", "Diplomatic relations between both
countries were established ...", "X restored relations with Y", "X and Y have maintained
diplomatic relations since 1992"; "X severed (broke off, cut) diplomatic relations with Y".
Trade, economic or military relations are not diplomatic relations.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from dyad.extract.clauses import (
    agent_spans,
    date_for,
    irrealis,
    is_passive,
    new_event,
    object_spans,
    passive_subject_spans,
    prep_spans,
    states_in,
    subject_spans,
    subtree_span,
    triggers,
)
from dyad.extract.context import Sentence
from dyad.extract.registry import register
from dyad.model import Event

__all__ = ["established", "severed"]

_ESTABLISH = {
    "establish",
    "re-establish",
    "reestablish",
    "restore",
    "resume",
    "normalise",
    "normalize",
    "open",
    "forge",
    "launch",
}
_SEVER = {"sever", "break", "cut", "suspend", "terminate", "rupture", "freeze", "end"}
_HAVE = {"have", "maintain", "enjoy"}
_RELATIONS = re.compile(r"\b(?:diplomatic\s+)?(?:relations|ties)\b", re.IGNORECASE)
_NOT_DIPLOMATIC = re.compile(
    r"\b(?:trade|economic|military|cultural|commercial|consular|business|security|defen[cs]e|energy|"
    r"economic and trade|informal|unofficial|close|friendly|good|strained)\s+(?:relations|ties)\b",
    re.IGNORECASE,
)
_SINCE = re.compile(r"\bsince\b", re.IGNORECASE)


def _relations_span(sent: Sentence, t: Any) -> tuple[int, int] | None:
    """The phrase naming the relations the verb acts on, if it names diplomatic ones."""
    spans = passive_subject_spans(t) if is_passive(t) else object_spans(t)
    if not spans and t.lemma_.lower() == "agree":
        spans = [subtree_span(c) for c in t.children if c.dep_ in ("xcomp", "ccomp")]
    for start, end in spans:
        phrase = sent.text[start:end]
        if _RELATIONS.search(phrase) and not _NOT_DIPLOMATIC.search(phrase):
            return start, end
    return None


def _pair(sent: Sentence, t: Any, span: tuple[int, int]) -> list[str]:
    parties = states_in(sent, subject_spans(t))
    parties += [p for p in states_in(sent, [span, *prep_spans(t, ("with", "between"))]) if p not in parties]
    if is_passive(t):
        parties += [p for p in states_in(sent, agent_spans(t)) if p not in parties]
    if len(parties) == 1:
        other = sent.ctx.other_party(parties[0])
        if other:
            parties.append(other)
    if not parties and re.search(r"\b(?:diplomatic )?relations\b", sent.text[span[0] : span[1]], re.I):
        parties = list(sent.ctx.parties)
    return parties


@register("relations_established.v1")
def established(sent: Sentence) -> Iterator[Event]:
    for t in triggers(sent, _ESTABLISH | _HAVE):
        lemma = t.lemma_.lower()
        if irrealis(t, sent):
            continue
        span = _relations_span(sent, t)
        if span is None:
            continue
        date = date_for(sent, t)
        if lemma in _HAVE:
            # "have had diplomatic relations since 1992": the date after "since" is the start.
            start, end = subtree_span(t)
            since = _SINCE.search(sent.text, start, end)
            if not since or date is None or date.start < since.end():
                continue
        parties = _pair(sent, t, span)
        if len(parties) >= 2:
            yield new_event(sent, "relations_established", {"parties": parties[:2]}, date)


@register("relations_severed.v1")
def severed(sent: Sentence) -> Iterator[Event]:
    for t in triggers(sent, _SEVER):
        if irrealis(t, sent):
            continue
        span = _relations_span(sent, t)
        if span is None:
            continue
        if is_passive(t):
            actors = states_in(sent, agent_spans(t))
            targets = states_in(sent, [span, *prep_spans(t, ("with", "between"))], groups=False)
        else:
            actors = states_in(sent, subject_spans(t), groups=True)
            targets = states_in(sent, [span, *prep_spans(t, ("with",))], groups=False)
        targets = [x for x in targets if x not in actors]
        if not targets and len(actors) == 2:
            actors, targets = actors[:1], actors[1:]
        if not actors and targets:
            other = sent.ctx.other_party(*targets)
            actors = [other] if other else []
        if actors and not targets:
            other = sent.ctx.other_party(*actors)
            targets = [other] if other else []
        date = date_for(sent, t)
        for a in actors:
            for b in targets:
                if a != b:
                    yield new_event(sent, "relations_severed", {"actor": a, "target": b}, date)
