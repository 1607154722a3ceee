"""Diplomatic missions opened (or simply existing) and planned.

"Russia's embassy to Abkhazia was opened in Sukhumi", "X opened an embassy in Y",
"Abkhazia has an embassy in Moscow" (an existing mission: opened, date unknown), "Russia
plans on opening a trade mission in Abkhazia", "a directive to set up an embassy in 2009"
(planned). "X does not maintain an embassy" is nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from dyad.extract.clauses import (
    children_spans,
    date_for,
    is_passive,
    new_event,
    object_spans,
    other_clauses,
    passive_subject_spans,
    states_in,
    subject_spans,
    subtree_span,
    triggers,
)
from dyad.extract.context import Sentence
from dyad.extract.registry import register
from dyad.model import Event

__all__ = ["MISSION_NOUN", "mission_kind", "missions"]

MISSION_NOUN = re.compile(
    r"\b(?:honorary\s+consulates?(?:[\s-]general)?|consulates?[\s-]general|general\s+consulates?|"
    r"consulates?|embass(?:y|ies)|high\s+commissions?|chancer(?:y|ies)|trade\s+(?:missions?|offices?|representations?)|"
    r"commercial\s+(?:missions?|offices?)|representative\s+offices?|representations?|liaison\s+offices?|"
    r"(?:diplomatic|permanent)\s+missions?|legations?|interests\s+sections?|economic\s+and\s+cultural\s+offices?|"
    r"(?:cultural|economic|trade|representative)\s+(?:and\s+\w+\s+)?offices?|missions?)\b",
    re.IGNORECASE,
)
_OPEN = {
    "open",
    "reopen",
    "re-open",
    "inaugurate",
    "establish",
    "set",
    "launch",
    "found",
    "create",
    "unveil",
    "upgrade",
}
_EXIST = {"have", "maintain", "operate", "run", "keep", "host"}
_PLAN_CUES = re.compile(
    r"\b(?:plans?|planned|planning|intends?|intended|intention|announced|decided|decision|agreed|expected|"
    r"directive|decree|ordered|instructed|proposed|would|will|to be|is to|are to|hopes?|aims?|preparing|"
    r"considering|promised|pledged)\b",
    re.IGNORECASE,
)
_NEGATIVE = re.compile(
    r"\b(?:not|no|never|neither|nor|refused|declined|rejected|denied|without|cannot|can't|doesn't|"
    r"don't|didn't|won't|isn't|aren't|closed|close|closure)\b",
    re.IGNORECASE,
)


def mission_kind(noun: str) -> str:
    n = noun.lower().replace("-", " ")
    if "honorary" in n:
        return "honorary_consulate"
    if "consulate" in n and "general" in n:
        return "consulate_general"
    if "consulate" in n:
        return "consulate"
    if "embass" in n or "high commission" in n:
        return "embassy"
    if "chancer" in n:
        return "chancery"
    if "trade" in n or "commercial" in n:
        return "trade_mission"
    if "representat" in n or "liaison" in n or "office" in n:
        return "representative_office"
    return "other"


def _state_mentions(sent: Sentence, start: int, end: int) -> list[Any]:
    return [m for m in sent.mentions if m.start >= start and m.end <= end and m.entity.kind == "state"]


def _parse_phrase(sent: Sentence, noun: re.Match[str], clause: tuple[int, int]) -> dict[str, Any]:
    """Owner, host and cities around a mission noun: "Russia's embassy to Abkhazia in Sukhumi",
    "consulates-general in Frankfurt, Hamburg and Munich"."""
    owner = host = None
    cities: list[str] = []
    before = [
        m for m in _state_mentions(sent, max(clause[0], noun.start() - 30), noun.start()) if m.form != "city"
    ]
    if before and re.fullmatch(r"(?:['’]s?)?\s+(?:\w+\s+){0,2}", sent.text[before[-1].end : noun.start()]):
        owner = before[-1].entity.name
    last = noun.end()
    for m in _state_mentions(sent, noun.end(), clause[1]):
        gap = sent.text[last : m.start].lower()
        if len(sent.text[noun.end() : m.start]) > 80:
            break
        if m.form == "city":
            listed = cities and re.fullmatch(r"\s*(?:,|,?\s*and|,?\s*or)\s*", gap)
            if not cities or listed:
                cities.append(getattr(m, "city", None) or m.text)
                host = host or m.entity.name
                last = m.end
            continue
        if owner is None and re.fullmatch(r"\s+of\s+(?:the\s+)?", gap):
            owner = m.entity.name
        elif host is None and re.search(r"\b(?:in|to|at|for)\s+(?:the\s+)?$", gap):
            host = m.entity.name
        last = m.end
    if not cities:
        # A city the gazetteer does not know: "consulates-general in (Turkey) Mersin".
        m = _UNKNOWN_CITY.match(sent.text, noun.end(), clause[1])
        if (
            m
            and m.group("city") not in _NOT_CITIES
            and (m.group("pre") is None or any(x.start == m.start("pre") for x in sent.mentions))
            and not any(x.start <= m.start("city") < x.end for x in sent.mentions)
        ):
            cities.append(m.group("city"))
            last = m.end("city")
    if cities:
        # More cities listed after a known one: "in Bengaluru, Chandigarh and Mumbai".
        while (m := _MORE_CITIES.match(sent.text, last, clause[1])) is not None:
            if any(x.start <= m.start("city") < x.end and x.form != "city" for x in sent.mentions):
                break
            cities.append(m.group("city"))
            last = m.end("city")
    return {"owner": owner, "host": host, "cities": cities, "kind": mission_kind(noun.group(0)), "end": last}


_CITY_NAME = r"(?P<city>[A-ZÀ-ÖØ-Þİ][\w'’-]+(?:\.(?=\w)[\w'’-]*)?(?:\s+[A-ZÀ-ÖØ-Þİ][\w'’-]+)?)"
_UNKNOWN_CITY = re.compile(
    r"\s+in\s+(?:the\s+city\s+of\s+)?(?:(?P<pre>[A-Z][\w]+)\s+(?=[A-ZÀ-ÖØ-Þİ]))?" + _CITY_NAME
)
_NOT_CITIES = {
    "America", "Europe", "Asia", "Africa", "Oceania", "Caribbean", "Pacific", "Atlantic", "Middle East",
    "Latin America", "South America", "North America", "Central America", "Balkans", "Caucasus", "January",
    "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December", "The", "This", "That", "Its", "Their", "His", "Her",
}  # fmt: skip
_MORE_CITIES = re.compile(r"(?:\s*,\s*(?:and\s+)?|\s+and\s+)" + _CITY_NAME)


def _emit(sent: Sentence, t: Any, roles: dict[str, Any], event_type: str, dated: bool) -> Event | None:
    owner, host = roles["owner"], roles["host"]
    if owner and not host:
        host = sent.ctx.other_party(owner)
    if host and not owner:
        owner = sent.ctx.other_party(host)
    if not owner or not host or owner == host:
        return None
    city = roles.get("city")
    other = sent.ctx.other_party(owner)
    if host not in sent.ctx.parties and other and city:
        # "the Turkish embassy in Nicosia" in an article on Northern Cyprus: its capital's city.
        capital = getattr(sent.ctx.gazetteer.get(other), "capital", None) or ""
        if capital.endswith(str(city)):
            host = other
    out = {"owner": owner, "host": host, "kind": roles["kind"]}
    if roles.get("city"):
        out["city"] = roles["city"]
    return new_event(sent, event_type, out, date_for(sent, t) if dated else None)


def _negated(sent: Sentence, t: Any) -> bool:
    start = max(0, t.idx - 40)
    window = sent.text[start : t.idx + len(t.text)]
    return bool(_NEGATIVE.search(window)) or any(c.dep_ == "neg" for c in t.children)


@register("missions.v1")
def missions(sent: Sentence) -> Iterator[Event]:
    if sent.doc is None or not MISSION_NOUN.search(sent.text):
        return
    seen: set[tuple[Any, ...]] = set()
    for t in triggers(sent, _OPEN | _EXIST):
        if t.dep_ == "aux" and MISSION_NOUN.match(sent.text, t.head.idx):
            # "X has consulates-general in ...", with the noun parsed as a verb: read its clause.
            yield from _misparsed(sent, t.head, seen)
            continue
        lemma = t.lemma_.lower()
        if lemma == "set" and not any(c.lower_ == "up" for c in t.children):
            continue
        if _hypothetical(t) or _negated(sent, t):
            continue
        clause = subtree_span(t)
        blocked = other_clauses(t, t)
        phrase_spans = passive_subject_spans(t) if is_passive(t) else object_spans(t)
        if is_passive(t) or not phrase_spans:
            # The parse may hang the mission phrase elsewhere in the clause: look there last.
            phrase_spans = [*phrase_spans, clause]
        window = sent.text[max(0, clause[0] - 60) : t.idx]
        planned = bool(_PLAN_CUES.search(window)) or _is_planned(t)
        for ps, pe in phrase_spans:
            nouns = [
                n for n in _nouns_in(sent, ps, pe)
                if not any(s <= n.start() < e for s, e in blocked) and not _noun_negated(sent, t, n)
            ]  # fmt: skip
            nouns += _coordinated_nouns(sent, nouns, clause, blocked)
            for k, noun in enumerate(nouns):
                limit = nouns[k + 1].start() if k + 1 < len(nouns) else max(pe, clause[1])
                roles = _parse_phrase(sent, noun, (min(ps, clause[0]), limit))
                whose = re.search(r"\bwhose\s+$", sent.text[max(0, noun.start() - 8) : noun.start()])
                if roles["owner"] is None and whose:
                    # "China, whose embassy in Managua had opened": the noun the clause hangs from.
                    named = [
                        m for m in sent.mentions if m.end <= noun.start() - 6 and m.entity.kind == "state"
                    ]
                    roles["owner"] = named[-1].entity.name if named else None
                subj = states_in(sent, subject_spans(t), groups=True) if not is_passive(t) else []
                if roles["owner"] is None and subj:
                    if lemma == "host":
                        roles["host"] = roles["host"] or subj[0]
                    elif (
                        re.search(r"each other|one another", sent.text[noun.start() : limit])
                        and len(subj) == 2
                    ):
                        yield from _mutual(sent, t, roles, subj, planned, seen)
                        continue
                    else:
                        roles["owner"] = subj[0]
                own = [
                    d for d in sent.dates if d.value and not d.attributive and noun.end() <= d.start < limit
                ]
                for city in roles["cities"] or [None]:
                    event = _make(sent, t, {**roles, "city": city}, lemma, planned)
                    if event is not None and own and event.date is not None and len(nouns) > 1:
                        event.date = own[0].value  # "a consulate in X in 2001 and another in Y in 2005"
                    if event is not None and _first_time(event, seen):
                        yield event
            if nouns:
                break


_COORDINATION = re.compile(
    r"(?:\s+(?:in|on)\s+(?:\w+\s+){0,2}\d{4})?"  # the first mission's own date: "in 2001 and ..."
    r"[\s,]*(?:and|as well as|plus|,)\s+(?:an?\s+|the\s+|its\s+|their\s+|two\s+|three\s+|several\s+)?",
    re.I,
)


def _nouns_in(sent: Sentence, start: int, end: int) -> list[re.Match[str]]:
    """Mission nouns starting inside the span, matched in full ("consulate-general" even when
    the parse cut the phrase after "consulate")."""
    out = []
    for n in MISSION_NOUN.finditer(sent.text, start, end):
        full = MISSION_NOUN.match(sent.text, n.start())
        out.append(full if full is not None else n)
    return out


def _coordinated_nouns(
    sent: Sentence, nouns: list[re.Match[str]], clause: tuple[int, int], blocked: list[tuple[int, int]]
) -> list[re.Match[str]]:
    """Mission nouns coordinated after the object, which the parser may mistake for verbs:
    "an embassy in Berlin and consulates-general in Frankfurt, Hamburg and Munich"."""
    if not nouns:
        return []
    out: list[re.Match[str]] = []
    last = nouns[-1]
    while True:
        nxt = MISSION_NOUN.search(sent.text, last.end(), clause[1])
        if nxt is None or any(s <= nxt.start() < e for s, e in blocked):
            return out
        end = _parse_phrase(sent, last, (last.start(), nxt.start()))["end"]
        if not _COORDINATION.fullmatch(sent.text[end : nxt.start()]):
            return out
        out.append(nxt)
        last = nxt


@register("missions_existing.v1")
def existing(sent: Sentence) -> Iterator[Event]:
    """ "The Turkish embassy in Nicosia is the largest foreign mission", "Russia's embassy is
    located in Sukhumi": a mission named as the subject of a statement exists."""
    if sent.doc is None or not MISSION_NOUN.search(sent.text):
        return
    for t in sent.doc:
        lemma = t.lemma_.lower()
        if not ((lemma == "be" and t.dep_ == "ROOT") or (lemma in _LOCATED and is_passive(t))):
            continue
        if _negated(sent, t) or any(c.dep_ == "aux" and c.lower_ in ("will", "would") for c in t.children):
            continue
        for ps, pe in children_spans(t, ("nsubj", "nsubjpass")):
            noun = MISSION_NOUN.search(sent.text, ps, pe)
            if noun is None:
                continue
            roles = _parse_phrase(sent, noun, (ps, max(pe, subtree_span(t)[1])))
            if roles["owner"] is None:
                continue
            for city in roles["cities"] or [None]:
                event = _emit(sent, t, {**roles, "city": city}, "mission_opened", dated=False)
                if event is not None:
                    yield event


