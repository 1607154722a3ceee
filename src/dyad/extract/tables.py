"""Table rows: treaties with signature and ratification columns, recognitions, relations.

The header says what each column holds ("Signed", "Ratified by X", "Treaty", "Date of
recognition", "Diplomatic relations established", "State", "Notes"), whatever the column
order. Columns are positional: where a flag or date template was dropped, the header and the
rows keep an empty cell, and an empty header cell continues the column before it. When the
state cell is empty (its flag template dropped) the state is taken from the notes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from dyad.extract.pipeline import TableRow
from dyad.extract.registry import register
from dyad.model import Event, Evidence

__all__ = ["column_roles", "table_rows"]

_ROLE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("withdrawn", re.compile(r"withdr|revok|derecogni|suspend|retract|ended", re.I)),
    ("ratified", re.compile(r"ratif", re.I)),
    ("recognition", re.compile(r"recogni", re.I)),
    ("relations", re.compile(r"relations|established|establishment", re.I)),
    ("signed", re.compile(r"^(?:date\s+)?sign|signed|signing|signature|concluded", re.I)),
    ("title", re.compile(r"treaty|agreement|title|name of|document|accord|^name$|convention|memorand", re.I)),
    (
        "state",
        re.compile(
            r"^(?:state|country|nation|sovereign state|recogni[sz]ing state|member|party|entity)s?$", re.I
        ),
    ),
    ("notes", re.compile(r"note|remark|comment|detail|description|source|reference", re.I)),
    ("date", re.compile(r"^date$|^year$|^when$", re.I)),
    ("place", re.compile(r"place|city|location|venue", re.I)),
]


def column_roles(header: tuple[str, ...]) -> list[str]:
    """What each column holds; an empty header cell continues the column before it."""
    roles: list[str] = []
    for cell in header:
        name = cell.strip().rstrip(":").strip()
        if not name:
            roles.append(
                roles[-1] + "+" if roles and not roles[-1].endswith("+") else (roles[-1] if roles else "")
            )
            continue
        for role, pattern in _ROLE_PATTERNS:
            if pattern.search(name):
                roles.append(role)
                break
        else:
            roles.append("other")
    return roles


def _evidence(row: TableRow) -> Evidence:
    b = row.block
    return Evidence(row.ctx.doc.doc_id, b.text, b.start, b.end, b.section, b.kind)


def _date(row: TableRow, indexes: list[int]) -> str | None:
    for i in indexes:
        if i < len(row.dates):
            for d in row.dates[i]:
                if d.value:
                    return str(d.value)
    return None


def _cols(roles: list[str], role: str) -> list[int]:
    """Columns of a role, the main column first, then its continuation columns."""
    return [i for i, r in enumerate(roles) if r.rstrip("+") == role]


def _states(row: TableRow, indexes: list[int]) -> list[str]:
    out: list[str] = []
    for i in indexes:
        if i < len(row.cells):
            for m in row.ctx.gazetteer.find(row.cells[i]):
                if m.entity.kind == "state" and m.entity.name not in out:
                    out.append(m.entity.name)
    return out


def _event(row: TableRow, type_: str, roles: dict[str, Any], date: str | None) -> Event:
    return Event(type=type_, roles=roles, date=date, evidence=[_evidence(row)], extractor="table.v1")


def _header_state(row: TableRow, index: int) -> str | None:
    if index < len(row.header):
        for m in row.ctx.gazetteer.find(row.header[index]):
            if m.entity.kind == "state":
                return str(m.entity.name)
    return None


@register("table.v1", applies_to="row")
def table_rows(row: TableRow) -> Iterator[Event]:
    if not row.header or not any(c.strip() for c in row.cells):
        return
    roles = column_roles(row.header)
    roles += ["other"] * (len(row.cells) - len(roles))
    title_cols = _cols(roles, "title")
    if title_cols and not _cols(roles, "signed") and _cols(roles, "date"):
        # "| Date | Agreement | Place |": the date of a treaty row is its signature.
        roles = [r.replace("date", "signed") for r in roles]
    if title_cols and (_cols(roles, "signed") or _cols(roles, "ratified")):
        yield from _treaty_row(row, roles, title_cols)
        return
    if not (_cols(roles, "recognition") or _cols(roles, "relations") or _cols(roles, "withdrawn")):
        # "| # | Country | Date |" under a heading that says what the dates are.
        meaning = _section_meaning(row)
        if meaning and _cols(roles, "state") and _cols(roles, "date"):
            roles = [r.replace("date", meaning) for r in roles]
    if _cols(roles, "recognition") or _cols(roles, "relations") or _cols(roles, "withdrawn"):
        yield from _state_row(row, roles)


def _section_meaning(row: TableRow) -> str | None:
    heading = " ".join(row.block.section[-1:]).lower()
    if re.search(r"consular|trade|economic|not yet|without|never|no diplomatic", heading):
        return None
    if re.search(r"withdr|derecogni|revok", heading):
        return "withdrawn"
    if "recogni" in heading:
        return "recognition"
    if "relations" in heading:
        return "relations"
    return None


def _treaty_row(row: TableRow, roles: list[str], title_cols: list[int]) -> Iterator[Event]:
    title = next(
        (row.cells[i].strip() for i in title_cols if i < len(row.cells) and row.cells[i].strip()), ""
    )
    if not title:
        return
    parties = _states(row, _cols(roles, "state")) or list(row.ctx.parties)
    signed = _date(row, _cols(roles, "signed"))
    if signed and len(parties) >= 2:
        yield _event(row, "treaty_signed", {"parties": parties, "title": title}, signed)
    for i, role in enumerate(roles):
        if role != "ratified":
            continue
        span = [i] + [j for j in range(i + 1, len(roles)) if roles[j] == "ratified+"]
        date = _date(row, span)
        actor = _header_state(row, i)
        if date and actor:
            yield _event(row, "treaty_ratified", {"actor": actor, "title": title}, date)


_WITHDRAWN_NOTE = re.compile(r"withdr|revok|retract|rescind|suspend|derecogni", re.I)
_MUTUAL_NOTE = re.compile(r"\bmutual|each other|reciproc", re.I)


def _recognised_state(row: TableRow, state: str) -> str | None:
    """Whose recognition a table lists: a state named in the section heading ("Recognition of
    Abkhazia by other states"), else the article's subject, else the party with limited
    recognition, else the other party."""
    ctx = row.ctx
    for heading in reversed(row.block.section):
        named = [m.entity.name for m in ctx.gazetteer.find(heading) if m.entity.kind == "state"]
        if len(named) == 1 and named[0] != state:
            return named[0]
    if ctx.subject and ctx.subject != state:
        return ctx.subject
    limited = [
        p for p in ctx.parties
        if p != state and getattr(ctx.gazetteer.get(p), "status", "") == "limited_recognition"
    ]  # fmt: skip
    if len(limited) == 1:
        return limited[0]
    return ctx.other_party(state)


def _state_row(row: TableRow, roles: list[str]) -> Iterator[Event]:
    state_cols = _cols(roles, "state")
    notes = _cols(roles, "notes")
    states = _states(row, state_cols) or _states(row, notes)
    if not states:
        others = [i for i, r in enumerate(roles) if r.rstrip("+") in ("other", "")]
        states = _states(row, others)
    for state in states[:1]:
        target = _recognised_state(row, state)
        if not target or target == state:
            continue
        recognition_cols = _cols(roles, "recognition")
        recognised = _date(row, recognition_cols)
        note_text = " ".join(row.cells[i] for i in notes if i < len(row.cells))
        if recognition_cols:
            yield _event(row, "recognition", {"actor": state, "target": target}, recognised)
            if _MUTUAL_NOTE.search(note_text):
                yield _event(row, "recognition", {"actor": target, "target": state}, recognised)
        withdrawn = _date(row, _cols(roles, "withdrawn"))
        if not withdrawn and _WITHDRAWN_NOTE.search(note_text):
            withdrawn = _date(row, notes)
        if withdrawn:
            yield _event(row, "recognition_withdrawn", {"actor": state, "target": target}, withdrawn)
        established = _date(row, _cols(roles, "relations"))
        if established:
            yield _event(row, "relations_established", {"parties": [state, target]}, established)


def _cell_says_yes(row: TableRow, indexes: list[int]) -> bool:
    return any(
        i < len(row.cells) and row.cells[i].strip().lower() in ("yes", "recognised", "recognized")
        for i in indexes
    )
