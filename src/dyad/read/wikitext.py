"""Reader for MediaWiki wikitext: markup in, a :class:`~dyad.model.Document` of rendered blocks out.

The blocks read like the rendered plain-text format (``shared/corpus/README.md``) so that the
extractors see the same thing whichever format an article came in, with two differences that
keep facts the rendered format loses: the infobox keeps every parameter (positional ones of
``{{Infobox bilateral relations}}`` become ``Title``, ``Party1``, ``Party2``), and flag and date
templates are rendered (``{{flag|France}}`` -> ``France``, ``{{dts|2008|2|18}}`` ->
``18 February 2008``) instead of leaving empty cells.

Evidence must point into the wikitext the user gave, so every block keeps offsets into the
original ``text``: the parser (mwparserfromhell) round-trips its input exactly, so walking the
node tree while adding up ``len(str(node))`` gives the source offset of every node, and each
rendered piece records where it came from in :attr:`~dyad.model.Block.anchors`.

mwparserfromhell backtracks on unbalanced markup and is quadratic when an article has many
unclosed ``{{``, ``[[`` or tags. Before parsing, one linear scan pairs the openers with their
closers; openers left unpaired are blanked out (same length, so offsets do not move), unclosed
tables are closed where they most likely end, and the text is parsed in pieces cut at newlines
that no construct spans. Broken markup thus costs a warning, never an exception or minutes.
The same scan blanks what would be dropped anyway (references, comments, templates that render
nothing), which halves the parser's work on a typical article.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import mwparserfromhell
from mwparserfromhell.nodes import (
    Argument,
    Comment,
    ExternalLink,
    Heading,
    HTMLEntity,
    Node,
    Tag,
    Template,
    Text,
    Wikilink,
)
from mwparserfromhell.nodes.extras import Parameter
from mwparserfromhell.wikicode import Wikicode

from dyad.model import Block, Document

__all__ = ["parse_wikitext"]

# A rendered piece: (text, source start, source end, verbatim). A verbatim piece is a slice of
# the source, character for character; any other piece is text the reader made up (a date, a
# dash, a space for <br>) and maps as a whole to the markup that produced it.
Piece = tuple[str, int, int, bool]

# Same-length stand-ins written over markup before parsing. DROP hides the characters (an
# unclosed "{{" renders as nothing); KEEP hides them from the parser only, and the rendered
# text gets the original characters back (a "<" that opens no tag stays "<").
_DROP = "\ue000"
_KEEP = "\ue001"
_HIDDEN = re.compile(f"[{_DROP}]+|__[A-Z]{{2,30}}__")  # stand-ins and behaviour switches (__NOTOC__)
_KEEP_RUN = re.compile(f"{_KEEP}+")

_CHUNK = 8000  # parse in pieces of about this size, cut at newlines no construct spans
_MAX_WARNINGS = 20

# Sections of reference material, skipped with their subsections ("See also" is kept).
_REFERENCE_SECTIONS = frozenset(
    [
        *("references", "notes", "external links", "further reading", "sources", "bibliography"),
        *("citations", "footnotes", "notes and references", "references and notes", "works cited"),
        "general and cited sources",
    ]
)
# Tags whose content is not article text.
_DROP_TAGS = frozenset(
    [
        *("ref", "references", "gallery", "math", "chem", "ce", "score", "timeline", "graph"),
        *("imagemap", "templatedata", "templatestyles", "mapframe", "maplink", "includeonly"),
        *("syntaxhighlight", "source", "hiero", "style", "script", "indicator"),
    ]
)
# Tags whose content the parser does not read as wikitext.
_LITERAL_TAGS = frozenset(
    [
        *("nowiki", "pre", "math", "chem", "ce", "score", "timeline", "graph", "templatedata"),
        *("syntaxhighlight", "source", "hiero", "mapframe", "maplink", "style", "script"),
    ]
)
# Tags that need no closing tag (the parser handles these without backtracking).
_SINGLE_TAGS = frozenset(
    ["br", "wbr", "hr", "img", "meta", "link", "col", "li", "dt", "dd", "tr", "td", "th"]
)
_CELL_TAGS = frozenset({"td", "th"})
_TABLE_PARTS = frozenset({"table", "tr", "td", "th", "caption", "tbody", "thead", "tfoot"})
_LIST_MARKUP = frozenset({"*", "#", ";", ":"})

# The lookahead lets the regex engine skip plain text fast (ten times faster than without).
_SCAN = re.compile(
    r"(?:(?=[<{}\[\]\n])|\A)(?:"
    r"(?P<com><!--)"
    r"|(?P<ob>\{\{)|(?P<cb>\}\})|(?P<ol>\[\[)|(?P<cl>\]\])"
    r"|(?P<ot>(?:\n|\A)[ \t:]*\{\|)|(?P<ct>(?:\n|\A)[ \t]*\|\})"
    r"|(?P<tag><(?P<slash>/?)(?P<name>[A-Za-z][A-Za-z0-9]*)(?P<attrs>[^<>\n]{0,2000})(?P<gt>>)?)"
    r"|(?P<xl>\[(?=(?:https?:|ftps?:|mailto:|irc:|news:|//))))"
)
_TEMPLATE_HEAD = re.compile(r"\{\{\s*([^{}|<>\[\]\n]*?)\s*(?:\||\}\}|\n)")
_NEWLINE = re.compile(r"\n")
_BEFORE_WORD = re.compile(r"(?<=[^\S\n])(?=[^\W_])")  # between a space and a letter or digit
_HEADING_LINE = re.compile(r"^(=+)[^\n]*\1[ \t]*$")

_MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)
_MONTH_NUMBER = {m.lower(): i for i, m in enumerate(_MONTHS, 1)} | {
    m[:3].lower(): i for i, m in enumerate(_MONTHS, 1)
}
_MONTH_NUMBER["sept"] = 9
_ISO_DATE = re.compile(r"^(\d{1,4})-(\d{1,2})(?:-(\d{1,2}))?$")
_DMY = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{1,4})$")
_MDY = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{1,4})$")
_MY = re.compile(r"^([A-Za-z]+)\.?,?\s+(\d{1,4})$")

_WORD = re.compile(r"\S+")
_IRREGULAR_SPACE = re.compile(r"^\s|\s$|\s\s|[^\S ]")
_FORBIDDEN = re.compile(r"\{\{|\[\[|<ref", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)


# --------------------------------------------------------------------------------------------
# Dates


def _format_date(year: str, month: str = "", day: str = "") -> str | None:
    """Day-first date text from parts (``2008``, ``2``/``Feb``, ``18``), or None if they are no date."""
    year, month, day = year.strip(), month.strip(), day.strip()
    if not year.isdigit() or len(year) > 4:
        return None
    y = str(int(year))
    if not month:
        return y
    m = int(month) if month.isdigit() else _MONTH_NUMBER.get(month.lower().rstrip("."))
    if m is None or not 1 <= m <= 12:
        return None
    if not day:
        return f"{_MONTHS[m - 1]} {y}"
    if not day.isdigit() or not 1 <= int(day) <= 31:
        return None
    return f"{int(day)} {_MONTHS[m - 1]} {y}"


def _date_from_text(value: str) -> str | None:
    """Day-first form of a free-text date (``2008-02-18``, ``February 18, 2008``, ``Feb 2008``)."""
    s = " ".join(value.split())
    if s.isdigit():
        return _format_date(s)
    if m := _ISO_DATE.match(s):
        return _format_date(m.group(1), m.group(2), m.group(3) or "")
    if m := _DMY.match(s):
        return _format_date(m.group(3), m.group(2), m.group(1))
    if m := _MDY.match(s):
        return _format_date(m.group(3), m.group(1), m.group(2))
    if m := _MY.match(s):
        return _format_date(m.group(2), m.group(1))
    return None


# --------------------------------------------------------------------------------------------
# Offsets inside nodes (mirrors the __str__ of mwparserfromhell's nodes)


def _contents_offset(tag: Tag) -> int:
    """Offset of a tag's contents from the start of the tag."""
    attrs = sum(len(str(a)) for a in tag.attributes)
    padding = len(tag.padding or "")
    if tag.wiki_markup:
        return len(tag.wiki_markup) + attrs + padding + len(tag.wiki_style_separator or "")
    return (2 if tag.invalid else 1) + len(str(tag.tag)) + attrs + padding + 1


