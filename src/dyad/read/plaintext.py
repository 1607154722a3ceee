"""Reader for the rendered plain-text article format.

The format (see ``shared/corpus/README.md``): a synthesised ``= Title =`` line, an ``Infobox``
line followed by ``- Key: value`` lines, ``==Heading==`` lines at any depth with or without
inner spaces, paragraphs separated by blank lines, ``- `` list items, and table rows written
``| a | b |`` with the header row first and empty cells where templates were dropped. The
text of every block is a verbatim slice of the source, so offsets need no mapping.
"""

from __future__ import annotations

import re
from pathlib import Path

from dyad.model import Block, Document

__all__ = ["parse_plaintext"]

_TITLE = re.compile(r"^=\s*(?P<title>[^=].*?)\s*=\s*$")
_HEADING = re.compile(r"^(?P<eq>={2,6})\s*(?P<name>.*?)\s*(?P=eq)\s*$")
_INFOBOX_ITEM = re.compile(r"^-\s*(?P<key>[^:]{1,60}?)\s*:\s*(?P<value>.*)$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


def _lines(text: str) -> list[tuple[int, str]]:
    """Lines with the offset where each starts."""
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def _split_cells(line: str, start: int) -> tuple[tuple[str, ...], tuple[tuple[int, int], ...]]:
    """Cells of a ``| a | b |`` row, empty ones kept, with their source spans."""
    body_start = line.index("|") + 1
    body_end = line.rstrip().rfind("|")
    if body_end < body_start:  # a row with no closing bar
        body_end = len(line.rstrip())
    cells, spans, i = [], [], body_start
    for part in line[body_start:body_end].split("|"):
        lead = len(part) - len(part.lstrip())
        value = part.strip()
        cells.append(value)
        spans.append((start + i + lead, start + i + lead + len(value)))
        i += len(part) + 1
    return tuple(cells), tuple(spans)


def parse_plaintext(text: str, source: str = "<text>", title: str | None = None) -> Document:
    """Parse rendered plain text into a Document whose offsets index ``text``."""
    doc = Document(title=title or "", source=source, format="text", text=text)
    section: list[tuple[int, str]] = []  # (depth, name)
    para: list[tuple[int, str]] = []
    in_infobox = False
    table_width: int | None = None

    def flush_paragraph() -> None:
        if para:
            start = para[0][0]
            end = para[-1][0] + len(para[-1][1].rstrip())
            body = text[start:end]
            doc.blocks.append(Block("paragraph", body, start, end, tuple(n for _, n in section)))
            para.clear()

    for start, line in _lines(text):
        stripped = line.strip()
        if not stripped:
            flush_paragraph()
            in_infobox = False
            continue
        if not doc.title and not doc.blocks and not section and (m := _TITLE.match(stripped)):
            doc.title = m.group("title")
            continue
        if stripped == "Infobox" and not doc.blocks:
            flush_paragraph()
            in_infobox = True
            continue
        if in_infobox and (m := _INFOBOX_ITEM.match(stripped)):
            doc.infobox[m.group("key").strip()] = m.group("value").strip()
            continue
        in_infobox = False
        if m := _HEADING.match(stripped):
            flush_paragraph()
            depth = len(m.group("eq"))
            while section and section[-1][0] >= depth:
                section.pop()
            section.append((depth, m.group("name")))
            table_width = None
            continue
        if stripped.startswith("|") and stripped.count("|") >= 2:
            flush_paragraph()
            lead = len(line) - len(line.lstrip())
            cells, spans = _split_cells(line, start)
            path = tuple(n for _, n in section)
            end = start + len(line.rstrip())
            if table_width is None:
                table_width = len(cells)
                doc.blocks.append(Block("table_header", stripped, start + lead, end, path, cells, (), spans))
            else:
                if len(cells) > table_width:
                    doc.warnings.append(
                        f"{source}: table row at offset {start} has {len(cells)} cells, "
                        f"its header has {table_width}"
                    )
                doc.blocks.append(Block("table_row", stripped, start + lead, end, path, cells, (), spans))
            continue
        table_width = None
        if m := _LIST_ITEM.match(line):
            flush_paragraph()
            body_start = start + m.end()
            end = start + len(line.rstrip())
            if body_start < end:
                doc.blocks.append(
                    Block("list_item", text[body_start:end], body_start, end, tuple(n for _, n in section))
                )
            continue
        para.append((start, line))
    flush_paragraph()
    if not doc.title:
        doc.title = doc.infobox.get("Title") or Path(source).stem.replace("-", " ").replace("_", " ")
    return doc
