"""entity resolution: reference lists, the screening index, duplicate pairs, judgements, merges

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 05:37:01.739945
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "index_watermark",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_index_watermark")),
    )
    op.create_table(
        "name_key",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("claim_id", sa.String(length=24), nullable=True),
        sa.Column("compartment", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_name_key")),
    )
    with op.batch_alter_table("name_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_name_key_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index("ix_name_key_key", ["key"], unique=False)
        batch_op.create_index("ix_name_key_owner", ["owner"], unique=False)

    op.create_table(
        "reference_list",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=True),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_list")),
    )
    op.create_table(
        "reference_record",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("list_id", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=False),
        sa.Column("schema", sa.String(length=32), nullable=False),
        sa.Column("caption", sa.String(length=300), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"], ["reference_list.id"], name=op.f("fk_reference_record_list_id_reference_list")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_record")),
    )
    with op.batch_alter_table("reference_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reference_record_list_id"), ["list_id"], unique=False)

    op.create_table(
        "dedupe_pair",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("left_id", sa.String(length=32), nullable=False),
        sa.Column("right_id", sa.String(length=32), nullable=False),
        sa.Column("weight", sa.Double(), nullable=False),
        sa.Column("probability", sa.Double(), nullable=False),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["left_id"], ["entity.id"], name=op.f("fk_dedupe_pair_left_id_entity")),
        sa.ForeignKeyConstraint(["right_id"], ["entity.id"], name=op.f("fk_dedupe_pair_right_id_entity")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dedupe_pair")),
        sa.UniqueConstraint("left_id", "right_id", name=op.f("uq_dedupe_pair_left_id_right_id")),
    )
    op.create_table(
        "entity_merge",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kept_id", sa.String(length=32), nullable=False),
        sa.Column("merged_id", sa.String(length=32), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undone_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["kept_id"], ["entity.id"], name=op.f("fk_entity_merge_kept_id_entity")),
        sa.ForeignKeyConstraint(["merged_id"], ["entity.id"], name=op.f("fk_entity_merge_merged_id_entity")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entity_merge")),
    )
    with op.batch_alter_table("entity_merge", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entity_merge_kept_id"), ["kept_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_entity_merge_merged_id"), ["merged_id"], unique=False)

    op.create_table(
        "judgement",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("left_id", sa.String(length=32), nullable=False),
        sa.Column("right_id", sa.String(length=32), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["left_id"], ["entity.id"], name=op.f("fk_judgement_left_id_entity")),
        sa.ForeignKeyConstraint(["right_id"], ["entity.id"], name=op.f("fk_judgement_right_id_entity")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_judgement")),
    )
    with op.batch_alter_table("judgement", schema=None) as batch_op:
        batch_op.create_index("ix_judgement_pair", ["left_id", "right_id"], unique=False)

    op.create_table(
        "merged_claim",
        sa.Column("merge_id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.String(length=24), nullable=False),
        sa.Column("moved", sa.String(length=8), nullable=False),
        sa.Column("old_entity_id", sa.String(length=32), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name=op.f("fk_merged_claim_claim_id_claim")),
        sa.ForeignKeyConstraint(
            ["merge_id"], ["entity_merge.id"], name=op.f("fk_merged_claim_merge_id_entity_merge")
        ),
        sa.PrimaryKeyConstraint("merge_id", "claim_id", name=op.f("pk_merged_claim")),
    )
    with op.batch_alter_table("entity", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_into", sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f("ix_entity_merged_into"), ["merged_into"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("entity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entity_merged_into"))
        batch_op.drop_column("merged_into")

    op.drop_table("merged_claim")
    with op.batch_alter_table("judgement", schema=None) as batch_op:
        batch_op.drop_index("ix_judgement_pair")

    op.drop_table("judgement")
    with op.batch_alter_table("entity_merge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entity_merge_merged_id"))
        batch_op.drop_index(batch_op.f("ix_entity_merge_kept_id"))

    op.drop_table("entity_merge")
    op.drop_table("dedupe_pair")
    with op.batch_alter_table("reference_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reference_record_list_id"))

    op.drop_table("reference_record")
    op.drop_table("reference_list")
    with op.batch_alter_table("name_key", schema=None) as batch_op:
        batch_op.drop_index("ix_name_key_owner")
        batch_op.drop_index("ix_name_key_key")
        batch_op.drop_index(batch_op.f("ix_name_key_claim_id"))

    op.drop_table("name_key")
    op.drop_table("index_watermark")
