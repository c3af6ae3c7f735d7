"""A small, hand-built world for the case and list tests (every name invented).

(Helpers, not a conftest: a second ``conftest`` module would shadow the root one.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from dastavez.access.actor import Actor
from dastavez.cases import parties, records, warrants
from dastavez.evidence import verification
from dastavez.evidence.exhibits import register_exhibit, visible_exhibit
from dastavez.registry.claims import add_claim
from dastavez.registry.proscription import proscribe
from dastavez.registry.records import add_membership, add_person, create_with_claims
from dastavez.storage.engine import Database
from dastavez.storage.tables import Exhibit

TODAY = date(2026, 6, 15)  # a Monday
URDU_LEADER = "زرک خان بلوچ"


def at(day: str) -> datetime:
    return datetime.fromisoformat(day + "T09:00+00:00").astimezone(UTC)


@dataclass
class World:
    good: str
    failed: str
    broken: str
    org: str
    other_org: str
    leader: str
    facilitator: str
    member: str
    outsider: str
    hidden: str
    former: str
    unsupported: str
    case: str
    warrant: int


def build_world(db: Database, admin: Actor, reviewer: Actor) -> World:  # admin: cleared for ALPHA
    """Seven people around one proscribed group, and one case against its leader."""
    with db.write() as session:
        good = register_exhibit(session, admin, title="Interrogation report", kind="statement").id
        failed_exhibit = register_exhibit(session, admin, title="Doubtful CNIC copy", kind="document")
        broken = register_exhibit(
            session, admin, title="Subscriber record, altered file", kind="subscriber-record"
        ).id
        verification.record_verification(session, admin, failed_exhibit, method="forensic", result="failed")
        failed = failed_exhibit.id
    with db.write() as session:
        verification.review_verification(
            session, reviewer, visible_exhibit(session, reviewer, failed), decision="confirmed"
        )
        exhibit = session.get(Exhibit, broken)
        assert exhibit is not None
        exhibit.integrity = "broken"  # as a re-hash that found the file changed would leave it
    with db.write() as session:
        org = create_with_claims(
            session, admin, schema="Organization", values=[("name", "Dast-e-Kohsang")]
        ).id
        proscribe(
            session,
            admin,
            entity_id=org,
            law="Anti-Terrorism Act 1997",
            notification_ref="No. F.6/1/2020",
            date="2020-03-01",
        )
        other_org = create_with_claims(
            session, admin, schema="Organization", values=[("name", "Gulzar Welfare Trust")]
        ).id

        leader = add_person(session, admin, name="Zarak Khan Bloch", name_ur=URDU_LEADER).id
        add_membership(
            session,
            admin,
            member_id=leader,
            organization_id=org,
            role="leader",
            exhibit_id=good,
            locator="p. 3",
        )
        add_claim(session, admin, entity_id=leader, prop="birthDate", value="1979-04-02", exhibit_id=good)
        add_claim(session, admin, entity_id=leader, prop="phone", value="+971501234567", exhibit_id=good)
        add_claim(session, admin, entity_id=leader, prop="residence", value="AE", exhibit_id=good)

        facilitator = add_person(session, admin, name="Bashir Gul Qaisrani").id
        add_membership(
            session, admin, member_id=facilitator, organization_id=org, role="facilitator", exhibit_id=good
        )
        add_claim(
            session, admin, entity_id=facilitator, prop="idNumber", value="42101-1234567-1", exhibit_id=failed
        )
        add_claim(session, admin, entity_id=facilitator, prop="phone", value="03001234567", exhibit_id=broken)

        member = add_person(session, admin, name="Naveed Akhtar Marri").id
        add_membership(session, admin, member_id=member, organization_id=org, role="member", exhibit_id=good)
        outsider = add_person(session, admin, name="Sarfraz Ali Lehri").id
        add_membership(
            session, admin, member_id=outsider, organization_id=other_org, role="leader", exhibit_id=good
        )
        hidden = add_person(session, admin, name="Hidden Financier", compartment="ALPHA").id
        add_membership(
            session,
            admin,
            member_id=hidden,
            organization_id=org,
            role="financier",
            exhibit_id=good,
            compartment="ALPHA",
        )
        former = add_person(session, admin, name="Former Commander").id
        add_membership(
            session, admin, member_id=former, organization_id=org, role="commander", end="2019-12-31"
        )
        unsupported = add_person(session, admin, name="Unsupported Facilitator").id
        add_membership(session, admin, member_id=unsupported, organization_id=org, role="facilitator")

        case = records.add_case(
            session,
            admin,
            fir="12/2026",
            station="PS Kohsang City",
            district="Kohsang",
            sections=["ATA 1997 s.7", "PPC 302"],
            registered_on="2026-01-10",
            court="ATC-I Kohsang",
            now=at("2026-01-10"),
        )
        parties.add_party(session, admin, case_id=case.id, role="accused", entity_id=leader, custody="abroad")
        warrant = warrants.issue_warrant(
            session,
            admin,
            case_id=case.id,
            entity_id=leader,
            kind="non-bailable",
            court="ATC-I Kohsang",
            issued_on="2026-02-01",
            reference="NBW 3/2026",
            exhibit_id=good,
            today=TODAY,
        )
        return World(
            good=good,
            failed=failed,
            broken=broken,
            org=org,
            other_org=other_org,
            leader=leader,
            facilitator=facilitator,
            member=member,
            outsider=outsider,
            hidden=hidden,
            former=former,
            unsupported=unsupported,
            case=case.id,
            warrant=warrant.id,
        )