def _params(node: Template, pos: int) -> Iterator[tuple[Parameter, int]]:
    """Each parameter of a template with the source offset of its value."""
    off = pos + 2 + len(str(node.name))
    for p in node.params:
        off += 1  # the "|"
        yield p, off + (len(str(p.name)) + 1 if p.showkey else 0)
        off += len(str(p))


def _tag_name(tag: Tag) -> str:
    return str(tag.tag).strip().lower()


def _clean(markup: str) -> str:
    """Text of a name or key: blanked comments removed, spaces trimmed."""
    if _DROP in markup:
        markup = markup.replace(_DROP, "")
    if "<!--" in markup:
        markup = _COMMENT.sub("", markup)
    return markup.strip()


def _template_name(node: Template) -> str:
    """Normalised template name: ``{{ Flag_icon <!-- x --> |...}}`` -> ``flag icon``."""
    name = " ".join(_clean(str(node.name)).replace("_", " ").split()).lower()
    return name.removeprefix("template:").strip()


def _int_attr(tag: Tag, name: str) -> int:
    """An integer attribute such as colspan (1 when absent or not a number; capped)."""
    try:
        if tag.has(name):
            digits = re.match(r"\s*[\"']?\s*(\d+)", str(tag.get(name).value))
            if digits:
                return max(1, min(int(digits.group(1)), 50))
    except (ValueError, AttributeError):
        pass
    return 1


# --------------------------------------------------------------------------------------------
# Pieces to text


def _assemble(pieces: list[Piece]) -> tuple[str, tuple[tuple[int, int], ...], int, int] | None:
    """Join pieces into one line of text with whitespace collapsed, keeping an anchor at every
    place where the text stops following the source one to one. None when nothing is visible."""
    out: list[str] = []
    anchors: list[tuple[int, int]] = []
    n = 0
    expect = -1  # source offset the next character must have to need no new anchor
    pending = -1  # source offset of a pending space, -1 if none
    start = end = -1

    def anchor(src: int) -> None:
        if anchors:
            src = max(src, anchors[-1][1])
            if anchors[-1][0] == n:
                anchors[-1] = (n, src)
                return
        anchors.append((n, src))

    def put_space() -> None:
        # A space that does not continue the source gets no anchor of its own: it stays with
        # the piece before it, so that the span of a word ending there ends at the word.
        nonlocal n, pending, expect
        if pending >= 0 and n:
            out.append(" ")
            n += 1
            expect = pending + 1 if pending == expect else -1
        pending = -1

    for text, s, e, verbatim in pieces:
        if not text:
            continue
        if not verbatim:
            core = " ".join(text.split())
            if text[0].isspace() and pending < 0:
                pending = s
            if core:
                put_space()
                anchor(s)
                out.append(core)
                n += len(core)
                expect = -1
                end = max(end, e)
                if start < 0:
                    start = s
                if text[-1].isspace():
                    pending = s
            continue
        if _IRREGULAR_SPACE.search(text) is None:
            put_space()
            if s != expect:
                anchor(s)
            out.append(text)
            n += len(text)
            expect = end = s + len(text)
            if start < 0:
                start = s
            continue
        last = 0
        for m in _WORD.finditer(text):
            if m.start() > last and pending < 0:
                pending = s + last
            put_space()
            word = m.group()
            src = s + m.start()
            if src != expect:
                anchor(src)
            expect = end = src + len(word)
            if start < 0:
                start = src
            out.append(word)
            n += len(word)
            last = m.end()
        if last < len(text) and pending < 0:
            pending = s + last
    if not out:
        return None
    return "".join(out), tuple(anchors), start, max(start, end)


