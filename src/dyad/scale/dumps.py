"""Streaming the pages of a MediaWiki XML dump, with bounded memory whatever its size.

Three kinds of file are read: plain ``.xml``, ``.xml.bz2`` (one bzip2 stream or several), and
a *multistream* ``.xml.bz2`` with its index (``...-multistream-index.txt[.bz2]``, lines
``offset:page_id:title``), whose streams are decompressed in parallel threads (libbz2 releases
the GIL, so N threads use N cores).

The scanner does not run an XML parser. A dump is regular: every ``<`` of page content is
escaped, so ``<page>`` ... ``</page>`` and the few tags inside (``title``, ``ns``, ``id``,
``redirect``, ``revision``, ``text``) are found with ``bytes.find``; only the text of a page
that is asked for is decoded and unescaped (:attr:`Page.text` is lazy). This keeps the scan
close to the speed of decompression itself. :func:`write_dump` writes the same formats (for
tests, benchmarks and samples).

Every page carries :class:`Position` values at its start and its end: where a later run can
start reading again (a multistream stream's offset, or an offset in the decompressed text),
which is how an interrupted ingest resumes.
"""

from __future__ import annotations

import bisect
import bz2
import os
import queue
import re
import threading
from array import array
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import escape

from dyad.errors import ReadError

__all__ = [
    "DUMP_SUFFIXES",
    "DumpReader",
    "Page",
    "Position",
    "SiteInfo",
    "find_index",
    "iter_pages",
    "unescape_xml",
    "write_dump",
]

DUMP_SUFFIXES = (".xml", ".xml.bz2")
READ_BYTES = 256 << 10  # compressed bytes read at a time
OUT_BYTES = 1 << 20  # decompressed bytes produced at a time (bounds memory on very compressible input)
GROUP_BYTES = 128 << 10  # consecutive multistream streams decompressed as one task, up to this size
MAX_HEADER = 16 << 20


class Position(NamedTuple):
    """Where reading can start again: ``base`` is the compressed offset of a bzip2 stream of a
    multistream dump (0 otherwise), ``offset`` the offset in the text decompressed from there."""

    base: int
    offset: int


START = Position(0, 0)


@dataclass(slots=True, eq=False)
class Page:
    """One page of a dump. ``raw`` is the text as stored in the XML (escaped); :attr:`text` the wikitext."""

    title: str
    namespace: int
    page_id: int
    revision_id: int | None
    redirect: str | None
    raw: bytes = field(repr=False)
    start: Position = START
    end: Position = START
    _text: str | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = unescape_xml(self.raw.decode("utf-8", errors="replace"))
        return self._text

    @property
    def is_redirect(self) -> bool:
        return self.redirect is not None

    def key(self) -> tuple[str, int, int, int | None, str | None, str]:
        """What identifies the page's content (positions excluded), for comparing two reads."""
        return (self.title, self.namespace, self.page_id, self.revision_id, self.redirect, self.text)


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """The ``<siteinfo>`` of a dump: its wiki and the prefixes of its namespaces."""

    dbname: str = ""
    namespaces: tuple[tuple[int, str], ...] = ()

    def namespace_of(self, title: str) -> int:
        """The namespace of a title from its prefix (for old dumps without ``<ns>``)."""
        prefix, sep, _ = title.partition(":")
        if sep:
            for key, name in self.namespaces:
                if name and name.lower() == prefix.lower():
                    return key
        return 0


_ENTITY = re.compile(r"&#(x[0-9a-fA-F]+|[0-9]+);")


def unescape_xml(s: str) -> str:
    """Undo the escaping of a dump's text (``&lt; &gt; &quot; &#039; &amp;`` and numeric references)."""
    if "&" not in s:
        return s
    s = s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
    if "&#" in s:
        s = _ENTITY.sub(_numeric, s)
    return s.replace("&amp;", "&")


def _numeric(match: re.Match[str]) -> str:
    code = match.group(1)
    try:
        return chr(int(code[1:], 16) if code[0] in "xX" else int(code))
    except (ValueError, OverflowError):
        return match.group(0)


