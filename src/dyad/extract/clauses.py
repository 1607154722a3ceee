"""Reading a clause off the dependency parse: its trigger, its roles, its date, its mood.

Every extractor asks the same questions of a sentence: which words state the act, who did it
(subject, or the agent of a passive), to whom (object or a prepositional phrase), when (the
nearest date in the clause, climbing the tree), and whether the act happened at all (negated,
intended, hypothetical or merely proposed acts are not events). Those answers live here so the
extractors stay small.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from dyad.extract.context import DatedMention, Sentence

__all__ = [
    "GROUP_WORDS",
    "Span",
    "agent_spans",
    "children_spans",
    "date_for",
    "irrealis",
    "is_passive",
    "new_event",
    "object_spans",
    "other_clauses",
    "passive_subject_spans",
    "persons_in",
    "prep_spans",
    "states_in",
    "subject_spans",
    "subtree_span",
    "triggers",
]

Span = tuple[int, int]

# Heads that make what they govern an intention, a wish, a proposal or a question, not a fact.
IRREALIS_HEADS = {
    "plan", "intend", "consider", "call", "urge", "ask", "expect", "promise", "threaten",
    "refuse", "decline", "hope", "want", "seek", "pledge", "propose", "demand", "vow", "prepare",
    "aim", "request", "appeal", "wish", "suggest", "recommend", "discuss", "debate", "fail", "insist",
    "push", "lobby", "press", "encourage", "invite", "motion", "reject", "oppose", "deny", "rule",
    "contemplate", "weigh", "mull", "study", "explore", "question", "doubt", "reluctant",
    "ready", "willing", "likely", "unlikely", "possible", "possibility", "prospect", "bill", "draft",
    "resolution", "proposal", "intention", "plans", "decision", "offer", "condition", "would",
    "calling", "refusal", "need", "require", "try", "attempt", "able", "apply", "bid", "persuade",
    "convince", "undertake", "campaign", "pressure", "application", "candidacy", "urging", "agree",
}  # fmt: skip
_MODALS = {"would", "could", "might", "may", "will", "shall", "should", "must", "can", "'ll", "wo", "ca"}
_NEGATIONS = {"not", "never", "n't", "no", "neither", "nor", "without"}
_HYPOTHETICAL_MARKS = {"if", "unless", "whether", "until", "before", "lest"}

# Phrases standing for the article's two parties.
GROUP_WORDS = re.compile(
    r"\b(?:both|the two|the pair of)\s+(?:countries|states|republics|governments|nations|sides|"
    r"parties|entities|presidents|leaders|foreign ministers|ministries)\b|\bthe (?:two|both) countries\b|"
    r"\bboth\b(?=\s+(?:are|were|have|had|joined|became|signed|recogni[sz]ed|established|agreed|remain))|"
    r"\beach other\b|\bone another\b|\bmutual(?:ly)?\b",
    re.IGNORECASE,
)


def triggers(sent: Sentence, lemmas: Iterable[str], pos: Iterable[str] = ("VERB", "AUX")) -> list[Any]:
    """Tokens of the sentence whose lemma (or lower form) is one of ``lemmas``."""
    if sent.doc is None:
        return []
    wanted, tags = set(lemmas), set(pos)
    return [t for t in sent.doc if (t.lemma_.lower() in wanted or t.lower_ in wanted) and t.pos_ in tags]


def subtree_span(token: Any) -> Span:
    sub = list(token.subtree)
    return sub[0].idx, sub[-1].idx + len(sub[-1].text)


def children_spans(token: Any, deps: Iterable[str]) -> list[Span]:
    wanted = set(deps)
    return [subtree_span(c) for c in token.children if c.dep_ in wanted]


def _verb_head(token: Any) -> Any:
    """The verb that owns the subject of ``token``: itself, or the verb it is conjoined to."""
    t = token
    while (
        t.dep_ == "conj" and t.head.i != t.i and not any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children)
    ):
        t = t.head
    return t


def subject_spans(token: Any) -> list[Span]:
    t = _verb_head(token)
    if t.dep_ == "relcl" and any(
        c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in ("which", "who", "that") for c in t.children
    ):
        # "Morocco, which had opened an embassy": the relative pronoun stands for its head.
        return [(t.head.idx, t.head.idx + len(t.head.text))]
    spans = [_core_span(c) for c in t.children if c.dep_ in ("nsubj", "csubj")]
    if not spans and t.dep_ in ("xcomp", "advcl", "acl", "relcl") and t.head.i != t.i:
        if t.dep_ == "relcl" and t.head.pos_ in ("NOUN", "PROPN"):
            return [(t.head.idx, t.head.idx + len(t.head.text))]
        head, hops = t.head, 0
        while head.pos_ not in ("VERB", "AUX") and head.head.i != head.i and hops < 4:
            head, hops = head.head, hops + 1
        return subject_spans(head) if head.pos_ in ("VERB", "AUX") else []
    return spans


def _core_span(token: Any) -> Span:
    """A subject without its relative clauses: "Suriname, which had recognised
    Kosovo in 2016," is Suriname."""
    start, end = subtree_span(token)
    for child in token.children:
        if child.dep_ in ("relcl", "acl") and child.idx > token.idx:
            cut = subtree_span(child)[0]
            text_before = child.doc.text[start:cut].rstrip(" ,")
            return start, start + len(text_before)
    return start, end