def _char_offsets(text: str, anchors: tuple[tuple[int, int], ...]) -> list[int]:
    offs: list[int] = []
    for k, (t, s) in enumerate(anchors):
        nxt = anchors[k + 1][0] if k + 1 < len(anchors) else len(text)
        offs.extend(range(s, s + nxt - t))
    return offs


def _anchors_from_offsets(offs: list[int], starts: list[bool]) -> tuple[tuple[int, int], ...]:
    """Anchors where a piece starts or the offsets stop running one by one."""
    anchors: list[tuple[int, int]] = []
    prev = -2
    for i, o in enumerate(offs):
        if starts[i] or o != prev + 1:
            anchors.append((i, max(o, anchors[-1][1]) if anchors else o))
        prev = o
    return tuple(anchors)


def _scrub(
    text: str, anchors: tuple[tuple[int, int], ...], start: int, end: int
) -> tuple[str, tuple[tuple[int, int], ...], int, int] | None:
    """Remove markup that survived as text (``{{``, ``[[``, ``<ref``), keeping the offsets right.

    Rare (it takes markup the parser gave up on), so it can afford a list entry per character.
    """
    offs = _char_offsets(text, anchors)
    starts = [False] * len(text)
    for t, _ in anchors:
        starts[t] = True
    last_src = offs[-1] if offs else start
    chars = list(text)
    while m := _FORBIDDEN.search("".join(chars)):
        if m.end() < len(chars):
            starts[m.end()] = True
        del chars[m.start() : m.end()], offs[m.start() : m.end()], starts[m.start() : m.end()]
    kept: list[tuple[str, int, bool]] = []
    for c, o, first in zip(chars, offs, starts, strict=True):
        if c.isspace():
            if not kept or kept[-1][0] == " ":
                continue
            c = " "
        kept.append((c, o, first))
    while kept and kept[-1][0] == " ":
        kept.pop()
    if not kept:
        return None
    kept_o = [o for _, o, _ in kept]
    new_end = end if kept_o[-1] == last_src else kept_o[-1] + 1
    new_start = kept_o[0]
    return (
        "".join(c for c, _, _ in kept),
        _anchors_from_offsets(kept_o, [f for _, _, f in kept]),
        new_start,
        max(new_start, new_end),
    )


# --------------------------------------------------------------------------------------------
# Before parsing: pair openers and closers, plan the pieces to parse


def _rendered_template(text: str, at: int) -> bool:
    """Whether the template call at ``at`` renders text or is an infobox (True if unsure)."""
    m = _TEMPLATE_HEAD.match(text, at)
    if m is None:
        return True
    name = " ".join(m.group(1).replace("_", " ").split()).lower().removeprefix("template:").strip()
    return name in _TEMPLATES or name.startswith("infobox")


