"""A small synthetic knowledge base for the web tests, the browser tests and the benchmark.

:func:`build_fixture_kb` writes a handful of articles about fictional states (no sentence of
any real article) to a folder and stores them with hand-written events whose evidence
offsets point into those files, so every page has something to show: recognitions given,
withdrawn and given again; relations established, severed and restored; envoys who succeed
each other; missions; a treaty ratified by both parties and one by a single party; two
documents that disagree on a date; and one hostile article whose sentences carry
``<script>`` and ``javascript:`` links (they must show as text). With ``bulk`` it adds that
many generated articles (:func:`dyad.kb.testing.write_fixture_corpus`) for a larger load.

Nothing here is imported by dyad itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dyad.kb import KnowledgeBase, open_kb
from dyad.model import Document, Event, Evidence

__all__ = ["ARTICLES", "HOSTILE_NAME", "FixtureKB", "build_fixture_kb"]

HOSTILE_NAME = "Zed <img src=x onerror=alert(3)>"

# (doc id, title, [(sentence, type, date, roles)]); sentences are joined into the article.
ARTICLES: list[tuple[str, str, list[tuple[str, str, str | None, dict[str, Any]]]]] = [
    (
        "arland-borvia",
        "Arland–Borvia relations",
        [
            (
                "Arland recognised Borvia on 3 May 1991.",
                "recognition",
                "1991-05-03",
                {"actor": "Arland", "target": "Borvia"},
            ),
            (
                "Borvia recognised Arland a week later, on 10 May 1991.",
                "recognition",
                "1991-05-10",
                {"actor": "Borvia", "target": "Arland"},
            ),
            (
                "The two states established diplomatic relations on 12 June 1991.",
                "relations_established",
                "1991-06-12",
                {"parties": ["Arland", "Borvia"]},
            ),
            (
                "Arland opened its embassy in Port Vale in 1992.",
                "mission_opened",
                "1992",
                {"owner": "Arland", "host": "Borvia", "kind": "embassy", "city": "Port Vale"},
            ),
            (
                "Borvia opened an embassy in Arland in March 1993.",
                "mission_opened",
                "1993-03",
                {"owner": "Borvia", "host": "Arland", "kind": "embassy"},
            ),
            (
                "Ada Lind was appointed Arland's first ambassador to Borvia on 1 February 1993.",
                "ambassador_appointed",
                "1993-02-01",
                {"person": "Ada Lind", "sender": "Arland", "receiver": "Borvia"},
            ),
            (
                "Lind presented her credentials on 15 March 1993.",
                "credentials_presented",
                "1993-03-15",
                {"person": "Ada Lind", "sender": "Arland", "receiver": "Borvia"},
            ),
            (
                "Both signed the Treaty of Friendship and Cooperation on 20 July 1995.",
                "treaty_signed",
                "1995-07-20",
                {"parties": ["Arland", "Borvia"], "title": "Treaty of Friendship and Cooperation"},
            ),
            (
                "Arland ratified the Treaty of Friendship and Cooperation on 1 December 1995.",
                "treaty_ratified",
                "1995-12-01",
                {"actor": "Arland", "title": "Treaty of Friendship and Cooperation"},
            ),
            (
                "Borvia ratified the Treaty of Friendship and Cooperation in 1996.",
                "treaty_ratified",
                "1996",
                {"actor": "Borvia", "title": "Treaty of Friendship and Cooperation"},
            ),
            (
                "Boris Kell succeeded Lind as ambassador to Borvia on 2 September 1997.",
                "ambassador_appointed",
                "1997-09-02",
                {"person": "Boris Kell", "sender": "Arland", "receiver": "Borvia"},
            ),
            (
                "The Border Agreement was signed on 4 April 2002.",
                "treaty_signed",
                "2002-04-04",
                {"parties": ["Arland", "Borvia"], "title": "Border Agreement"},
            ),
            (
                "Borvia ratified the Border Agreement on 30 May 2002.",
                "treaty_ratified",
                "2002-05-30",
                {"actor": "Borvia", "title": "Border Agreement"},
            ),
            (
                "Borvia broke off relations with Arland in September 2004.",
                "relations_severed",
                "2004-09",
                {"actor": "Borvia", "target": "Arland"},
            ),
            (
                "Borvia's embassy in Arland closed in 2004.",
                "mission_closed",
                "2004",
                {"owner": "Borvia", "host": "Arland", "kind": "embassy"},
            ),
            (
                "Arland recalled Kell on 1 October 2004.",
                "ambassador_dismissed",
                "2004-10-01",
                {"person": "Boris Kell", "sender": "Arland", "receiver": "Borvia"},
            ),
            (
                "Relations were restored on 1 March 2008.",
                "relations_established",
                "2008-03-01",
                {"parties": ["Arland", "Borvia"]},
            ),
            (
                "Cora Vance became ambassador to Borvia on 10 May 2008.",
                "ambassador_appointed",
                "2008-05-10",
                {"person": "Cora Vance", "sender": "Arland", "receiver": "Borvia"},
            ),
            (
                "Arland plans a consulate in Northgate.",
                "mission_planned",
                None,
                {"owner": "Arland", "host": "Borvia", "kind": "consulate", "city": "Northgate"},
            ),
        ],
    ),
    (
        "borvia-yearbook",
        "Borvia yearbook",
        [
            (
                "Arland recognised Borvia on 3 May 1991, the first state to do so.",
                "recognition",
                "1991-05-03",
                {"actor": "Arland", "target": "Borvia"},
            ),
            (
                "Arland and Borvia established diplomatic relations on 14 June 1991.",
                "relations_established",
                "1991-06-14",
                {"parties": ["Arland", "Borvia"]},
            ),
            (
                "Dalmora recognised Borvia in 1992.",
                "recognition",
                "1992",
                {"actor": "Dalmora", "target": "Borvia"},
            ),
        ],
    ),
    (
        "corenth",
        "International recognition of Corenth",
        [
            (
                "Arland recognised Corenth on 5 January 1999.",
                "recognition",
                "1999-01-05",
                {"actor": "Arland", "target": "Corenth"},
            ),
            (
                "Borvia followed on 20 March 1999.",
                "recognition",
                "1999-03-20",
                {"actor": "Borvia", "target": "Corenth"},
            ),
            (
                "Dalmora recognised Corenth in 2000.",
                "recognition",
                "2000",
                {"actor": "Dalmora", "target": "Corenth"},
            ),
            (
                "Corenth and Dalmora established diplomatic relations in 2000.",
                "relations_established",
                "2000",
                {"parties": ["Corenth", "Dalmora"]},
            ),
            (
                "Arland withdrew its recognition of Corenth on 9 October 2001.",
                "recognition_withdrawn",
                "2001-10-09",
                {"actor": "Arland", "target": "Corenth"},
            ),
            (
                "Estavia recognised Corenth on 2 February 2003.",
                "recognition",
                "2003-02-02",
                {"actor": "Estavia", "target": "Corenth"},
            ),
            (
                "Arland recognised Corenth again on 30 June 2006.",
                "recognition",
                "2006-06-30",
                {"actor": "Arland", "target": "Corenth"},
            ),
            (
                "The Northern League condemned the recognition.",
                "condemnation",
                None,
                {"actor": "Northern League", "target": "Estavia"},
            ),
        ],
    ),
    (
        "gravonia-hollin",
        "Gravonia–Hollin relations",
        [
            (
                "Gravonia recognised Hollin on 4 April 2002 <script>alert('xss')</script>.",
                "recognition",
                "2002-04-04",
                {"actor": "Gravonia", "target": "Hollin"},
            ),
            (
                'Hollin recognised Gravonia in 2003, see <a href="javascript:alert(1)">the decree</a>.',
                "recognition",
                "2003",
                {"actor": "Hollin", "target": "Gravonia"},
            ),
            (
                "Gravonia recognised Zed <img src=x onerror=alert(3)> in 2005 [javascript:alert(4)].",
                "recognition",
                "2005",
                {"actor": "Gravonia", "target": HOSTILE_NAME},
            ),
        ],
    ),
]


@dataclass(frozen=True)
class FixtureKB:
    url: str
    folder: Path
    articles: Path


def _article(
    doc_id: str, title: str, sentences: list[tuple[str, str, str | None, dict[str, Any]]], folder: Path
) -> tuple[Document, list[Event]]:
    lines = [f"= {title} =", ""]
    for sentence, *_ in sentences:
        lines += [sentence, ""]
    text = "\n".join(lines)
    path = folder / f"{doc_id}.txt"
    path.write_text(text, encoding="utf-8")
    events = []
    for sentence, type_, date, roles in sentences:
        start = text.index(sentence)
        evidence = Evidence(doc_id, sentence, start, start + len(sentence), (title,), "paragraph")
        events.append(Event(type_, dict(roles), date, [evidence], extractor="fixture"))
    return Document(title=title, source=str(path), format="text", text=text, doc_id=doc_id), events


def build_fixture_kb(folder: Path, bulk: int = 0, seed: int = 7) -> FixtureKB:
    """Write the fixture articles under ``folder/articles`` and store them (and ``bulk``
    generated articles) in the SQLite file ``folder/kb.db``."""
    folder.mkdir(parents=True, exist_ok=True)
    articles = folder / "articles"
    articles.mkdir(exist_ok=True)
    url = f"sqlite:///{folder / 'kb.db'}"
    kb: KnowledgeBase = open_kb(url, gazetteer=None)
    try:
        for doc_id, title, sentences in ARTICLES:
            document, events = _article(doc_id, title, sentences, articles)
            kb.store_document(document, events, extractor="fixture")
        if bulk:
            from dyad.kb.testing import fixture_extractor, write_fixture_corpus

            paths = write_fixture_corpus(folder / "bulk", bulk, seed=seed)
            report = kb.ingest_documents(paths, extractor=fixture_extractor)
            if report.failed:
                raise RuntimeError(f"fixture ingest failed: {report.failed[:3]}")
    finally:
        kb.close()
    return FixtureKB(url, folder, articles)
