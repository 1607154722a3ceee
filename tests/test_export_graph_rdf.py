"""Networks (GraphML, GEXF) and linked data (Turtle, JSON-LD): what they hold, and that they parse."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph, Literal
from rdflib import namespace as ns

from dyad.errors import InputError
from dyad.export import build_graph, write_graph, write_rdf
from dyad.export.rdf import WD, vocabulary
from dyad.export.testing import synthetic_kb
from dyad.kb import KnowledgeBase, open_kb
from dyad.kb.testing import FakeGazetteer, doc, ev


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    path = tmp_path_factory.mktemp("graph") / "kb.db"
    return synthetic_kb(f"sqlite:///{path}", docs=8, per_doc=50, seed=5, focus=6)


@pytest.fixture()
def small(tmp_path: Path) -> KnowledgeBase:
    kb = open_kb(f"sqlite:///{tmp_path / 'small.db'}", gazetteer=FakeGazetteer())
    kb.store_document(
        doc("a"),
        [
            ev(
                "recognition",
                "2008-08-26",
                "a",
                "Russia recognised Abkhazia.",
                actor="Russia",
                target="Abkhazia",
            ),
            ev(
                "recognition",
                "2009-12",
                "a",
                "Nauru recognised Abkhazia.",
                start=40,
                actor="Nauru",
                target="Abkhazia",
            ),
            ev("recognition_withdrawn", "2011", "a", start=80, actor="Nauru", target="Abkhazia"),
            ev("recognition", "2013-05-01", "a", start=120, actor="Nauru", target="Abkhazia"),
            ev("relations_established", "2008-09-09", "a", start=160, parties=["Russia", "Abkhazia"]),
            ev("relations_severed", "2008-08-29", "a", start=200, actor="Georgia", target="Russia"),
        ],
    )
    return kb


@pytest.mark.parametrize("day", ["1995-06-30", "2005", "2020-12-31"])
def test_graph_as_of_a_date_agrees_with_the_queries(kb: KnowledgeBase, day: str) -> None:
    graph = build_graph(kb, on=day)
    recognitions = {(a, b) for a, b, k in graph.edges(keys=True) if k == "recognition"}
    expected = {(s.actor, name) for name in graph.nodes for s in kb.recognitions(name, on=day)}
    assert recognitions == expected
    relations = {(a, b) for a, b, k in graph.edges(keys=True) if k == "relations"}
    for a, b in relations:
        assert kb.status(a, b, on=day).relations.active and (b, a) in relations


def test_dynamic_graph_periods(small: KnowledgeBase, tmp_path: Path) -> None:
    out = tmp_path / "net.gexf"
    result = write_graph(small, out)
    assert result.on is None
    back = nx.read_gexf(out)
    text = out.read_text()
    assert 'mode="dynamic"' in text and 'timeformat="date"' in text
    nauru = [d for a, b, d in back.edges(data=True) if (a, b) == ("Nauru", "Abkhazia")]
    # (networkx reads a spell without an end back as the string "None"; the file has no end)
    assert nauru[0]["spells"] == [("2009-12-01", "2011-01-01"), ("2013-05-01", "None")]
    assert '<spell start="2009-12-01" end="2011-01-01" />' in text and '<spell start="2013-05-01" />' in text
    russia = [d for a, b, d in back.edges(data=True) if (a, b) == ("Russia", "Abkhazia")]
    assert {d["kind"]: d.get("start") for d in russia} == {
        "recognition": "2008-08-26",
        "relations": "2008-09-09",
    }
    graphml = tmp_path / "net.graphml"
    write_graph(small, graphml)
    g = nx.read_graphml(graphml)
    periods = sorted(
        (d["start"], d.get("end")) for a, b, d in g.edges(data=True) if (a, b) == ("Nauru", "Abkhazia")
    )
    assert periods == [("2009-12-01", "2011-01-01"), ("2013-05-01", None)]
    severed = [d for a, b, d in g.edges(data=True) if {a, b} == {"Georgia", "Russia"}]
    assert all(
        "start" not in d and d["end"] == "2008-08-29" for d in severed
    )  # ended; the beginning is unknown


def test_static_files_parse(small: KnowledgeBase, tmp_path: Path) -> None:
    for name in ("on.graphml", "on.gexf"):
        result = write_graph(small, tmp_path / name, on="2012")
        back = nx.read_graphml(tmp_path / name) if name.endswith("graphml") else nx.read_gexf(tmp_path / name)
        assert result.on == "2012-12-31"
        edges = {(a, b) for a, b in back.edges()}
        assert ("Russia", "Abkhazia") in edges and ("Nauru", "Abkhazia") not in edges  # withdrawn in 2011
        assert back.nodes["Russia"]["wikidata"] == "Q159"
    with pytest.raises(InputError, match="cannot tell the format"):
        write_graph(small, tmp_path / "net.dot")


@pytest.mark.parametrize("name", ["kb.ttl", "kb.jsonld"])
def test_rdf_parses_back_and_counts_events(kb: KnowledgeBase, tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    result = write_rdf(kb, out)
    graph = Graph()
    graph.parse(out, format="turtle" if name.endswith("ttl") else "json-ld")
    dv = vocabulary()
    events = set(graph.subjects(ns.RDF.type, dv.Event))
    assert len(events) == result.events == kb.counts()["facts"]
    assert len(graph) == result.triples
    for event in list(events)[:50]:
        assert graph.value(event, dv.eventType) is not None
        assert graph.value(event, dv.evidence) is not None
        date = graph.value(event, dv.date)
        if date is not None:
            assert isinstance(date, Literal) and date.datatype in (
                ns.XSD.date,
                ns.XSD.gYearMonth,
                ns.XSD.gYear,
            )
            assert graph.value(event, dv.precision) is not None


def test_rdf_event_has_roles_and_provenance(small: KnowledgeBase, tmp_path: Path) -> None:
    out = tmp_path / "small.ttl"
    write_rdf(small, out, base="https://example.org/dyad/")
    graph = Graph().parse(out, format="turtle")
    dv = vocabulary("https://example.org/dyad/")
    (event,) = [e for e in graph.subjects(dv.actor, WD.Q159) if (e, ns.RDF.type, dv.Recognition) in graph]
    assert (event, dv.target, WD.Q23334) in graph  # Abkhazia is a Wikidata entity
    assert graph.value(event, dv.date) == Literal("2008-08-26", datatype=ns.XSD.date)
    evidence = graph.value(event, dv.evidence)
    assert evidence is not None
    assert str(graph.value(evidence, dv.text)) == "Russia recognised Abkhazia."
    assert str(graph.value(evidence, dv.start)) == "0"
    assert str(graph.value(evidence, dv.document)) == "https://example.org/dyad/document/a"
    with pytest.raises(InputError, match="base IRI"):
        write_rdf(small, tmp_path / "x.ttl", base="not an iri")