class _Plan:
    """The sanitised text and the chunks to parse: (start, end, suffix) with offsets into it."""

    def __init__(self, text: str, source: str) -> None:
        self.warnings: list[str] = []
        self._counts: dict[str, int] = {}
        self.source = source
        buf = list(text.replace(_DROP, _KEEP)) if (_DROP in text or _KEEP in text) else None
        spans: list[tuple[int, int]] = []  # matched constructs, which no chunk may cut
        drops: list[tuple[int, int]] = []
        keeps: list[int] = []
        braces: list[int] = []
        links: list[int] = []
        tables: list[int] = []
        tags: dict[str, list[tuple[int, int]]] = {}
        no_close: set[str] = set()
        open_comment = -1
        line_end = -1
        bracket = -1
        n = len(text)
        pos = 0
        while True:
            m = _SCAN.search(text, pos)
            if m is None:
                break
            pos = m.end()
            if m.group("com"):
                close = text.find("-->", pos)
                if close < 0:
                    open_comment = m.start()
                    self._warn("unclosed comment '<!--'", m.start())
                    break
                spans.append((m.start(), close + 3))
                drops.append((m.start(), close + 3))  # parsing what is dropped anyway costs time
                pos = close + 3
            elif m.group("ob"):
                braces.append(m.start())
            elif m.group("cb"):
                if braces:
                    spans.append((braces.pop(), m.end()))
                    if not _rendered_template(text, spans[-1][0]):
                        drops.append(spans[-1])  # dropped anyway: spare the parser the work
            elif m.group("ol"):
                links.append(m.start())
            elif m.group("cl"):
                if links:
                    spans.append((links.pop(), m.end()))
            elif m.group("ot"):
                head = m.group("ot")
                if ":" in head:  # an indented table ":{|" is still a table
                    buf = buf if buf is not None else list(text)
                    for i in range(m.start(), m.end()):
                        if buf[i] == ":":
                            buf[i] = " "
                tables.append(m.start() + head.startswith("\n"))
            elif m.group("ct"):
                if tables:
                    spans.append((tables.pop(), m.end()))
            elif m.group("xl"):
                if m.start() >= line_end:
                    line_end = text.find("\n", m.start())
                    line_end = n if line_end < 0 else line_end
                if bracket < m.start():
                    bracket = text.find("]", m.start())
                    bracket = n + 1 if bracket < 0 else bracket
                if bracket > line_end:
                    keeps.append(m.start())
            else:  # a tag
                name = m.group("name").lower()
                if not m.group("gt"):
                    keeps.append(m.start())  # "<" opening no tag: text, as MediaWiki shows it
                    pos = m.start() + 1
                    continue
                closing = bool(m.group("slash"))
                self_closing = m.group("attrs").rstrip().endswith("/")
                if name in _SINGLE_TAGS or self_closing:
                    continue
                if closing:
                    stack = tags.get(name)
                    if stack:
                        spans.append((stack.pop()[0], m.end()))
                        if name in _DROP_TAGS:  # references: blank them, they are half the markup
                            drops.append(spans[-1])
                    continue
                if name in _LITERAL_TAGS:
                    close_at = -1
                    if name not in no_close:
                        cm = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(text, pos)
                        close_at = cm.end() if cm else -1
                    if close_at < 0:
                        no_close.add(name)
                        drops.append((m.start(), m.end()))
                        self._warn(f"unclosed tag <{name}>", m.start())
                        continue
                    spans.append((m.start(), close_at))
                    if name in _DROP_TAGS:
                        drops.append(spans[-1])
                    pos = close_at
                    continue
                tags.setdefault(name, []).append((m.start(), m.end()))
        for p in braces:
            drops.append((p, p + 2))
            self._warn("unclosed '{{'", p)
        for p in links:
            drops.append((p, p + 2))
            self._warn("unclosed '[['", p)
        for name, stack in tags.items():
            for a, b in stack:
                drops.append((a, b))
                self._warn(f"unclosed tag <{name}>", a)
        if drops or keeps:
            buf = buf if buf is not None else list(text)
            for p in keeps:
                buf[p] = _KEEP
            for a, b in drops:
                buf[a:b] = _DROP * (b - a)
        self.text = "".join(buf) if buf is not None else text

        # Unclosed tables end before the first heading, or the first line after a blank line
        # that is not a table line; the chunk is cut there and closed with a virtual "|}".
        forced: dict[int, int] = {}  # cut -> number of tables to close there
        reach = -1
        for p in tables:
            self._warn("unclosed table '{|'", p)
            if p < reach:
                forced[reach] += 1
                continue
            cut = self._table_end(text, p)
            spans.append((p, cut))
            forced[cut] = forced.get(cut, 0) + 1
            reach = cut
        if open_comment >= 0:
            spans.append((open_comment, n))
        self.chunks = self._cut(text, spans, forced, open_comment)

    def _warn(self, what: str, offset: int) -> None:
        count = self._counts[what] = self._counts.get(what, 0) + 1
        if count <= _MAX_WARNINGS:
            self.warnings.append(f"{self.source}: {what} at offset {offset}")
        elif count == _MAX_WARNINGS + 1:
            self.warnings.append(f"{self.source}: more {what} (only the first {_MAX_WARNINGS} are listed)")

    @staticmethod
    def _table_end(text: str, p: int) -> int:
        i = text.find("\n", p)
        blank = False
        while i >= 0:
            start = i + 1
            nxt = text.find("\n", start)
            line = text[start : nxt if nxt >= 0 else len(text)].strip()
            if _HEADING_LINE.match(line) or (blank and line and line[0] not in "|!"):
                return start
            blank = not line
            i = nxt
        return len(text)

    @staticmethod
    def _cut(
        text: str, spans: list[tuple[int, int]], forced: dict[int, int], open_comment: int
    ) -> list[tuple[int, int, str]]:
        """Chunks of about :data:`_CHUNK` characters, cut at newlines outside every construct.

        A line far longer than a chunk (only machine-made or hostile text has those) is cut
        before a word instead: bold and italic quotes may then pair differently, which changes
        no rendered character.
        """
        n = len(text)
        merged: list[list[int]] = []
        for a, b in sorted(spans):
            if merged and a < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        starts = [a for a, _ in merged]

        def free_cut(lo: int, hi: int, pattern: re.Pattern[str]) -> int | None:
            probe = lo
            while probe < hi:
                j = bisect.bisect_right(starts, probe) - 1
                if j >= 0 and merged[j][1] > probe:  # inside a construct: skip past it
                    probe = merged[j][1]
                    continue
                m = pattern.search(text, probe, hi)
                if m is None:
                    return None
                j = bisect.bisect_right(starts, m.start()) - 1
                if j >= 0 and merged[j][1] > m.start():
                    probe = merged[j][1]
                    continue
                return m.end()
            return None

        cuts = sorted(c for c in forced if 0 < c <= n)
        chunks: list[tuple[int, int, str]] = []
        pos = 0
        while pos < n:
            k = bisect.bisect_right(cuts, pos)
            next_forced = cuts[k] if k < len(cuts) else None
            cut = next_forced if next_forced is not None else n
            target = pos + _CHUNK
            if target < cut:
                far = min(cut, target + 4 * _CHUNK)
                found = free_cut(target, far, _NEWLINE)
                if found is None and far < cut:
                    found = free_cut(target, far, _BEFORE_WORD) or free_cut(far, cut, _NEWLINE)
                cut = found or cut
            suffix = "\n|}" * forced.get(cut, 0) if cut == next_forced else ""
            if cut == n and open_comment >= 0:
                suffix = "-->" + suffix
            chunks.append((pos, cut, suffix))
            pos = cut
        return chunks


# --------------------------------------------------------------------------------------------
# The reader


