"""Whole-Wikipedia scale: stream a MediaWiki XML dump, select the relations articles, extract
their events in parallel (local processes or a Dask cluster) and write them, resumably, to the
knowledge base.

>>> from dyad.scale import iter_pages, select_page, ingest_dump
>>> [p.title for p in iter_pages("dump.xml.bz2", namespaces={0}, redirects=False)][:3]
>>> select_page("Foreign relations of Angola")
'title:foreign_relations'
>>> report = ingest_dump("enwiki-pages-articles-multistream.xml.bz2", "sqlite:///kb.db", workers=4)

Modules: :mod:`~dyad.scale.dumps` (pages of plain, bz2 and multistream dumps),
:mod:`~dyad.scale.select` (the selection rules), :mod:`~dyad.scale.parallel` (backends),
:mod:`~dyad.scale.ingest` (the pipeline, checkpoints and resume), :mod:`~dyad.scale.sinks`
(where documents go), :mod:`~dyad.scale.cli` (the ``ingest`` command for dumps).
"""

from __future__ import annotations

from dyad.scale.dumps import DUMP_SUFFIXES, DumpReader, Page, Position, iter_pages, make_page, write_dump
from dyad.scale.ingest import DumpReport, IngestInterrupted, ingest_dump
from dyad.scale.parallel import PageJob, read_and_extract, slugify
from dyad.scale.progress import IngestProgress
from dyad.scale.select import (
    SELECT_MODES,
    has_bilateral_infobox,
    redirect_target,
    relations_title,
    select_page,
)
from dyad.scale.sinks import KBSink, MemorySink, Sink

__all__ = [
    "DUMP_SUFFIXES",
    "SELECT_MODES",
    "DumpReader",
    "DumpReport",
    "IngestInterrupted",
    "IngestProgress",
    "KBSink",
    "MemorySink",
    "Page",
    "PageJob",
    "Position",
    "Sink",
    "has_bilateral_infobox",
    "ingest_dump",
    "is_dump",
    "iter_pages",
    "make_page",
    "read_and_extract",
    "redirect_target",
    "relations_title",
    "select_page",
    "slugify",
    "write_dump",
]


def is_dump(path: object) -> bool:
    """True for a path named like a MediaWiki XML dump (``.xml`` or ``.xml.bz2``)."""
    name = str(path).lower()
    return name.endswith(DUMP_SUFFIXES)
