"""Small dumps for tests and benchmarks, and a quick processor that needs no language model.

:func:`sample_pages` gives a fixed set of pages that exercise every selection rule (each
dash, "of the", the infobox, redirects before and after their targets, other namespaces,
escaped characters) followed by ``fillers`` ordinary articles; :func:`write_sample_dump`
writes them in any dump format. The texts are written for dyad's tests, not taken from any
encyclopedia.

:func:`quick_processor` turns a page into a document and one event per dated sentence without
the wikitext reader or the extractors: fast, deterministic, and importable by pool and Dask
workers as ``"dyad.scale.testing:quick_processor"``.
"""

from __future__ import annotations

import os
import random
import re
import time
from collections.abc import Iterator
from pathlib import Path

from dyad.model import Block, Document, Event, Evidence
from dyad.scale.dumps import Page, make_page, write_dump
from dyad.scale.parallel import PageJob

__all__ = [
    "SELECTED_TITLES",
    "quick_processor",
    "sample_pages",
    "slow_processor",
    "write_sample_dump",
]

_INFOBOX = """{{{{Infobox bilateral relations|{a}–{b} relations|{a}|{b}
|map = {a} {b} Locator.png
|mission1 = [[Embassy of {a}, {b_city}|Embassy of {a}]]
|mission2 = [[Embassy of {b}, {a_city}|Embassy of {b}]]
}}}}"""

_RELATION_PAGES: list[tuple[str, str]] = [
    (
        "Abkhazia–Russia relations",
        _INFOBOX.format(a="Abkhazia", b="Russia", a_city="Sukhumi", b_city="Moscow")
        + """
'''Abkhazia–Russia relations''' are the bilateral ties between [[Abkhazia]] and [[Russia]].

== History ==
Russia recognised Abkhazia as an independent state on 26 August 2008.<ref>{{cite news|date=2008-08-26}}</ref>
The two sides established diplomatic relations on 9 September 2008.

== Diplomatic missions ==
{| class="wikitable"
! Year !! Event
|-
| 2008 || Russia opened an embassy in [[Sukhumi]]
|}
""",
    ),
    (
        "Kosovo-Serbia relations",
        """'''Kosovo-Serbia relations''' (spelled here with a hyphen) describe the dispute between the two.

Kosovo declared independence from Serbia on 17 February 2008; Serbia does not recognise it.
Talks mediated by the [[European Union]] began in March 2011 & continued for years.
""",
    ),
    (
        "Armenia—Turkey relations",
        """Relations between [[Armenia]] and [[Turkey]] (an em dash in this title).

The two states signed the [[Zurich Protocols]] on 10 October 2009, but neither ratified them.
""",
    ),
    (
        "Foreign relations of the Gambia",
        """The [[Gambia]] keeps close ties with [[Senegal]].

The Gambia left the [[Commonwealth of Nations]] on 3 October 2013 and rejoined it on 8 February 2018.
The Gambia established diplomatic relations with China on 17 March 2016.
""",
    ),
    (
        "List of diplomatic missions of Ruritania",
        """This is a list of the embassies of Ruritania.

* [[Strelsau]] opened an embassy in Vienna in 1901.
""",
    ),
    (
        "International recognition of Kosovo",
        """Several states recognised Kosovo in February 2008.

Costa Rica recognised Kosovo on 18 February 2008.
""",
    ),
    (
        "Treaty of Example (1920)",
        _INFOBOX.format(a="Estonia", b="Latvia", a_city="Tallinn", b_city="Riga")
        + """
The '''Treaty of Example''' is an article whose title follows no rule but whose infobox does.

Estonia and Latvia signed a border treaty on 22 March 1920.
""",
    ),
    (
        "Five-Day War",
        """The '''Five-Day War''' is the target of a relations redirect that comes later in the dump.

Georgia broke off diplomatic relations with Russia on 29 August 2008.
""",
    ),
]

# (title, target): redirects; a target that is not a relations title becomes wanted
_REDIRECTS: list[tuple[str, str]] = [
    ("Russia–Abkhazia relations", "Abkhazia–Russia relations"),
    ("Georgia–Russia relations", "Five-Day War"),  # target earlier in the dump: second pass
    ("Nauru–Taiwan relations", "Nauruan diplomacy"),  # target later in the dump: first pass
    ("Ruritania/Foreign relations", "Foreign relations of the Gambia"),
]

_LATER_TARGETS: list[tuple[str, str]] = [
    (
        "Nauruan diplomacy",
        """'''Nauruan diplomacy''' is reached through a relations redirect placed before it.

Nauru switched its recognition from Taiwan to China on 24 January 2024.
""",
    ),
]

