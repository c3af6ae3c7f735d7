"""A small registry to export and import as FtM: fictional persons in Latin and Urdu script,
an organisation, memberships, claims citing exhibits with locators, a retracted, a disputed
and a corroborated claim, and records in compartment ALPHA. Also how to get a *fresh*
registry to import into: a new database on SQLite; on PostgreSQL, whose test schema cannot
be duplicated per test, the same schema with its registry tables emptied."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text

from dastavez.access.actor import Actor
from dastavez.access.users import actor_for, bootstrap_admin, create_compartment, create_user
from dastavez.evidence.exhibits import register_exhibit
from dastavez.registry.claims import add_claim, retract_claim, set_claim_status
from dastavez.registry.records import add_membership, add_person, create_with_claims
from dastavez.resolve.ftm_export import RegistryExport
from dastavez.settings import Settings
from dastavez.storage.engine import Database
from dastavez.storage.migrate import upgrade

COMPARTMENT = "ALPHA"
IMPORTER_PASSWORD = "importer-password-for-tests"


def register_exhibits(db: Database, actor: Actor) -> dict[str, str]:
    """Three exhibits, numbered in this order (so a fresh registry gets the same numbers)."""
    with db.write() as session:
        return {
            "report": register_exhibit(session, actor, title="Interrogation report 12", kind="document").id,
            "call": register_exhibit(session, actor, title="Intercepted call 7", kind="audio").id,
            "source": register_exhibit(
                session, actor, title="Source report 3", kind="statement", compartment=COMPARTMENT
            ).id,
        }


def build_registry(db: Database, actor: Actor) -> dict[str, Any]:
    """The registry of the module docstring; ``actor`` must be an admin cleared for ALPHA."""
    exhibits = register_exhibits(db, actor)
    report, call, source = exhibits["report"], exhibits["call"], exhibits["source"]
    with db.write() as session:
        akram = add_person(
            session,
            actor,
            name="Muhammad Akram Baloch",
            name_ur="محمد اکرم بلوچ",
            aliases=["Ustad", "Akram Bhai"],
            exhibit_id=report,
        ).id

        def claim(prop: str, value: str, **options: Any) -> str:
            return add_claim(session, actor, entity_id=akram, prop=prop, value=value, **options)[0].id

        claim("name", "Muhammad Akram Baloch", exhibit_id=call, locator="00:01:10")  # a second source
        claim("birthDate", "1981-03-02", exhibit_id=report, locator="p. 4")
        disputed = claim("birthDate", "1979", exhibit_id=call, locator="00:04:05")
        set_claim_status(session, actor, claim_id=disputed, status="disputed", note="contradicts the CNIC")
        corroborated = claim(
            "phone",
            "0300 1234567",
            exhibit_id=call,
            locator="00:00:03",
            valid_from="2024-01",
            valid_to="2025-06",
            confidence="high",
        )
        set_claim_status(session, actor, claim_id=corroborated, status="corroborated", note="subscriber data")
        claim("phone", "+92 321 7654321")
        claim("nationality", "PK")
        claim("idNumber", "3520212345671", exhibit_id=report, locator="p. 1")
        retracted = claim("alias", "Doctor")
        retract_claim(session, actor, claim_id=retracted, reason="confused with another man")
        claim("alias", "Shaheen", compartment=COMPARTMENT)
        claim("fatherName", "Karim Bakhsh", exhibit_id=source, locator="para 2")  # ALPHA through its exhibit
        zarrar = add_person(
            session, actor, name="Zarrar Khanzada", name_ur="ضرار خانزادہ", compartment=COMPARTMENT
        ).id
        names = [("name", "Sarhad Front"), ("name", "سرحد فرنٹ"), ("alias", "SF")]
        front = create_with_claims(session, actor, schema="Organization", exhibit_id=report, values=names).id
        leads = add_membership(
            session,
            actor,
            member_id=akram,
            organization_id=front,
            role="leader",
            start="2019",
            exhibit_id=report,
            locator="p. 9",
        ).id
        helps = add_membership(
            session,
            actor,
            member_id=zarrar,
            organization_id=front,
            role="facilitator",
            compartment=COMPARTMENT,
        ).id
    return {
        "exhibits": exhibits,
        "akram": akram,
        "zarrar": zarrar,
        "front": front,
        "leads": leads,
        "helps": helps,
        "retracted": retracted,
        "disputed": disputed,
        "corroborated": corroborated,
    }


def export_lines(db: Database, actor: Actor) -> list[str]:
    with RegistryExport(db, actor, destination="test") as export:
        return list(export.lines())


def fresh_registry(
    settings: Settings, db: Database, home: Path, exporter: Actor, *, exhibits: bool
) -> tuple[Database, Actor]:
    """An empty registry and an admin cleared for ALPHA to import into it; with ``exhibits``,
    holding the exhibits of :func:`register_exhibits` under the same numbers. On PostgreSQL
    the users stay, so the importer is ``exporter``."""
    if db.dialect == "postgresql":
        tables = ["entity", "name_index", "name_key", "index_watermark"]
        if not exhibits:
            tables += ["exhibit", "exhibit_counter"]
        with db.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        return db, exporter
    fresh = Database(settings.with_(home=home))
    upgrade(fresh.engine)
    with fresh.write() as session:
        bootstrap_admin(session, username="admin", password="admin-password-for-tests")
    with fresh.read() as session:
        admin = actor_for(session, "admin", interface="cli")
    with fresh.write() as session:
        create_compartment(session, admin, code=COMPARTMENT, title="Compartment ALPHA")
        create_user(
            session,
            admin,
            username="importer",
            password=IMPORTER_PASSWORD,
            roles=["admin"],
            clearances=[COMPARTMENT],
        )
    with fresh.read() as session:
        importer = actor_for(session, "importer", interface="cli")
    if exhibits:
        register_exhibits(fresh, importer)
    return fresh, importer