def passive_subject_spans(token: Any) -> list[Span]:
    return children_spans(_verb_head(token), ("nsubjpass",))


def agent_spans(token: Any) -> list[Span]:
    """The ``by`` phrases of a passive verb (all of them: "by X on 1 May and by Y on 2 June")."""
    spans = []
    for child in token.children:
        if child.dep_ == "agent" or (child.dep_ == "prep" and child.lower_ == "by"):
            spans.append(subtree_span(child))
        if child.dep_ == "conj" and child.pos_ in ("ADP",) and child.lower_ == "by":
            spans.append(subtree_span(child))
    return spans


def object_spans(token: Any) -> list[Span]:
    return children_spans(token, ("dobj", "obj", "attr", "oprd", "dative"))


def prep_spans(token: Any, preps: Iterable[str]) -> list[Span]:
    wanted = set(preps)
    return [
        subtree_span(c)
        for c in token.children
        if c.dep_ in ("prep", "dative", "agent") and c.lower_ in wanted
    ]


def irrealis(token: Any, sent: Sentence) -> bool:
    """True when the act of ``token`` is negated, intended, proposed or hypothetical.

    Negation and modals count on the verb itself, and on a verb it complements ("did not decide
    to recognise", "would like to open"); an irrealis head ("called on X to recognise", "plans to
    open") counts however the act hangs below it; reported speech ("said that X had") does not
    inherit the mood of the verb of saying.
    """
    if _until(token, sent):
        return False
    t, hops, via = token, 0, ""
    while True:
        own = hops == 0 or via in ("xcomp", "conj")
        for child in t.children:
            if own and (
                child.dep_ == "neg" or (child.lower_ in _NEGATIONS and child.dep_ in ("advmod", "preconj"))
            ):
                return True
            if own and child.dep_ == "aux" and child.lower_ in _MODALS:
                return True
            if (own or via == "advcl") and child.dep_ == "mark" and child.lower_ in _HYPOTHETICAL_MARKS:
                return True
        if hops > 0 and (t.lemma_.lower() in IRREALIS_HEADS or t.lower_ in IRREALIS_HEADS):
            return True
        if t.head.i == t.i or hops > 6:
            break
        # Only climb through links that carry mood down: complements, conjuncts, purposes.
        if t.dep_ not in ("xcomp", "ccomp", "conj", "advcl", "acl", "pcomp", "pobj", "prep", "relcl", "dobj"):
            break
        via = t.dep_ if t.dep_ in ("xcomp", "conj", "advcl") else "other"
        t, hops = t.head, hops + 1
    return False