class _Reader:
    """Walks the node trees of all chunks, building blocks in source order."""

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.limit = len(text)
        self.blocks: list[Block] = []
        self.warnings: list[str] = []
        self.infobox: dict[str, str] = {}
        self.infobox_done = False
        self.sections: list[tuple[int, str]] = []
        self.skipping = False
        self.line: list[Piece] = []
        self.line_kind: str | None = None
        self.para: list[Piece] = []
        self.siblings: tuple[list[Node], int] = ([], 0)

    # ---- inline rendering --------------------------------------------------------------------

    def emit_text(self, value: str, pos: int, out: list[Piece]) -> None:
        """A run of plain text; stand-ins are dropped or given their original characters back."""
        if pos >= self.limit:
            return
        if len(value) > self.limit - pos:
            value = value[: self.limit - pos]
        if _KEEP in value:
            value = _KEEP_RUN.sub(lambda m: self.text[pos + m.start() : pos + m.end()], value)
        if _DROP not in value and "__" not in value:
            out.append((value, pos, pos + len(value), True))
            return
        last = 0
        for m in _HIDDEN.finditer(value):
            if m.start() > last:
                out.append((value[last : m.start()], pos + last, pos + m.start(), True))
            last = m.end()
        if last < len(value):
            out.append((value[last:], pos + last, pos + len(value), True))

    def inline(self, code: Wikicode, pos: int, out: list[Piece]) -> None:
        nodes = code.nodes
        for i, node in enumerate(nodes):
            size = len(node.value) if isinstance(node, Text) else len(str(node))
            self.siblings = (nodes, i)
            self.inline_node(node, pos, size, out)
            pos += size

    def inline_node(self, node: Node, pos: int, size: int, out: list[Piece]) -> None:
        if isinstance(node, Text):
            self.emit_text(node.value, pos, out)
        elif isinstance(node, Template):
            self.template(node, pos, size, out)
        elif isinstance(node, Wikilink):
            self.wikilink(node, pos, out)
        elif isinstance(node, Tag):
            self.tag_inline(node, pos, out)
        elif isinstance(node, ExternalLink):
            if not node.brackets:
                self.inline(node.url, pos, out)
            elif node.title is not None and str(node.title).strip():
                gap = 0 if getattr(node, "suppress_space", False) else 1
                self.inline(node.title, pos + 1 + len(str(node.url)) + gap, out)
        elif isinstance(node, HTMLEntity):
            char = node.normalize()
            if char.isspace():
                char = " "
            elif any(0xD800 <= ord(c) <= 0xDFFF for c in char):  # "&#xD800;" would break UTF-8
                char = "\ufffd"
            out.append((char, pos, pos + size, False))
        elif isinstance(node, Heading):
            self.inline(node.title, pos + node.level, out)
        elif isinstance(node, Argument) and node.default is not None:
            self.inline(node.default, pos + 3 + len(str(node.name)) + 1, out)
        # Comment and anything else: nothing visible

    def wikilink(self, node: Wikilink, pos: int, out: list[Piece]) -> None:
        title = str(node.title)
        bare = title.strip().lower()
        if ":" in bare and not bare.startswith(":"):
            namespace = bare.split(":", 1)[0].strip()
            if namespace in ("file", "image", "category", "media"):
                return
        if node.text is not None and str(node.text).strip():
            self.inline(node.text, pos + 2 + len(title) + 1, out)
            return
        pieces: list[Piece] = []
        self.inline(node.title, pos + 2, pieces)
        if pieces and pieces[0][3] and pieces[0][0].lstrip().startswith(":"):
            text, s, e, _ = pieces[0]
            cut = text.index(":") + 1
            pieces[0] = (text[cut:], s + cut, e, True)
        out.extend(pieces)

    def tag_inline(self, node: Tag, pos: int, out: list[Piece]) -> None:
        name = _tag_name(node)
        if name in _DROP_TAGS:
            return
        if name in ("br", "hr") or (node.wiki_markup in _LIST_MARKUP and name in ("li", "dt", "dd")):
            out.append((" ", pos, pos, False))
            return
        if node.self_closing or node.contents is None:
            return
        spaced = name in _TABLE_PARTS
        if spaced:
            out.append((" ", pos, pos, False))
        self.inline(node.contents, pos + _contents_offset(node), out)
        if spaced:
            out.append((" ", pos, pos, False))

    def plain(self, code: Wikicode, pos: int) -> str:
        pieces: list[Piece] = []
        self.inline(code, pos, pieces)
        done = _assemble(pieces)
        return done[0] if done else ""

    def template(self, node: Template, pos: int, size: int, out: list[Piece]) -> None:
        name = _template_name(node)
        handler = _TEMPLATES.get(name)
        if handler is None:
            return
        nodes, index = self.siblings
        following = [nodes[j] for j in range(index + 1, min(index + 4, len(nodes)))]
        if index >= len(nodes) or nodes[index] is not node:
            following = []
        positional: dict[int, tuple[Parameter, int]] = {}
        named: dict[str, tuple[Parameter, int]] = {}
        index = 0
        for p, vpos in _params(node, pos):
            key = _clean(str(p.name))
            if not p.showkey:
                index += 1
                positional[index] = (p, vpos)
            elif key.isdigit():
                positional[int(key)] = (p, vpos)
            else:
                named[key.lower()] = (p, vpos)
        handler(self, _Call(node, pos, size, positional, named, following), out)

    def param(self, call: _Call, out: list[Piece], *keys: int | str) -> bool:
        """Render the first non-empty parameter among ``keys``; False if there is none."""
        for key in keys:
            found = call.positional.get(key) if isinstance(key, int) else call.named.get(key)
            if found is not None and str(found[0].value).strip():
                self.inline(found[0].value, found[1], out)
                return True
        return False

    def positional_text(self, call: _Call, index: int) -> str:
        found = call.positional.get(index)
        return self.plain(found[0].value, found[1]) if found else ""

    def date(self, call: _Call, out: list[Piece]) -> None:
        parts = [self.positional_text(call, i) for i in (1, 2, 3)]
        if not parts[0]:
            return
        numeric = parts[0].isdigit() and parts[1]
        value = _format_date(*parts) if numeric else _date_from_text(parts[0])
        if value is None or value == parts[0]:
            self.inline(call.positional[1][0].value, call.positional[1][1], out)  # as written
        else:
            out.append((value, call.pos, call.pos + call.size, False))

    def date_range(self, call: _Call, out: list[Piece]) -> None:
        parts = [self.positional_text(call, i) for i in (1, 2)]
        if not parts[0]:
            return
        first, second = (_date_from_text(p) or p for p in parts)
        if 2 not in call.positional:
            text = first
        else:
            dash = " – " if " " in first or " " in second else "–"
            text = f"{first}{dash}{second}".rstrip()
        out.append((text, call.pos, call.pos + call.size, False))

    # ---- structure ---------------------------------------------------------------------------

    def walk(self, code: Wikicode, pos: int) -> None:
        nodes = code.nodes
        for i, node in enumerate(nodes):
            size = len(node.value) if isinstance(node, Text) else len(str(node))
            self.siblings = (nodes, i)
            self.block_node(node, pos, size)
            pos += size

    def block_node(self, node: Node, pos: int, size: int) -> None:
        if isinstance(node, Text):
            value = node.value
            if "\n" not in value:
                self.emit_text(value, pos, self.line)
                return
            i = 0
            for k, segment in enumerate(value.split("\n")):
                if k:
                    self.newline(pos + i)
                    i += 1
                if segment:
                    self.emit_text(segment, pos + i, self.line)
                i += len(segment)
            return
        if isinstance(node, Heading):
            self.heading(node, pos)
        elif isinstance(node, Tag):
            name = _tag_name(node)
            if name == "table":
                self.end_line()
                self.flush_paragraph()
                self.table(node, pos)
            elif node.wiki_markup in _LIST_MARKUP and name in ("li", "dt", "dd"):
                if any(p[0].strip() for p in self.line):
                    self.line.append((" ", pos, pos, False))
                elif self.line_kind != "list":
                    self.line_kind = "list" if node.wiki_markup in "*#" else "indent"
            elif name in _DROP_TAGS:
                return
            elif name == "hr":  # "----" ends the paragraph
                self.end_line()
                self.flush_paragraph()
            elif name == "br":
                self.line.append((" ", pos, pos, False))
            elif not node.self_closing and node.contents is not None:
                self.walk(node.contents, pos + _contents_offset(node))
        elif isinstance(node, Template):
            if not self.infobox_done and _template_name(node).startswith("infobox"):
                self.capture_infobox(node, pos)
            else:
                self.template(node, pos, size, self.line)
        elif not isinstance(node, Comment):
            self.inline_node(node, pos, size, self.line)

    def newline(self, pos: int) -> None:
        """End of a source line: it continues the paragraph, ends it, or is a list item."""
        line, kind = self.line, self.line_kind
        self.line, self.line_kind = [], None
        visible = any(p[0].strip() for p in line)
        if kind is None:
            if visible:
                self.para.extend(line)
                self.para.append(("\n", pos, pos + 1, True))
            else:
                self.flush_paragraph()
            return
        self.flush_paragraph()
        if visible:
            self.add_block("list_item" if kind == "list" else "paragraph", line)

    def end_line(self) -> None:
        if self.line or self.line_kind:
            self.newline(self.limit)

    def flush_paragraph(self) -> None:
        if self.para:
            para, self.para = self.para, []
            self.add_block("paragraph", para)

    def finish_text(self, pieces: list[Piece]) -> tuple[str, tuple[tuple[int, int], ...], int, int] | None:
        done = _assemble(pieces)
        if done is not None and _FORBIDDEN.search(done[0]):
            done = _scrub(*done)
        return done

    def add_block(self, kind: str, pieces: list[Piece]) -> None:
        if self.skipping:
            return
        done = self.finish_text(pieces)
        if done is None:
            return
        text, anchors, start, end = done
        if len(anchors) <= 1 and self.text[start:end] == text:
            anchors = ()
        self.blocks.append(Block(kind, text, start, end, self.section_path(), anchors=anchors))

    def section_path(self) -> tuple[str, ...]:
        return tuple(name for _, name in self.sections)

    def heading(self, node: Heading, pos: int) -> None:
        self.end_line()
        self.flush_paragraph()
        title = self.plain(node.title, pos + node.level)
        while self.sections and self.sections[-1][0] >= node.level:
            self.sections.pop()
        self.sections.append((node.level, title))
        self.skipping = any(name.lower().strip(" :") in _REFERENCE_SECTIONS for _, name in self.sections)

    def capture_infobox(self, node: Template, pos: int) -> None:
        """Every non-empty parameter of the first infobox, rendered, keys capitalised."""
        self.infobox_done = True
        bilateral = _template_name(node) == "infobox bilateral relations"
        positional_keys = {"1": "Title", "2": "Party1", "3": "Party2"} if bilateral else {}
        from_position: dict[str, str] = {}
        index = 0
        for p, vpos in _params(node, pos):
            key = _clean(str(p.name))
            if not p.showkey:
                index += 1
                key = str(index)
            value = self.plain(p.value, vpos)
            if _FORBIDDEN.search(value):
                value = " ".join(_FORBIDDEN.sub(" ", value).split())
            if not value or not key:
                continue
            if key.isdigit():
                from_position[positional_keys.get(key, key)] = value
            else:
                self.infobox[key[:1].upper() + key[1:]] = value
        for key, value in from_position.items():
            self.infobox.setdefault(key, value)

    # ---- tables ------------------------------------------------------------------------------

    def table(self, node: Tag, pos: int) -> None:
        rows: list[list[tuple[Tag, int]]] = []
        loose: list[tuple[Tag, int]] = []  # cells before the first "|-"
        if node.contents is None:
            return
        p = pos + _contents_offset(node)
        for child in node.contents.nodes:
            size = len(child.value) if isinstance(child, Text) else len(str(child))
            if isinstance(child, Tag):
                name = _tag_name(child)
                if name == "tr" and child.contents is not None:
                    if loose:
                        rows.append(loose)
                        loose = []
                    rp = p + _contents_offset(child)
                    cells = []
                    for cell in child.contents.nodes:
                        csize = len(cell.value) if isinstance(cell, Text) else len(str(cell))
                        if isinstance(cell, Tag) and _tag_name(cell) in _CELL_TAGS:
                            cells.append((cell, rp))
                        rp += csize
                    rows.append(cells)
                elif name in _CELL_TAGS:
                    if name == "td" and child.wiki_markup == "|" and str(child.contents).startswith("+"):
                        pass  # a caption "|+", which the parser reads as a cell
                    else:
                        loose.append((child, p))
            p += size
        if loose:
            rows.append(loose)
        width = 0
        for cells in rows:
            width = self.table_row(cells, width)

    def table_row(self, cells: list[tuple[Tag, int]], width: int) -> int:
        """Add one row block; returns the header width known after it."""
        if not cells:
            return width
        texts: list[str] = []
        spans: list[tuple[int, int]] = []
        parts: list[tuple[str, tuple[tuple[int, int], ...], int, int] | None] = []
        header = all(_tag_name(c) == "th" for c, _ in cells)
        row_start = cells[0][1]
        row_end = row_start
        for cell, cpos in cells:
            off = cpos + _contents_offset(cell)
            pieces: list[Piece] = []
            if cell.contents is not None:
                self.inline(cell.contents, off, pieces)
            done = self.finish_text(pieces)
            cell_end = min(cpos + len(str(cell)), self.limit)
            while cell_end > off and self.text[cell_end - 1].isspace():
                cell_end -= 1
            row_end = max(row_end, cell_end)
            if done is None:
                texts.append("")
                spans.append((min(off, self.limit), min(off, self.limit)))
                parts.append(None)
            else:
                texts.append(done[0])
                spans.append((done[2], done[3]))
                parts.append(done)
            for _ in range(_int_attr(cell, "colspan") - 1):
                texts.append("")
                spans.append((spans[-1][1], spans[-1][1]))
                parts.append(None)
        if not any(texts) or self.skipping:
            return width
        row_end = max(row_end, max(e for _, e in spans))
        # "| a | | c |" with anchors: each cell's own, the bars at the cell boundaries
        out: list[str] = ["|"]
        n = 1
        anchors: list[tuple[int, int]] = [(0, row_start)]

        def anchor(t: int, s: int) -> None:
            s = max(s, anchors[-1][1])
            if anchors[-1][0] == t:
                anchors[-1] = (t, s)
            else:
                anchors.append((t, s))

        for text, span, part in zip(texts, spans, parts, strict=True):
            if part is not None:
                anchor(n, span[0])
                out.append(" ")
                n += 1
                for t, s in part[1] or ((0, part[2]),):
                    anchor(n + t, s)
                out.append(text)
                n += len(text)
            anchor(n, span[1])
            out.append(" |")
            n += 2
        row_text = "".join(out)
        block_anchors = tuple((t, min(s, row_end)) for t, s in anchors)
        kind = "table_header" if header else "table_row"
        if header:
            width = max(width, len(texts))
        elif width and len(texts) > width:
            self.warnings.append(
                f"{self.source}: table row at offset {row_start} has {len(texts)} cells, "
                f"its header has {width}"
            )
        self.blocks.append(
            Block(
                kind,
                row_text,
                row_start,
                row_end,
                self.section_path(),
                tuple(texts),
                block_anchors,
                tuple(spans),
            )
        )
        return width


