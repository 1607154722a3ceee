"""Envoys: appointed, credentials presented, dismissed or recalled.

The three acts are read by one extractor, in the order the sentence states them, because
they refer to each other: "recalled Nodar Pliev ... and appointed Alan Elbakiev as his
successor" gives the successor the predecessor's posting. Who sends and who receives comes
from the role phrase ("Abkhazia's first ambassador to Russia", "the Russian Ambassador to
Abkhazia", "the ambassador of A to B"), else from what the article said of the person before,
else from the recipient ("to Abkhaz President ...") and the article's other party.
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
    persons_in,
    prep_spans,
    states_in,
    subject_spans,
    subtree_span,
    triggers,
)
from dyad.extract.context import DatedMention, PersonRecord, Sentence
from dyad.extract.registry import register
from dyad.model import Event

__all__ = ["envoys"]

_ENVOY = re.compile(
    r"\b(?:ambassadors?|envoys?|plenipotentiary representatives?|high commissioners?|charg[eé]s? d'affaires|"
    r"permanent representatives?|representatives?|heads? of (?:the )?mission)\b",
    re.IGNORECASE,
)
_CREDENTIALS = re.compile(r"\bcredentials?\b|\bletters? of credence\b|\bcredence\b", re.IGNORECASE)
_APPOINT = {"appoint", "name", "designate"}
_PRESENT = {"present", "hand", "submit", "deliver", "give"}
_ACCEPT = {"accept", "receive"}
_DISMISS = {"dismiss", "recall", "remove", "relieve", "expel", "withdraw", "terminate", "end", "sack", "fire"}
_SUCCESSOR = re.compile(r"\b(?:his|her|their|the)\s+(?:successor|replacement)\b", re.IGNORECASE)
_PRONOUN = re.compile(r"^(?:he|she|who|the ambassador|the envoy)$", re.IGNORECASE)


def _posting(sent: Sentence, start: int = 0, end: int | None = None) -> tuple[str | None, str | None]:
    """Sender and receiver from an envoy role phrase inside the span, if there is one."""
    end = len(sent.text) if end is None else end
    for m in _ENVOY.finditer(sent.text, start, end):
        sender = receiver = None
        before = [
            x
            for x in sent.mentions
            if x.end <= m.start() and m.start() - x.end <= 25 and x.entity.kind == "state"
        ]
        if before:
            sender = before[-1].entity.name
        after = sent.text[m.end() : m.end() + 80]
        of = re.match(r"\s+of\s+(?:the\s+)?", after)
        states_after = [
            x
            for x in sent.mentions
            if x.start >= m.end() and x.start - m.end() <= 60 and x.entity.kind == "state"
        ]
        for x in states_after:
            gap = sent.text[m.end() : x.start].lower()
            if re.fullmatch(r"\s+(?:of|from)\s+(?:the\s+)?", gap) and sender is None:
                sender = x.entity.name
            elif re.search(r"\b(?:to|in|at)\s+(?:the\s+)?$", gap) and receiver is None:
                receiver = x.entity.name
        if of and sender is None and states_after:
            sender = states_after[0].entity.name
        if sender or receiver:
            return sender, receiver
    return None, None


def _person(sent: Sentence, spans: list[tuple[int, int]], exclude: set[str]) -> str | None:
    for start, end in spans:
        phrase = sent.text[start:end].strip()
        if _PRONOUN.match(phrase) and sent.ctx.last_ambassador:
            return sent.ctx.last_ambassador.full
        for _, _, name in persons_in(sent, start, end):
            if name not in exclude:
                return name
        # A lone surname ("Akhba presented ...") is a person the article met before.
        words = [re.sub(r"['’]s$", "", w) for w in re.findall(r"\b[A-Z][a-z'’-]+\b", phrase)]
        for w in words:
            rec = sent.ctx.find_person(w, role="ambassador") or sent.ctx.find_person(w)
            if rec and rec.full not in exclude:
                return rec.full
        if (
            len(words) == 1
            and words[0] not in exclude
            and words[0].lower() not in ("its", "his", "her", "their", "the", "he", "she", "it", "they")
            and sent.ctx.gazetteer.get(words[0]) is None
            and not any(m.text == words[0] for m in sent.mentions)
        ):
            return words[0]
    return None


def _full(sent: Sentence, name: str) -> PersonRecord:
    rec = (
        sent.ctx.find_person(name, role="ambassador")
        if len(name.split()) == 1
        else sent.ctx.find_person(name)
    )
    return rec or sent.ctx.remember_person(name)


def _sides(
    sent: Sentence, rec: PersonRecord, t: Any, recipient_spans: list[tuple[int, int]]
) -> tuple[str | None, str | None]:
    sender, receiver = _posting(sent)
    if sender is None and receiver is None and rec.sender and rec.receiver:
        return rec.sender, rec.receiver
    if receiver is None:
        for start, end in recipient_spans:
            names = [m.entity.name for m in sent.mentions_in(start, end + 40) if m.entity.kind == "state"]
            if names:
                receiver = names[0]
                break
    sender = sender or rec.sender or (sent.ctx.other_party(receiver) if receiver else None)
    receiver = receiver or rec.receiver or (sent.ctx.other_party(sender) if sender else None)
    return sender, receiver


def _leaders(sent: Sentence, t: Any) -> set[str]:
    """Names of those who act on the envoy (the appointing president), never the envoy."""
    spans = subject_spans(t) if not is_passive(t) else agent_spans(t)
    return {name for s, e in spans for _, _, name in persons_in(sent, s, e)}


@register("envoys.v1")
def envoys(sent: Sentence) -> Iterator[Event]:
    if sent.doc is None:
        return
    has_envoy = bool(_ENVOY.search(sent.text) or _SUCCESSOR.search(sent.text))
    has_credentials = bool(_CREDENTIALS.search(sent.text))
    claimed: list[DatedMention] = []
    if has_envoy:
        yield from _nominal_appointments(sent, claimed)
    if _TENURE.search(sent.text):
        yield from _mission_ended(sent, claimed)
    for t in sorted(triggers(sent, _APPOINT | _PRESENT | _ACCEPT | _DISMISS), key=lambda x: x.i):
        lemma = t.lemma_.lower()
        if irrealis(t, sent):
            continue
        if lemma in _PRESENT and has_credentials:
            yield from _presented(sent, t, claimed)
        elif lemma in _ACCEPT and has_credentials:
            yield from _accepted(sent, t, claimed)
        elif lemma in _APPOINT and has_envoy:
            yield from _act(sent, t, "ambassador_appointed", claimed)
        elif lemma in _DISMISS and has_envoy:
            yield from _act(sent, t, "ambassador_dismissed", claimed)


_APPOINTMENT_NOUNS = {"appointment", "designation", "accreditation"}
_APPROVE = {"approve", "announce", "confirm", "make", "formalise", "formalize", "sign", "endorse", "complete"}


def _nominal_appointments(sent: Sentence, claimed: list[DatedMention]) -> Iterator[Event]:
    """ "The government approved the appointment of Amir Hayek as ambassador to the UAE"."""
    for noun in sent.doc:
        if noun.lemma_.lower() not in _APPOINTMENT_NOUNS or noun.pos_ != "NOUN":
            continue
        verb = noun.head
        if verb.lemma_.lower() not in _APPROVE or irrealis(verb, sent):
            continue
        start, end = subtree_span(noun)
        of = re.search(r"\bof\b", sent.text[start:end])
        if not of:
            continue
        name = _person(sent, [(start + of.end(), end)], _leaders(sent, verb))
        if name is None:
            continue
        rec = _full(sent, name)
        sender, receiver = _posting(sent, start, end)
        if sender is None:
            acting = states_in(sent, subject_spans(verb))
            sender = acting[0] if len(acting) == 1 and acting[0] != receiver else None
        sender = sender or rec.sender or sent.ctx.other_party(receiver)
        receiver = receiver or rec.receiver or sent.ctx.other_party(sender)
        if not sender or not receiver or sender == receiver:
            continue
        date = date_for(sent, verb)
        if date:
            claimed.append(date)
        _remember(sent, rec, sender, receiver)
        yield new_event(
            sent, "ambassador_appointed", {"person": rec.full, "sender": sender, "receiver": receiver}, date
        )


_TENURE = re.compile(r"\b(?:mission|tenure|term|posting|accreditation)\b", re.IGNORECASE)


def _mission_ended(sent: Sentence, claimed: list[DatedMention]) -> Iterator[Event]:
    """ "Dupont's mission ended in August 2018": the end of an envoy's posting."""
    for t in triggers(sent, {"end", "conclude", "finish", "terminate", "expire"}):
        subjects = [c for c in t.children if c.dep_ in ("nsubj", "nsubjpass") and _TENURE.fullmatch(c.text)]
        if not subjects or irrealis(t, sent):
            continue
        start, _ = subtree_span(subjects[0])
        name = _person(sent, [(start, subjects[0].idx)], set())
        rec = sent.ctx.find_person(name, role="ambassador") if name else sent.ctx.last_ambassador
        if rec is None and name is None:
            continue
        rec = rec or _full(sent, str(name))
        if not rec.sender or not rec.receiver:
            continue
        date = date_for(sent, t)
        if date:
            claimed.append(date)
        roles = {"person": rec.full, "sender": rec.sender, "receiver": rec.receiver}
        yield new_event(sent, "ambassador_dismissed", roles, date)


