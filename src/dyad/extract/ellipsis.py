"""Acts stated by reference to the one before: "Germany followed on 20 February", "Canada and
Japan did so on 18 March 2008, and Liechtenstein a week later", "..., as did Albania".

The act is the last event the article stated; the new actors take the place of its actor, and
each keeps the date written next to it. Only acts with a single acting state can be repeated
this way (recognitions and their withdrawal, severances, condemnations, memberships).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from dyad.extract.clauses import date_for, irrealis, new_event, states_in, subject_spans, triggers
from dyad.extract.context import Sentence
from dyad.extract.registry import register
from dyad.model import Event

__all__ = ["ellipsis"]

_ACTING_ROLE = {
    "recognition": "actor",
    "recognition_withdrawn": "actor",
    "relations_severed": "actor",
    "condemnation": "actor",
    "membership": "member",
}
_AS_DID = re.compile(r"\bas (?:did|had|have|has|do|does|would later)\b", re.IGNORECASE)


def _repeat(sent: Sentence, model: Event, actor: str, date: Any) -> Event | None:
    role = _ACTING_ROLE.get(model.type)
    if role is None or actor == model.roles.get(role) or actor in model.roles.values():
        return None
    roles = {**model.roles, role: actor}
    return new_event(sent, model.type, roles, date)


def _follows(t: Any) -> bool:
    lemma = t.lemma_.lower()
    if lemma == "follow":
        objects = [c for c in t.children if c.dep_ == "dobj"]
        return not objects or objects[0].lower_ in ("suit", "example")
    if lemma == "do":
        return any(c.lower_ in ("so", "likewise", "same") for c in t.subtree if c.i > t.i and c.i <= t.i + 2)
    return False


@register("ellipsis.v1")
def ellipsis(sent: Sentence) -> Iterator[Event]:
    model = next((e for e in reversed(sent.ctx.recent) if e.type in _ACTING_ROLE), None)
    if sent.doc is None or model is None:
        return
    for t in triggers(sent, ("follow", "do")):
        if not _follows(t) or irrealis(t, sent):
            continue
        actors = states_in(sent, subject_spans(t))
        date = date_for(sent, t)
        for actor in actors:
            event = _repeat(sent, model, actor, date)
            if event is not None:
                yield event
        # gapping: ", and Liechtenstein a week later"
        if date is not None:
            for m in sent.mentions:
                if m.start <= date.end or m.entity.kind != "state" or m.entity.name in actors:
                    continue
                later = [d for d in sent.dates if d.value and d.start > m.end and not d.attributive]
                if later and re.fullmatch(r"[\s,]*(?:and\s+)?", sent.text[date.end : m.start]):
                    event = _repeat(sent, model, m.entity.name, later[0])
                    if event is not None:
                        yield event
    if as_did := _AS_DID.search(sent.text):
        first = model
        if first.evidence and first.evidence[0].text == sent.evidence().text:
            for name in states_in(sent, [(as_did.end(), len(sent.text))]):
                event = _repeat(sent, first, name, None)
                if event is not None:
                    event.date = first.date
                    yield replace(event)