class _Call:
    """One template call as a handler sees it."""

    __slots__ = ("following", "named", "node", "pos", "positional", "size")

    def __init__(
        self,
        node: Template,
        pos: int,
        size: int,
        positional: dict[int, tuple[Parameter, int]],
        named: dict[str, tuple[Parameter, int]],
        following: list[Node],
    ) -> None:
        self.node, self.pos, self.size = node, pos, size
        self.positional, self.named = positional, named
        self.following = following  # the nodes after the call, for templates that look ahead

    def next_text(self) -> str:
        """Start of what follows the call (link label or text), to spot a name written twice."""
        for node in self.following:
            if isinstance(node, Text):
                if node.value.strip():
                    return node.value.strip()
                continue
            if isinstance(node, Wikilink):
                return str(node.text if node.text is not None else node.title).strip()
            return ""
        return ""


def _const(text: str) -> Callable[[_Reader, _Call, list[Piece]], None]:
    def render(reader: _Reader, call: _Call, out: list[Piece]) -> None:
        out.append((text, call.pos, call.pos + call.size, False))

    return render


def _take(*keys: int | str) -> Callable[[_Reader, _Call, list[Piece]], None]:
    def render(reader: _Reader, call: _Call, out: list[Piece]) -> None:
        reader.param(call, out, *keys)

    return render


