"""The network of recognitions and diplomatic relations, for Gephi and other graph tools.

Nodes are the states of the knowledge base (with their names and codes); edges are of two
kinds: ``recognition`` (from the recognising state to the recognised one) and ``relations``
(diplomatic relations, symmetric, so one edge each way).

- As of a date (``on``): an edge for every recognition and every relationship in force that
  day, with the date it began (``since``), as ``dyad status`` and ``dyad recognitions`` see it.
- Dynamic (no ``on``): every period of every edge, with ``start`` and ``end`` dates (ISO days;
  an imprecise date stands for the first day of its period, the original text is kept in
  ``start_date``/``end_date``); an edge still in force has no ``end``. GEXF keeps the periods of
  one edge as spells, so Gephi can play the network through time; GraphML, which has no notion
  of time, gets one edge per period. Undated events cannot be placed in time and are left out.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx

from dyad.errors import InputError
from dyad.export.files import atomic_outputs, check_output
from dyad.export.snapshot import EntityInfo, Snapshot, load_snapshot
from dyad.kb import KnowledgeBase
from dyad.kb.dates import bounds, parse_on
from dyad.kb.state import (
    RECOGNITION_TYPES,
    RELATION_TYPES,
    FactInfo,
    Step,
    recognition_state,
    relations_state,
)

__all__ = ["GRAPH_FORMATS", "GraphResult", "build_graph", "periods", "write_graph"]

GRAPH_FORMATS = ("graphml", "gexf")


@dataclass(frozen=True, slots=True)
class GraphResult:
    path: Path
    format: str
    nodes: int
    edges: int
    on: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "format": self.format,
            "nodes": self.nodes,
            "edges": self.edges,
            "on": self.on,
        }


def _node_attrs(e: EntityInfo) -> dict[str, Any]:
    attrs: dict[str, Any] = {"label": e.name, "kind": e.kind}
    for key in ("wikidata", "iso3", "cow", "gw", "status"):
        value = getattr(e, key)
        if value is not None:
            attrs[key] = value
    return attrs


def _first_day(value: str | None) -> str | None:
    return bounds(value)[0].isoformat() if value else None


def periods(history: Iterable[Step], active: Iterable[str]) -> list[tuple[Step | None, Step | None]]:
    """(opening step, closing step) of every period in which the state is one of ``active``."""
    active = set(active)
    out: list[tuple[Step | None, Step | None]] = []
    opened: Step | None = None
    is_open = False
    for step in history:
        if step.state in active and not is_open:
            opened, is_open = step, True
        elif step.state not in active and is_open:
            out.append((opened, step))
            opened, is_open = None, False
        elif step.state not in active and not is_open and not out and opened is None:
            out.append((None, step))  # ended before anything known began it (severed "from none")
    if is_open:
        out.append((opened, None))
    return out


def _pairs(
    snap: Snapshot,
) -> tuple[dict[tuple[str, str], list[FactInfo]], dict[frozenset[str], list[FactInfo]]]:
    recognitions: dict[tuple[str, str], list[FactInfo]] = defaultdict(list)
    relations: dict[frozenset[str], list[FactInfo]] = defaultdict(list)
    for f in snap.facts:
        if not f.actor or not f.target or f.actor == f.target:
            continue
        if f.type in RECOGNITION_TYPES:
            recognitions[(f.actor, f.target)].append(f)
        elif f.type in RELATION_TYPES:
            relations[frozenset((f.actor, f.target))].append(f)
    return recognitions, relations


def _is_state(snap: Snapshot, name: str) -> bool:
    entity = snap.by_name.get(name)
    return entity is not None and entity.kind == "state"


def build_graph(
    kb: KnowledgeBase, *, on: str | date | None = None, snapshot: Snapshot | None = None
) -> nx.MultiDiGraph:
    """The graph as of ``on`` (a date), or dynamic when ``on`` is None (see the module docstring).

    Edges are keyed ``recognition`` and ``relations`` (dynamic GraphML: one key per period).
    """
    snap = snapshot or load_snapshot(kb, docs=False)
    day = parse_on(on) if on is not None else None
    graph = nx.MultiDiGraph(name="dyad: recognitions and diplomatic relations")
    graph.graph["mode"] = "static" if day is not None else "dynamic"
    if day is not None:
        graph.graph["on"] = day.isoformat()
    for e in snap.states():
        graph.add_node(e.name, **_node_attrs(e))
    recognitions, relations = _pairs(snap)
    for (a, b), facts in sorted(recognitions.items()):
        if not (_is_state(snap, a) and _is_state(snap, b)):
            continue
        if day is not None:
            state = recognition_state(facts, a, b, day)
            if state.recognises:
                graph.add_edge(a, b, key="recognition", **_static("recognition", state.status, state.since))
        else:
            dated = [f for f in facts if f.start is not None]
            history = recognition_state(dated, a, b).history
            _add_periods(graph, a, b, "recognition", periods(history, ("recognised", "re-recognised")))
    for pair, facts in sorted(relations.items(), key=lambda kv: sorted(kv[0])):
        a, b = sorted(pair)
        if not (_is_state(snap, a) and _is_state(snap, b)):
            continue
        if day is not None:
            rel = relations_state(facts, a, b, day)
            if rel.active:
                for x, y in ((a, b), (b, a)):
                    graph.add_edge(x, y, key="relations", **_static("relations", rel.status, rel.since))
        else:
            dated = [f for f in facts if f.start is not None]
            found = periods(relations_state(dated, a, b).history, ("established", "restored"))
            for x, y in ((a, b), (b, a)):
                _add_periods(graph, x, y, "relations", found)
    return graph


def _static(kind: str, status: str, since: str | None) -> dict[str, Any]:
    attrs = {"kind": kind, "label": kind, "status": status}
    if since:
        attrs["since"] = since
    return attrs


def _add_periods(
    graph: nx.MultiDiGraph, a: str, b: str, kind: str, found: list[tuple[Step | None, Step | None]]
) -> None:
    spells = []
    for opened, closed in found:
        spells.append(
            (
                _first_day(opened.date) if opened else None,
                _first_day(closed.date) if closed else None,
                opened.date if opened else None,
                closed.date if closed else None,
            )
        )
    if spells:
        graph.add_edge(a, b, key=kind, kind=kind, label=kind, periods=spells)


def _for_gexf(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    out = nx.MultiDiGraph(**graph.graph)
    out.add_nodes_from(graph.nodes(data=True))
    for a, b, key, data in graph.edges(keys=True, data=True):
        attrs = {k: v for k, v in data.items() if k != "periods"}
        found = data.get("periods")
        if found:
            if len(found) == 1:
                start, end, start_text, end_text = found[0]
                attrs.update({k: v for k, v in (("start", start), ("end", end)) if v is not None})
                attrs.update({k: v for k, v in (("start_date", start_text), ("end_date", end_text)) if v})
            else:
                attrs["spells"] = [(s, e) for s, e, _, _ in found]
                attrs["periods"] = len(found)
        out.add_edge(a, b, key=key, **attrs)
    return out


def _for_graphml(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    out = nx.MultiDiGraph(**graph.graph)
    out.add_nodes_from(graph.nodes(data=True))
    for a, b, key, data in graph.edges(keys=True, data=True):
        attrs = {k: v for k, v in data.items() if k != "periods"}
        found = data.get("periods")
        if not found:
            out.add_edge(a, b, key=key, **attrs)
            continue
        for i, (start, end, start_text, end_text) in enumerate(found):
            period = dict(attrs)
            for name, value in (
                ("start", start),
                ("end", end),
                ("start_date", start_text),
                ("end_date", end_text),
            ):
                if value is not None:
                    period[name] = value
            out.add_edge(a, b, key=key if len(found) == 1 else f"{key}-{i + 1}", **period)
    return out


def graph_format(path: Path, fmt: str | None) -> str:
    if fmt:
        value = fmt.strip().lower()
        if value not in GRAPH_FORMATS:
            raise InputError(f"unknown graph format {fmt!r}", f"use one of {', '.join(GRAPH_FORMATS)}")
        return value
    suffix = path.suffix.lower().lstrip(".")
    if suffix in GRAPH_FORMATS:
        return suffix
    raise InputError(
        f"cannot tell the format of {path.name!r} from its name", "give --format graphml or gexf"
    )


def write_graph(
    kb: KnowledgeBase, path: str | os.PathLike[str], *, fmt: str | None = None, on: str | date | None = None
) -> GraphResult:
    """Write the graph (GraphML or GEXF, atomically); ``on``: as of that date, else dynamic."""
    target = check_output(path)
    fmt = graph_format(target, fmt)
    graph = build_graph(kb, on=on)
    ready = _for_gexf(graph) if fmt == "gexf" else _for_graphml(graph)
    with atomic_outputs(target) as (tmp,):
        if fmt == "gexf":
            nx.write_gexf(ready, tmp)
        else:
            nx.write_graphml(ready, tmp)
    return GraphResult(target, fmt, ready.number_of_nodes(), ready.number_of_edges(), graph.graph.get("on"))
