"""Legal authority: validation, normalised targets, flags on exhibits, renewals, expiry and
compartments."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from dastavez.evidence.authority import add_authority, list_authorities, show_authority
from dastavez.evidence.listing import list_evidence
from dastavez.evidence.media import read_media
from dastavez.evidence.vault import (
    EvidenceInput,
    add_evidence,
    blob_store,
    check_inputs,
    show_evidence,
    store_file,
)
from dastavez.exc import InvalidInput, NotFound, PermissionDenied
from dastavez.storage.tables import AuditEvent, utcnow
from dastavez.storage.vault_tables import LegalAuthority

WARRANT = {
    "basis": "Investigation for Fair Trial Act 2013 s.10",
    "issued_by": "Judge, ATC-I Quetta",
}


@pytest.fixture
def supervisor(make_actor):
    return make_actor("supervisor")


def authority(db, actor, reference="W-117/2026", **fields):
    with db.write() as s:
        return add_authority(s, actor, reference=reference, **(WARRANT | fields)).id


def view(db, actor, authority_id):
    with db.write() as s:
        return show_authority(s, actor, authority_id)


def add_file(db, settings, actor, content: bytes, **fields):
    store = blob_store(settings)
    blob = store_file(store, io.BytesIO(content), settings=settings)
    kind = fields.pop("kind", "audio")
    data = EvidenceInput(title=fields.pop("title", "Intercepted call"), kind=kind, **fields)
    with db.write() as s:
        return add_evidence(
            s,
            actor,
            data,
            blob=blob,
            media=read_media(store.path_for(blob.sha256), kind=kind),
            settings=settings,
        ).id


def flags(db, actor, exhibit_id):
    with db.write() as s:
        return show_evidence(s, actor, exhibit_id)["flags"]


def flagged(db, actor):
    with db.read() as s:
        return [e["id"] for e in list_evidence(s, actor, flagged=True)["exhibits"]]


def count(db):
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(LegalAuthority))


@pytest.mark.parametrize(
    ("dates", "field", "message"),
    [
        ({"valid_from": "2026-02-30", "valid_to": "2026-06-30"}, "valid_from", "YYYY-MM-DD"),
        ({"valid_from": "01/02/2026", "valid_to": "2026-06-30"}, "valid_from", "YYYY-MM-DD"),
        ({"valid_from": "2026-01-01", "valid_to": "next year"}, "valid_to", "YYYY-MM-DD"),
        ({"valid_from": "", "valid_to": "2026-06-30"}, "valid_from", "required"),
        ({"valid_from": "2026-07-01", "valid_to": "2026-06-30"}, "valid_to", "before valid from"),
        (
            {"valid_from": "2026-01-01", "valid_to": "2026-06-30", "issued_on": "2026-13-01"},
            "issued_on",
            "date",
        ),
        (
            {"valid_from": "2026-01-01", "valid_to": "2026-06-30", "retention_until": "soon"},
            "retention_until",
            "date",
        ),
    ],
)
def test_dates_are_validated(db, supervisor, dates, field, message):
    with pytest.raises(InvalidInput, match=message) as refused:
        authority(db, supervisor, **dates)
    assert refused.value.field == field
    assert count(db) == 0


def test_a_one_day_authority_and_other_fields_are_kept(db, supervisor):
    authority_id = authority(
        db,
        supervisor,
        valid_from="2026-03-01",
        valid_to="2026-03-01",
        applicant="SI Nadeem",
        authorising_officer="SP CTD",
        issued_on="2026-02-28",
        data_classes=["content", "Call-Records", "content"],
        purpose="  intercept   calls ",
        retention_until="2027-03-01",
    )
    shown = view(db, supervisor, authority_id)
    assert authority_id.startswith("AUTH-")
    assert (shown["valid_from"], shown["valid_to"], shown["issued_on"], shown["retention_until"]) == (
        "2026-03-01",
        "2026-03-01",
        "2026-02-28",
        "2027-03-01",
    )
    assert shown["data_classes"] == ["call-records", "content"]
    assert (shown["applicant"], shown["authorising_officer"], shown["purpose"]) == (
        "SI Nadeem",
        "SP CTD",
        "intercept calls",
    )
    with pytest.raises(InvalidInput, match="unknown data class"):
        authority(db, supervisor, valid_from="2026-03-01", valid_to="2026-03-02", data_classes=["emails"])
    with pytest.raises(InvalidInput, match="reference is required"):
        authority(db, supervisor, reference=" ", valid_from="2026-03-01", valid_to="2026-03-02")


def test_targets_are_normalised(db, supervisor):
    authority_id = authority(
        db,
        supervisor,
        valid_from="2026-01-01",
        valid_to="2026-06-30",
        targets=[
            "0300 1234567",
            "+923001234567",
            "0092-300-1234567",
            "imei:356938035643809",
            "account:acct-9",
        ],
    )
    assert view(db, supervisor, authority_id)["targets"] == [
        "account:acct-9",
        "imei:356938035643809",
        "+923001234567",
    ]
    with pytest.raises(InvalidInput, match="target '12'"):
        authority(db, supervisor, valid_from="2026-01-01", valid_to="2026-06-30", targets=["12"])


def test_only_authority_writers_record_authorities(db, make_actor):
    with pytest.raises(PermissionDenied):
        authority(db, make_actor("analyst"), valid_from="2026-01-01", valid_to="2026-06-30")
    assert authority(db, make_actor("prosecutor"), valid_from="2026-01-01", valid_to="2026-06-30")


def test_exhibits_outside_the_window_or_scope_are_flagged_until_a_renewal_covers_them(
    db, settings, supervisor
):
    warrant = authority(
        db, supervisor, valid_from="2025-01-01", valid_to="2025-03-31", targets=["0300 1234567"]
    )
    inside = add_file(
        db,
        settings,
        supervisor,
        b"call 1",
        authority=warrant,
        targets=("+923001234567",),
        collected_at=datetime(2025, 2, 10, 12, 0, tzinfo=UTC),
    )
    late = add_file(
        db,
        settings,
        supervisor,
        b"call 2",
        authority=warrant,
        targets=("03001234567", "0321 7654321"),
        collected_at=datetime(2025, 5, 10, 12, 0, tzinfo=UTC),
    )
    early = add_file(
        db,
        settings,
        supervisor,
        b"call 3",
        authority=warrant,
        collected_at=datetime(2024, 12, 31, 12, 0, tzinfo=UTC),
    )
    assert flags(db, supervisor, inside) == []
    assert flags(db, supervisor, late) == [
        "acquired on 2025-05-10, outside the authority's window (2025-01-01 to 2025-03-31)",
        "about +923217654321, which the authority does not cover",
    ]
    assert len(flags(db, supervisor, early)) == 1 and "2024-12-31" in flags(db, supervisor, early)[0]
    assert sorted(flagged(db, supervisor)) == sorted([late, early])

    renewal = authority(
        db,
        supervisor,
        reference="W-117/2026-R1",
        valid_from="2025-04-01",
        valid_to="2025-06-30",
        targets=["0321-7654321"],
        renews=warrant,
    )
    assert flags(db, supervisor, late) == []
    assert flags(db, supervisor, early) != []  # a renewal extends forward, not before the first day
    assert flagged(db, supervisor) == [early]
    assert view(db, supervisor, warrant)["renewed_by"] == [renewal]
    assert view(db, supervisor, renewal)["renews"] == warrant
    # an exhibit obtained under the renewal is covered by the original's targets too
    under_renewal = add_file(
        db,
        settings,
        supervisor,
        b"call 4",
        authority=renewal,
        targets=("03001234567",),
        collected_at=datetime(2025, 6, 1, 12, 0, tzinfo=UTC),
    )
    assert flags(db, supervisor, under_renewal) == []
    assert sorted(view(db, supervisor, warrant)["exhibits"]) == sorted([inside, late, early])


def test_call_records_without_any_authority_are_flagged(db, settings, supervisor):
    cdr = add_file(db, settings, supervisor, b"a;b;c\n", kind="cdr", title="CDR 0300-1234567")
    audio = add_file(db, settings, supervisor, b"just a recording", kind="audio")
    assert flags(db, supervisor, cdr) == ["no legal authority is recorded for this data"]
    assert flags(db, supervisor, audio) == []
    assert flagged(db, supervisor) == [cdr]


def test_expiring_lists_only_authorities_in_force_that_end_within_the_window(db, supervisor, cli, admin):
    today = utcnow().date()

    def day(offset):
        return (today + timedelta(days=offset)).isoformat()

    ends_today = authority(db, supervisor, reference="ends-today", valid_from=day(-30), valid_to=day(0))
    soon = authority(db, supervisor, reference="soon", valid_from=day(-30), valid_to=day(3))
    authority(db, supervisor, reference="later", valid_from=day(-30), valid_to=day(20))
    authority(db, supervisor, reference="expired", valid_from=day(-60), valid_to=day(-1))
    authority(db, supervisor, reference="not-yet", valid_from=day(2), valid_to=day(5))
    with db.read() as s:
        assert [a["id"] for a in list_authorities(s, supervisor, expiring_within=10)] == [ends_today, soon]
        assert [a["id"] for a in list_authorities(s, supervisor, expiring_within=0)] == [ends_today]
        assert len(list_authorities(s, supervisor)) == 5
        with pytest.raises(InvalidInput):
            list_authorities(s, supervisor, expiring_within=-1)
    result = cli("authority", "expiring", "--days", "10", "--json")
    assert result.code == 0, result.stderr
    listed = result.json["authorities"]
    assert [a["reference"] for a in listed] == ["ends-today", "soon"]
    assert all(a["in_force"] for a in listed)


def test_compartmented_authorities_are_invisible_to_the_uncleared(db, settings, make_actor, api):
    cleared = make_actor("supervisor", clearances=["ALPHA"])
    uncleared = make_actor("supervisor")
    secret = authority(
        db, cleared, reference="SECRET-1", valid_from="2026-01-01", valid_to="2026-12-31", compartment="ALPHA"
    )
    open_one = authority(db, cleared, reference="OPEN-1", valid_from="2026-01-01", valid_to="2026-12-31")
    with pytest.raises(NotFound):
        view(db, uncleared, secret)
    with pytest.raises(NotFound):
        view(db, uncleared, secret.lower())
    with db.read() as s:
        assert [a["id"] for a in list_authorities(s, uncleared)] == [open_one]
        assert [a["id"] for a in list_authorities(s, uncleared, expiring_within=3650)] == [open_one]
        with pytest.raises(NotFound):  # citing it for new evidence does not reveal it either
            check_inputs(
                s, uncleared, EvidenceInput(title="x", kind="audio", authority=secret), settings=settings
            )
    with pytest.raises(NotFound):
        authority(db, uncleared, reference="R", valid_from="2026-01-01", valid_to="2026-12-31", renews=secret)
    with pytest.raises(NotFound):
        authority(
            db, uncleared, reference="R", valid_from="2026-01-01", valid_to="2026-12-31", compartment="ALPHA"
        )
    # a renewal of a compartmented authority stays in its compartment
    renewal = authority(
        db, cleared, reference="SECRET-1-R1", valid_from="2027-01-01", valid_to="2027-06-30", renews=secret
    )
    assert view(db, cleared, renewal)["compartment"] == "ALPHA"
    with db.read() as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "authority.read", AuditEvent.actor == uncleared.username)
            )
            == 0
        )

    client = api("supervisor")
    missing = client.get(f"/api/v1/authorities/{secret}")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    assert client.get(f"/api/v1/authorities/{open_one}").status_code == 200
    assert [a["id"] for a in client.get("/api/v1/authorities").json()["authorities"]] == [open_one]
    assert api("supervisor", clearances=["ALPHA"]).get(f"/api/v1/authorities/{secret}").status_code == 200


def test_a_compartmented_renewal_is_not_named_to_the_uncleared(db, make_actor):
    cleared = make_actor("supervisor", clearances=["ALPHA"])
    uncleared = make_actor("supervisor")
    open_one = authority(db, cleared, reference="OPEN-2", valid_from="2026-01-01", valid_to="2026-06-30")
    secret_renewal = authority(
        db,
        cleared,
        reference="OPEN-2-R1",
        valid_from="2026-07-01",
        valid_to="2026-12-31",
        renews=open_one,
        compartment="ALPHA",
    )
    with db.read() as s:
        assert [a["renewed_by"] for a in list_authorities(s, cleared) if a["id"] == open_one] == [
            secret_renewal
        ]
        assert [a["renewed_by"] for a in list_authorities(s, uncleared)] == [None]
    assert view(db, uncleared, open_one)["renewed_by"] == []