def find_index(path: str | Path) -> Path | None:
    """The index beside a multistream dump (``X-multistream.xml.bz2`` -> ``X-multistream-index.txt.bz2``)."""
    p = Path(path)
    name = p.name
    for suffix in (".xml.bz2", ".bz2", ".xml"):
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            break
    else:
        return None
    for candidate in (
        f"{stem}-index.txt.bz2",
        f"{stem}-index.txt",
        f"{stem}.index.txt.bz2",
        f"{stem}.index.txt",
    ):
        if (p.parent / candidate).is_file():
            return p.parent / candidate
    return None


def _open_text(path: Path) -> Iterator[bytes]:
    """Lines of a text file, bzip2-compressed or not (for the index)."""
    with open(path, "rb") as f:
        magic = f.read(3)
    opener = bz2.open if magic == b"BZh" else open
    with opener(path, "rb") as fh:
        yield from fh


def read_index_offsets(index: str | Path) -> array:
    """The sorted distinct stream offsets of a multistream index."""
    offsets = array("q")
    last = -1
    for line in _open_text(Path(index)):
        head, sep, _ = line.partition(b":")
        if not sep:
            continue
        try:
            off = int(head)
        except ValueError:
            continue
        if off != last:
            if off < last:  # not sorted: fall back to sorting at the end
                offsets.append(off)
                offsets = array("q", sorted(set(offsets)))
                last = offsets[-1]
                continue
            offsets.append(off)
            last = off
    return offsets


def index_offsets_of(index: str | Path, titles: Iterable[str]) -> dict[str, int]:
    """The stream offset of each of ``titles`` that the index lists."""
    wanted = set(titles)
    found: dict[str, int] = {}
    if not wanted:
        return found
    for line in _open_text(Path(index)):
        parts = line.rstrip(b"\r\n").split(b":", 2)
        if len(parts) != 3:
            continue
        title = parts[2].decode("utf-8", errors="replace")
        if title in wanted and title not in found:
            found[title] = int(parts[0])
            if len(found) == len(wanted):
                break
    return found


class _Chunk(NamedTuple):
    base: int
    offset: int
    data: bytes
    consumed: int  # compressed bytes consumed by the end of this chunk