_LOCATED = {"locate", "situate", "base", "house"}


def _misparsed(sent: Sentence, head: Any, seen: set[tuple[Any, ...]]) -> Iterator[Event]:
    clause = subtree_span(head)
    noun = MISSION_NOUN.match(sent.text, head.idx)
    if noun is None or _negated(sent, head):
        return
    roles = _parse_phrase(sent, noun, clause)
    subj = states_in(sent, subject_spans(head), groups=True)
    roles["owner"] = roles["owner"] or (subj[0] if subj else None)
    for city in roles["cities"] or [None]:
        event = _emit(sent, head, {**roles, "city": city}, "mission_opened", dated=False)
        if event is not None and _first_time(event, seen):
            yield event


def _first_time(event: Event, seen: set[tuple[Any, ...]]) -> bool:
    """Whether a sentence states this mission for the first time (two triggers may find it)."""
    r = event.roles
    key = (event.type, r["owner"], r["host"], r.get("city"), r["kind"])
    if key in seen:
        return False
    seen.add(key)
    return True


def _make(sent: Sentence, t: Any, roles: dict[str, Any], lemma: str, planned: bool) -> Event | None:
    if lemma in _EXIST and not planned:
        return _emit(sent, t, roles, "mission_opened", dated=False)
    if planned:
        return _emit(sent, t, roles, "mission_planned", dated=True)
    return _emit(sent, t, roles, "mission_opened", dated=True)