def _earlier_subject(sent: Sentence, before: int) -> str | None:
    if sent.doc is None:
        return None
    for tok in sent.doc:
        if tok.idx >= before:
            break
        if tok.dep_ in ("nsubj", "nsubjpass"):
            s, e = subtree_span(tok)
            names = [m.entity.name for m in sent.mentions_in(s, e) if m.entity.kind == "state"]
            if len(names) == 1 and e <= before:
                return names[0]
    return None


def _until(token: Any, sent: Sentence) -> bool:
    """ "did not establish relations until 17 January 1986": negated, yet it happened then."""
    has_neg = any(c.dep_ == "neg" for c in token.children)
    if not has_neg:
        return False
    _start, end = subtree_span(token)
    return bool(re.search(r"\buntil\b", sent.text[token.idx : end])) and any(
        d.value and d.start > token.idx and d.end <= end for d in sent.dates
    )


def states_in(
    sent: Sentence, spans: Iterable[Span], kinds: tuple[str, ...] = ("state",), groups: bool = True
) -> list[str]:
    """Canonical names of the states (or organisations) mentioned inside ``spans``, in order.

    Group phrases ("both countries", "the two republics") stand for the article's parties.
    """
    out: list[str] = []
    for start, end in spans:
        found: list[tuple[int, str]] = []
        for m in sent.mentions_in(start, end):
            if m.entity.kind in kinds:
                found.append((m.start, m.entity.name))
        if groups:
            for g in GROUP_WORDS.finditer(sent.text):
                if not start <= g.start() < end:
                    continue
                if g.group(0).lower() not in ("each other", "one another", "mutual", "mutually"):
                    found.extend((g.start(), p) for p in sent.ctx.parties)
        if not found and groups and _PRONOUN_SUBJECT.match(sent.text[start:end]):
            # "Nicaragua announced that it recognised ...": an earlier subject in the sentence;
            # "Somalia reacted the next day. Its cabinet condemned ...": the state named last.
            earlier = _earlier_subject(sent, start)
            if earlier or sent.ctx.last_subject:
                found.append((start, earlier or sent.ctx.last_subject or ""))
        for _, name in sorted(found):
            if name not in out:
                out.append(name)
    return out


_PRONOUN_SUBJECT = re.compile(
    r"\s*(?:it|its|it's|the country|the country's|the state|the government|the republic)\b", re.IGNORECASE
)


def _token_dates(sent: Sentence) -> list[DatedMention]:
    return [d for d in sent.dates if d.value and not d.attributive]


def other_clauses(token: Any, top: Any) -> list[Span]:
    """Subtrees of clauses under ``top`` that do not contain ``token`` (a relative clause, a
    second conjoined act): their dates belong to their own verbs."""
    ancestors = {a.i for a in token.ancestors} | {token.i}
    spans = []
    for x in top.subtree:
        if x.i in ancestors or x.pos_ not in ("VERB", "AUX"):
            continue
        if (
            x.dep_ in ("relcl", "advcl", "ccomp", "conj", "parataxis")
            and not any(a.i == x.i for a in token.ancestors)
            and (any(c.dep_ in ("nsubj", "nsubjpass") for c in x.children) or x.dep_ == "relcl")
        ):
            spans.append(subtree_span(x))
    return spans


def date_for(sent: Sentence, token: Any, exclude: Iterable[DatedMention] = ()) -> DatedMention | None:
    """The date of the act of ``token``: the nearest date inside its clause, climbing the tree.

    Attributive dates ("the 2008 war") never date an act, and neither do dates inside another
    clause with a subject of its own ("..., who presented his credentials on 16 December").
    A date already claimed by another act of the sentence is passed over.
    """
    excluded = list(exclude)
    dates = [d for d in _token_dates(sent) if d not in excluded]
    if not dates:
        return None
    t, hops = token, 0
    while True:
        start, end = subtree_span(t)
        blocked = other_clauses(token, t)
        inside = [
            d for d in dates
            if d.start >= start and d.end <= end and not any(s <= d.start and d.end <= e for s, e in blocked)
        ]  # fmt: skip
        if inside:
            return min(inside, key=lambda d: _distance(d, token))
        if t.head.i == t.i or hops > 8:
            break
        t, hops = t.head, hops + 1
    return None