_OTHER_NAMESPACES: list[tuple[str, int, str]] = [
    ("Talk:Abkhazia–Russia relations", 1, "Is the date of recognition right? -- a user"),
    ("Template:Infobox bilateral relations", 10, "{{Infobox bilateral relations|{{{1}}}|{{{2}}}|{{{3}}}}}"),
    ("Wikipedia:Foreign relations of the Gambia", 4, "A project page, not an article."),
]

SELECTED_TITLES: frozenset[str] = frozenset(
    [title for title, _ in _RELATION_PAGES] + [title for title, _ in _LATER_TARGETS]
)
"""The titles :func:`sample_pages` wants selected in "relations" mode."""

_WORDS = [
    "river",
    "valley",
    "town",
    "market",
    "bridge",
    "harvest",
    "museum",
    "railway",
    "station",
    "harbour",
    "festival",
    "mountain",
    "library",
    "council",
    "school",
    "forest",
    "island",
    "coast",
    "plain",
    "trade",
    "bilateral",
    "weather",
    "winter",
    "summer",
]


def _filler(rng: random.Random, i: int, size: int) -> str:
    words = rng.choices(_WORDS, k=max(8, size // 7))
    sentences = [" ".join(words[k : k + 12]).capitalize() + "." for k in range(0, len(words), 12)]
    return f"'''Place {i}''' is a place.\n\n" + "\n".join(sentences) + "\n[[Category:Places]]\n"


def sample_pages(fillers: int = 20, *, seed: int = 7, filler_size: int = 2000) -> Iterator[Page]:
    """The sample pages in dump order: rule pages, redirects, other namespaces, fillers in between."""
    rng = random.Random(seed)
    page_id = 100
    rev = 5000

    def nxt() -> tuple[int, int]:
        nonlocal page_id, rev
        page_id += 1
        rev += 7
        return page_id, rev

    fill = iter(range(fillers))
    per_gap = max(0, fillers // 16)

    def some_fillers(n: int) -> Iterator[Page]:
        for _ in range(n):
            i = next(fill, None)
            if i is None:
                return
            pid, rid = nxt()
            yield make_page(f"Place {i}", _filler(rng, i, filler_size), page_id=pid, revision_id=rid)

    for title, text in _RELATION_PAGES:
        yield from some_fillers(per_gap)
        pid, rid = nxt()
        yield make_page(title, text, page_id=pid, revision_id=rid)
    for title, ns, text in _OTHER_NAMESPACES:
        yield from some_fillers(per_gap)
        pid, rid = nxt()
        yield make_page(title, text, page_id=pid, namespace=ns, revision_id=rid)
    for title, target in _REDIRECTS:
        yield from some_fillers(per_gap)
        pid, rid = nxt()
        yield make_page(title, f"#REDIRECT [[{target}]]", page_id=pid, redirect=target, revision_id=rid)
    for title, text in _LATER_TARGETS:
        yield from some_fillers(per_gap)
        pid, rid = nxt()
        yield make_page(title, text, page_id=pid, revision_id=rid)
    yield from some_fillers(fillers)


def write_sample_dump(
    path: str | Path,
    fillers: int = 20,
    *,
    multistream: bool = False,
    pages_per_stream: int = 10,
    filler_size: int = 2000,
    seed: int = 7,
) -> Path | None:
    """Write :func:`sample_pages` as a dump (format from the name and ``multistream``); return the index."""
    return write_dump(
        sample_pages(fillers, seed=seed, filler_size=filler_size),
        path,
        multistream=multistream,
        pages_per_stream=pages_per_stream,
    )


_SENTENCE = re.compile(r"[^.\n]*\b(1[89]\d\d|20\d\d)\b[^.\n]*\.")
_DASH = re.compile(r"\s*[-–—]\s*")


def quick_processor(job: PageJob) -> tuple[Document, list[Event]]:
    """A document of the page's lines and one event per sentence with a year (no model needed)."""
    doc = Document(title=job.title, source=job.source, format="wikitext", text=job.text, doc_id=job.doc_id)
    blocks = []
    offset = 0
    for line in job.text.split("\n"):
        if line.strip():
            blocks.append(Block("paragraph", line, offset, offset + len(line)))
        offset += len(line) + 1
    doc.blocks = blocks
    parties = [p for p in _DASH.split(job.title.removesuffix(" relations")) if p][:2]
    events = []
    for match in _SENTENCE.finditer(job.text):
        text = match.group(0).strip()
        start = job.text.index(text, match.start())
        evidence = Evidence(job.doc_id, text, start, start + len(text))
        roles = {"parties": parties} if len(parties) == 2 else {"actor": job.title}
        events.append(Event("relations_established", roles, match.group(1), [evidence], "quick", 0.5))
    return doc, events


def slow_processor(job: PageJob) -> tuple[Document, list[Event]]:
    """:func:`quick_processor` after a pause of ``$DYAD_TEST_DELAY`` seconds (default 0.02)."""
    time.sleep(float(os.environ.get("DYAD_TEST_DELAY", "0.02")))
    return quick_processor(job)