def _remember(sent: Sentence, rec: PersonRecord, sender: str | None, receiver: str | None) -> None:
    rec.role = "ambassador"
    rec.sender, rec.receiver = sender or rec.sender, receiver or rec.receiver
    sent.ctx.last_ambassador = rec


def _act(sent: Sentence, t: Any, kind: str, claimed: list[DatedMention]) -> Iterator[Event]:
    passive = is_passive(t)
    spans = passive_subject_spans(t) if passive else object_spans(t)
    exclude = _leaders(sent, t)
    name = _person(sent, spans, exclude)
    if name is None:  # "appointing the first Russian Ambassador to Abkhazia, Semyon Grigoriyev"
        name = _person(sent, [(t.idx + len(t.text), subtree_span(t)[1])], exclude)
    successor = any(_SUCCESSOR.search(sent.text[s:e]) for s, e in [subtree_span(t)])
    if name is None:
        return
    rec = _full(sent, name)
    s_start, s_end = subtree_span(t)
    sender, receiver = _posting(sent, s_start, s_end)
    if (
        successor
        and kind == "ambassador_appointed"
        and sent.ctx.last_ambassador
        and sent.ctx.last_ambassador is not rec
    ):
        sender = sender or sent.ctx.last_ambassador.sender
        receiver = receiver or sent.ctx.last_ambassador.receiver
    if not is_passive(t) and t.lemma_.lower() == "expel":
        # "Canada expelled the Indian high commissioner": the expelling state is the host.
        acting = states_in(sent, subject_spans(t))
        if len(acting) == 1 and acting[0] != sender:
            receiver = acting[0]
    elif sender is None and not is_passive(t):
        # "Serbia recalled its ambassador", "India named X as its high commissioner": the acting state sends.
        acting = [s for s in states_in(sent, subject_spans(t)) if s != receiver]
        sender = acting[0] if len(acting) == 1 else None
    if sender is None and receiver is None:
        sender, receiver = _sides(sent, rec, t, prep_spans(t, ("to", "in")))
    else:
        sender = sender or rec.sender or sent.ctx.other_party(receiver)
        receiver = receiver or rec.receiver or sent.ctx.other_party(sender)
    if not sender or not receiver or sender == receiver:
        return
    date = date_for(sent, t)
    if date:
        claimed.append(date)
    _remember(sent, rec, sender, receiver)
    yield new_event(sent, kind, {"person": rec.full, "sender": sender, "receiver": receiver}, date)


