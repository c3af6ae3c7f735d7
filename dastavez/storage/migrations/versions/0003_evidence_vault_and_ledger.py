"""evidence vault (files, custody, verification, legal authority) and the Merkle ledger

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-28 05:06:58.224237
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_checkpoint",
        sa.Column("size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root", sa.LargeBinary(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("size", name=op.f("pk_ledger_checkpoint")),
    )
    op.create_table(
        "ledger_entry",
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("idx", name=op.f("pk_ledger_entry")),
    )
    op.create_table(
        "ledger_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("checkpoint_size", sa.BigInteger(), nullable=False),
        sa.Column("checkpoint_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_head")),
    )
    op.create_table(
        "ledger_node",
        sa.Column("level", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("level", "idx", name=op.f("pk_ledger_node")),
    )
    op.create_table(
        "custody_event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("exhibit_id", sa.String(length=20), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("from_holder", sa.String(length=200), nullable=True),
        sa.Column("to_holder", sa.String(length=200), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("purpose", sa.String(length=500), nullable=True),
        sa.Column("seal_number", sa.String(length=100), nullable=True),
        sa.Column("hash_checked", sa.Boolean(), nullable=False),
        sa.Column("hash_result", sa.String(length=8), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["exhibit_id"], ["exhibit.id"], name=op.f("fk_custody_event_exhibit_id_exhibit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_event")),
        sa.UniqueConstraint("exhibit_id", "seq", name=op.f("uq_custody_event_exhibit_id_seq")),
    )
    op.create_table(
        "exhibit_target",
        sa.Column("exhibit_id", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["exhibit_id"], ["exhibit.id"], name=op.f("fk_exhibit_target_exhibit_id_exhibit")
        ),
        sa.PrimaryKeyConstraint("exhibit_id", "kind", "value", name=op.f("pk_exhibit_target")),
    )
    op.create_table(
        "legal_authority",
        sa.Column("id", sa.String(length=20), nullable=False),
        sa.Column("basis", sa.String(length=300), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("issued_by", sa.String(length=300), nullable=False),
        sa.Column("applicant", sa.String(length=200), nullable=True),
        sa.Column("authorising_officer", sa.String(length=200), nullable=True),
        sa.Column("issued_on", sa.String(length=10), nullable=True),
        sa.Column("valid_from", sa.String(length=10), nullable=False),
        sa.Column("valid_to", sa.String(length=10), nullable=False),
        sa.Column("data_classes", sa.JSON(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("retention_until", sa.String(length=10), nullable=True),
        sa.Column("document_exhibit_id", sa.String(length=20), nullable=True),
        sa.Column("renews_id", sa.String(length=20), nullable=True),
        sa.Column("compartment", sa.String(length=32), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["compartment"], ["compartment.code"], name=op.f("fk_legal_authority_compartment_compartment")
        ),
        sa.ForeignKeyConstraint(
            ["document_exhibit_id"],
            ["exhibit.id"],
            name=op.f("fk_legal_authority_document_exhibit_id_exhibit"),
        ),
        sa.ForeignKeyConstraint(
            ["renews_id"], ["legal_authority.id"], name=op.f("fk_legal_authority_renews_id_legal_authority")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_authority")),
    )
    with op.batch_alter_table("legal_authority", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_authority_compartment"), ["compartment"], unique=False)
        batch_op.create_index(batch_op.f("ix_legal_authority_reference"), ["reference"], unique=False)
        batch_op.create_index(batch_op.f("ix_legal_authority_renews_id"), ["renews_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_legal_authority_valid_to"), ["valid_to"], unique=False)

    op.create_table(
        "verification",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("exhibit_id", sa.String(length=20), nullable=False),
        sa.Column("method", sa.String(length=300), nullable=False),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("examiner", sa.String(length=64), nullable=False),
        sa.Column("report_exhibit_id", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewer", sa.String(length=64), nullable=True),
        sa.Column("review_decision", sa.String(length=16), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["exhibit_id"], ["exhibit.id"], name=op.f("fk_verification_exhibit_id_exhibit")
        ),
        sa.ForeignKeyConstraint(
            ["report_exhibit_id"], ["exhibit.id"], name=op.f("fk_verification_report_exhibit_id_exhibit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification")),
    )
    with op.batch_alter_table("verification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_verification_exhibit_id"), ["exhibit_id"], unique=False)

    op.create_table(
        "authority_target",
        sa.Column("authority_id", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["legal_authority.id"],
            name=op.f("fk_authority_target_authority_id_legal_authority"),
        ),
        sa.PrimaryKeyConstraint("authority_id", "kind", "value", name=op.f("pk_authority_target")),
    )
    with op.batch_alter_table("authority_target", schema=None) as batch_op:
        batch_op.create_index("ix_authority_target_kind_value", ["kind", "value"], unique=False)

    with op.batch_alter_table("exhibit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sha512", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("size", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("file_name", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("media", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(
            sa.Column("integrity", sa.String(length=12), nullable=False, server_default="unchecked")
        )
        batch_op.add_column(sa.Column("integrity_checked_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("origin", sa.String(length=16), nullable=False, server_default="original")
        )
        batch_op.add_column(sa.Column("parent_id", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("authority_id", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("collected_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("collected_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("collected_place", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("collection_tool", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("holder", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("custody_state", sa.String(length=12), nullable=False, server_default="held")
        )
        batch_op.create_index(batch_op.f("ix_exhibit_authority_id"), ["authority_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_exhibit_parent_id"), ["parent_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_exhibit_parent_id_exhibit"), "exhibit", ["parent_id"], ["id"]
        )

    with op.batch_alter_table("exhibit", schema=None) as batch_op:
        # The default only filled the rows that existed; new rows get theirs from the service.
        batch_op.alter_column("media", existing_type=sa.JSON(), server_default=None)
    ledger_head = sa.table("ledger_head", sa.column("id"), sa.column("size"), sa.column("checkpoint_size"))
    op.bulk_insert(ledger_head, [{"id": 1, "size": 0, "checkpoint_size": 0}])


def downgrade() -> None:
    with op.batch_alter_table("exhibit", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_exhibit_parent_id_exhibit"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_exhibit_parent_id"))
        batch_op.drop_index(batch_op.f("ix_exhibit_authority_id"))
        batch_op.drop_column("custody_state")
        batch_op.drop_column("holder")
        batch_op.drop_column("collection_tool")
        batch_op.drop_column("collected_place")
        batch_op.drop_column("collected_by")
        batch_op.drop_column("collected_at")
        batch_op.drop_column("authority_id")
        batch_op.drop_column("parent_id")
        batch_op.drop_column("origin")
        batch_op.drop_column("integrity_checked_at")
        batch_op.drop_column("integrity")
        batch_op.drop_column("media")
        batch_op.drop_column("file_name")
        batch_op.drop_column("size")
        batch_op.drop_column("sha512")

    with op.batch_alter_table("authority_target", schema=None) as batch_op:
        batch_op.drop_index("ix_authority_target_kind_value")

    op.drop_table("authority_target")
    with op.batch_alter_table("verification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_verification_exhibit_id"))

    op.drop_table("verification")
    with op.batch_alter_table("legal_authority", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_authority_valid_to"))
        batch_op.drop_index(batch_op.f("ix_legal_authority_renews_id"))
        batch_op.drop_index(batch_op.f("ix_legal_authority_reference"))
        batch_op.drop_index(batch_op.f("ix_legal_authority_compartment"))

    op.drop_table("legal_authority")
    op.drop_table("exhibit_target")
    op.drop_table("custody_event")
    op.drop_table("ledger_node")
    op.drop_table("ledger_head")
    op.drop_table("ledger_entry")
    op.drop_table("ledger_checkpoint")
