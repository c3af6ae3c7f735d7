"""foundation: access, registry, exhibit register

Revision ID: 0001
Revises:
Create Date: 2026-11-28 02:33:19.594527
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("interface", sa.String(length=8), nullable=False),
        sa.Column("client", sa.String(length=100), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target_type", sa.String(length=32), nullable=True),
        sa.Column("target_id", sa.String(length=64), nullable=True),
        sa.Column("compartment", sa.String(length=32), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_actor"), ["actor"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_target_id"), ["target_id"], unique=False)

    op.create_table(
        "compartment",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_compartment")),
    )
    op.create_table(
        "exhibit_counter",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_exhibit_counter")),
    )
    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempt")),
    )
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_attempt_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_attempt_key"), ["key"], unique=False)

    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("username", name=op.f("uq_user_account_username")),
    )
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_api_token_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_user_id"), ["user_id"], unique=False)

    op.create_table(
        "entity",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("schema", sa.String(length=32), nullable=False),
        sa.Column("caption", sa.String(length=300), nullable=False),
        sa.Column("compartment", sa.String(length=32), nullable=True),
        sa.Column("legal_status", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["compartment"], ["compartment.code"], name=op.f("fk_entity_compartment_compartment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entity")),
    )
    with op.batch_alter_table("entity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entity_compartment"), ["compartment"], unique=False)
        batch_op.create_index(batch_op.f("ix_entity_legal_status"), ["legal_status"], unique=False)
        batch_op.create_index(batch_op.f("ix_entity_schema"), ["schema"], unique=False)

    op.create_table(
        "exhibit",
        sa.Column("id", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("compartment", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["compartment"], ["compartment.code"], name=op.f("fk_exhibit_compartment_compartment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exhibit")),
    )
    with op.batch_alter_table("exhibit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exhibit_compartment"), ["compartment"], unique=False)
        batch_op.create_index(batch_op.f("ix_exhibit_sha256"), ["sha256"], unique=False)

    op.create_table(
        "user_clearance",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("compartment", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["compartment"], ["compartment.code"], name=op.f("fk_user_clearance_compartment_compartment")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_user_clearance_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "compartment", name=op.f("pk_user_clearance")),
    )
    op.create_table(
        "user_role",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_user_role_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "role", name=op.f("pk_user_role")),
    )
    op.create_table(
        "web_session",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("client", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_web_session_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_web_session")),
    )
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_session_user_id"), ["user_id"], unique=False)

    op.create_table(
        "claim",
        sa.Column("id", sa.String(length=24), nullable=False),
        sa.Column("entity_id", sa.String(length=32), nullable=False),
        sa.Column("prop", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("normalised", sa.Text(), nullable=False),
        sa.Column("value_key", sa.String(length=200), nullable=False),
        sa.Column("qualifiers", sa.JSON(), nullable=False),
        sa.Column("exhibit_id", sa.String(length=20), nullable=True),
        sa.Column("locator", sa.String(length=200), nullable=True),
        sa.Column("valid_from", sa.String(length=32), nullable=True),
        sa.Column("valid_to", sa.String(length=32), nullable=True),
        sa.Column("confidence", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("compartment", sa.String(length=32), nullable=True),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_note", sa.Text(), nullable=True),
        sa.Column("retracted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retracted_by", sa.String(length=64), nullable=True),
        sa.Column("retraction_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["compartment"], ["compartment.code"], name=op.f("fk_claim_compartment_compartment")
        ),
        sa.ForeignKeyConstraint(["entity_id"], ["entity.id"], name=op.f("fk_claim_entity_id_entity")),
        sa.ForeignKeyConstraint(["exhibit_id"], ["exhibit.id"], name=op.f("fk_claim_exhibit_id_exhibit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim")),
    )
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.create_index("ix_claim_entity_prop", ["entity_id", "prop"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_exhibit_id"), ["exhibit_id"], unique=False)
        batch_op.create_index("ix_claim_prop_value_key", ["prop", "value_key"], unique=False)

    op.create_table(
        "legal_status_change",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entity_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("exhibit_id", sa.String(length=20), nullable=True),
        sa.Column("effective", sa.String(length=32), nullable=True),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["entity.id"], name=op.f("fk_legal_status_change_entity_id_entity")
        ),
        sa.ForeignKeyConstraint(
            ["exhibit_id"], ["exhibit.id"], name=op.f("fk_legal_status_change_exhibit_id_exhibit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_status_change")),
    )
    with op.batch_alter_table("legal_status_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_status_change_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "proscription",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entity_id", sa.String(length=32), nullable=False),
        sa.Column("law", sa.String(length=200), nullable=False),
        sa.Column("notification_ref", sa.String(length=200), nullable=False),
        sa.Column("date", sa.String(length=32), nullable=False),
        sa.Column("exhibit_id", sa.String(length=20), nullable=True),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["entity_id"], ["entity.id"], name=op.f("fk_proscription_entity_id_entity")),
        sa.ForeignKeyConstraint(
            ["exhibit_id"], ["exhibit.id"], name=op.f("fk_proscription_exhibit_id_exhibit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proscription")),
    )
    with op.batch_alter_table("proscription", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proscription_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "name_index",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("claim_id", sa.String(length=24), nullable=False),
        sa.Column("entity_id", sa.String(length=32), nullable=False),
        sa.Column("compartment", sa.String(length=32), nullable=True),
        sa.Column("folded", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name=op.f("fk_name_index_claim_id_claim")),
        sa.ForeignKeyConstraint(["entity_id"], ["entity.id"], name=op.f("fk_name_index_entity_id_entity")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_name_index")),
        sa.UniqueConstraint("claim_id", name=op.f("uq_name_index_claim_id")),
    )
    with op.batch_alter_table("name_index", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_name_index_entity_id"), ["entity_id"], unique=False)
    _create_name_search()


def _create_name_search() -> None:
    """Full-text search over folded names: FTS5 on SQLite, a GIN index on PostgreSQL."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE name_fts USING fts5(folded, content='name_index', "
            "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
        )
        op.execute(
            "CREATE TRIGGER name_index_ai AFTER INSERT ON name_index BEGIN "
            "INSERT INTO name_fts(rowid, folded) VALUES (new.id, new.folded); END"
        )
        op.execute(
            "CREATE TRIGGER name_index_ad AFTER DELETE ON name_index BEGIN "
            "INSERT INTO name_fts(name_fts, rowid, folded) VALUES ('delete', old.id, old.folded); END"
        )
        op.execute(
            "CREATE TRIGGER name_index_au AFTER UPDATE ON name_index BEGIN "
            "INSERT INTO name_fts(name_fts, rowid, folded) VALUES ('delete', old.id, old.folded); "
            "INSERT INTO name_fts(rowid, folded) VALUES (new.id, new.folded); END"
        )
    else:
        op.execute("CREATE INDEX ix_name_index_tsv ON name_index USING gin (to_tsvector('simple', folded))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS name_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_name_index_tsv")
    with op.batch_alter_table("name_index", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_name_index_entity_id"))

    op.drop_table("name_index")
    with op.batch_alter_table("proscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proscription_entity_id"))

    op.drop_table("proscription")
    with op.batch_alter_table("legal_status_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_status_change_entity_id"))

    op.drop_table("legal_status_change")
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_prop_value_key")
        batch_op.drop_index(batch_op.f("ix_claim_exhibit_id"))
        batch_op.drop_index("ix_claim_entity_prop")

    op.drop_table("claim")
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_session_user_id"))

    op.drop_table("web_session")
    op.drop_table("user_role")
    op.drop_table("user_clearance")
    with op.batch_alter_table("exhibit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exhibit_sha256"))
        batch_op.drop_index(batch_op.f("ix_exhibit_compartment"))

    op.drop_table("exhibit")
    with op.batch_alter_table("entity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entity_schema"))
        batch_op.drop_index(batch_op.f("ix_entity_legal_status"))
        batch_op.drop_index(batch_op.f("ix_entity_compartment"))

    op.drop_table("entity")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_user_id"))

    op.drop_table("api_token")
    op.drop_table("user_account")
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_attempt_key"))
        batch_op.drop_index(batch_op.f("ix_login_attempt_at"))

    op.drop_table("login_attempt")
    op.drop_table("exhibit_counter")
    op.drop_table("compartment")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_target_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_at"))
        batch_op.drop_index(batch_op.f("ix_audit_event_actor"))
        batch_op.drop_index(batch_op.f("ix_audit_event_action"))

    op.drop_table("audit_event")
