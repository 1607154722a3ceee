"""QuickStatements for Wikidata: diplomatic relations (P530) with their dates and sources.

Wikidata models diplomatic relations between two states as the symmetric property *diplomatic
relation* (P530) on both items, with the qualifiers *start time* (P580) and *end time* (P582)
and a reference. For every pair of states with relations in the knowledge base (both with a
Wikidata id), this writes, in QuickStatements V1 syntax (tab-separated), one statement each
way for the most recent period of relations::

    Q159<TAB>P530<TAB>Q23334<TAB>P580<TAB>+2008-09-09T00:00:00Z/11<TAB>S854<TAB>"https://en.wikipedia.org/wiki/..."

Dates keep their precision: ``/11`` day, ``/10`` month, ``/9`` year (Wikidata writes the unknown
parts as ``00``). The reference (S854, reference URL) is the article that states the start (or
the end) of the period: its URL when it was read from one, else the Wikipedia page of its title.

Earlier periods (relations severed and restored) are not written: QuickStatements adds the
qualifiers of a line to an existing statement with the same value, so a second period would be
merged into the first. They are listed as skipped.

``against``: a file of existing claims, the JSON the Wikidata API returns for
``action=wbgetentities`` (``{"entities": {"Q159": {"claims": {"P530": [...]}}}}``). Then only
what is missing there is written: a statement whose value is absent, or the qualifiers an
existing statement lacks. Statements whose dates disagree with Wikidata (at the precision both
have) are not written but listed, as are the dates dyad knows more precisely than Wikidata.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import select

from dyad.errors import InputError
from dyad.export.files import atomic_outputs, check_output, sidecar
from dyad.export.graph import periods
from dyad.export.snapshot import Snapshot, load_snapshot, read_connection
from dyad.kb import KnowledgeBase
from dyad.kb.dates import precision_of
from dyad.kb.schema import DocumentRow
from dyad.kb.state import RELATION_TYPES, FactInfo, relations_state

__all__ = [
    "DEFAULT_WIKI",
    "Disagreement",
    "QuickStatementsResult",
    "Statement",
    "load_claims",
    "quickstatements",
    "wikidata_time",
    "write_quickstatements",
]

DEFAULT_WIKI = "https://en.wikipedia.org/wiki/"
P_RELATION, P_START, P_END, S_URL = "P530", "P580", "P582", "S854"
PRECISION = {"year": 9, "month": 10, "day": 11}
_QID = re.compile(r"^Q[1-9][0-9]*$")
_TIME = re.compile(r"^([+-]\d{1,16})-(\d{2})-(\d{2})T")
_CLAIMS_HINT = (
    "give the JSON of the Wikidata API for the items, e.g. "
    "https://www.wikidata.org/w/api.php?action=wbgetentities&ids=Q159|Q23334&props=claims&format=json"
)


def wikidata_time(value: str) -> str:
    """A dyad date as a QuickStatements time at its precision: ``2008`` gives ``+2008-00-00T00:00:00Z/9``."""
    precision = precision_of(value)
    year, month, day = ([*value.split("-"), "00", "00"])[:3]
    return f"+{year}-{month}-{day}T00:00:00Z/{PRECISION[precision]}"


@dataclass(frozen=True, slots=True)
class Statement:
    """One P530 statement (or the qualifiers to add to an existing one)."""

    subject: str
    object: str
    subject_name: str
    object_name: str
    start: str | None
    end: str | None
    url: str | None
    qualifiers: tuple[str, ...] = (P_START, P_END)  # which of the dates to write

    def line(self) -> str:
        parts = [self.subject, P_RELATION, self.object]
        if self.start and P_START in self.qualifiers:
            parts += [P_START, wikidata_time(self.start)]
        if self.end and P_END in self.qualifiers:
            parts += [P_END, wikidata_time(self.end)]
        if self.url:
            parts += [S_URL, json.dumps(self.url, ensure_ascii=False)]
        return "\t".join(parts)


@dataclass(frozen=True, slots=True)
class Disagreement:
    subject: str
    object: str
    subject_name: str
    object_name: str
    property: str
    ours: str
    theirs: str
    kind: str  # "differs" or "more precise here"

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "object": self.object,
            "subject_name": self.subject_name,
            "object_name": self.object_name,
            "property": self.property,
            "dyad": self.ours,
            "wikidata": self.theirs,
            "kind": self.kind,
        }


@dataclass(slots=True)
class QuickStatementsResult:
    statements: list[Statement] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    present: int = 0  # statements Wikidata already has, with every date

    @property
    def lines(self) -> list[str]:
        return [s.line() for s in self.statements]

    def to_dict(self) -> dict[str, Any]:
        return {
            "statements": len(self.statements),
            "present": self.present,
            "disagreements": [d.to_dict() for d in self.disagreements],
            "skipped": self.skipped,
        }


# --------------------------------------------------------------------------- existing claims

Existing = dict[str, dict[str, list[dict[str, list[tuple[str, int]]]]]]


def _claims_error(path: Path, problem: str) -> InputError:
    return InputError(f"{path.name}: not a Wikidata entities file: {problem}", _CLAIMS_HINT)


def _snak_time(snak: Any, where: str, path: Path) -> tuple[str, int] | None:
    if not isinstance(snak, dict):
        raise _claims_error(path, f"{where}: a qualifier is not an object")
    if snak.get("snaktype", "value") != "value":
        return None
    value = (snak.get("datavalue") or {}).get("value")
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("time"), str)
        or not _TIME.match(value["time"])
    ):
        raise _claims_error(path, f"{where}: a time qualifier has no time value")
    precision = value.get("precision", 11)
    if isinstance(precision, bool) or not isinstance(precision, int):
        raise _claims_error(path, f"{where}: a time precision is not a number")
    return value["time"], precision


def load_claims(path: str | os.PathLike[str]) -> Existing:
    """The P530 claims of a wbgetentities file: subject -> object -> [{P580: [...], P582: [...]}]."""
    source = Path(path)
    if not source.is_file():
        raise InputError(f"{source}: no such file", _CLAIMS_HINT)
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise _claims_error(source, "not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise _claims_error(source, f"not JSON ({error.msg} at line {error.lineno})") from None
    if not isinstance(data, dict) or not isinstance(data.get("entities"), dict):
        raise _claims_error(source, "no 'entities' object at the top")
    out: Existing = {}
    for key, entity in data["entities"].items():
        if not isinstance(entity, dict):
            raise _claims_error(source, f"entity {key!r} is not an object")
        if "missing" in entity:
            continue
        qid = str(entity.get("id") or key)
        claims = entity.get("claims", {})
        if not isinstance(claims, dict):
            raise _claims_error(source, f"entity {qid}: 'claims' is not an object")
        relations: dict[str, list[dict[str, list[tuple[str, int]]]]] = defaultdict(list)
        found = claims.get(P_RELATION, [])
        if not isinstance(found, list):
            raise _claims_error(source, f"entity {qid}: {P_RELATION} is not a list of claims")
        for i, claim in enumerate(found, 1):
            where = f"entity {qid}, {P_RELATION} claim {i}"
            mainsnak = claim.get("mainsnak") if isinstance(claim, dict) else None
            if not isinstance(mainsnak, dict):
                raise _claims_error(source, f"{where}: no mainsnak")
            if mainsnak.get("snaktype", "value") != "value":
                continue
            value = (mainsnak.get("datavalue") or {}).get("value")
            if not isinstance(value, dict):
                raise _claims_error(source, f"{where}: no item value")
            target = value.get("id") or (f"Q{value['numeric-id']}" if "numeric-id" in value else None)
            if not isinstance(target, str) or not _QID.match(target):
                raise _claims_error(source, f"{where}: the value is not an item id")
            qualifiers = claim.get("qualifiers") or {}
            if not isinstance(qualifiers, dict):
                raise _claims_error(source, f"{where}: 'qualifiers' is not an object")
            dates: dict[str, list[tuple[str, int]]] = {}
            for prop in (P_START, P_END):
                snaks = qualifiers.get(prop, [])
                if not isinstance(snaks, list):
                    raise _claims_error(source, f"{where}: {prop} is not a list")
                dates[prop] = [t for s in snaks if (t := _snak_time(s, where, source)) is not None]
            relations[target].append(dates)
        out[qid] = dict(relations)
    return out


def _components(time: str) -> tuple[int, int, int]:
    m = _TIME.match(time)
    assert m is not None
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def compare(ours: str, theirs: tuple[str, int]) -> str:
    """ "agree", "more precise here" (agree, and dyad's date is finer) or "differs"."""
    mine = PRECISION[precision_of(ours)]
    y, m, d = (int(x) for x in ([*ours.split("-"), "0", "0"])[:3])
    ty, tm, td = _components(theirs[0])
    common = min(mine, theirs[1])
    if common >= 9:
        same = (y, m if common >= 10 else 0, d if common >= 11 else 0) == (
            ty,
            tm if common >= 10 else 0,
            td if common >= 11 else 0,
        )
    else:  # decades (8), centuries (7), ...: compare the coarser unit
        unit = 10 ** (9 - common)
        same = y // unit == ty // unit
    if not same:
        return "differs"
    return "more precise here" if mine > theirs[1] else "agree"


def _format_time(theirs: tuple[str, int]) -> str:
    return f"{theirs[0]}/{theirs[1]}"


# --------------------------------------------------------------------------- statements


def article_url(source: str, title: str, wiki: str = DEFAULT_WIKI) -> str:
    """The URL of the article a document was read from (its source, or the wiki page of its title)."""
    if source.startswith(("http://", "https://")):
        return source
    return wiki + quote(title.replace(" ", "_"), safe="()_,'-.:!")


def _statements(snap: Snapshot, urls: dict[str, str], result: QuickStatementsResult) -> list[Statement]:
    relations: dict[frozenset[str], list[FactInfo]] = defaultdict(list)
    for f in snap.facts:
        if f.type in RELATION_TYPES and f.actor and f.target and f.actor != f.target:
            relations[frozenset((f.actor, f.target))].append(f)
    by_id = {f.id: f for f in snap.facts}
    out = []
    for pair in sorted(relations, key=sorted):
        a, b = sorted(pair)
        qa, qb = snap.by_name[a].wikidata, snap.by_name[b].wikidata
        if not qa or not qb:
            missing = ", ".join(x for x, q in ((a, qa), (b, qb)) if not q)
            result.skipped.append(f"{a} – {b}: no Wikidata id for {missing}")
            continue
        found = periods(relations_state(relations[pair], a, b).history, ("established", "restored"))
        if not found:
            continue
        for opened, closed in found[:-1]:
            when = f"{opened.date if opened else '?'} to {closed.date if closed else '?'}"
            result.skipped.append(f"{a} – {b}: earlier period {when} (QuickStatements would merge it)")
        opened, closed = found[-1]
        source_step = opened or closed
        docs = by_id[source_step.fact_id].docs if source_step else ()
        url = urls.get(docs[0]) if docs else None
        start = opened.date if opened else None
        end = closed.date if closed else None
        for s, o, sn, on in ((qa, qb, a, b), (qb, qa, b, a)):
            out.append(Statement(s, o, sn, on, start, end, url))
    return out


def _against(
    statements: list[Statement], existing: Existing, result: QuickStatementsResult
) -> list[Statement]:
    out = []
    for st in statements:
        claims = existing.get(st.subject, {}).get(st.object) if st.subject in existing else None
        if not claims:
            out.append(st)
            continue
        best: tuple[int, int, list[Disagreement], list[str]] | None = None
        for dates in claims:
            problems: list[Disagreement] = []
            missing: list[str] = []
            for prop, ours in ((P_START, st.start), (P_END, st.end)):
                if not ours:
                    continue
                theirs = dates.get(prop, [])
                if not theirs:
                    missing.append(prop)
                    continue
                verdicts = [(compare(ours, t), t) for t in theirs]
                if any(v == "agree" for v, _ in verdicts):
                    continue
                finer = [t for v, t in verdicts if v == "more precise here"]
                kind, t = ("more precise here", finer[0]) if finer else ("differs", theirs[0])
                problems.append(
                    Disagreement(
                        st.subject,
                        st.object,
                        st.subject_name,
                        st.object_name,
                        prop,
                        ours,
                        _format_time(t),
                        kind,
                    )
                )
            score = (
                sum(p.kind == "differs" for p in problems),
                len(problems) + len(missing),
                problems,
                missing,
            )
            if best is None or score[:2] < best[:2]:
                best = score
        assert best is not None
        differs, _, problems, missing = best
        result.disagreements.extend(problems)
        if differs:
            continue
        if missing:
            out.append(
                Statement(
                    st.subject,
                    st.object,
                    st.subject_name,
                    st.object_name,
                    st.start,
                    st.end,
                    st.url,
                    tuple(missing),
                )
            )
        else:
            result.present += 1
    return out


def quickstatements(
    kb: KnowledgeBase, *, against: str | os.PathLike[str] | None = None, wiki: str = DEFAULT_WIKI
) -> QuickStatementsResult:
    """The P530 statements of ``kb`` (only those missing from ``against``, when given)."""
    existing = load_claims(against) if against is not None else None
    snap = load_snapshot(kb)
    with read_connection(kb) as conn:
        urls = {
            doc_id: article_url(source, title, wiki)
            for doc_id, title, source in conn.execute(
                select(DocumentRow.doc_id, DocumentRow.title, DocumentRow.source)
            )
        }
    result = QuickStatementsResult()
    statements = _statements(snap, urls, result)
    result.statements = _against(statements, existing, result) if existing is not None else statements
    return result


def write_quickstatements(
    kb: KnowledgeBase,
    path: str | os.PathLike[str],
    *,
    against: str | os.PathLike[str] | None = None,
    wiki: str = DEFAULT_WIKI,
) -> tuple[QuickStatementsResult, Path | None]:
    """Write the commands to ``path``; with ``against``, the disagreements to ``<name>.disagreements.tsv``."""
    target = check_output(path)
    result = quickstatements(kb, against=against, wiki=wiki)
    report = sidecar(target, ".disagreements.tsv") if against is not None else None
    outputs = [target, report] if report is not None else [target]
    with atomic_outputs(*outputs) as temps:
        temps[0].write_text("".join(line + "\n" for line in result.lines), encoding="utf-8")
        if report is not None:
            header = "subject\tobject\tsubject_name\tobject_name\tproperty\tdyad\twikidata\tkind\n"
            rows = ["\t".join(str(v) for v in d.to_dict().values()) + "\n" for d in result.disagreements]
            temps[1].write_text(header + "".join(rows), encoding="utf-8")
    return result, report