class DumpReader:
    """An open dump: its kind, size, site info, and a generator of its pages.

    ``workers``: threads decompressing a multistream dump (default: all cores).
    ``index``: the multistream index; default: found beside the dump (see :func:`find_index`);
    ``False`` to ignore it.
    """

    def __init__(
        self, path: str | Path, *, index: str | Path | bool | None = None, workers: int | None = None
    ):
        self.path = Path(path)
        if not self.path.is_file():
            raise ReadError(str(self.path), "no such dump file", "give a MediaWiki .xml or .xml.bz2 dump")
        self.size = self.path.stat().st_size
        with open(self.path, "rb") as f:
            magic = f.read(3)
        self.compressed = magic == b"BZh"
        if index is False or not self.compressed:
            self.index: Path | None = None
        elif index is None or index is True:
            self.index = find_index(self.path)
        else:
            self.index = Path(index)
            if not self.index.is_file():
                raise ReadError(str(self.index), "no such index file", "give the dump's -index.txt.bz2")
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._offsets: array | None = None
        self._siteinfo: SiteInfo | None = None
        self.consumed = 0  # compressed bytes read so far by the page generator (for progress)

    @property
    def kind(self) -> str:
        return "multistream" if self.index is not None else ("bz2" if self.compressed else "xml")

    @property
    def offsets(self) -> array:
        """The stream offsets of a multistream dump (empty for others)."""
        if self._offsets is None:
            self._offsets = read_index_offsets(self.index) if self.index is not None else array("q")
        return self._offsets

    # ------------------------------------------------------------------ chunks

    def _chunks(self, start: Position, stop_base: int | None = None) -> Generator[_Chunk, None, None]:
        if self.index is not None and self.offsets:
            yield from self._multistream_chunks(start, stop_base)
        elif self.compressed:
            if start.base:
                raise ValueError(f"position {start} needs the multistream index")
            yield from self._bz2_chunks(start.offset)
        else:
            yield from self._plain_chunks(start.offset)

    def _plain_chunks(self, skip: int) -> Iterator[_Chunk]:
        with open(self.path, "rb") as f:
            f.seek(skip)
            offset = skip
            while data := f.read(READ_BYTES):
                yield _Chunk(0, offset, data, f.tell())
                offset += len(data)

    def _bz2_chunks(self, skip: int) -> Iterator[_Chunk]:
        """Decompress in a background thread (overlapping the scan); drop the first ``skip`` bytes."""
        out: queue.Queue[_Chunk | BaseException | None] = queue.Queue(maxsize=2)
        stop = threading.Event()

        def put(item: _Chunk | BaseException | None) -> bool:
            while not stop.is_set():
                try:
                    out.put(item, timeout=0.1)
                    return True
                except queue.Full:
                    continue
            return False

        def run() -> None:
            try:
                offset = 0
                for data, consumed in _decompress_file(self.path):
                    if offset + len(data) <= skip:
                        offset += len(data)
                        continue
                    if offset < skip:
                        data, offset = data[skip - offset :], skip
                    if not put(_Chunk(0, offset, data, consumed)):
                        return
                    offset += len(data)
                put(None)
            except BaseException as error:  # handed to the reading thread
                put(error)

        thread = threading.Thread(target=run, name="dyad-bz2", daemon=True)
        thread.start()
        try:
            while True:
                item = out.get()
                if item is None:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()
            thread.join(timeout=5)

    def _groups(self, start_base: int, stop_base: int | None) -> Iterator[tuple[int, int]]:
        """Compressed byte ranges of consecutive streams, about GROUP_BYTES each, from ``start_base``."""
        offs = self.offsets
        bounds = [*([0] if offs[0] != 0 else []), *offs, self.size]
        i = bisect.bisect_left(bounds, start_base)
        if i >= len(bounds) - 1 or bounds[i] != start_base:
            raise ValueError(f"offset {start_base} is not the start of a stream in the index")
        while i < len(bounds) - 1:
            if stop_base is not None and bounds[i] >= stop_base:
                return
            j = i + 1
            while j < len(bounds) - 1 and bounds[j] - bounds[i] < GROUP_BYTES:
                if stop_base is not None and bounds[j] >= stop_base:
                    break
                j += 1
            yield bounds[i], bounds[j]
            i = j

    def _multistream_chunks(self, start: Position, stop_base: int | None) -> Iterator[_Chunk]:
        fd = os.open(self.path, os.O_RDONLY)
        pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="dyad-bz2")
        window: deque[tuple[int, int, Future[list[bytes]]]] = deque()
        try:
            groups = self._groups(start.base, stop_base)
            skip = start.offset
            exhausted = False
            while True:
                while not exhausted and len(window) < self.workers + 1:
                    try:
                        b, e = next(groups)
                    except StopIteration:
                        exhausted = True
                        break
                    window.append((b, e, pool.submit(_decompress_range, fd, b, e)))
                if not window:
                    return
                b, e, future = window.popleft()
                offset = 0
                for data in future.result():
                    if skip >= len(data):  # resuming: drop what was done
                        skip -= len(data)
                        offset += len(data)
                        continue
                    if skip:
                        data, offset, skip = data[skip:], offset + skip, 0
                    yield _Chunk(b, offset, data, e)
                    offset += len(data)
        finally:
            for _, _, future in window:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)
            os.close(fd)

    # ------------------------------------------------------------------ pages

    def siteinfo(self) -> SiteInfo:
        """The dump's ``<siteinfo>`` (read once from its start)."""
        if self._siteinfo is None:
            head = bytearray()
            stop = self.offsets[0] if self.offsets else None
            chunks = self._chunks(START, stop_base=stop)
            try:
                for chunk in chunks:
                    head += chunk.data
                    if b"</siteinfo>" in head or b"<page>" in head or len(head) > MAX_HEADER:
                        break
            finally:
                chunks.close()
            self._siteinfo = _parse_siteinfo(bytes(head))
        return self._siteinfo

    def pages(
        self,
        start: Position = START,
        *,
        stop_base: int | None = None,
        namespaces: Iterable[int] | None = None,
        redirects: bool = True,
    ) -> Iterator[Page]:
        """Every page from ``start`` on, in dump order.

        ``namespaces``: only these (e.g. ``{0}`` for articles); ``redirects=False`` skips
        redirects. ``stop_base``: a multistream dump stops before the stream at that offset.
        """
        keep = frozenset(namespaces) if namespaces is not None else None
        for page in _scan(self._chunks(Position(*start), stop_base), self):
            if keep is not None and page.namespace not in keep:
                continue
            if not redirects and page.redirect is not None:
                continue
            yield page

    def __iter__(self) -> Iterator[Page]:
        return self.pages()

    def __repr__(self) -> str:
        return f"DumpReader({str(self.path)!r}, kind={self.kind!r})"


