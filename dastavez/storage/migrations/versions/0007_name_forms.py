"""screening: analysed forms of the indexed names, and a covering index of name keys

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 04:00:00

Names already in ``name_key`` get no form here (analysing 10^6 names would hold the upgrade
for minutes): the first screening after the upgrade stores them (``resolve.index.fill_forms``),
and until then a name without a form is analysed when it is scored.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_COVER = ["key", "source", "compartment", "name", "owner"]


def upgrade() -> None:
    op.create_table(
        "name_form",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("form", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_name_form")),
    )
    with op.batch_alter_table("name_key", schema=None) as batch_op:
        batch_op.drop_index("ix_name_key_key")
        batch_op.create_index("ix_name_key_cover", _COVER, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("name_key", schema=None) as batch_op:
        batch_op.drop_index("ix_name_key_cover")
        batch_op.create_index("ix_name_key_key", ["key"], unique=False)
    op.drop_table("name_form")
