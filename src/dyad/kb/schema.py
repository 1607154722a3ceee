"""The tables of the knowledge base (SQLAlchemy 2 models; Alembic migrations create them).

- ``documents``: one row per ingested article (title, source, format, content hash, when).
- ``entities`` / ``entity_aliases``: states and organisations with their ids (ISO 3166,
  Wikidata, COW) and every name they answer to, folded for lookup.
- ``claims``: an event as one document tells it (type, roles, date); replaced with its document.
- ``evidence``: the text that states a claim, with offsets and section.
- ``facts``: the fused event: claims of several documents with the same identity are one fact,
  with the chosen date (``date``/``precision``/``date_start``/``date_end``), ``n_sources`` and a
  ``conflict`` flag when the sources disagree on the date. ``actor_id``/``target_id`` hold the two
  states of a directed (or two-party) fact, for the as-of indexes.
- ``fact_parties``: every state or organisation a fact involves, with its role.

Keep this module and ``migrations/versions`` in step: ``tests/test_kb_store.py`` checks that the
migrated database matches these models.
"""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "ALL_TABLES",
    "AliasRow",
    "Base",
    "ClaimRow",
    "DocumentRow",
    "EntityRow",
    "EvidenceRow",
    "FactPartyRow",
    "FactRow",
]

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON}


class DocumentRow(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(255), unique=True)
    title: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(20))
    content_hash: Mapped[str] = mapped_column(String(64))
    events_hash: Mapped[str] = mapped_column(String(64))
    extractor: Mapped[str] = mapped_column(String(200))
    n_events: Mapped[int] = mapped_column(Integer)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EntityRow(Base):
    __tablename__ = "entities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    iso2: Mapped[str | None] = mapped_column(String(2))
    iso3: Mapped[str | None] = mapped_column(String(3))
    wikidata: Mapped[str | None] = mapped_column(String(20))
    cow: Mapped[int | None] = mapped_column(Integer)
    cow_abbr: Mapped[str | None] = mapped_column(String(10))
    gw: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str | None] = mapped_column(String(40))
    capital: Mapped[str | None] = mapped_column(String(255))
    known: Mapped[bool] = mapped_column(Boolean)  # found in the gazetteer


class AliasRow(Base):
    __tablename__ = "entity_aliases"
    __table_args__ = (UniqueConstraint("entity_id", "norm"), Index(None, "norm"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(255))
    norm: Mapped[str] = mapped_column(String(255))


class FactRow(Base):
    __tablename__ = "facts"
    __table_args__ = (
        Index("ix_facts_type_actor_target_start", "type", "actor_id", "target_id", "date_start"),
        # covering for `recognitions X --on D` (read from the index alone)
        Index(
            "ix_facts_type_target_start", "type", "target_id", "date_start", "actor_id", "date", "date_end"
        ),
        Index(None, "group_key"),
        Index(None, "conflict"),
        # covering, and only over ratifications: the treaties of a pair read every ratification
        # by its two states
        Index(
            "ix_facts_ratifications",
            "actor_id",
            "date_start",
            "date_end",
            "date",
            "title",
            sqlite_where=text("type = 'treaty_ratified'"),
            postgresql_where=text("type = 'treaty_ratified'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_key: Mapped[str] = mapped_column(String(40))
    type: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"))
    target_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"))
    person: Mapped[str | None] = mapped_column(String(255))
    person_key: Mapped[str | None] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(Text)
    title_key: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(40))
    city: Mapped[str | None] = mapped_column(String(255))
    roles: Mapped[dict[str, Any]] = mapped_column(JSON)
    date: Mapped[str | None] = mapped_column(String(10))
    precision: Mapped[str | None] = mapped_column(String(5))
    date_start: Mapped[dt.date | None] = mapped_column(Date)
    date_end: Mapped[dt.date | None] = mapped_column(Date)
    n_sources: Mapped[int] = mapped_column(Integer)
    n_claims: Mapped[int] = mapped_column(Integer)
    conflict: Mapped[bool] = mapped_column(Boolean)


class FactPartyRow(Base):
    __tablename__ = "fact_parties"
    __table_args__ = (Index(None, "entity_id", "role", "fact_id"),)

    fact_id: Mapped[int] = mapped_column(ForeignKey("facts.id", ondelete="CASCADE"), primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class ClaimRow(Base):
    __tablename__ = "claims"
    __table_args__ = (Index(None, "document_id"), Index(None, "fact_id"), Index(None, "group_key"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    fact_id: Mapped[int | None] = mapped_column(ForeignKey("facts.id", ondelete="SET NULL"))
    group_key: Mapped[str] = mapped_column(String(40))
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(40))
    roles: Mapped[dict[str, Any]] = mapped_column(JSON)
    date: Mapped[str | None] = mapped_column(String(10))
    precision: Mapped[str | None] = mapped_column(String(5))
    date_start: Mapped[dt.date | None] = mapped_column(Date)
    date_end: Mapped[dt.date | None] = mapped_column(Date)
    extractor: Mapped[str] = mapped_column(String(100))
    confidence: Mapped[float] = mapped_column(Float)


class EvidenceRow(Base):
    __tablename__ = "evidence"
    __table_args__ = (Index(None, "claim_id"), Index(None, "document_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    start_offset: Mapped[int] = mapped_column(Integer)
    end_offset: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(Text)
    block_kind: Mapped[str] = mapped_column(String(20))


# Children first: the order to empty or drop them in.
ALL_TABLES = ("evidence", "claims", "fact_parties", "facts", "entity_aliases", "entities", "documents")
