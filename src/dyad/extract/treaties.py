"""Treaties signed and ratified, stated in prose (tables are read by ``tables``).

"X and Y signed a treaty of friendship and cooperation in Z", "The leaders of X and Y signed
a mutual defence pact", "The agreement was signed on ... by X and Y"; "The treaty was
ratified by X's parliament on 27 December and by Y's on 15 February 2006": one ratification
per ratifying state, each with its own date. "The treaty" alone means the last treaty named.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from dyad.extract.clauses import (
    agent_spans,
    children_spans,
    date_for,
    irrealis,
    is_passive,
    new_event,
    object_spans,
    passive_subject_spans,
    persons_in,
    prep_spans,
    states_in,
    subject_spans,
    subtree_span,
    triggers,
)
from dyad.extract.context import DatedMention, Sentence
from dyad.extract.registry import register
from dyad.model import Event

__all__ = ["TREATY_WORDS", "clean_title", "ratified", "signed"]

TREATY_WORDS = re.compile(
    r"\b(?:treat(?:y|ies)|agreements?|accords?|pacts?|memorand(?:um|a)|protocols?|conventions?|"
    r"declarations?|charters?|deals?|communiqu[eé]s?|MoU|arrangements?)\b",
    re.IGNORECASE,
)
_SIGN = {"sign", "conclude", "ink", "initial"}
_RATIFY = {"ratify", "approve", "endorse"}
_CUT = re.compile(
    r"\s+(?:in|at)\s+(?=[A-Z])|,(?=\s+(?:[a-z]|The\b|which\b|who\b))|,$|\s+on\s+(?:\d|the\s+\d|[A-Z][a-z]+\s+\d)|\s+during\b|\s+which\b|"
    r"\s+that\b|\s+stating\b|\s+between\b|\s+with\b|\s+by\b|\s*;|\s+\(|\s+as\s+part\b|\s+when\b|"
    r"\s+after\b|\s+before\b|\s+following\b|\s+in\s+(?:\d|early|late|mid|the\s+presence)|\s+while\b",
)
_LEAD = re.compile(r"^(?:a|an|the|another|two|three|several|a\s+new|new|its|their|his|her)\s+", re.IGNORECASE)


def clean_title(phrase: str) -> str:
    """The title of a treaty from the noun phrase naming it: no article, place, date or clause."""
    phrase = " ".join(phrase.split())
    if m := _CUT.search(phrase):
        phrase = phrase[: m.start()]
    while (m := _LEAD.match(phrase)) is not None:
        phrase = phrase[m.end() :]
    return phrase.strip(" .,;:\"'“”")


def _head_is_treaty(sent: Sentence, start: int, end: int) -> bool:
    """The phrase is about a treaty, not "a law annulling the memorandum" or "decrees"."""
    if sent.doc is None:
        return True
    for tok in sent.doc:
        if start <= tok.idx < end and (tok.head.i == tok.i or not (start <= tok.head.idx < end)):
            # the phrase's head; names like "the Treaty of Aachen" or "Ankara Declaration" count too
            words = [t for t in tok.subtree if t.dep_ in ("compound", "amod", "nmod") or t.i == tok.i]
            return any(TREATY_WORDS.fullmatch(t.text) for t in words) or bool(
                TREATY_WORDS.fullmatch(tok.text)
            )
    return True


def _title(sent: Sentence, spans: list[tuple[int, int]]) -> str | None:
    for start, end in spans:
        phrase = sent.text[start:end]
        if phrase.strip().lower() in ("it", "them", "both") and sent.ctx.last_treaty:
            return sent.ctx.last_treaty
        m = TREATY_WORDS.search(phrase)
        if not m or not _head_is_treaty(sent, start, end):
            continue
        title = clean_title(phrase)
        generic = TREATY_WORDS.fullmatch(title.strip()) is not None
        if generic and sent.ctx.last_treaty and re.match(r"(?i)the\b", phrase.strip()):
            return sent.ctx.last_treaty
        return title or None
    return None


@register("treaty_signed.v1")
def signed(sent: Sentence) -> Iterator[Event]:
    for t in triggers(sent, _SIGN):
        if irrealis(t, sent):
            continue
        passive = is_passive(t)
        title = _title(sent, passive_subject_spans(t) if passive else object_spans(t))
        if title is None and t.dep_ == "acl" and t.tag_ == "VBN":
            # "the Cuban–American Treaty of Relations, signed in Havana on 22 May 1903"
            title = _title(sent, [(subtree_span(t.head)[0], t.idx)])
            if title is not None:
                parties = _adjective_parties(sent, subtree_span(t.head)[0], t.idx)
                if len(parties) >= 2:
                    sent.ctx.last_treaty = title
                    yield new_event(
                        sent, "treaty_signed", {"parties": parties, "title": title}, date_for(sent, t)
                    )
                    continue
        if title is None:
            continue
        if passive:
            parties = states_in(sent, agent_spans(t) + prep_spans(t, ("between", "with")))
        else:
            parties = states_in(sent, subject_spans(t))
            parties += [
                p for p in _named_states(sent, prep_spans(t, ("with", "between"))) if p not in parties
            ]
        for p in _more_parties(sent, t):
            if p not in parties and len(parties) < 2:
                parties.append(p)
        if len(parties) < 2:
            continue
        sent.ctx.last_treaty = title
        yield new_event(sent, "treaty_signed", {"parties": parties, "title": title}, date_for(sent, t))


def _more_parties(sent: Sentence, t: Any) -> list[str]:
    """Who else signed, when the subject names fewer than two states: the states whose leaders
    are named in the subject, the subject of the clause the signing hangs from ("X and Y restored
    relations, when a delegation signed ..."), then the article's parties."""
    out: list[str] = []
    for s, e in subject_spans(t):
        for _, _, name in persons_in(sent, s, e):
            rec = sent.ctx.find_person(name, role="leader")
            if rec is not None and rec.state:
                out.append(rec.state)
    head, hops = t, 0
    while (
        head.dep_ in ("advcl", "conj", "xcomp", "ccomp", "relcl", "npadvmod", "pobj", "prep")
        and head.head.i != head.i
        and hops < 4
    ):
        head, hops = head.head, hops + 1
        if head.pos_ in ("VERB", "AUX"):
            out += [p for p in states_in(sent, children_spans(head, ("nsubj",)), groups=True) if p not in out]
    return out + [p for p in sent.ctx.parties if p not in out]


def _named_states(sent: Sentence, spans: list[tuple[int, int]]) -> list[str]:
    return [
        m.entity.name
        for s, e in spans
        for m in sent.mentions_in(s, e)
        if m.entity.kind == "state" and m.form != "adjective"
    ]


def _adjective_parties(sent: Sentence, start: int, end: int) -> list[str]:
    names = [m.entity.name for m in sent.mentions if start <= m.start < end and m.entity.kind == "state"]
    names = list(dict.fromkeys(names))
    for p in sent.ctx.parties:
        if len(names) < 2 and p not in names:
            names.append(p)
    return names


def _segments(sent: Sentence, t: Any) -> list[tuple[int, int]]:
    """Split "ratified by X on D1 and by Y on D2" into one span per ratifying party."""
    start = t.idx + len(t.text)
    end = subtree_span(t)[1]
    cuts = [m.start() for m in re.finditer(r"\s(?:and|,)\s+by\b|;\s*by\b", sent.text[start:end])]
    bounds = [start, *(start + c for c in cuts), end]
    return [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]


@register("treaty_ratified.v1")
def ratified(sent: Sentence) -> Iterator[Event]:
    for t in triggers(sent, _RATIFY):
        if irrealis(t, sent):
            continue
        passive = is_passive(t)
        title = _title(sent, passive_subject_spans(t) if passive else object_spans(t))
        if title is None:
            continue
        sent.ctx.last_treaty = sent.ctx.last_treaty or title
        default = date_for(sent, t)
        if passive:
            found = False
            for seg in _segments(sent, t):
                actors = states_in(sent, [seg], groups=True)
                dates = [
                    d for d in sent.dates if d.value and seg[0] <= d.start < seg[1] and not d.attributive
                ]
                date: DatedMention | None = dates[0] if dates else default
                for actor in actors:
                    found = True
                    yield new_event(sent, "treaty_ratified", {"actor": actor, "title": title}, date)
            if found:
                continue
            actors = states_in(sent, agent_spans(t))
        else:
            actors = states_in(sent, subject_spans(t))
        for actor in actors:
            yield new_event(sent, "treaty_ratified", {"actor": actor, "title": title}, default)
