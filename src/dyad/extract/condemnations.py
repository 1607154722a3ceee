"""Condemnations: a state or organisation condemns an act of a state.

"The Russian recognition was condemned by the EU, the US, NATO and PACE" gives one event per
condemner, the target being the state whose act it was (the adjective or possessive in the
condemned phrase); "Georgia condemned Russia's decision" likewise.
"""

from __future__ import annotations

from collections.abc import Iterator

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
    triggers,
)
from dyad.extract.context import Sentence
from dyad.extract.registry import register
from dyad.model import Event

__all__ = ["condemnations"]

_CONDEMN = {"condemn", "denounce", "criticise", "criticize", "deplore", "protest", "censure", "decry"}
_ACTORS = ("state", "organization")


@register("condemnation.v1")
def condemnations(sent: Sentence) -> Iterator[Event]:
    for t in triggers(sent, _CONDEMN):
        if irrealis(t, sent):
            continue
        if is_passive(t):
            actors = states_in(sent, agent_spans(t), _ACTORS)
            targets = states_in(sent, passive_subject_spans(t), ("state",), groups=False)
        else:
            actors = states_in(sent, subject_spans(t), _ACTORS)
            targets = states_in(
                sent, object_spans(t) + prep_spans(t, ("against", "over")), ("state",), groups=False
            )
        targets = [x for x in targets if x not in actors]
        if not actors:
            continue
        if not targets and _declaration(t):
            limited = [
                p
                for p in sent.ctx.parties
                if getattr(sent.ctx.gazetteer.get(p), "status", "") == "limited_recognition"
            ]
            targets = [x for x in limited if x not in actors][:1]
        if not targets:
            other = sent.ctx.other_party(*actors)
            last = sent.ctx.last_actor if sent.ctx.last_actor not in actors and _act_noun(t) else None
            targets = [other] if other else [last] if last else []
        date = date_for(sent, t)
        for actor in actors:
            for target in targets[:1]:
                yield new_event(sent, "condemnation", {"actor": actor, "target": target}, date)


_ACT_NOUNS = {
    "opening", "recognition", "decision", "move", "step", "agreement", "deal", "signing", "visit",
    "appointment", "declaration", "treaty", "memorandum", "announcement", "establishment", "act",
    "proclamation",
}  # fmt: skip


def _condemned(t: object) -> set[str]:
    """Lemmas of what is condemned: the object, or the subject of a passive."""
    return {c.lemma_.lower() for c in t.children if c.dep_ in ("dobj", "nsubjpass")}  # type: ignore[attr-defined]


def _act_noun(t: object) -> bool:
    """The condemned thing is an act ("the opening", "the decision") whose author the article just named."""
    return bool(_condemned(t) & _ACT_NOUNS)


def _declaration(t: object) -> bool:
    """A condemned declaration or proclamation (of independence) is the new state's act."""
    return bool(_condemned(t) & {"declaration", "proclamation", "independence", "secession"})