def iter_pages(
    path: str | Path,
    *,
    index: str | Path | bool | None = None,
    workers: int | None = None,
    namespaces: Iterable[int] | None = None,
    redirects: bool = True,
    start: Position = START,
) -> Iterator[Page]:
    """Stream the pages of a dump (plain, bz2, or multistream with its index), in order."""
    yield from DumpReader(path, index=index, workers=workers).pages(
        start, namespaces=namespaces, redirects=redirects
    )


# ---------------------------------------------------------------------- decompression


def _decompress_file(path: Path) -> Iterator[tuple[bytes, int]]:
    """(decompressed data, compressed bytes consumed) of a bz2 file of one or more streams."""
    with open(path, "rb") as f:
        decomp = bz2.BZ2Decompressor()
        fed = False  # this decompressor has had input
        consumed = 0
        pending = b""
        streams = 0
        while True:
            if decomp.eof:
                streams += 1
                pending, decomp, fed = decomp.unused_data, bz2.BZ2Decompressor(), False
            if decomp.needs_input and not pending:
                pending = f.read(READ_BYTES)
                consumed += len(pending)
                if not pending:
                    if fed or streams == 0:
                        raise ReadError(str(path), "the bzip2 data ends early", "the file is truncated")
                    return
            try:
                data = decomp.decompress(pending, max_length=OUT_BYTES)
            except OSError as error:
                if streams and not fed:  # trailing garbage after a complete stream: the end, as for bzip2
                    return
                raise ReadError(str(path), f"not valid bzip2 data: {error}", "check the file") from error
            fed = True
            pending = b""
            if data:
                yield data, consumed


def _decompress_range(fd: int, begin: int, end: int) -> list[bytes]:
    """The decompressed streams of a byte range, one piece per stream (no joined copy)."""
    data = os.pread(fd, end - begin, begin)
    pieces = []
    while data:
        decomp = bz2.BZ2Decompressor()
        pieces.append(decomp.decompress(data))
        if not decomp.eof:
            raise OSError("a bzip2 stream of the multistream dump ends early")
        data = decomp.unused_data
    return pieces


# ---------------------------------------------------------------------- scanning

_NS_LINE = re.compile(rb'<namespace key="(-?\d+)"[^>]*?(?:/>|>([^<]*)</namespace>)')


def _parse_siteinfo(head: bytes) -> SiteInfo:
    end = head.find(b"</siteinfo>")
    block = head[: end if end >= 0 else len(head)]
    db = re.search(rb"<dbname>([^<]*)</dbname>", block)
    namespaces = tuple(
        (int(m.group(1)), unescape_xml((m.group(2) or b"").decode("utf-8", errors="replace")))
        for m in _NS_LINE.finditer(block)
    )
    return SiteInfo(db.group(1).decode() if db else "", namespaces)