def _presented(sent: Sentence, t: Any, claimed: list[DatedMention]) -> Iterator[Event]:
    name = _person(sent, subject_spans(t), set())
    if name is None and sent.ctx.last_ambassador:
        name = sent.ctx.last_ambassador.full
    if name is None:
        return
    rec = _full(sent, name)
    recipients = prep_spans(t, ("to",))
    sender, receiver = _sides(sent, rec, t, recipients)
    if not sender or not receiver or sender == receiver:
        return
    _remember(sent, rec, sender, receiver)
    yield from _each_date(sent, t, claimed, {"person": rec.full, "sender": sender, "receiver": receiver})


def _accepted(sent: Sentence, t: Any, claimed: list[DatedMention]) -> Iterator[Event]:
    """ "The president accepted the credentials of X": X presented them."""
    objects = object_spans(t)
    phrase_spans = [(s, e) for s, e in objects if _CREDENTIALS.search(sent.text[s:e])]
    if not phrase_spans:
        return  # "X received his credentials" (from his own government) is not a presentation
    start, end = phrase_spans[0]
    of = re.search(r"\b(?:of|from)\b", sent.text[start:end])
    if not of:
        return
    name = _person(sent, [(start + of.end(), len(sent.text))], _leaders(sent, t))
    if name is None:
        return
    rec = _full(sent, name)
    sender, receiver = _sides(sent, rec, t, subject_spans(t))
    if not sender or not receiver or sender == receiver:
        return
    _remember(sent, rec, sender, receiver)
    yield from _each_date(sent, t, claimed, {"person": rec.full, "sender": sender, "receiver": receiver})


def _each_date(sent: Sentence, t: Any, claimed: list[DatedMention], roles: dict[str, Any]) -> Iterator[Event]:
    """One presentation per date: "on 19 August, to the minister, and on 20 August, to the president"."""
    date = date_for(sent, t, exclude=claimed)
    if date:
        claimed.append(date)
    yield new_event(sent, "credentials_presented", dict(roles), date)
    if date is None:
        return
    for other in sent.dates:
        if other is date or other in claimed or not other.value or other.attributive or other.start < t.idx:
            continue
        between = (
            [x for x in sent.doc if date.end <= x.idx < other.start and x.pos_ == "VERB" and x.i != t.i]
            if date.end < other.start
            else [x for x in sent.doc if t.idx < x.idx < other.start and x.pos_ == "VERB" and x.i != t.i]
        )
        if between or not re.search(r"\band\b", sent.text[min(date.end, t.idx) : other.start]):
            continue
        claimed.append(other)
        yield new_event(sent, "credentials_presented", dict(roles), other)