def _mutual(
    sent: Sentence, t: Any, roles: dict[str, Any], pair: list[str], planned: bool, seen: set[tuple[Any, ...]]
) -> Iterator[Event]:
    """ "The two governments opened interests sections in each other's capitals": one each way."""
    for owner, host in ((pair[0], pair[1]), (pair[1], pair[0])):
        event = _make(
            sent, t, {**roles, "owner": owner, "host": host, "city": None}, t.lemma_.lower(), planned
        )
        if event is not None and (event.type, owner, host) not in seen:
            seen.add((event.type, owner, host))
            yield event


def _hypothetical(t: Any) -> bool:
    """ "Ethiopia would open an embassy if it recognised Somaliland": a condition, not an act."""
    for child in t.children:
        if child.dep_ == "advcl" and any(
            g.dep_ == "mark" and g.lower_ in ("if", "unless") for g in child.children
        ):
            return True
    return False


def _noun_negated(sent: Sentence, t: Any, noun: re.Match[str]) -> bool:
    """ "has no embassy", "has not opened any consulate": negation between the verb and the noun."""
    between = sent.text[t.idx : noun.start()].lower()
    return bool(re.search(r"\b(?:no|not|never|neither|nor|no longer)\b", between))


def _is_planned(t: Any) -> bool:
    """An opening governed by a plan, an order or a promise ("plans on opening", "will open")."""
    if any(c.dep_ == "aux" and c.lower_ in ("will", "would", "shall", "'ll") for c in t.children):
        return True
    head, hops = t, 0
    while head.dep_ in ("xcomp", "pcomp", "pobj", "prep", "acl", "advcl", "ccomp") and hops < 4:
        head, hops = head.head, hops + 1
        if head.lemma_.lower() in {
            "plan",
            "intend",
            "decide",
            "agree",
            "expect",
            "directive",
            "decree",
            "order",
            "announce",
            "promise",
            "pledge",
            "aim",
            "hope",
            "prepare",
            "consider",
            "propose",
            "want",
            "seek",
        }:
            return True
    return False
