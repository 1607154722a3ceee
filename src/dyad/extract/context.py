"""What an extractor sees: a sentence (or table row) with its entities, dates and article context.

The article context carries what a reader remembers while reading: the two parties the
article is about, the last dates (so "On 20 September" and "two days later" resolve), the
persons mentioned so far with their roles (so "Akhba" and "his successor" resolve), and the
last treaty named (so "the treaty was ratified" knows which).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from dyad.entities import Gazetteer, Mention
from dyad.extract.dates import DateMention
from dyad.model import Block, Document, Evidence

__all__ = ["ArticleContext", "DatedMention", "PersonRecord", "Sentence", "parties_from_title"]

_TITLE_PAIR = re.compile(r"^(?P<a>.+?)\s*[–—‐-]\s*(?P<b>.+?)\s+relations$", re.IGNORECASE)
_TITLE_SUBJECT = re.compile(
    r"^(?:foreign relations of|international recognition of|list of diplomatic missions (?:of|in)|"
    r"diplomatic missions (?:of|in))\s+(?:the\s+)?(?P<x>.+)$",
    re.IGNORECASE,
)


def parties_from_title(
    title: str, infobox: dict[str, str], gazetteer: Gazetteer, slug: str = ""
) -> tuple[list[str], str | None]:
    """The article's parties and its single subject, from wherever the article states them:
    the infobox (Party1/Party2, or positional values that name states), a title "X–Y relations"
    or "Foreign relations of X", or failing those the file name ("kosovo-serbia")."""
    parties: list[str] = []

    def add(name: str | None) -> None:
        if name and name not in parties:
            parties.append(name)

    for key in ("Party1", "Party2", "Country1", "Country2", "Title"):
        value = infobox.get(key, "")
        if not value:
            continue
        ent = gazetteer.get(value)
        if ent and ent.kind == "state":
            add(ent.name)
        elif m := _TITLE_PAIR.match(value.strip() + (" relations" if "relations" not in value else "")):
            for part in (m.group("a"), m.group("b")):
                add(getattr(gazetteer.get(part) or _adjective_entity(part, gazetteer), "name", None))
    subject = None
    if m := _TITLE_PAIR.match(title.strip()):
        for part in (m.group("a"), m.group("b")):
            add(getattr(gazetteer.get(part) or _adjective_entity(part, gazetteer), "name", None))
    elif m := _TITLE_SUBJECT.match(title.strip()):
        ent = gazetteer.get(m.group("x"))
        subject = ent.name if ent else None
    if len(parties) < 2 and subject is None and slug:
        found, subj = _from_slug(slug, gazetteer)
        for name in found:
            add(name)
        subject = subject or subj
    if subject is None and len(parties) == 1:
        subject = parties[0]
    return parties[:2], subject


def _from_slug(slug: str, gazetteer: Gazetteer) -> tuple[list[str], str | None]:
    """ "northern-cyprus-turkey" -> both states; "international-recognition-of-kosovo" -> subject."""
    words = [w for w in re.split(r"[-_\s]+", slug.lower()) if w and w != "relations"]
    text = " ".join(words)
    if m := _TITLE_SUBJECT.match(text):
        ent = gazetteer.get(m.group("x"))
        return [], ent.name if ent else None
    for i in range(1, len(words)):
        a, b = gazetteer.get(" ".join(words[:i])), gazetteer.get(" ".join(words[i:]))
        if a and b and a.kind == b.kind == "state":
            return [a.name, b.name], None
    return [], None


def _adjective_entity(text: str, gazetteer: Gazetteer) -> Any:
    mentions = gazetteer.find(text)
    return mentions[0].entity if len(mentions) == 1 else None


@dataclass(frozen=True)
class DatedMention:
    """A date expression in a sentence with its value resolved against the article context."""

    start: int
    end: int
    value: str | None
    mention: DateMention

    @property
    def attributive(self) -> bool:
        return bool(getattr(self.mention, "attributive", False))


@dataclass
class PersonRecord:
    full: str
    surname: str
    sender: str | None = None
    receiver: str | None = None
    role: str = ""  # "ambassador", "leader", ...
    state: str | None = None  # whose leader or minister the person is


@dataclass
class ArticleContext:
    doc: Document
    gazetteer: Gazetteer
    parties: list[str] = field(default_factory=list)
    subject: str | None = None
    persons: list[PersonRecord] = field(default_factory=list)
    last_treaty: str | None = None
    last_ambassador: PersonRecord | None = None
    last_actor: str | None = None  # the acting state of the last event read
    last_subject: str | None = None  # the first state named in the last sentence that named one
    recent: list[Any] = field(default_factory=list)  # events read so far, for "X did so", "as did Z"

    def other_party(self, *names: str | None) -> str | None:
        """The article party that is not among ``names`` (None unless exactly one)."""
        rest = [p for p in self.parties if p not in names]
        if len(rest) == 1:
            return rest[0]
        if not rest and self.subject and self.subject not in names:
            return self.subject
        return None

    def remember_person(self, full: str, **facts: Any) -> PersonRecord:
        surname = full.split()[-1] if full.split() else full
        for rec in reversed(self.persons):
            if rec.full == full or (len(full.split()) == 1 and rec.surname == surname):
                for key, value in facts.items():
                    if value:
                        setattr(rec, key, value)
                self.persons.remove(rec)
                self.persons.append(rec)
                return rec
        rec = PersonRecord(full=full, surname=surname, **{k: v for k, v in facts.items() if v})
        self.persons.append(rec)
        return rec

    def find_person(self, name: str, role: str = "") -> PersonRecord | None:
        """The person a name refers to: the full name, else the latest person with that surname,
        preferring one with the role asked for (two Kokoitys: the president and the envoy)."""
        parts = name.split()
        if not parts:
            return None
        if len(parts) > 1:
            # "Al Khaja" after "Mohamed Al Khaja": a full name, its tail or its head.
            for rec in reversed(self.persons):
                if rec.full == name or rec.full.endswith(" " + name) or rec.full.startswith(name + " "):
                    return rec
            return None
        same = [rec for rec in reversed(self.persons) if rec.surname == parts[-1]]
        if not same and role == "leader":
            same = [rec for rec in reversed(self.persons) if rec.full.split()[0] == parts[0]]
        if role:
            for rec in same:
                if rec.role == role:
                    return rec
        return same[0] if same else None


@dataclass
class Sentence:
    """One sentence of prose or one list item, ready for the extractors."""

    ctx: ArticleContext
    block: Block
    text: str
    offset: int  # where the sentence starts in block.text
    mentions: list[Mention]
    dates: list[DatedMention]
    doc: Any = None  # the spaCy Doc, for candidate sentences
    prefix: int = 0  # length of an introduction prepended to a list item ("... consulates in:")

    def evidence(self) -> Evidence:
        own = self.text[self.prefix :]
        start, end = self.block.source_span(self.offset, self.offset + len(own))
        return Evidence(self.ctx.doc.doc_id, own, start, end, self.block.section, self.block.kind)

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        """Mentions that start inside the span (a long name may run past a parse's phrase end)."""
        return [m for m in self.mentions if start <= m.start < end]
