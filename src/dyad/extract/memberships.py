"""Membership of a state in an international organisation.

"Both states are members of the Community for Democracy and Rights of Nations", "X joined
NATO on 4 April 1949", "X was admitted to the United Nations in 2006". Applying, seeking or
being refused membership is not membership.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dyad.extract.clauses import (
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

__all__ = ["memberships"]

_JOIN = {"join", "rejoin", "re-join", "accede", "enter"}
_ADMIT = {"admit"}
_MEMBER = {"member", "members", "membership"}


@register("membership.v1")
def memberships(sent: Sentence) -> Iterator[Event]:
    if sent.doc is None:
        return
    for t in triggers(sent, _MEMBER, pos=("NOUN",)):
        if t.dep_ == "compound":
            continue  # "the fifth UN member state to recognise X" says nothing about joining
        verb = t.head
        hops = 0
        while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i and hops < 3:
            verb, hops = verb.head, hops + 1
        if verb.pos_ not in ("VERB", "AUX") or verb.lemma_.lower() not in ("be", "become", "remain", "found"):
            continue
        if irrealis(verb, sent) or any(c.dep_ == "neg" for c in t.children):
            continue
        members = states_in(sent, subject_spans(verb))
        orgs = states_in(sent, [subtree_span(t)], ("organization",), groups=False)
        if t.head.dep_ == "conj" or len(orgs) < 2:
            # "of the OIC and of UNESCO": coordinated "of" phrases hang off the verb.
            orgs += [
                o
                for o in states_in(sent, [subtree_span(verb)], ("organization",), groups=False)
                if o not in orgs
            ]
        yield from _emit(sent, verb, members, orgs)
    for t in triggers(sent, _JOIN | _ADMIT):
        if irrealis(t, sent):
            continue
        if t.lemma_.lower() in _ADMIT or is_passive(t):
            members = states_in(sent, passive_subject_spans(t))
            orgs = states_in(sent, prep_spans(t, ("to", "into", "as")), ("organization",), groups=False)
        else:
            members = states_in(sent, subject_spans(t))
            orgs = states_in(sent, object_spans(t) + prep_spans(t, ("to",)), ("organization",), groups=False)
        yield from _emit(sent, t, members, orgs)


def _emit(sent: Sentence, t: Any, members: list[str], orgs: list[str]) -> Iterator[Event]:
    if not orgs:
        # "France joined NATO in 1949, and West Germany joined in May 1955": the organisation
        # named earlier in the sentence.
        earlier = [m.entity.name for m in sent.mentions if m.entity.kind == "organization" and m.end <= t.idx]
        orgs = earlier[-1:]
    if not orgs:
        return
    default = date_for(sent, t)
    positions = {m.entity.name: m.start for m in sent.mentions if m.entity.kind == "organization"}
    for k, org in enumerate(orgs):
        # "a member of the Arab League since 1976 and of UNESCO since 2011": each its own date.
        start = positions.get(org, -1)
        stop = positions.get(orgs[k + 1], len(sent.text)) if k + 1 < len(orgs) else len(sent.text)
        own = [d for d in sent.dates if d.value and not d.attributive and start < d.start < stop]
        date = own[0] if own and len(orgs) > 1 else default
        for member in members:
            yield new_event(sent, "membership", {"member": member, "organization": org}, date)
