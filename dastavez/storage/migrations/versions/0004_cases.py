"""court cases, hearings, warrants, incidents and the issued lists (leaders and facilitators)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 05:26:53.105348
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_counter",
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "year", name=op.f("pk_case_counter")),
    )
    op.create_table(
        "list_version",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("entries", sa.JSON(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("compartments", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("previous_id", sa.Integer(), nullable=True),
        sa.Column("diff", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["previous_id"], ["list_version.id"], name=op.f("fk_list_version_previous_id_list_version")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_version")),
    )
    with op.batch_alter_table("list_version", schema=None) as batch_op:
        batch_op.create_index("ix_list_version_kind_status", ["kind", "status"], unique=False)

    op.create_table(
        "court_case",
        sa.Column("id", sa.String(length=20), nullable=False),
        sa.Column("fir_number", sa.String(length=50), nullable=False),
        sa.Column("police_station", sa.String(length=200), nullable=False),
        sa.Column("district", sa.String(length=100), nullable=False),
        sa.Column("registered_on", sa.String(length=10), nullable=False),
        sa.Column("court", sa.String(length=200), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=True),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("stage_since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("compartment", sa.String(length=32), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["compartment"], ["compartment.code"], name=op.f("fk_court_case_compartment_compartment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_court_case")),
        sa.UniqueConstraint(
            "police_station", "fir_number", name=op.f("uq_court_case_police_station_fir_number")
        ),
    )
    with op.batch_alter_table("court_case", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_court_case_compartment"), ["compartment"], unique=False)
        batch_op.create_index(batch_op.f("ix_court_case_court"), ["court"], unique=False)
        batch_op.create_index(batch_op.f("ix_court_case_district"), ["district"], unique=False)
        batch_op.create_index(batch_op.f("ix_court_case_stage"), ["stage"], unique=False)

    op.create_table(
        "incident",
        sa.Column("id", sa.String(length=20), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("district", sa.String(length=100), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("target", sa.String(length=300), nullable=False),
        sa.Column("killed", sa.Integer(), nullable=False),
        sa.Column("injured", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("compartment", sa.String(length=32), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["compartment"], ["compartment.code"], name=op.f("fk_incident_compartment_compartment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident")),
    )
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_compartment"), ["compartment"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_district"), ["district"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_occurred_at"), ["occurred_at"], unique=False)

    op.create_table(
        "case_exhibit",
        sa.Column("case_id", sa.String(length=20), nullable=False),
        sa.Column("exhibit_id", sa.String(length=20), nullable=False),
        sa.Column("linked_by", sa.String(length=64), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["court_case.id"], name=op.f("fk_case_exhibit_case_id_court_case")
        ),
        sa.ForeignKeyConstraint(
            ["exhibit_id"], ["exhibit.id"], name=op.f("fk_case_exhibit_exhibit_id_exhibit")
        ),
        sa.PrimaryKeyConstraint("case_id", "exhibit_id", name=op.f("pk_case_exhibit")),
    )
    op.create_table(
        "case_offence",
        sa.Column("case_id", sa.String(length=20), nullable=False),
        sa.Column("section", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["court_case.id"], name=op.f("fk_case_offence_case_id_court_case")
        ),
        sa.PrimaryKeyConstraint("case_id", "section", name=op.f("pk_case_offence")),
    )
    op.create_table(
        "case_party",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=20), nullable=False),
        sa.Column("entity_id", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.Column("role", sa.String(length=24), nullable=False),
        sa.Column("custody", sa.String(length=16), nullable=True),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["court_case.id"], name=op.f("fk_case_party_case_id_court_case")
        ),
        sa.ForeignKeyConstraint(["entity_id"], ["entity.id"], name=op.f("fk_case_party_entity_id_entity")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_party")),
    )
    with op.batch_alter_table("case_party", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_party_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_party_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "case_stage_change",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=20), nullable=False),
        sa.Column("from_stage", sa.String(length=32), nullable=True),
        sa.Column("to_stage", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["court_case.id"], name=op.f("fk_case_stage_change_case_id_court_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_stage_change")),
    )
    with op.batch_alter_table("case_stage_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_stage_change_case_id"), ["case_id"], unique=False)

    op.create_table(
        "hearing",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=20), nullable=False),
        sa.Column("date", sa.String(length=10), nullable=False),
        sa.Column("court", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.String(length=300), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("adjournment_reason", sa.String(length=500), nullable=True),
        sa.Column("next_date", sa.String(length=10), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["court_case.id"], name=op.f("fk_hearing_case_id_court_case")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hearing")),
    )
    with op.batch_alter_table("hearing", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hearing_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hearing_date"), ["date"], unique=False)
        batch_op.create_index(batch_op.f("ix_hearing_next_date"), ["next_date"], unique=False)

    op.create_table(
        "incident_case",
        sa.Column("incident_id", sa.String(length=20), nullable=False),
        sa.Column("case_id", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["court_case.id"], name=op.f("fk_incident_case_case_id_court_case")
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name=op.f("fk_incident_case_incident_id_incident")
        ),
        sa.PrimaryKeyConstraint("incident_id", "case_id", name=op.f("pk_incident_case")),
    )
    with op.batch_alter_table("incident_case", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_case_case_id"), ["case_id"], unique=False)

    op.create_table(
        "responsibility_claim",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("incident_id", sa.String(length=20), nullable=False),
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("exhibit_id", sa.String(length=20), nullable=True),
        sa.Column("confidence", sa.String(length=8), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["exhibit_id"], ["exhibit.id"], name=op.f("fk_responsibility_claim_exhibit_id_exhibit")
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name=op.f("fk_responsibility_claim_incident_id_incident")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["entity.id"], name=op.f("fk_responsibility_claim_organization_id_entity")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_responsibility_claim")),
    )
    with op.batch_alter_table("responsibility_claim", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_responsibility_claim_incident_id"), ["incident_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_responsibility_claim_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "warrant",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=20), nullable=False),
        sa.Column("entity_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("court", sa.String(length=200), nullable=False),
        sa.Column("issued_on", sa.String(length=10), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("exhibit_id", sa.String(length=20), nullable=True),
        sa.Column("status_note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["court_case.id"], name=op.f("fk_warrant_case_id_court_case")),
        sa.ForeignKeyConstraint(["entity_id"], ["entity.id"], name=op.f("fk_warrant_entity_id_entity")),
        sa.ForeignKeyConstraint(["exhibit_id"], ["exhibit.id"], name=op.f("fk_warrant_exhibit_id_exhibit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warrant")),
    )
    with op.batch_alter_table("warrant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_warrant_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_warrant_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "case_claim",
        sa.Column("case_id", sa.String(length=20), nullable=False),
        sa.Column("claim_id", sa.String(length=24), nullable=False),
        sa.Column("linked_by", sa.String(length=64), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["court_case.id"], name=op.f("fk_case_claim_case_id_court_case")
        ),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name=op.f("fk_case_claim_claim_id_claim")),
        sa.PrimaryKeyConstraint("case_id", "claim_id", name=op.f("pk_case_claim")),
    )


def downgrade() -> None:
    op.drop_table("case_claim")
    with op.batch_alter_table("warrant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_warrant_entity_id"))
        batch_op.drop_index(batch_op.f("ix_warrant_case_id"))

    op.drop_table("warrant")
    with op.batch_alter_table("responsibility_claim", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_responsibility_claim_organization_id"))
        batch_op.drop_index(batch_op.f("ix_responsibility_claim_incident_id"))

    op.drop_table("responsibility_claim")
    with op.batch_alter_table("incident_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_case_case_id"))

    op.drop_table("incident_case")
    with op.batch_alter_table("hearing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hearing_next_date"))
        batch_op.drop_index(batch_op.f("ix_hearing_date"))
        batch_op.drop_index(batch_op.f("ix_hearing_case_id"))

    op.drop_table("hearing")
    with op.batch_alter_table("case_stage_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_stage_change_case_id"))

    op.drop_table("case_stage_change")
    with op.batch_alter_table("case_party", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_party_entity_id"))
        batch_op.drop_index(batch_op.f("ix_case_party_case_id"))

    op.drop_table("case_party")
    op.drop_table("case_offence")
    op.drop_table("case_exhibit")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_occurred_at"))
        batch_op.drop_index(batch_op.f("ix_incident_district"))
        batch_op.drop_index(batch_op.f("ix_incident_compartment"))

    op.drop_table("incident")
    with op.batch_alter_table("court_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_court_case_stage"))
        batch_op.drop_index(batch_op.f("ix_court_case_district"))
        batch_op.drop_index(batch_op.f("ix_court_case_court"))
        batch_op.drop_index(batch_op.f("ix_court_case_compartment"))

    op.drop_table("court_case")
    with op.batch_alter_table("list_version", schema=None) as batch_op:
        batch_op.drop_index("ix_list_version_kind_status")

    op.drop_table("list_version")
    op.drop_table("case_counter")
