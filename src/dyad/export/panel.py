"""The dyad-year panel: one row per (directed or unordered) pair of states and year.

Each value follows a rule of :data:`dyad.export.codebook.VARIABLES`. The state variables are
read from the same derivations as ``KnowledgeBase.status(a, b, on=f"{year}-12-31")`` (the
functions of :mod:`dyad.kb.state`), fed from one in-memory read of the knowledge base instead of
several queries per cell, so a value of the panel and ``dyad status`` always agree.

>>> panel = build_panel(kb, start=2000, end=2020, codes="cow")
>>> panel.frame.head()
"""

from __future__ import annotations

import operator
import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from dyad.errors import InputError
from dyad.export.codebook import VARIABLES, codebook_markdown, column_names
from dyad.export.codes import Assignment, StateCodes, assign_codes, code_sort_key, code_system
from dyad.export.files import (
    atomic_outputs,
    check_output,
    command_line,
    sha256_file,
    sidecar,
    utc_now,
    write_json,
)
from dyad.export.snapshot import EntityInfo, Snapshot, load_snapshot
from dyad.kb import KnowledgeBase
from dyad.kb.state import (
    ENVOY_TYPES,
    MISSION_TYPES,
    RECOGNITION_TYPES,
    RELATION_TYPES,
    FactInfo,
    MissionState,
    RecognitionState,
    RelationsState,
    Tenure,
    TreatyState,
    envoy_tenures,
    mission_states,
    recognition_state,
    relations_state,
    treaty_states,
)
from dyad.kb.store import safe_url
from dyad.kb.views import StatusView

__all__ = [
    "PANEL_FORMATS",
    "Panel",
    "PanelResult",
    "build_panel",
    "status_from_facts",
    "status_values",
    "write_panel",
]

PANEL_FORMATS = ("csv", "parquet")
PAIR_TYPES = (*RECOGNITION_TYPES, *RELATION_TYPES, *ENVOY_TYPES, *MISSION_TYPES)
EMBASSY_KINDS = ("embassy", "chancery")
NA: Any = None


# --------------------------------------------------------------------------- the rules


def _directed_values(
    rec: RecognitionState,
    tenures: Sequence[Tenure],
    missions: Sequence[MissionState],
    relations: RelationsState,
    year: int,
) -> dict[str, Any]:
    """Variables of state 1 towards state 2 (see the codebook)."""
    recog = 1 if rec.recognises else 0 if rec.status == "withdrawn" else NA
    first = next((int(s.date[:4]) for s in rec.history if s.type == "recognition" and s.date), NA)
    since = year - int(rec.since[:4]) if rec.recognises and rec.since else NA
    if relations.status == "severed":
        rep = 0
    elif any(t.in_office for t in tenures):
        rep = 3
    elif any(m.status == "open" for m in missions):
        rep = 9
    elif tenures or any(m.status == "closed" for m in missions):
        rep = 0
    else:
        rep = NA
    embassies = [m for m in missions if m.kind in EMBASSY_KINDS]
    embassy = 1 if any(m.status == "open" for m in embassies) else 0 if embassies else NA
    return {
        "recog": recog,
        "recog_status": rec.status,
        "recog_first_year": first,
        "recog_years": since,
        "rep_level": rep,
        "embassy": embassy,
    }


def _symmetric_values(
    relations: RelationsState, treaties: Sequence[TreatyState], year: int
) -> dict[str, Any]:
    prefix = f"{year:04d}"
    return {
        "relations": 1 if relations.active else 0 if relations.status == "severed" else NA,
        "relations_status": relations.status,
        "treaties_signed": len(treaties),
        "treaties_in_force": sum(1 for t in treaties if t.in_force),
        "treaties_signed_year": sum(1 for t in treaties if t.signed and t.signed[:4] == prefix),
    }


