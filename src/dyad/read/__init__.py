"""Readers: source text in, :class:`~dyad.model.Document` out.

Two article formats are read: the rendered plain text of ``shared/corpus/dev`` and MediaWiki
wikitext. :func:`read_path` picks the reader by extension and content; :func:`read_paths`
walks files and folders and goes on past bad files, yielding the error in their place.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from dyad.errors import ReadError
from dyad.model import Document
from dyad.read.detect import ARTICLE_SUFFIXES, detect_format
from dyad.read.plaintext import parse_plaintext
from dyad.read.source import MAX_BYTES, decode_source

__all__ = ["MAX_BYTES", "detect_format", "iter_files", "read_path", "read_paths", "read_text"]


def read_text(
    text: str, source: str = "<text>", fmt: str | None = None, title: str | None = None
) -> Document:
    """Read an article already in memory. ``fmt`` is "text", "wikitext" or None to detect."""
    fmt = fmt or detect_format(source, text)
    if fmt == "wikitext":
        from dyad.read.wikitext import parse_wikitext

        return parse_wikitext(text, source=source, title=title)
    if fmt == "text":
        return parse_plaintext(text, source=source, title=title)
    raise ReadError(source, f"unknown format {fmt!r}", "use 'text' or 'wikitext'")


def read_path(path: str | Path, fmt: str | None = None) -> Document:
    """Read one article file; raises :class:`ReadError` with a one-line reason if it cannot."""
    p = Path(path)
    if not p.exists():
        raise ReadError(str(p), "no such file", "check the path")
    if p.is_dir():
        raise ReadError(str(p), "is a folder, not a file", "use read_paths() for folders")
    text = decode_source(p.read_bytes() if p.stat().st_size <= MAX_BYTES else None, str(p), p.stat().st_size)
    return read_text(text, source=str(p), fmt=fmt)


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Every article file named or found (recursively, sorted) under the folders named."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                if (
                    child.is_file()
                    and child.suffix.lower() in ARTICLE_SUFFIXES
                    and not child.name.startswith(".")
                ):
                    yield child
        else:
            yield p


def read_paths(paths: Iterable[str | Path], fmt: str | None = None) -> Iterator[Document | ReadError]:
    """Read every file; a bad file yields its :class:`ReadError` and the walk goes on."""
    for p in iter_files(paths):
        try:
            yield read_path(p, fmt=fmt)
        except ReadError as error:
            yield error
