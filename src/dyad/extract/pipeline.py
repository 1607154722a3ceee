"""From a Document to events: sentences, entities, dates, parse, extractors, merge.

Two passes. The first walks the blocks in order, splits sentences, finds entity and date
mentions and resolves dates against what came before (dates need only text). Candidate
sentences (a trigger word and something to anchor it) are then parsed in one ``nlp.pipe``
batch. The second pass runs the registered extractors over sentences and table rows in
document order, so the article context (persons, the last treaty) grows as a reader's would.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from dyad.config import Settings, get_settings
from dyad.entities import load_gazetteer
from dyad.extract.context import ArticleContext, DatedMention, Sentence, parties_from_title
from dyad.extract.dates import DateContext, DateMention, find_dates
from dyad.extract.merge import merge_events
from dyad.extract.nlp import load_nlp, split_sentences
from dyad.extract.registry import registered
from dyad.model import Block, Document, Event

__all__ = ["CANDIDATE", "TableRow", "extract_document"]

CANDIDATE = re.compile(
    r"recogni|relations|sever|broke|break|cut\b|treat|agreement|accord|pact|memorand|protocol|"
    r"convention|declaration|sign|ratif|ambassador|envoy|credential|credence|appoint|recall|dismiss|"
    r"embass|consul|mission|office|chancer|represent|open|inaugurat|condemn|denounc|criticis|criticiz|"
    r"protest|member|join|admit|accession|withdr|revok|retract|rescind|suspend|succe|mutual|follow|"
    r"did so|do so|as did|likewise|expel",
    re.IGNORECASE,
)


@dataclass
class TableRow:
    """A table row with the header it belongs to and the article context."""

    ctx: ArticleContext
    block: Block
    header: tuple[str, ...]
    cells: tuple[str, ...]
    dates: list[list[DatedMention]] = field(default_factory=list)  # per cell
    caption: tuple[str, ...] = ()


def _resolve_dates(text: str, dctx: DateContext) -> list[DatedMention]:
    mentions = find_dates(text)
    out = []
    for i, m in enumerate(mentions):
        value = dctx.resolve(m, mentions[i + 1 :])
        dctx.observe(m, value)
        out.append(DatedMention(m.start, m.end, value, m))
    return out


_BARE_YEAR = re.compile(r"^\s*(1[6-9]\d\d|20\d\d)\s*$")


def _cell_dates(cell: str) -> list[DatedMention]:
    """Dates in a table cell; a cell that is only a year is a date there, unlike in prose."""
    found = [DatedMention(m.start, m.end, m.value, m) for m in find_dates(cell)]
    if not found and (m := _BARE_YEAR.match(cell)):
        mention = DateMention(m.start(1), m.end(1), m.group(1), int(m.group(1)), None, None)
        found.append(DatedMention(mention.start, mention.end, mention.value, mention))
    return found


def _items(doc: Document, ctx: ArticleContext) -> Iterator[Sentence | TableRow]:
    gaz = ctx.gazetteer
    dctx = DateContext()
    header: tuple[str, ...] = ()
    section: tuple[str, ...] = ()
    intro = ""
    for block in doc.blocks:
        if block.section != section:
            section = block.section
            dctx.reset_section()
        if block.kind == "table_header":
            header = block.cells
            intro = ""
            continue
        if block.kind == "table_row":
            cell_dates = [_cell_dates(c) for c in block.cells]
            yield TableRow(ctx, block, header, block.cells, cell_dates, block.section)
            continue
        header = ()
        if block.kind == "list_item" and intro:
            # "X has consulates in:" followed by items: each item completes the sentence.
            text = intro + " " + block.text
            dates = _resolve_dates(text, dctx)
            yield Sentence(ctx, block, text, 0, gaz.find(text), dates, prefix=len(intro) + 1)
            continue
        spans = split_sentences(block.text)
        intro = ""
        if block.kind == "paragraph" and spans and block.text.rstrip().endswith(":"):
            intro = block.text[spans[-1][0] : spans[-1][1]].rstrip().rstrip(":").rstrip()
        for start, end in spans:
            text = block.text[start:end]
            yield Sentence(ctx, block, text, start, gaz.find(text), _resolve_dates(text, dctx))


def extract_document(doc: Document, settings: Settings | None = None) -> list[Event]:
    """Every event the document states, each with its evidence, merged within the document."""
    settings = settings or get_settings()
    gaz = load_gazetteer()
    parties, subject = parties_from_title(doc.title, doc.infobox, gaz, doc.doc_id)
    ctx = ArticleContext(doc=doc, gazetteer=gaz, parties=parties, subject=subject)
    items = list(_items(doc, ctx))
    _parse_candidates([i for i in items if isinstance(i, Sentence)], settings)
    extractors = registered(settings.extractors)
    sentence_x = [x for x in extractors if x.applies_to == "sentence"]
    row_x = [x for x in extractors if x.applies_to == "row"]
    events: list[Event] = []
    carry: tuple[int, str] | None = None  # (block, date) of an eventless sentence, for the next one
    for item in items:
        chosen = sentence_x if isinstance(item, Sentence) else row_x
        found = [event for extractor in chosen for event in _run(extractor, item)]
        if isinstance(item, Sentence):
            if carry and carry[0] == item.block.start and _CONTINUES.match(item.text):
                for event in found:
                    event.date = event.date or carry[1]
            dated = [str(d.value) for d in item.dates if d.value and not d.attributive]
            carry = (item.block.start, dated[-1]) if dated and not found else None
        events.extend(found)
        if isinstance(item, Sentence):
            _remember_people(item)
            states = [m.entity.name for m in item.mentions if m.entity.kind == "state" and m.form != "city"]
            if states:
                ctx.last_subject = states[0]
        if events:
            roles = events[-1].roles
            ctx.last_actor = roles.get("actor") or roles.get("owner") or roles.get("sender") or ctx.last_actor
    # Document-level statements (the infobox) come last, so prose evidence leads a merged event.
    events += [e for x in extractors if x.applies_to == "document" for e in x.func(ctx)]
    return merge_events(events)


# "Somalia reacted the following day. Its cabinet condemned ...": the second sentence goes on
# with the first one's subject and date.
_CONTINUES = re.compile(r"(?:Its|It|Their|They|He|She|His|Her)\b")


def _run(extractor: Any, item: Sentence | TableRow) -> list[Event]:
    out = []
    for event in extractor.func(item):
        event.extractor = event.extractor or extractor.name
        out.append(event)
        item.ctx.recent.append(event)
    return out


def _parse_candidates(sentences: Iterable[Sentence], settings: Settings) -> None:
    todo = [s for s in sentences if CANDIDATE.search(s.text) and (s.mentions or s.dates or s.ctx.parties)]
    if not todo:
        return
    nlp = load_nlp(settings.spacy_model)
    for sent, parsed in zip(
        todo, nlp.pipe((s.text for s in todo), batch_size=settings.batch_size), strict=True
    ):
        sent.doc = parsed


_TITLED = re.compile(
    r"\b(?P<title>President|Prime Minister|Foreign Minister|Minister of Foreign Affairs|King|Emir|Chancellor|"
    r"Premier|Vice President|Speaker)\s+(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2})"
)


def _remember_people(sent: Sentence) -> None:
    """Record heads of state and ministers by name and state ("Somali President Hassan Sheikh
    Mohamud", "President Leonid Tibilov of South Ossetia"), so that a bare surname later is not
    taken for an envoy and "Abiy and Hassan Sheikh signed" knows whose leaders signed."""
    for m in _TITLED.finditer(sent.text):
        name = m.group("name")
        if sent.ctx.gazetteer.get(name.split()[0]) is not None:
            continue
        state = None
        before = [
            x
            for x in sent.mentions
            if x.end <= m.start() and m.start() - x.end <= 2 and x.entity.kind == "state"
        ]
        after = re.match(r"\s+of\s+(?:the\s+)?", sent.text[m.end() :])
        if before:
            state = before[-1].entity.name
        elif after:
            follow = [
                x for x in sent.mentions if x.start == m.end() + after.end() and x.entity.kind == "state"
            ]
            state = follow[0].entity.name if follow else None
        rec = sent.ctx.find_person(name) if len(name.split()) == 1 else None
        if rec is None:
            sent.ctx.remember_person(name, role="leader", state=state)
        elif state and not rec.state:
            rec.state = state