def _distance(d: DatedMention, token: Any) -> int:
    pos = token.idx
    # A date after the trigger is the usual place ("recognised X on 1 May"); before costs a little more.
    return d.start - pos if d.start >= pos else (pos - d.end) + 5


_NAME = re.compile(
    r"\b([A-Z][a-z'’\-]+(?:\s+(?:[A-Z][a-z'’\-]+|de|van|von|al|bin|ibn|da|dos|del|la|le)){1,4})\b"
)
_NOT_PERSON_WORDS = {
    "President", "Prime", "Minister", "Foreign", "Ambassador", "Parliament", "Council", "Republic",
    "Federation", "Government", "Ministry", "Embassy", "Affairs", "State", "Duma", "Assembly", "General",
    "Secretary", "King", "Queen", "Emir", "Sheikh", "Chairman", "Speaker", "Deputy", "Vice", "Chief",
    "On", "In", "The", "After", "Before", "During", "Since", "His", "Her", "Its", "Their", "Letters",
    "Credence", "Plenipotentiary", "Representative", "Mr", "Mrs", "Dr", "Medal", "Honour", "Order",
    "Union", "Nations", "Treaty", "Agreement", "Office", "Mission", "Consulate", "Chancery", "High",
    "Commissioner", "Envoy", "Consul", "Chargé", "Charge", "Acting", "Special", "Ambassadors",
}  # fmt: skip


def persons_in(sent: Sentence, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """Person names inside the span: spaCy PERSON entities, cleaned of titles and state names."""
    end = len(sent.text) if end is None else end
    found: list[tuple[int, int, str]] = []
    if sent.doc is not None:
        for ent in sent.doc.ents:
            if ent.label_ == "PERSON" and ent.start_char < end and ent.end_char > start:
                found.append((ent.start_char, ent.end_char, ent.text))
    for m in _NAME.finditer(sent.text, start, end):
        found.append((m.start(1), m.end(1), m.group(1)))
    out: list[tuple[int, int, str]] = []
    for s, e, text in sorted(found, key=lambda x: (x[0], -(x[1] - x[0]))):
        cleaned = _clean_person(sent, s, e, text)
        if cleaned is None:
            continue
        s2, e2, name = cleaned
        if any(s2 < oe and e2 > os_ for os_, oe, _ in out):
            continue
        out.append((s2, e2, name))
    return out


def _clean_person(sent: Sentence, s: int, e: int, text: str) -> tuple[int, int, str] | None:
    words = text.split()
    # Drop leading titles and state words ("Abkhaz President Sergei Bagapsh" -> "Sergei Bagapsh").
    while words and (words[0].rstrip("'s’") in _NOT_PERSON_WORDS or _is_state_word(sent, words[0])):
        s += len(words[0]) + 1
        words = words[1:]
    while words and (words[-1] in _NOT_PERSON_WORDS or _is_state_word(sent, words[-1])):
        words = words[:-1]
    if not words:
        return None
    name = " ".join(words)
    if name.endswith("'s") or name.endswith("’s"):
        name = name[:-2]
    if any(w in _NOT_PERSON_WORDS for w in words):
        return None
    if any(m.start <= s < m.end for m in sent.mentions):
        return None
    if any(ch.isdigit() for ch in name):
        return None
    return s, s + len(name), name


def _is_state_word(sent: Sentence, word: str) -> bool:
    w = word.rstrip("'s’").rstrip("'")
    return sent.ctx.gazetteer.get(w) is not None or any(m.text == w for m in sent.mentions)


def new_event(sent: Sentence, type_: str, roles: dict[str, Any], date: DatedMention | str | None) -> Any:
    """An Event stated by ``sent``; ``date`` is a resolved mention, a value, or None."""
    from dyad.model import Event

    value = date.value if isinstance(date, DatedMention) else date
    return Event(type=type_, roles=roles, date=value, evidence=[sent.evidence()])


def is_passive(token: Any) -> bool:
    t = _verb_head(token)
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in t.children) or any(
        c.dep_ in ("nsubjpass", "auxpass") for c in token.children
    )