def status_values(view: StatusView, year: int) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The panel's status variables for one pair and year, from ``kb.status(a, b, f"{year}-12-31")``.

    Returns (symmetric values, values of a towards b, values of b towards a); condemnations and
    ``covered`` are not part of a status and are left out.
    """
    a, b = view.a, view.b
    sym = _symmetric_values(view.relations, view.treaties, year)
    ab = _directed_values(
        view.recognition[0],
        view.envoys.get(f"{a}→{b}", []),
        [m for m in view.missions if m.owner == a and m.host == b],
        view.relations,
        year,
    )
    ba = _directed_values(
        view.recognition[1],
        view.envoys.get(f"{b}→{a}", []),
        [m for m in view.missions if m.owner == b and m.host == a],
        view.relations,
        year,
    )
    return sym, ab, ba


def status_from_facts(
    a: str,
    b: str,
    facts: Sequence[FactInfo],
    signed: Sequence[FactInfo],
    ratified: Sequence[FactInfo],
    day: date,
) -> StatusView:
    """What ``KnowledgeBase.status(a, b, day)`` returns, from facts already in memory.

    ``facts``: the facts of :data:`PAIR_TYPES` between ``a`` and ``b``; ``signed``: the treaties
    both are parties to; ``ratified``: ratifications by parties of those treaties.
    """
    envoys = {
        f"{a}→{b}": envoy_tenures(
            [f for f in facts if f.type in ENVOY_TYPES and f.actor == a and f.target == b], day
        ),
        f"{b}→{a}": envoy_tenures(
            [f for f in facts if f.type in ENVOY_TYPES and f.actor == b and f.target == a], day
        ),
    }
    missions = mission_states([f for f in facts if f.type in MISSION_TYPES and f.actor != f.target], day)
    return StatusView(
        a=a,
        b=b,
        on=day.isoformat(),
        recognition=(recognition_state(facts, a, b, day), recognition_state(facts, b, a, day)),
        relations=relations_state(facts, a, b, day),
        envoys=envoys,
        missions=missions,
        treaties=treaty_states(signed, ratified, day),
    )


# --------------------------------------------------------------------------- the panel


@dataclass(slots=True)
class Panel:
    """A panel as a DataFrame, with what it was built from."""

    frame: pd.DataFrame
    start: int
    end: int
    codes: str
    directed: bool
    states: list[str]
    assignments: dict[str, Assignment]
    kb_url: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PanelResult:
    """What :func:`write_panel` wrote."""

    path: Path
    codebook: Path
    metadata: Path
    rows: int
    states: int
    start: int
    end: int
    metadata_content: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "codebook": str(self.codebook),
            "metadata": str(self.metadata),
            "rows": self.rows,
            "states": self.states,
            "from": self.start,
            "to": self.end,
        }


def _gazetteer_states(kb: KnowledgeBase) -> list[Any]:
    gaz = kb.gazetteer
    states = getattr(gaz, "states", None) if gaz is not None else None
    return list(states()) if callable(states) else []


def _state_codes(entity: EntityInfo, gaz_entity: Any) -> StateCodes:
    return StateCodes(
        name=entity.name,
        cow=entity.cow,
        gw=entity.gw,
        iso3=entity.iso3,
        wikidata=entity.wikidata,
        status=entity.status,
        start=getattr(gaz_entity, "start", None),
        end=getattr(gaz_entity, "end", None),
    )


def _select_states(kb: KnowledgeBase, snap: Snapshot, names: Sequence[str] | None) -> list[EntityInfo]:
    if not names:
        return snap.states()
    chosen: dict[str, EntityInfo] = {}
    for i, raw in enumerate(names):
        ref = kb.resolve(raw)
        entity = snap.by_name.get(ref.name)
        if entity is None:  # known to the gazetteer, absent from the knowledge base
            gaz = kb.gazetteer.get(ref.name) if kb.gazetteer is not None else None
            entity = EntityInfo(
                -(i + 1),
                ref.name,
                str(getattr(gaz, "kind", "state") or "state"),
                getattr(gaz, "iso2", None),
                getattr(gaz, "iso3", None),
                getattr(gaz, "wikidata", None),
                getattr(gaz, "cow", None),
                getattr(gaz, "gw", None),
                getattr(gaz, "status", None),
                gaz is not None,
            )
        if entity.kind != "state":
            raise InputError(f"{ref.name} is an organisation, not a state", "give --states only states")
        chosen[entity.name] = entity
    return sorted(chosen.values(), key=lambda e: e.name)


def _year(value: Any, flag: str) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise InputError(
            f"{flag} must be a year, not {value!r}", f"write {flag} as YYYY, e.g. {flag} 2000"
        ) from None
    if not 1 <= year <= 9999:
        raise InputError(f"{flag} must be a year, not {value!r}", f"write {flag} as YYYY, e.g. {flag} 2000")
    return year


def _years(snap: Snapshot, start: Any, end: Any) -> tuple[int, int]:
    span = snap.years()
    if span is None:
        raise InputError(
            "the knowledge base holds no dated events, so a panel has no years",
            "run 'dyad ingest PATH...' first, or give --db for another knowledge base",
        )
    first, last = span
    lo = _year(start, "--from") if start is not None else first
    hi = _year(end, "--to") if end is not None else last
    if lo > hi:
        raise InputError(f"empty range: --from {lo} is after --to {hi}", "give --from a year before --to")
    limit = max(last, date.today().year)
    for flag, year in (("--from", lo), ("--to", hi)):
        if not first <= year <= limit:
            raise InputError(
                f"{flag} {year} is outside the data: the knowledge base's events run from {first} to {last}",
                f"give years from {first} to {limit}",
            )
    return lo, hi


def _index_facts(
    snap: Snapshot,
) -> tuple[
    dict[frozenset[int], list[FactInfo]],
    dict[frozenset[int], list[FactInfo]],
    dict[int, list[FactInfo]],
    dict[tuple[int, int, int], int],
    set[frozenset[int]],
]:
    """Facts grouped the way ``status`` selects them, plus condemnations and covered pairs."""
    pair_facts: dict[frozenset[int], list[FactInfo]] = defaultdict(list)
    signed: dict[frozenset[int], list[FactInfo]] = defaultdict(list)
    ratified_by: dict[int, list[FactInfo]] = defaultdict(list)
    condemned: dict[tuple[int, int, int], int] = defaultdict(int)
    covered: set[frozenset[int]] = set()
    for f in snap.facts:
        meta = snap.meta[f.id]
        involved = sorted({eid for eid, _ in meta.parties})
        for i, x in enumerate(involved):
            for y in involved[i + 1 :]:
                covered.add(frozenset((x, y)))
        actor, target = meta.actor_id, meta.target_id
        if f.type in PAIR_TYPES and actor is not None and target is not None and actor != target:
            pair_facts[frozenset((actor, target))].append(f)
        elif f.type == "treaty_signed":
            parties = sorted(snap.entity_ids(f.id, "party"))
            for i, x in enumerate(parties):
                for y in parties[i + 1 :]:
                    signed[frozenset((x, y))].append(f)
        elif f.type == "treaty_ratified" and actor is not None:
            ratified_by[actor].append(f)
        elif f.type == "condemnation" and actor is not None and target is not None and f.start is not None:
            condemned[(actor, target, f.start.year)] += 1
    return pair_facts, signed, ratified_by, condemned, covered


def build_panel(
    kb: KnowledgeBase,
    *,
    start: int | str | None = None,
    end: int | str | None = None,
    states: Sequence[str] | None = None,
    codes: str = "cow",
    directed: bool = True,
    snapshot: Snapshot | None = None,
) -> Panel:
    """The dyad-year panel of ``kb`` over ``start``..``end`` (default: the years of the data).

    ``states``: names of the states to include (default: every state in the knowledge base);
    ``codes``: ``cow``, ``gw``, ``iso`` or ``wikidata``; ``directed=False``: unordered pairs.
    Raises InputError for an unknown code system, an empty range or a year outside the data.
    """
    system = code_system(codes)
    snap = snapshot or load_snapshot(kb)
    lo, hi = _years(snap, start, end)
    chosen = _select_states(kb, snap, states)
    if len(chosen) < 2:
        raise InputError(
            f"a panel needs at least two states; {'--states gives' if states else 'the knowledge base has'} "
            f"{len(chosen)}",
            "give --states at least two states"
            if states
            else "ingest articles about relations between states",
        )
    gaz = kb.gazetteer
    state_codes = {e.name: _state_codes(e, gaz.get(e.name) if gaz is not None else None) for e in chosen}
    known = [
        StateCodes(
            str(g.name),
            getattr(g, "cow", None),
            getattr(g, "gw", None),
            getattr(g, "iso3", None),
            getattr(g, "wikidata", None),
            getattr(g, "status", None),
            getattr(g, "start", None),
            getattr(g, "end", None),
        )
        for g in _gazetteer_states(kb)
        if str(g.name) not in state_codes
    ]
    assignments = assign_codes(list(state_codes.values()), system.key, known=known, years=(lo, hi))
    order = sorted(chosen, key=lambda e: (code_sort_key(assignments[e.name].code), e.name))
    years_of = {
        e.name: range(max(lo, state_codes[e.name].start or lo), min(hi, state_codes[e.name].end or hi) + 1)
        for e in order
    }

    pair_facts, signed, ratified_by, condemned, covered = _index_facts(snap)
    empty_sym, empty_dir, _ = status_values(status_from_facts("1", "2", [], [], [], date(lo, 12, 31)), lo)

    def pair_values(
        a: EntityInfo, b: EntityInfo
    ) -> dict[int, tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
        key = frozenset((a.id, b.id))
        facts = pair_facts.get(key, [])
        treaties = signed.get(key, [])
        if not facts and not treaties:
            return {}
        parties = {eid for t in treaties for eid in snap.entity_ids(t.id, "party")}
        ratified = [r for p in sorted(parties) for r in ratified_by.get(p, [])]
        ratified = sorted({r.id: r for r in ratified}.values(), key=lambda r: r.id)
        out = {}
        previous: tuple[frozenset[int], tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] | None = None
        for year in range(lo, hi + 1):
            day = date(year, 12, 31)
            happened = frozenset(
                f.id for f in (*facts, *treaties, *ratified) if f.start is not None and f.start <= day
            )
            if previous is not None and previous[0] == happened:
                # Nothing happened during the year: the state is last year's, one year older.
                sym, ab, ba = previous[1]
                sym = {**sym, "treaties_signed_year": 0}
                ab = {**ab, "recog_years": _shift(ab["recog_years"])}
                ba = {**ba, "recog_years": _shift(ba["recog_years"])}
            else:
                sym, ab, ba = status_values(
                    status_from_facts(a.name, b.name, facts, treaties, ratified, day), year
                )
            previous = (happened, (sym, ab, ba))
            out[year] = (sym, ab, ba)
        return out

    columns = column_names(system.key, directed)
    tail = columns[3:]  # after the two codes and the year: names, covered, the variables
    pick = operator.itemgetter(*tail)
    cache: dict[frozenset[int], tuple[str, dict[int, Any]]] = {}

    def values_for(a: EntityInfo, b: EntityInfo) -> tuple[bool, dict[int, Any], bool]:
        key = frozenset((a.id, b.id))
        if key not in cache:
            cache[key] = (a.name, pair_values(a, b))
        first, values = cache[key]
        return key in covered, values, first != a.name

    def covered_row(
        a: EntityInfo, b: EntityInfo, year: int, values: dict[int, Any], swapped: bool
    ) -> tuple[Any, ...]:
        sym, ab, ba = values.get(year) or (empty_sym, empty_dir, empty_dir)
        if swapped:
            ab, ba = ba, ab
        cond_ab = condemned.get((a.id, b.id, year), 0)
        if directed:
            row = {"name1": a.name, "name2": b.name, "covered": 1, **sym, **ab, "condemnations": cond_ab}
        else:
            row = {"name1": a.name, "name2": b.name, "covered": 1, **sym}
            row.update({f"{name}_12": value for name, value in ab.items()})
            row.update({f"{name}_21": value for name, value in ba.items()})
            row["condemnations_12"], row["condemnations_21"] = cond_ab, condemned.get((b.id, a.id, year), 0)
        return pick(row)  # type: ignore[no-any-return]

    blank = (NA,) * (len(tail) - 3)
    code1: list[Any] = []
    code2: list[Any] = []
    year_column: list[int] = []
    rows: list[tuple[Any, ...]] = []
    pairs: Iterable[tuple[EntityInfo, EntityInfo]] = (
        ((a, b) for a in order for b in order if a.name != b.name)
        if directed
        else ((order[i], order[j]) for i in range(len(order)) for j in range(i + 1, len(order)))
    )
    for a, b in pairs:
        is_covered, values, swapped = values_for(a, b)
        years = range(
            max(years_of[a.name].start, years_of[b.name].start),
            min(years_of[a.name].stop, years_of[b.name].stop),
        )
        code1 += [assignments[a.name].code] * len(years)
        code2 += [assignments[b.name].code] * len(years)
        year_column += years
        if is_covered:
            rows += [covered_row(a, b, year, values, swapped) for year in years]
        else:  # nothing is known about the pair: every variable is missing
            rows += [(a.name, b.name, 0, *blank)] * len(years)
    data: dict[str, list[Any]] = {columns[0]: code1, columns[1]: code2, "year": year_column}
    transposed = list(zip(*rows, strict=True)) if rows else [() for _ in tail]
    del rows  # the columns hold the same values; free the rows before pandas copies them
    data.update(zip(tail, transposed, strict=True))  # type: ignore[arg-type]
    del transposed
    frame = _frame(data, columns, system.numeric)
    return Panel(frame, lo, hi, system.key, directed, [e.name for e in order], assignments, safe_url(kb.url))


def _shift(value: Any) -> Any:
    return value + 1 if value is not None else None


def _frame(data: dict[str, list[Any]], columns: list[str], numeric: bool) -> pd.DataFrame:
    dtypes: dict[str, str] = {
        columns[0]: "Int64" if numeric else "string",
        columns[1]: "Int64" if numeric else "string",
    }
    dtypes["year"] = "Int64"
    for v in VARIABLES:
        for suffix in ("", "_12", "_21"):
            dtypes[v.name + suffix] = v.dtype
    arrays = {}
    for c in columns:  # convert column by column, dropping each Python column once converted
        arrays[c] = pd.array(list(data.pop(c)), dtype=dtypes[c])
    return pd.DataFrame(arrays, columns=columns)


# --------------------------------------------------------------------------- writing


def panel_format(path: Path, fmt: str | None) -> str:
    """``csv`` or ``parquet``, from ``fmt`` or from the file name."""
    if fmt:
        value = fmt.strip().lower()
        if value not in PANEL_FORMATS:
            raise InputError(f"unknown panel format {fmt!r}", f"use one of {', '.join(PANEL_FORMATS)}")
        return value
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    raise InputError(
        f"cannot tell the format of {path.name!r} from its name", "give --format csv or --format parquet"
    )


def write_frame(frame: pd.DataFrame, path: str | os.PathLike[str], fmt: str) -> None:
    if fmt == "csv":
        frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    else:
        frame.to_parquet(path, index=False, engine="pyarrow")


def write_panel(
    kb: KnowledgeBase,
    path: str | os.PathLike[str],
    *,
    fmt: str | None = None,
    start: int | str | None = None,
    end: int | str | None = None,
    states: Sequence[str] | None = None,
    codes: str = "cow",
    directed: bool = True,
    command: str | None = None,
) -> PanelResult:
    """Write the panel to ``path`` (CSV or Parquet) with its codebook and metadata beside it.

    ``panel.csv`` comes with ``panel.codebook.md`` and ``panel.meta.json``; all three are written
    atomically (all or none).
    """
    from dyad import __version__
    from dyad.export.events import content_hash

    target = check_output(path)
    fmt = panel_format(target, fmt)
    system = code_system(codes)
    snap = load_snapshot(kb)
    panel = build_panel(
        kb, start=start, end=end, states=states, codes=system.key, directed=directed, snapshot=snap
    )
    if command is None:
        words = [
            "dyad",
            "export",
            "panel",
            "--from",
            str(panel.start),
            "--to",
            str(panel.end),
            "--codes",
            system.key,
        ]
        if not directed:
            words.append("--nondirected")
        if states:
            words += ["--states", ",".join(panel.states)]
        words += ["--format", fmt, "-o", str(target), "--db", safe_url(kb.url)]
        command = command_line(words)
    codebook_path, meta_path = sidecar(target, ".codebook.md"), sidecar(target, ".meta.json")
    info: dict[str, Any] = {
        "dyad_version": __version__,
        "created": utc_now(),
        "command": command,
        "kb_url": safe_url(kb.url),
        "kb_content_hash": content_hash(kb),
        "from": panel.start,
        "to": panel.end,
        "codes": system.key,
        "directed": directed,
        "states": len(panel.states),
        "rows": len(panel.frame),
        "columns": list(panel.frame.columns),
        "format": fmt,
        "file": target.name,
        "codebook": codebook_path.name,
    }
    with atomic_outputs(target, codebook_path, meta_path) as (tmp_data, tmp_codebook, tmp_meta):
        write_frame(panel.frame, tmp_data, fmt)
        info["sha256"] = sha256_file(tmp_data)
        info["code_assignments"] = [a.to_dict() for a in panel.assignments.values() if not a.own]
        tmp_codebook.write_text(
            codebook_markdown(
                codes=system.key, directed=directed, assignments=panel.assignments.values(), info=info
            ),
            encoding="utf-8",
        )
        write_json(tmp_meta, info)
    return PanelResult(
        target, codebook_path, meta_path, len(panel.frame), len(panel.states), panel.start, panel.end, info
    )