def _last_positional(reader: _Reader, call: _Call, out: list[Piece]) -> None:
    if call.positional:
        reader.param(call, out, max(call.positional))


def _sortname(reader: _Reader, call: _Call, out: list[Piece]) -> None:
    if reader.param(call, out, 1):
        out.append((" ", call.pos, call.pos, False))
    reader.param(call, out, 2)


def _flagicon(reader: _Reader, call: _Call, out: list[Piece]) -> None:
    """``{{flagicon|X}}`` renders X, unless X is written right after it (``{{flagicon|X}} [[X]]``)."""
    name = reader.positional_text(call, 1)
    following = call.next_text()
    if name and following and following.lower().startswith(name.lower()):
        return
    reader.param(call, out, "name", 1)


def _sort(reader: _Reader, call: _Call, out: list[Piece]) -> None:
    reader.param(call, out, 2, 1)


_TEMPLATES: dict[str, Callable[[_Reader, _Call, list[Piece]], None]] = {}
for _name in ("flag", "flagcountry", "flag country", "flagu", "country", "flagg"):
    _TEMPLATES[_name] = _take("name", 1)
for _name in ("flagicon", "flag icon"):
    _TEMPLATES[_name] = _flagicon
for _name in ("flagdeco", "flag deco", "flagicon image"):
    _TEMPLATES[_name] = _const("")
