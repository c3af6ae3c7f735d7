"""communications: the catalog of imported call-record datasets

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 15:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cdr_dataset",
        sa.Column("id", sa.String(length=20), nullable=False),
        sa.Column("exhibit_id", sa.String(length=20), nullable=False),
        sa.Column("authority_id", sa.String(length=20), nullable=True),
        sa.Column("operator", sa.String(length=64), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("rows", sa.BigInteger(), nullable=False),
        sa.Column("rejected", sa.BigInteger(), nullable=False),
        sa.Column("out_of_scope", sa.BigInteger(), nullable=False),
        sa.Column("numbers", sa.Integer(), nullable=False),
        sa.Column("first_call", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_call", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rejects_file", sa.String(length=300), nullable=True),
        sa.Column("compartment", sa.String(length=32), nullable=True),
        sa.Column("imported_by", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["compartment"], ["compartment.code"], name=op.f("fk_cdr_dataset_compartment_compartment")
        ),
        sa.ForeignKeyConstraint(
            ["exhibit_id"], ["exhibit.id"], name=op.f("fk_cdr_dataset_exhibit_id_exhibit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cdr_dataset")),
        sa.UniqueConstraint("exhibit_id", name=op.f("uq_cdr_dataset_exhibit_id")),
    )
    with op.batch_alter_table("cdr_dataset", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cdr_dataset_authority_id"), ["authority_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cdr_dataset_compartment"), ["compartment"], unique=False)
    _create_attribution_and_corroboration()


def _create_attribution_and_corroboration() -> None:
    op.create_table(
        "attribution_judgement",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("decision", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("claim_id", sa.String(length=24), nullable=True),
        sa.Column("compartment", sa.String(length=32), nullable=True),
        sa.Column("judged_by", sa.String(length=64), nullable=False),
        sa.Column("judged_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["compartment"], ["compartment.code"],
            name=op.f("fk_attribution_judgement_compartment_compartment"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["entity.id"], name=op.f("fk_attribution_judgement_person_id_entity")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attribution_judgement")),
    )
    with op.batch_alter_table("attribution_judgement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attribution_judgement_compartment"), ["compartment"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_attribution_judgement_number"), ["number"], unique=False)
        batch_op.create_index(batch_op.f("ix_attribution_judgement_person_id"), ["person_id"], unique=False)
    op.create_table(
        "recording_corroboration",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("exhibit_id", sa.String(length=20), nullable=False),
        sa.Column("caller", sa.String(length=40), nullable=False),
        sa.Column("callee", sa.String(length=40), nullable=False),
        sa.Column("claimed_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_duration_s", sa.Integer(), nullable=False),
        sa.Column("tolerance_s", sa.Integer(), nullable=False),
        sa.Column("duration_tolerance_s", sa.Integer(), nullable=False),
        sa.Column("duration_tolerance_pct", sa.Integer(), nullable=False),
        sa.Column("result", sa.String(length=12), nullable=False),
        sa.Column("matches", sa.JSON(), nullable=False),
        sa.Column("datasets", sa.JSON(), nullable=False),
        sa.Column("verification_id", sa.Integer(), nullable=True),
        sa.Column("compartment", sa.String(length=32), nullable=True),
        sa.Column("checked_by", sa.String(length=64), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["compartment"], ["compartment.code"],
            name=op.f("fk_recording_corroboration_compartment_compartment"),
        ),
        sa.ForeignKeyConstraint(
            ["exhibit_id"], ["exhibit.id"], name=op.f("fk_recording_corroboration_exhibit_id_exhibit")
        ),
        sa.ForeignKeyConstraint(
            ["verification_id"], ["verification.id"],
            name=op.f("fk_recording_corroboration_verification_id_verification"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recording_corroboration")),
    )
    with op.batch_alter_table("recording_corroboration", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recording_corroboration_compartment"), ["compartment"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_recording_corroboration_exhibit_id"), ["exhibit_id"], unique=False
        )


def _drop_attribution_and_corroboration() -> None:
    with op.batch_alter_table("recording_corroboration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recording_corroboration_exhibit_id"))
        batch_op.drop_index(batch_op.f("ix_recording_corroboration_compartment"))
    op.drop_table("recording_corroboration")
    with op.batch_alter_table("attribution_judgement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attribution_judgement_person_id"))
        batch_op.drop_index(batch_op.f("ix_attribution_judgement_number"))
        batch_op.drop_index(batch_op.f("ix_attribution_judgement_compartment"))
    op.drop_table("attribution_judgement")


def downgrade() -> None:
    _drop_attribution_and_corroboration()
    with op.batch_alter_table("cdr_dataset", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cdr_dataset_compartment"))
        batch_op.drop_index(batch_op.f("ix_cdr_dataset_authority_id"))
    op.drop_table("cdr_dataset")