def _scan(chunks: Iterable[_Chunk], reader: DumpReader) -> Iterator[Page]:
    """Cut the decompressed stream into pages. Memory: one chunk plus the page being cut.

    Reading from the start, the header before the first page gives the reader its site info.
    """
    buf = bytearray()
    header = True
    # (index in buf, base, offset) where each run of contiguous text starts
    segments: list[tuple[int, int, int]] = []
    pos = 0  # next place to look for <page>
    tail_from = 0  # where to look for </page> in an incomplete page
    for chunk in chunks:
        reader.consumed = chunk.consumed
        if segments:
            i0, b0, o0 = segments[-1]
            if not (b0 == chunk.base and o0 + (len(buf) - i0) == chunk.offset):
                segments.append((len(buf), chunk.base, chunk.offset))
        else:
            segments.append((len(buf), chunk.base, chunk.offset))
        buf += chunk.data
        while True:
            s = buf.find(b"<page>", pos)
            if s < 0:
                pos = max(pos, len(buf) - 5)
                break
            e = buf.find(b"</page>", max(s, tail_from))
            if e < 0:
                pos = s
                tail_from = max(s, len(buf) - 6)
                break
            e += 7
            if header:
                header = False
                if reader._siteinfo is None and segments[0][1:] == (0, 0) and b"<siteinfo>" in buf[:s]:
                    reader._siteinfo = _parse_siteinfo(bytes(buf[:s]))
            yield _parse_page(buf, s, e, reader, _position(segments, s), _position(segments, e))
            pos = e
            tail_from = 0
        if pos > READ_BYTES:
            del buf[:pos]
            segments = [(i - pos, b, o) for i, b, o in segments]
            # keep the last segment starting at or before 0, and those after it
            first = max(k for k, seg in enumerate(segments) if seg[0] <= 0)
            i0, b0, o0 = segments[first]
            segments = [(0, b0, o0 - i0), *segments[first + 1 :]]
            tail_from = max(0, tail_from - pos)
            pos = 0


def _position(segments: list[tuple[int, int, int]], i: int) -> Position:
    for k in range(len(segments) - 1, -1, -1):
        start, base, offset = segments[k]
        if start <= i:
            return Position(base, offset + i - start)
    return Position(segments[0][1], segments[0][2] + i - segments[0][0])


def _between(buf: bytearray, open_tag: bytes, close_tag: bytes, lo: int, hi: int) -> bytes | None:
    a = buf.find(open_tag, lo, hi)
    if a < 0:
        return None
    a += len(open_tag)
    b = buf.find(close_tag, a, hi)
    return bytes(buf[a:b]) if b >= 0 else None