for _name in (
    "dts",
    "date table sorting",
    "dtsort",
    "start date",
    "start date and age",
    "end date",
    "end date and age",
    "birth date",
    "birth date and age",
    "death date",
    "death date and age",
    "date",
    "start and end dates",
):
    _TEMPLATES[_name] = _Reader.date
for _name in ("daterange", "date range"):
    _TEMPLATES[_name] = _Reader.date_range
for _name in (
    "nowrap",
    "no wrap",
    "nobr",
    "small",
    "smaller",
    "big",
    "larger",
    "nobold",
    "noitalic",
    "center",
):
    _TEMPLATES[_name] = _take(1)
for _name in ("lang", "native name", "transl", "transliteration"):
    _TEMPLATES[_name] = _last_positional
for _name in ("ill", "interlanguage link", "interlanguage link multi", "illm", "abbr", "vanchor", "resize"):
    _TEMPLATES[_name] = _take("lt", 1) if _name != "resize" else _last_positional
_TEMPLATES["sort"] = _sort
_TEMPLATES["sortname"] = _sortname
for _name in ("nbsp", "pb", "break", "br", "space"):  # spacing only
    _TEMPLATES[_name] = _const(" ")
for _name in ("ndash", "snd", "spaced ndash", "spaced en dash", "–"):
    _TEMPLATES[_name] = _const(" – " if _name in ("snd", "spaced ndash", "spaced en dash") else "–")
for _name in ("mdash", "spaced mdash"):
    _TEMPLATES[_name] = _const("—" if _name == "mdash" else " — ")
del _name


def parse_wikitext(text: str, source: str = "<text>", title: str | None = None) -> Document:
    """Parse MediaWiki wikitext into a Document whose block offsets index ``text``.

    Never raises on bad markup: unbalanced constructs are reported in ``Document.warnings``.
    """
    plan = _Plan(text, source)
    reader = _Reader(text, source)
    for start, end, suffix in plan.chunks:
        reader.limit = end
        chunk = plan.text[start:end] + suffix
        try:
            code = mwparserfromhell.parse(chunk)
        except Exception as error:  # the parser's own bugs must not stop a corpus run
            reader.warnings.append(f"{source}: parser failed at offset {start} ({type(error).__name__})")
            code = mwparserfromhell.parse("")
            code.nodes.append(Text(chunk))
        try:
            reader.walk(code, start)
        except Exception as error:  # deep nesting (RecursionError) or a bug: keep the text
            reader.warnings.append(
                f"{source}: internal error at offset {start} ({type(error).__name__}), read as plain text"
            )
            reader.line, reader.line_kind = [], None
            reader.walk(_as_text(chunk), start)
    reader.limit = len(text)
    reader.end_line()
    reader.flush_paragraph()
    doc = Document(
        title="",
        source=source,
        format="wikitext",
        text=text,
        infobox=reader.infobox,
        blocks=reader.blocks,
        warnings=plan.warnings + reader.warnings,
    )
    doc.title = (
        title or _title_from_infobox(reader.infobox) or _title_from_lead(text) or _title_from_source(source)
    )
    return doc


_BOLD = re.compile(r"'''(?!')(.{3,120}?)(?<!')'''")
_LINK = re.compile(r"\[\[(?:[^|\]]*\|)?([^\]]*)\]\]")


def _title_from_infobox(infobox: dict[str, str]) -> str | None:
    """The infobox title when it names the article ("Kosovo–Serbia relations"), not one party."""
    value = infobox.get("Title", "")
    return value if re.search(r"relations|[–—-]", value) else None


def _title_from_lead(text: str) -> str | None:
    """Wikipedia articles open by naming their subject in bold, as in the lead of a relations article."""
    m = _BOLD.search(text[:20000])
    if m is None:
        return None
    title = _LINK.sub(r"\1", m.group(1)).strip()
    return title if title and "{{" not in title and "<" not in title else None


def _as_text(chunk: str) -> Wikicode:
    code = mwparserfromhell.parse("")
    code.nodes.append(Text(chunk))
    return code


def _title_from_source(source: str) -> str:
    stem = Path(source).stem if source and not source.startswith("<") else ""
    return stem.replace("-", " ").replace("_", " ").strip()
