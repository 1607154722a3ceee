"""Events out of the knowledge base and back in: JSON Lines, CSV and Parquet.

An exported event is a *claim*: an event as one document tells it, with its evidence (text,
offsets, section) and its source document. Each line of the JSON Lines file is in the exchange
format of the events spec (``doc``, ``type``, the roles, ``date``, ``evidence``) with extra fields
for everything the knowledge base keeps (``start``/``end`` offsets, ``section``, ``block_kind``,
``more_evidence``, ``extractor``, ``confidence``, the document's title, source and format, and
``event_id``, the stable id of the fused event the claim belongs to). :func:`import_events` reads
such a file back; export, import into an empty database, export gives the same file.

CSV and Parquet hold the same claims as a table (first evidence in columns, further evidence as
JSON), with the fused event's date, conflict flag and number of sources beside each claim.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select

from dyad.errors import DateError, InputError
from dyad.export.files import atomic_outputs, check_output
from dyad.export.snapshot import event_ids, read_connection
from dyad.kb import IngestReport, KnowledgeBase
from dyad.kb.dates import parse_event_date
from dyad.kb.schema import ClaimRow, DocumentRow, EntityRow, EvidenceRow, FactRow
from dyad.kb.state import MISSION_TYPES
from dyad.model import EVENT_TYPES, Document, Event, Evidence

__all__ = [
    "EVENT_COLUMNS",
    "EVENT_FORMATS",
    "ROLE_ORDER",
    "content_hash",
    "events_frame",
    "import_events",
    "iter_exchange",
    "read_events",
    "write_events",
]

EVENT_FORMATS = ("jsonl", "csv", "parquet")
ROLE_ORDER = (
    "actor", "target", "parties", "sender", "receiver", "person", "owner", "host", "kind", "city", "title",
    "member", "organization",
)  # fmt: skip
KNOWN_TYPES = tuple(dict.fromkeys((*EVENT_TYPES, *MISSION_TYPES)))
# Fields of a line that are not roles (some written by dyad, some by other tools: the scorer's
# "optional", ids and fused-event fields of other exports).
RESERVED = frozenset(
    {
        "doc", "type", "date", "evidence", "start", "end", "section", "block_kind", "more_evidence",
        "extractor", "confidence", "event_id", "doc_title", "doc_source", "doc_format", "precision",
        "optional", "id", "fact_id", "fact_date", "fact_precision", "conflict", "n_sources", "sources", "seq",
    }
)  # fmt: skip
IMPORT_EXTRACTOR = "dyad import"

_STRING = "string"
EVENT_COLUMNS: dict[str, str] = {
    "event_id": _STRING,
    "fact_id": "Int64",
    "doc": _STRING,
    "seq": "Int64",
    "type": _STRING,
    **{role: _STRING for role in ROLE_ORDER},
    "other_roles": _STRING,
    "date": _STRING,
    "precision": _STRING,
    "fact_date": _STRING,
    "fact_precision": _STRING,
    "conflict": "boolean",
    "n_sources": "Int64",
    "evidence": _STRING,
    "start": "Int64",
    "end": "Int64",
    "section": _STRING,
    "block_kind": _STRING,
    "more_evidence": _STRING,
    "extractor": _STRING,
    "confidence": "Float64",
    "doc_title": _STRING,
    "doc_source": _STRING,
}


@dataclass(frozen=True, slots=True)
class _Claim:
    id: int
    fact_id: int | None
    seq: int
    type: str
    roles: dict[str, Any]
    date: str | None
    precision: str | None
    extractor: str
    confidence: float
    doc: str
    doc_title: str
    doc_source: str
    doc_format: str


def _ordered_roles(roles: dict[str, Any]) -> list[tuple[str, Any]]:
    known = [(r, roles[r]) for r in ROLE_ORDER if r in roles]
    return known + sorted((r, v) for r, v in roles.items() if r not in ROLE_ORDER)


def _section_list(section: str) -> list[str]:
    return [s for s in section.split(" > ")] if section else []


def _evidence_dict(e: Any) -> dict[str, Any]:
    return {
        "text": e.text,
        "start": e.start_offset,
        "end": e.end_offset,
        "section": _section_list(e.section),
        "block_kind": e.block_kind,
    }


def _read_claims(
    kb: KnowledgeBase,
) -> tuple[list[_Claim], dict[int, list[Any]], dict[int, Any], dict[int, str]]:
    with read_connection(kb) as conn:
        rows = conn.execute(
            select(
                ClaimRow.id,
                ClaimRow.fact_id,
                ClaimRow.seq,
                ClaimRow.type,
                ClaimRow.roles,
                ClaimRow.date,
                ClaimRow.precision,
                ClaimRow.extractor,
                ClaimRow.confidence,
                DocumentRow.doc_id,
                DocumentRow.title,
                DocumentRow.source,
                DocumentRow.format,
            ).join(DocumentRow, DocumentRow.id == ClaimRow.document_id)
        ).all()
        evidence: dict[int, list[Any]] = defaultdict(list)
        for e in conn.execute(
            select(
                EvidenceRow.id,
                EvidenceRow.claim_id,
                EvidenceRow.text,
                EvidenceRow.start_offset,
                EvidenceRow.end_offset,
                EvidenceRow.section,
                EvidenceRow.block_kind,
            ).order_by(EvidenceRow.claim_id, EvidenceRow.id)
        ):
            evidence[e.claim_id].append(e)
        facts = {
            f.id: f
            for f in conn.execute(
                select(
                    FactRow.id,
                    FactRow.group_key,
                    FactRow.date,
                    FactRow.precision,
                    FactRow.city,
                    FactRow.conflict,
                    FactRow.n_sources,
                )
            )
        }
    ids = event_ids([(f.id, f.group_key, f.date, f.city) for f in facts.values()])
    claims = [
        _Claim(
            r.id,
            r.fact_id,
            r.seq,
            r.type,
            dict(r.roles or {}),
            r.date,
            r.precision,
            r.extractor or "",
            float(r.confidence),
            r.doc_id,
            r.title,
            r.source,
            r.format,
        )
        for r in rows
    ]
    claims.sort(key=lambda c: (c.doc, c.seq, c.id))
    return claims, evidence, facts, ids


def _exchange(claim: _Claim, evidence: list[Any], event_id: str | None) -> dict[str, Any]:
    line: dict[str, Any] = {"doc": claim.doc, "type": claim.type}
    for role, value in _ordered_roles(claim.roles):
        line[role] = value
    line["date"] = claim.date
    if evidence:
        first = evidence[0]
        line["evidence"] = first.text
        line["start"] = first.start_offset
        line["end"] = first.end_offset
        line["section"] = _section_list(first.section)
        line["block_kind"] = first.block_kind
        if len(evidence) > 1:
            line["more_evidence"] = [_evidence_dict(e) for e in evidence[1:]]
    else:
        line["evidence"] = ""
    line["extractor"] = claim.extractor
    line["confidence"] = round(claim.confidence, 6)
    if event_id:
        line["event_id"] = event_id
    line["doc_title"] = claim.doc_title
    line["doc_source"] = claim.doc_source
    line["doc_format"] = claim.doc_format
    return line


def iter_exchange(kb: KnowledgeBase) -> Iterator[dict[str, Any]]:
    """Every claim of ``kb`` as an exchange-format dict, by document and order of statement."""
    claims, evidence, _, ids = _read_claims(kb)
    for claim in claims:
        yield _exchange(claim, evidence.get(claim.id, []), ids.get(claim.fact_id) if claim.fact_id else None)


def _jsonl(line: dict[str, Any]) -> str:
    return json.dumps(line, ensure_ascii=False) + "\n"


def content_hash(kb: KnowledgeBase) -> str:
    """SHA-256 of what the knowledge base holds: its entities with their codes, and every claim
    with its evidence and source document (the content of the JSON Lines export).

    Two knowledge bases with the same hash give the same exports; an export, import cycle keeps
    the hash (row ids, ingestion times and article texts, which an import does not carry, are
    not part of it).
    """
    digest = hashlib.sha256()
    with read_connection(kb) as conn:
        entities = conn.execute(
            select(
                EntityRow.name,
                EntityRow.kind,
                EntityRow.iso2,
                EntityRow.iso3,
                EntityRow.wikidata,
                EntityRow.cow,
                EntityRow.gw,
                EntityRow.status,
            )
        ).all()
    for row in sorted(entities, key=lambda r: r[0]):
        digest.update(json.dumps(list(row), ensure_ascii=False).encode())
        digest.update(b"\n")
    digest.update(b"--\n")
    for line in iter_exchange(kb):
        digest.update(_jsonl(line).encode())
    return digest.hexdigest()


def events_frame(kb: KnowledgeBase) -> pd.DataFrame:
    """Every claim as a row of :data:`EVENT_COLUMNS`, with nullable dtypes (Parquet-safe)."""
    claims, evidence, facts, ids = _read_claims(kb)
    data: dict[str, list[Any]] = {c: [] for c in EVENT_COLUMNS}
    for claim in claims:
        fact = facts.get(claim.fact_id) if claim.fact_id is not None else None
        evs = evidence.get(claim.id, [])
        first = evs[0] if evs else None
        other = {r: v for r, v in claim.roles.items() if r not in ROLE_ORDER}
        row: dict[str, Any] = {
            "event_id": ids.get(claim.fact_id) if claim.fact_id is not None else None,
            "fact_id": claim.fact_id,
            "doc": claim.doc,
            "seq": claim.seq,
            "type": claim.type,
            "other_roles": json.dumps(other, ensure_ascii=False, sort_keys=True) if other else None,
            "date": claim.date,
            "precision": claim.precision,
            "fact_date": fact.date if fact else None,
            "fact_precision": fact.precision if fact else None,
            "conflict": bool(fact.conflict) if fact else None,
            "n_sources": fact.n_sources if fact else None,
            "evidence": first.text if first else None,
            "start": first.start_offset if first else None,
            "end": first.end_offset if first else None,
            "section": first.section if first else None,
            "block_kind": first.block_kind if first else None,
            "more_evidence": json.dumps([_evidence_dict(e) for e in evs[1:]], ensure_ascii=False)
            if len(evs) > 1
            else None,
            "extractor": claim.extractor,
            "confidence": round(claim.confidence, 6),
            "doc_title": claim.doc_title,
            "doc_source": claim.doc_source,
        }
        for role in ROLE_ORDER:
            value = claim.roles.get(role)
            row[role] = "; ".join(str(v) for v in value) if isinstance(value, list) else value
        for column in EVENT_COLUMNS:
            data[column].append(row.get(column))
    return pd.DataFrame(
        {c: pd.array(data[c], dtype=t) for c, t in EVENT_COLUMNS.items()}, columns=list(EVENT_COLUMNS)
    )


def events_format(path: Path, fmt: str | None) -> str:
    if fmt:
        value = fmt.strip().lower()
        if value not in EVENT_FORMATS:
            raise InputError(f"unknown events format {fmt!r}", f"use one of {', '.join(EVENT_FORMATS)}")
        return value
    suffix = path.suffix.lower()
    for value, suffixes in (
        ("jsonl", (".jsonl", ".ndjson")),
        ("csv", (".csv",)),
        ("parquet", (".parquet", ".pq")),
    ):
        if suffix in suffixes:
            return value
    raise InputError(
        f"cannot tell the format of {path.name!r} from its name", "give --format jsonl, csv or parquet"
    )


def write_events(kb: KnowledgeBase, path: str | os.PathLike[str], *, fmt: str | None = None) -> int:
    """Write every claim to ``path`` (JSON Lines, CSV or Parquet, atomically); returns the count."""
    target = check_output(path)
    fmt = events_format(target, fmt)
    with atomic_outputs(target) as (tmp,):
        if fmt == "jsonl":
            n = 0
            with tmp.open("w", encoding="utf-8", newline="\n") as out:
                for line in iter_exchange(kb):
                    out.write(_jsonl(line))
                    n += 1
            return n
        frame = events_frame(kb)
        if fmt == "csv":
            frame.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")
        else:
            frame.to_parquet(tmp, index=False, engine="pyarrow")
        return len(frame)


# --------------------------------------------------------------------------- import


def _bad(path: Path, lineno: int, problem: str, hint: str | None = None) -> InputError:
    return InputError(
        f"{path.name}, line {lineno}: {problem}",
        hint or "each line must be one JSON object in the events format (doc, type, roles, date, evidence)",
    )


def _int(value: Any, path: Path, lineno: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(path, lineno, f"{name!r} must be a whole number, not {value!r}")
    return value


def _evidence(doc: str, item: dict[str, Any], path: Path, lineno: int) -> Evidence:
    text = item.get("text", item.get("evidence", ""))
    if not isinstance(text, str):
        raise _bad(path, lineno, "the evidence must be text")
    start = _int(item.get("start", 0), path, lineno, "start")
    end = _int(item.get("end", start + len(text)), path, lineno, "end")
    section = item.get("section") or []
    if isinstance(section, str):
        section = [s for s in section.split(" > ") if s]
    if not isinstance(section, list) or not all(isinstance(s, str) for s in section):
        raise _bad(path, lineno, "'section' must be a list of headings")
    kind = item.get("block_kind") or "paragraph"
    return Evidence(doc, text, start, end, tuple(section), str(kind))


def _event(data: dict[str, Any], path: Path, lineno: int) -> tuple[str, Event, dict[str, str]]:
    doc = data.get("doc")
    if not isinstance(doc, str) or not doc.strip():
        raise _bad(path, lineno, "'doc' (the document id) is missing")
    type_ = data.get("type")
    if type_ not in KNOWN_TYPES:
        raise _bad(path, lineno, f"unknown event type {type_!r}", f"types are {', '.join(KNOWN_TYPES)}")
    date = data.get("date")
    if date is not None and (
        not isinstance(date, str) or parse_event_date(date) is None or date != date.strip()
    ):
        raise DateError(f"{path.name}, line {lineno}: not an event date: {date!r}")
    roles = {k: v for k, v in data.items() if k not in RESERVED and v is not None}
    evidence: list[Evidence] = []
    if data.get("evidence") not in (None, "") or "start" in data:
        evidence.append(_evidence(doc, data, path, lineno))
    more = data.get("more_evidence") or []
    if not isinstance(more, list) or not all(isinstance(m, dict) for m in more):
        raise _bad(path, lineno, "'more_evidence' must be a list of objects")
    evidence += [_evidence(doc, m, path, lineno) for m in more]
    confidence = data.get("confidence", 1.0)
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)):
        raise _bad(path, lineno, f"'confidence' must be a number, not {confidence!r}")
    extractor = data.get("extractor") or ""
    meta = {
        "title": str(data.get("doc_title") or doc),
        "source": str(data.get("doc_source") or doc),
        "format": str(data.get("doc_format") or "text"),
    }
    return (
        doc,
        Event(type_, roles, date, evidence, extractor=str(extractor), confidence=float(confidence)),
        meta,
    )


def read_events(path: str | os.PathLike[str]) -> list[tuple[Document, list[Event]]]:
    """Documents and their events from a JSON Lines events file (InputError on a bad line)."""
    source = Path(path)
    if not source.is_file():
        raise InputError(
            f"{source}: no such file", "give the path of a .jsonl file written by 'dyad export events'"
        )
    docs: dict[str, tuple[dict[str, str], list[Event]]] = {}
    try:
        handle = source.open(encoding="utf-8")
        with handle:
            for lineno, raw in enumerate(handle, 1):
                if not raw.strip():
                    continue
                try:
                    data = json.loads(raw)
                except json.JSONDecodeError as error:
                    raise _bad(source, lineno, f"not JSON ({error.msg})") from None
                if not isinstance(data, dict):
                    raise _bad(source, lineno, "not a JSON object")
                doc, event, meta = _event(data, source, lineno)
                docs.setdefault(doc, (meta, []))[1].append(event)
    except UnicodeDecodeError:
        raise InputError(f"{source}: not UTF-8 text", "give a JSON Lines file in UTF-8") from None
    return [
        (
            Document(title=meta["title"], source=meta["source"], format=meta["format"], text="", doc_id=doc),
            events,
        )
        for doc, (meta, events) in docs.items()
    ]


def import_events(
    kb: KnowledgeBase,
    path: str | os.PathLike[str],
    *,
    progress: Callable[[int, int, str], None] | None = None,
) -> IngestReport:
    """Store the events of a JSON Lines file, one transaction per document.

    The whole file is checked first: a bad line stops the import before anything is written. A
    document already in the knowledge base is replaced by the imported one (its claims and
    evidence), as re-ingesting a changed article would; the article's text is not in the file,
    so a later ``dyad ingest`` of the article replaces the imported claims again.
    """
    batch = read_events(path)
    report = IngestReport()
    for i, (doc, events) in enumerate(batch, 1):
        status = kb.store_document(doc, events, extractor=IMPORT_EXTRACTOR)
        getattr(report, status).append(doc.doc_id)
        if status != "unchanged":
            report.events += len(events)
        if progress is not None:
            progress(i, len(batch), doc.doc_id)
    return report