def _str(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace")
    return unescape_xml(text) if "&" in text else text


def _parse_page(buf: bytearray, s: int, e: int, reader: DumpReader, start: Position, end: Position) -> Page:
    rev = buf.find(b"<revision>", s, e)
    head_end = rev if rev >= 0 else e
    raw_title = _between(buf, b"<title>", b"</title>", s, head_end)
    title = _str(raw_title) if raw_title is not None else ""
    ns_raw = _between(buf, b"<ns>", b"</ns>", s, head_end)
    namespace = (
        int(ns_raw) if ns_raw is not None and ns_raw.strip() else reader.siteinfo().namespace_of(title)
    )
    id_raw = _between(buf, b"<id>", b"</id>", s, head_end)
    page_id = int(id_raw) if id_raw is not None and id_raw.strip() else 0
    redirect: str | None = None
    r = buf.find(b"<redirect", s, head_end)
    if r >= 0:
        q = buf.find(b'title="', r, head_end)
        redirect = ""
        if q >= 0:
            q2 = buf.find(b'"', q + 7, head_end)
            redirect = _str(bytes(buf[q + 7 : q2]))
    revision_id: int | None = None
    raw = b""
    if rev >= 0:
        last = buf.rfind(b"<revision>", rev, e)
        rid = _between(buf, b"<id>", b"</id>", last, e)
        revision_id = int(rid) if rid is not None and rid.strip() else None
        t = buf.find(b"<text", last, e)
        if t >= 0:
            gt = buf.find(b">", t, e)
            if gt > 0 and buf[gt - 1] != 0x2F:  # not <text ... />
                t_end = buf.rfind(b"</text>", gt, e)
                if t_end > gt:
                    with memoryview(buf) as view:
                        raw = view[gt + 1 : t_end].tobytes()
    return Page(title, namespace, page_id, revision_id, redirect, raw, start, end)


# ---------------------------------------------------------------------- writing


_SITEINFO = """  <siteinfo>
    <sitename>{sitename}</sitename>
    <dbname>{dbname}</dbname>
    <case>first-letter</case>
    <namespaces>
{namespaces}
    </namespaces>
  </siteinfo>
"""

DEFAULT_NAMESPACES: tuple[tuple[int, str], ...] = (
    (0, ""),
    (1, "Talk"),
    (2, "User"),
    (4, "Wikipedia"),
    (6, "File"),
    (10, "Template"),
    (14, "Category"),
)


def _page_xml(page: Page) -> str:
    parts = ["  <page>\n", f"    <title>{escape(page.title)}</title>\n"]
    parts.append(f"    <ns>{page.namespace}</ns>\n    <id>{page.page_id}</id>\n")
    if page.redirect is not None:
        parts.append(f'    <redirect title="{escape(page.redirect, {chr(34): "&quot;"})}" />\n')
    text = page.text
    parts.append("    <revision>\n")
    if page.revision_id is not None:
        parts.append(f"      <id>{page.revision_id}</id>\n")
    parts.append("      <model>wikitext</model>\n      <format>text/x-wiki</format>\n")
    body = escape(text, {'"': "&quot;"})
    parts.append(f'      <text bytes="{len(text.encode())}" xml:space="preserve">{body}</text>\n')
    parts.append("    </revision>\n  </page>\n")
    return "".join(parts)


def make_page(
    title: str,
    text: str,
    *,
    page_id: int,
    namespace: int = 0,
    redirect: str | None = None,
    revision_id: int | None = None,
) -> Page:
    """A :class:`Page` built in memory (for :func:`write_dump`)."""
    page = Page(title, namespace, page_id, revision_id, redirect, b"")
    page._text = text
    return page


def write_dump(
    pages: Iterable[Page],
    path: str | Path,
    *,
    compress: bool | None = None,
    multistream: bool = False,
    pages_per_stream: int = 100,
    dbname: str = "testwiki",
    namespaces: tuple[tuple[int, str], ...] = DEFAULT_NAMESPACES,
) -> Path | None:
    """Write pages as a MediaWiki XML dump; return the index written for a multistream dump.

    ``compress``: bzip2 (default: when the name ends in ``.bz2``). ``multistream``: one bzip2
    stream for the header, one per ``pages_per_stream`` pages and one for the footer, with the
    index ``<stem>-index.txt.bz2`` beside it, as Wikimedia publishes them.
    """
    path = Path(path)
    if compress is None:
        compress = path.name.endswith(".bz2") or multistream
    ns_lines = "\n".join(
        f'      <namespace key="{key}" case="first-letter" />'
        if not name
        else f'      <namespace key="{key}" case="first-letter">{escape(name)}</namespace>'
        for key, name in namespaces
    )
    header = (
        '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10" xml:lang="en">\n'
        + _SITEINFO.format(sitename="Test Wiki", dbname=dbname, namespaces=ns_lines)
    ).encode()
    footer = b"</mediawiki>\n"
    if not compress:
        with open(path, "wb") as f:
            f.write(header)
            for page in pages:
                f.write(_page_xml(page).encode())
            f.write(footer)
        return None
    if not multistream:
        with bz2.open(path, "wb") as out:
            out.write(header)
            for page in pages:
                out.write(_page_xml(page).encode())
            out.write(footer)
        return None
    stem = path.name[: -len(".xml.bz2")] if path.name.endswith(".xml.bz2") else path.stem
    index_path = path.with_name(f"{stem}-index.txt.bz2")
    with open(path, "wb") as f, bz2.open(index_path, "wt", encoding="utf-8") as index:
        f.write(bz2.compress(header))
        batch: list[Page] = []

        def flush() -> None:
            offset = f.tell()
            for page in batch:
                index.write(f"{offset}:{page.page_id}:{page.title}\n")
            f.write(bz2.compress("".join(_page_xml(p) for p in batch).encode()))
            batch.clear()

        for page in pages:
            batch.append(page)
            if len(batch) >= pages_per_stream:
                flush()
        if batch:
            flush()
        f.write(bz2.compress(footer))
    return index_path
