"""The first knowledge-base schema: documents, entities, claims, evidence, facts.

Revision ID: 0001
Revises:
Create Date: 2025-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("doc_id", sa.String(255), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("format", sa.String(20), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("events_hash", sa.String(64), nullable=False),
        sa.Column("extractor", sa.String(200), nullable=False),
        sa.Column("n_events", sa.Integer(), nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_documents"),
        sa.UniqueConstraint("doc_id", name="uq_documents_doc_id"),
    )
    op.create_table(
        "entities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("iso2", sa.String(2), nullable=True),
        sa.Column("iso3", sa.String(3), nullable=True),
        sa.Column("wikidata", sa.String(20), nullable=True),
        sa.Column("cow", sa.Integer(), nullable=True),
        sa.Column("cow_abbr", sa.String(10), nullable=True),
        sa.Column("gw", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(40), nullable=True),
        sa.Column("capital", sa.String(255), nullable=True),
        sa.Column("known", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_entities"),
        sa.UniqueConstraint("name", name="uq_entities_name"),
    )
    op.create_table(
        "entity_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(255), nullable=False),
        sa.Column("norm", sa.String(255), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["entities.id"], name="fk_entity_aliases_entity_id_entities", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_entity_aliases"),
        sa.UniqueConstraint("entity_id", "norm", name="uq_entity_aliases_entity_id_norm"),
    )
    op.create_index("ix_entity_aliases_norm", "entity_aliases", ["norm"])
    op.create_table(
        "facts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_key", sa.String(40), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("person", sa.String(255), nullable=True),
        sa.Column("person_key", sa.String(255), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("title_key", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(40), nullable=True),
        sa.Column("city", sa.String(255), nullable=True),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("date", sa.String(10), nullable=True),
        sa.Column("precision", sa.String(5), nullable=True),
        sa.Column("date_start", sa.Date(), nullable=True),
        sa.Column("date_end", sa.Date(), nullable=True),
        sa.Column("n_sources", sa.Integer(), nullable=False),
        sa.Column("n_claims", sa.Integer(), nullable=False),
        sa.Column("conflict", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["entities.id"], name="fk_facts_actor_id_entities"),
        sa.ForeignKeyConstraint(["target_id"], ["entities.id"], name="fk_facts_target_id_entities"),
        sa.PrimaryKeyConstraint("id", name="pk_facts"),
    )
    op.create_index(
        "ix_facts_type_actor_target_start", "facts", ["type", "actor_id", "target_id", "date_start"]
    )
    op.create_index(
        "ix_facts_type_target_start",
        "facts",
        ["type", "target_id", "date_start", "actor_id", "date", "date_end"],
    )
    op.create_index("ix_facts_group_key", "facts", ["group_key"])
    op.create_index(
        "ix_facts_ratifications",
        "facts",
        ["actor_id", "date_start", "date_end", "date", "title"],
        sqlite_where=sa.text("type = 'treaty_ratified'"),
        postgresql_where=sa.text("type = 'treaty_ratified'"),
    )
    op.create_index("ix_facts_conflict", "facts", ["conflict"])
    op.create_table(
        "fact_parties",
        sa.Column("fact_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.ForeignKeyConstraint(
            ["fact_id"], ["facts.id"], name="fk_fact_parties_fact_id_facts", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["entity_id"], ["entities.id"], name="fk_fact_parties_entity_id_entities"),
        sa.PrimaryKeyConstraint("fact_id", "entity_id", "role", name="pk_fact_parties"),
    )
    op.create_index(
        "ix_fact_parties_entity_id_role_fact_id", "fact_parties", ["entity_id", "role", "fact_id"]
    )
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("fact_id", sa.Integer(), nullable=True),
        sa.Column("group_key", sa.String(40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("date", sa.String(10), nullable=True),
        sa.Column("precision", sa.String(5), nullable=True),
        sa.Column("date_start", sa.Date(), nullable=True),
        sa.Column("date_end", sa.Date(), nullable=True),
        sa.Column("extractor", sa.String(100), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name="fk_claims_document_id_documents", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["fact_id"], ["facts.id"], name="fk_claims_fact_id_facts", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_claims"),
    )
    op.create_index("ix_claims_document_id", "claims", ["document_id"])
    op.create_index("ix_claims_fact_id", "claims", ["fact_id"])
    op.create_index("ix_claims_group_key", "claims", ["group_key"])
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("start_offset", sa.Integer(), nullable=False),
        sa.Column("end_offset", sa.Integer(), nullable=False),
        sa.Column("section", sa.Text(), nullable=False),
        sa.Column("block_kind", sa.String(20), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name="fk_evidence_claim_id_claims", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name="fk_evidence_document_id_documents", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_evidence"),
    )
    op.create_index("ix_evidence_claim_id", "evidence", ["claim_id"])
    op.create_index("ix_evidence_document_id", "evidence", ["document_id"])


def downgrade() -> None:
    for table in ("evidence", "claims", "fact_parties", "facts", "entity_aliases", "entities", "documents"):
        op.drop_table(table)
