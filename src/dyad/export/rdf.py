"""The knowledge base as linked data (RDF): Turtle or JSON-LD.

- States and organisations are Wikidata entities (``wd:Q159``); one without a Wikidata id gets an
  IRI under the base (``<base>entity/<name>``). Each has its label and codes.
- Each fused event is a resource ``<base>event/<event id>`` (the stable id of the exports) typed
  ``dv:Event`` and ``dv:<Type>`` (``dv:Recognition``, ``dv:RelationsEstablished``, ...), with its
  roles (``dv:actor``, ``dv:target``, ``dv:party``, ... pointing at entities; ``dv:person``,
  ``dv:title``, ``dv:kind``, ``dv:city`` as text), its date as a typed literal at its precision
  (``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear``) with ``dv:precision``, and whether its
  sources disagree on the date (``dv:conflict``).
- Provenance: ``prov:wasDerivedFrom`` the source documents (``<base>document/<doc id>``, with
  their title and source), and ``dv:evidence`` nodes holding the text that states the event, its
  document and its offsets. Every node has an IRI (no blank nodes), so files diff and merge cleanly.

The vocabulary ``dv:`` lives under the base (default ``urn:dyad:``, so ``urn:dyad:vocab/``);
give another base (``--base https://example.org/dyad/``) to publish under your own domain.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD
from sqlalchemy import select

from dyad.errors import InputError
from dyad.export.files import atomic_outputs, check_output
from dyad.export.snapshot import Snapshot, load_snapshot, read_connection
from dyad.kb import KnowledgeBase
from dyad.kb.fusion import ENTITY_ROLES
from dyad.kb.schema import ClaimRow, DocumentRow, EvidenceRow

__all__ = ["DEFAULT_BASE", "RDF_FORMATS", "WD", "RdfResult", "build_rdf", "vocabulary", "write_rdf"]

RDF_FORMATS = ("turtle", "json-ld")
DEFAULT_BASE = "urn:dyad:"
WD = Namespace("http://www.wikidata.org/entity/")
_DATATYPES = {"day": XSD.date, "month": XSD.gYearMonth, "year": XSD.gYear}
_ROLE_PROPERTY = {"parties": "party"}


@dataclass(frozen=True, slots=True)
class RdfResult:
    path: Path
    format: str
    events: int
    triples: int

    def to_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "format": self.format, "events": self.events, "triples": self.triples}


def vocabulary(base: str = DEFAULT_BASE) -> Namespace:
    return Namespace(base + "vocab/")


def _class_name(type_: str) -> str:
    return "".join(part.capitalize() for part in type_.split("_"))


def _check_base(base: str) -> str:
    if ":" not in base or any(c.isspace() for c in base) or not base.endswith(("/", ":", "#")):
        raise InputError(
            f"not a base IRI: {base!r}",
            "give an IRI ending in '/', ':' or '#', e.g. https://example.org/dyad/",
        )
    return base


def build_rdf(kb: KnowledgeBase, *, base: str = DEFAULT_BASE, snapshot: Snapshot | None = None) -> Graph:
    """Every fused event of ``kb`` as RDF (see the module docstring)."""
    base = _check_base(base)
    dv = vocabulary(base)
    snap = snapshot or load_snapshot(kb)
    graph = Graph()
    for prefix, ns in (("dv", dv), ("wd", WD), ("prov", PROV), ("dcterms", DCTERMS)):
        graph.bind(prefix, ns)

    def entity_iri(name: str) -> URIRef:
        entity = snap.by_name.get(name)
        if entity is not None and entity.wikidata:
            return WD[entity.wikidata]
        return URIRef(f"{base}entity/{quote(name, safe='')}")

    def doc_iri(doc_id: str) -> URIRef:
        return URIRef(f"{base}document/{quote(doc_id, safe='')}")

    for entity in snap.entities.values():
        node = entity_iri(entity.name)
        graph.add((node, RDF.type, dv.State if entity.kind == "state" else dv.Organization))
        graph.add((node, RDFS.label, Literal(entity.name, lang="en")))
        for key, prop in (("iso3", dv.iso3), ("cow", dv.cowCode), ("gw", dv.gwCode), ("status", dv.status)):
            value = getattr(entity, key)
            if value is not None:
                graph.add((node, prop, Literal(value)))

    with read_connection(kb) as conn:
        documents = conn.execute(
            select(DocumentRow.id, DocumentRow.doc_id, DocumentRow.title, DocumentRow.source)
        ).all()
        evidence: dict[int, list[Any]] = defaultdict(list)
        for row in conn.execute(
            select(
                ClaimRow.fact_id,
                DocumentRow.doc_id,
                EvidenceRow.text,
                EvidenceRow.start_offset,
                EvidenceRow.end_offset,
                EvidenceRow.section,
            )
            .join(ClaimRow, ClaimRow.id == EvidenceRow.claim_id)
            .join(DocumentRow, DocumentRow.id == EvidenceRow.document_id)
        ):
            if row.fact_id is not None:
                evidence[row.fact_id].append(row)
    for d in documents:
        node = doc_iri(d.doc_id)
        graph.add((node, RDF.type, dv.Document))
        graph.add((node, RDF.type, PROV.Entity))
        graph.add((node, DCTERMS.identifier, Literal(d.doc_id)))
        graph.add((node, DCTERMS.title, Literal(d.title)))
        graph.add((node, dv.source, Literal(d.source)))

    types = set()
    for fact in snap.facts:
        meta = snap.meta[fact.id]
        node = URIRef(f"{base}event/{meta.event_id}")
        cls = dv[_class_name(fact.type)]
        types.add((cls, fact.type))
        graph.add((node, RDF.type, dv.Event))
        graph.add((node, RDF.type, cls))
        graph.add((node, dv.eventType, Literal(fact.type)))
        for role, value in sorted(fact.roles.items()):
            prop = dv[_ROLE_PROPERTY.get(role, role)]
            values = value if isinstance(value, list) else [value]
            for v in values:
                if v in (None, ""):
                    continue
                obj = entity_iri(str(v)) if role in ENTITY_ROLES else Literal(str(v))
                graph.add((node, prop, obj))
        if fact.date:
            precision = meta.precision or "day"
            graph.add((node, dv.date, Literal(fact.date, datatype=_DATATYPES.get(precision, XSD.string))))
            graph.add((node, dv.precision, Literal(precision)))
            if fact.start and fact.end:
                graph.add((node, dv.dateStart, Literal(fact.start.isoformat(), datatype=XSD.date)))
                graph.add((node, dv.dateEnd, Literal(fact.end.isoformat(), datatype=XSD.date)))
        graph.add((node, dv.conflict, Literal(fact.conflict)))
        graph.add((node, dv.sources, Literal(fact.n_sources)))
        for doc_id in fact.docs:
            graph.add((node, PROV.wasDerivedFrom, doc_iri(doc_id)))
        for i, e in enumerate(sorted(evidence.get(fact.id, []), key=lambda e: (e.doc_id, e.start_offset)), 1):
            ev = URIRef(f"{node}/evidence/{i}")
            graph.add((node, dv.evidence, ev))
            graph.add((ev, RDF.type, dv.Evidence))
            graph.add((ev, dv.text, Literal(e.text)))
            graph.add((ev, dv.document, doc_iri(e.doc_id)))
            graph.add((ev, dv.start, Literal(e.start_offset)))
            graph.add((ev, dv.end, Literal(e.end_offset)))
            if e.section:
                graph.add((ev, dv.section, Literal(e.section)))
    for cls, type_ in sorted(types):
        graph.add((cls, RDFS.subClassOf, dv.Event))
        graph.add((cls, RDFS.label, Literal(type_)))
    return graph


def rdf_format(path: Path, fmt: str | None) -> str:
    if fmt:
        value = fmt.strip().lower().replace("jsonld", "json-ld").replace("ttl", "turtle")
        if value not in RDF_FORMATS:
            raise InputError(f"unknown RDF format {fmt!r}", f"use one of {', '.join(RDF_FORMATS)}")
        return value
    suffix = path.suffix.lower()
    if suffix in (".ttl", ".turtle"):
        return "turtle"
    if suffix in (".jsonld", ".json-ld", ".json"):
        return "json-ld"
    raise InputError(
        f"cannot tell the format of {path.name!r} from its name", "give --format turtle or json-ld"
    )


def write_rdf(
    kb: KnowledgeBase, path: str | os.PathLike[str], *, fmt: str | None = None, base: str = DEFAULT_BASE
) -> RdfResult:
    """Write the RDF of ``kb`` as Turtle or JSON-LD (atomically)."""
    target = check_output(path)
    fmt = rdf_format(target, fmt)
    snap = load_snapshot(kb)
    graph = build_rdf(kb, base=base, snapshot=snap)
    with atomic_outputs(target) as (tmp,):
        if fmt == "turtle":
            graph.serialize(destination=str(tmp), format="turtle", encoding="utf-8")
        else:
            context = {
                prefix: str(ns)
                for prefix, ns in graph.namespaces()
                if prefix in ("dv", "wd", "prov", "dcterms")
            }
            context.update({"rdfs": str(RDFS), "xsd": str(XSD)})
            graph.serialize(
                destination=str(tmp), format="json-ld", context=context, indent=2, encoding="utf-8"
            )
    return RdfResult(target, fmt, len(snap.facts), len(graph))
