"""Recognition of a state by another, and its withdrawal.

"Russia recognised Abkhazia", "Abkhazia was recognised by Nauru", "X and Y recognised each
other", "signed decrees recognising the independence of A and B" (the actor is then the
article's other party), "Tuvalu withdrew its recognition of Abkhazia", "Nicaragua switched
recognition from Taiwan to China". Negated, intended and hypothetical acts are not events.
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

__all__ = ["recognitions", "withdrawals"]

_RECOGNISE = {
    "recognise",
    "recognize",
    "recognised",
    "recognized",
    "recognising",
    "recognizing",
    "re-recognise",
    "re-recognize",
}
_WITHDRAW = {
    "withdraw",
    "revoke",
    "retract",
    "rescind",
    "cancel",
    "annul",
    "suspend",
    "freeze",
    "reverse",
    "end",
    "drop",
}
_DERECOGNISE = {"derecognise", "derecognize", "unrecognise", "unrecognize"}
_MUTUAL = ("each other", "one another", "mutual")
_KINDS = ("state",)


def _roles(sent: Sentence, t: Any) -> tuple[list[str], list[str]]:
    if is_passive(t):
        targets = states_in(sent, passive_subject_spans(t), _KINDS)
        actors = states_in(sent, agent_spans(t), _KINDS)
    else:
        actors = states_in(sent, subject_spans(t), _KINDS)
        targets = states_in(sent, object_spans(t), _KINDS, groups=False)
        if not targets:
            targets = states_in(sent, prep_spans(t, ("of",)), _KINDS, groups=False)
    return actors, targets


def _mutual(sent: Sentence, t: Any) -> bool:
    start, end = subtree_span(t)
    clause = sent.text[start:end].lower()
    return any(word in clause for word in _MUTUAL)


@register("recognition.v1")
def recognitions(sent: Sentence) -> Iterator[Event]:
    for t in triggers(sent, _RECOGNISE):
        if irrealis(t, sent):
            continue
        actors, targets = _roles(sent, t)
        date = date_for(sent, t)
        if _mutual(sent, t):
            group = actors or targets or list(sent.ctx.parties)
            if len(group) < 2:
                group = list(dict.fromkeys([*group, *sent.ctx.parties]))
            for a in group:
                for b in group:
                    if a != b:
                        yield new_event(sent, "recognition", {"actor": a, "target": b}, date)
            continue
        targets = [x for x in targets if x not in actors]
        if not targets and actors and object_spans(t) and not is_passive(t):
            # "X, Y and Z recognised the new state": the state the article is about.
            other = sent.ctx.subject if sent.ctx.subject not in actors else sent.ctx.other_party(*actors)
            targets = [other] if other else []
        if not targets:
            continue
        if not actors and not is_passive(t):
            other = sent.ctx.other_party(*targets)
            actors = [other] if other else []
        for actor in actors:
            for target in targets:
                if actor != target:
                    yield new_event(sent, "recognition", {"actor": actor, "target": target}, date)


def _recognition_object(sent: Sentence, t: Any) -> list[tuple[int, int]]:
    spans = object_spans(t) + prep_spans(t, ("of", "from"))
    if is_passive(t):  # "Vanuatu's recognition (of X) was withdrawn"
        spans += passive_subject_spans(t)
    return [s for s in spans if "recogni" in sent.text[s[0] : s[1]].lower()]


@register("recognition_withdrawn.v1")
def withdrawals(sent: Sentence) -> Iterator[Event]:
    for t in triggers(sent, _WITHDRAW | _DERECOGNISE | {"switch"}):
        if irrealis(t, sent):
            continue
        lemma = t.lemma_.lower()
        actors = states_in(sent, subject_spans(t), _KINDS)
        if lemma == "switch":
            if "recogni" not in sent.text[t.idx : t.idx + 60].lower():
                continue
            old = states_in(sent, prep_spans(t, ("from",)), _KINDS, groups=False)
            date = date_for(sent, t)
            new = states_in(sent, prep_spans(t, ("to",)), _KINDS, groups=False)
            for a in actors:
                for x in old:
                    yield new_event(sent, "recognition_withdrawn", {"actor": a, "target": x}, date)
                for x in new:
                    yield new_event(sent, "recognition", {"actor": a, "target": x}, date)
            continue
        if lemma in _DERECOGNISE or t.lower_ in _DERECOGNISE:
            spans = object_spans(t)
        else:
            spans = _recognition_object(sent, t)
            if not spans:
                continue
        targets = [x for x in states_in(sent, spans, _KINDS, groups=False) if x not in actors]
        if is_passive(t):
            actors = states_in(sent, agent_spans(t), _KINDS)
            if not actors:
                # "Vanuatu's recognition was withdrawn": the possessor withdrew it.
                owners = _possessors(sent, passive_subject_spans(t))
                actors = owners[:1]
                targets = [x for x in targets if x not in actors]
        if not actors:
            other = sent.ctx.other_party(*targets)
            actors = [other] if other else []
        if not targets:
            other = sent.ctx.other_party(*actors)
            targets = [other] if other else []
        date = date_for(sent, t)
        for actor in actors:
            for target in targets:
                if actor != target:
                    yield new_event(sent, "recognition_withdrawn", {"actor": actor, "target": target}, date)


def _possessors(sent: Sentence, spans: list[tuple[int, int]]) -> list[str]:
    out = []
    for start, end in spans:
        for m in sent.mentions_in(start, end):
            if m.entity.kind == "state" and re.match(r"['’]s?\b", sent.text[m.end : m.end + 2]):
                out.append(m.entity.name)
    return out


_GRANT = {
    "extend",
    "grant",
    "issue",
    "give",
    "accord",
    "announce",
    "confirm",
    "formalise",
    "formalize",
    "send",
}


@register("recognition_nominal.v1")
def granted(sent: Sentence) -> Iterator[Event]:
    """ "Hungary, Croatia and Bulgaria issued a joint statement of recognition", "the United
    States extended recognition to X": the act is a noun governed by a verb of granting."""
    if sent.doc is None:
        return
    for noun in sent.doc:
        if noun.lemma_.lower() != "recognition" or noun.pos_ != "NOUN":
            continue
        verb, hops = noun.head, 0
        while verb.pos_ not in ("VERB",) and verb.head.i != verb.i and hops < 3:
            verb, hops = verb.head, hops + 1
        if verb.lemma_.lower() not in _GRANT or irrealis(verb, sent):
            continue
        actors = states_in(sent, subject_spans(verb), _KINDS)
        targets = states_in(sent, [subtree_span(noun), *prep_spans(verb, ("to",))], _KINDS, groups=False)
        targets = [x for x in targets if x not in actors]
        if not targets and actors:
            other = sent.ctx.subject if sent.ctx.subject not in actors else sent.ctx.other_party(*actors)
            targets = [other] if other else []
        date = date_for(sent, verb)
        for actor in actors:
            for target in targets[:1]:
                yield new_event(sent, "recognition", {"actor": actor, "target": target}, date)
