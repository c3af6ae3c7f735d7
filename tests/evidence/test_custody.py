"""Chain of custody through the service: who may record, which transitions are allowed,
how the chain is numbered, and the hash check at a hand-over.

Every refusal is checked to write nothing: no custody event, no audit event, no ledger entry.
"""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from dastavez.evidence import custody, verification
from dastavez.evidence.exhibits import register_exhibit, visible_exhibit
from dastavez.evidence.media import read_media
from dastavez.evidence.vault import EvidenceInput, add_evidence, blob_store, show_evidence, store_file
from dastavez.exc import Conflict, InvalidInput, PermissionDenied
from dastavez.storage.ledger_tables import LedgerEntry
from dastavez.storage.tables import AuditEvent
from dastavez.storage.vault_tables import CustodyEvent


@pytest.fixture
def custodian(make_actor):
    return make_actor("custodian")


@pytest.fixture
def analyst(make_actor):
    return make_actor("analyst")


@pytest.fixture
def exhibit_id(db, custodian):
    """A registered exhibit held by the custodian (chain: 1 collected)."""
    with db.write() as s:
        return register_exhibit(s, custodian, title="Seized handset", kind="other").id


def record(db, actor, exhibit_id, **fields):
    with db.write() as s:
        exhibit = visible_exhibit(s, actor, exhibit_id)
        event = custody.record_event(s, actor, exhibit, **fields)
        return custody.event_view(event) | {"holder": exhibit.holder, "state": exhibit.custody_state}


def written(db) -> tuple[int, int, int]:
    with db.read() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(t)) for t in (CustodyEvent, AuditEvent, LedgerEntry)
        )


def refused(db, actor, exhibit_id, error, match=None, **fields):
    """The event is refused with ``error`` and nothing at all is written."""
    before = written(db)
    with pytest.raises(error, match=match):
        record(db, actor, exhibit_id, **fields)
    assert written(db) == before


def chain(db, exhibit_id):
    with db.read() as s:
        return custody.chain(s, exhibit_id)


def test_the_chain_is_numbered_from_one_and_follows_the_holder(db, custodian, analyst, exhibit_id):
    moved = record(
        db, custodian, exhibit_id, action="transferred", to_holder=analyst.username, purpose="examination"
    )
    assert (moved["from"], moved["to"], moved["holder"], moved["state"]) == (
        custodian.username,
        analyst.username,
        analyst.username,
        "held",
    )
    record(db, analyst, exhibit_id, action="examined", note="screen photographed")
    record(db, analyst, exhibit_id, action="copied", purpose="working copy")
    record(
        db,
        analyst,
        exhibit_id,
        action="transferred",
        to_holder=custodian.username,
        from_holder=analyst.username,
    )
    links = chain(db, exhibit_id)
    assert [e["seq"] for e in links] == [1, 2, 3, 4, 5]
    assert [e["action"] for e in links] == ["collected", "transferred", "examined", "copied", "transferred"]
    assert [(e["from"], e["to"]) for e in links[1:]] == [
        (custodian.username, analyst.username),
        (analyst.username, analyst.username),  # examining does not move the exhibit
        (analyst.username, analyst.username),
        (analyst.username, custodian.username),
    ]
    assert [e["recorded_by"] for e in links] == [custodian.username] * 2 + [analyst.username] * 3
    assert links[1]["purpose"] == "examination" and links[2]["note"] == "screen photographed"
    with db.read() as s:
        assert custody.count(s, exhibit_id) == 5
        assert visible_exhibit(s, custodian, exhibit_id).holder == custodian.username
        recorded = s.scalars(
            select(AuditEvent.action).where(AuditEvent.target_id == exhibit_id).order_by(AuditEvent.id)
        ).all()
    assert recorded == [
        "exhibit.register",
        "custody.transferred",
        "custody.examined",
        "custody.copied",
        "custody.transferred",
    ]


def test_only_the_holder_or_the_evidence_store_can_record(db, make_actor, custodian, analyst, exhibit_id):
    other = make_actor("analyst")
    # the custodian holds it: another analyst may neither hand it over nor examine it
    refused(
        db,
        analyst,
        exhibit_id,
        PermissionDenied,
        match="current holder",
        action="transferred",
        to_holder=analyst.username,
    )
    refused(db, analyst, exhibit_id, PermissionDenied, action="examined")
    record(db, custodian, exhibit_id, action="transferred", to_holder=analyst.username)
    refused(db, other, exhibit_id, PermissionDenied, action="transferred", to_holder=other.username)
    # the holder may; so may the evidence store (custody.manage) on the holder's behalf
    record(db, analyst, exhibit_id, action="examined")
    on_behalf = record(
        db,
        custodian,
        exhibit_id,
        action="transferred",
        to_holder="Forensic lab",
        from_holder=analyst.username,
    )
    assert (on_behalf["from"], on_behalf["holder"], on_behalf["recorded_by"]) == (
        analyst.username,
        "Forensic lab",
        custodian.username,
    )
    # a role without custody.record cannot record even a link it would otherwise be allowed
    liaison = make_actor("liaison")
    refused(db, liaison, exhibit_id, PermissionDenied, action="examined")


def test_from_must_name_the_current_holder(db, custodian, exhibit_id):
    refused(
        db,
        custodian,
        exhibit_id,
        Conflict,
        match=f"current holder \\({custodian.username}\\)",
        action="transferred",
        to_holder="Insp. Rana",
        from_holder="Insp. Rana",
    )
    done = record(
        db,
        custodian,
        exhibit_id,
        action="transferred",
        to_holder="Insp. Rana",
        from_holder=f"  {custodian.username} ",
    )
    assert done["from"] == custodian.username


def test_hand_overs_name_a_new_holder(db, custodian, exhibit_id):
    for action in ("transferred", "received", "released"):
        refused(db, custodian, exhibit_id, InvalidInput, match="--to", action=action)
    refused(
        db,
        custodian,
        exhibit_id,
        InvalidInput,
        match="already holds",
        action="transferred",
        to_holder=custodian.username,
    )
    refused(db, custodian, exhibit_id, InvalidInput, match="unknown custody action", action="lost")
    refused(db, custodian, exhibit_id, Conflict, match="first link", action="collected")


def test_sealing_needs_a_number_and_blocks_examination_until_unsealed_with_it(db, custodian, exhibit_id):
    refused(db, custodian, exhibit_id, InvalidInput, match="seal number", action="sealed")
    sealed = record(db, custodian, exhibit_id, action="sealed", seal_number="CTD-S-0001")
    assert (sealed["state"], sealed["seal_number"]) == ("sealed", "CTD-S-0001")
    for action in ("examined", "copied", "sealed", "returned"):
        refused(db, custodian, exhibit_id, Conflict, action=action, seal_number="CTD-S-0001")
    refused(
        db,
        custodian,
        exhibit_id,
        Conflict,
        match="sealed with CTD-S-0001, not CTD-S-0002",
        action="unsealed",
        seal_number="CTD-S-0002",
    )
    # breaking a seal without saying which seal proves nothing about it
    refused(db, custodian, exhibit_id, InvalidInput, match="seal number", action="unsealed")
    # a sealed exhibit can still travel sealed
    record(db, custodian, exhibit_id, action="transferred", to_holder="Forensic lab")
    record(db, custodian, exhibit_id, action="transferred", to_holder=custodian.username)
    unsealed = record(db, custodian, exhibit_id, action="unsealed", seal_number="CTD-S-0001")
    assert unsealed["state"] == "held"
    assert record(db, custodian, exhibit_id, action="examined")["state"] == "held"
    refused(
        db, custodian, exhibit_id, Conflict, match="not sealed", action="unsealed", seal_number="CTD-S-0001"
    )
    # sealed again under a new seal: only the new number opens it
    record(db, custodian, exhibit_id, action="sealed", seal_number="CTD-S-0002")
    refused(db, custodian, exhibit_id, Conflict, action="unsealed", seal_number="CTD-S-0001")
    record(db, custodian, exhibit_id, action="unsealed", seal_number="CTD-S-0002")


def test_a_released_exhibit_can_only_come_back(db, custodian, exhibit_id):
    released = record(db, custodian, exhibit_id, action="released", to_holder="Court registry, ATC-I")
    assert (released["state"], released["holder"]) == ("released", "Court registry, ATC-I")
    for action in ("examined", "copied", "transferred", "sealed", "unsealed", "received", "destroyed"):
        refused(
            db,
            custodian,
            exhibit_id,
            Conflict,
            match="released",
            action=action,
            to_holder="Someone",
            seal_number="S-1",
        )
    back = record(db, custodian, exhibit_id, action="returned", to_holder=custodian.username)
    assert (back["from"], back["state"], back["holder"]) == (
        "Court registry, ATC-I",
        "held",
        custodian.username,
    )
    record(db, custodian, exhibit_id, action="examined")


def test_a_destroyed_exhibit_is_gone(db, custodian, exhibit_id):
    record(db, custodian, exhibit_id, action="destroyed", note="court order 17/2026")
    for action in custody.ACTIONS:
        refused(db, custodian, exhibit_id, Conflict, action=action, to_holder="Someone", seal_number="S-1")
    with db.read() as s:
        assert visible_exhibit(s, custodian, exhibit_id).custody_state == "destroyed"


def test_times_never_run_backwards_and_need_a_zone(db, custodian, exhibit_id):
    start = chain(db, exhibit_id)[-1]["at"]
    then = datetime.fromisoformat(start)
    refused(
        db,
        custodian,
        exhibit_id,
        Conflict,
        match="times may not run backwards",
        action="examined",
        occurred_at=then - timedelta(seconds=1),
    )
    refused(
        db,
        custodian,
        exhibit_id,
        InvalidInput,
        match="time zone",
        action="examined",
        occurred_at=datetime.now(UTC).replace(tzinfo=None),
    )
    refused(
        db,
        custodian,
        exhibit_id,
        InvalidInput,
        match="future",
        action="examined",
        occurred_at=datetime.now(UTC) + timedelta(hours=1),
    )
    later = then + timedelta(seconds=1)
    record(
        db,
        custodian,
        exhibit_id,
        action="examined",
        occurred_at=later.astimezone(datetime.now().astimezone().tzinfo),
    )
    refused(db, custodian, exhibit_id, Conflict, action="examined", occurred_at=then)
    assert datetime.fromisoformat(chain(db, exhibit_id)[-1]["at"]) == later


def add_file(db, settings, actor, content: bytes, **fields):
    """Store ``content`` and add it as an exhibit, as the CLI and the API do."""
    store = blob_store(settings)
    blob = store_file(store, io.BytesIO(content), settings=settings)
    kind = fields.pop("kind", "document")
    media = read_media(store.path_for(blob.sha256), kind=kind)
    data = EvidenceInput(title=fields.pop("title", "Exhibit file"), kind=kind, **fields)
    with db.write() as s:
        return add_evidence(s, actor, data, blob=blob, media=media, settings=settings).id


def test_adding_a_file_opens_the_chain_with_a_hash_check(db, settings, custodian):
    own = add_file(db, settings, custodian, b"statement of PW-1\n")
    assert [(e["seq"], e["action"], e["to"], e["hash_result"]) for e in chain(db, own)] == [
        (1, "collected", custodian.username, "match"),
    ]
    collected_at = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    theirs = add_file(
        db,
        settings,
        custodian,
        b"call recording bytes",
        collected_by="SI Nadeem",
        collected_at=collected_at,
        collected_place="Quetta",
    )
    links = chain(db, theirs)
    assert [(e["seq"], e["action"], e["from"], e["to"]) for e in links] == [
        (1, "collected", None, "SI Nadeem"),
        (2, "received", "SI Nadeem", custodian.username),
    ]
    assert datetime.fromisoformat(links[0]["at"]) == collected_at and links[0]["place"] == "Quetta"
    assert (links[0]["hash_checked"], links[1]["hash_checked"], links[1]["hash_result"]) == (
        False,
        True,
        "match",
    )


def test_a_hash_check_at_hand_over_records_the_result(db, settings, custodian, analyst):
    content = b"RIFF-ish intercepted call, 14 May"
    exhibit_id = add_file(db, settings, custodian, content, kind="audio")
    store = blob_store(settings)
    with db.read() as s:
        sha256 = visible_exhibit(s, custodian, exhibit_id).sha256

    def check():
        result = store.check(sha256, size=len(content))
        return custody.HashCheck("match" if result.status == "ok" else "mismatch", result.detail)

    good = record(
        db, custodian, exhibit_id, action="transferred", to_holder=analyst.username, hash_check=check()
    )
    assert (good["hash_checked"], good["hash_result"]) == (True, "match")
    with db.read() as s:
        assert visible_exhibit(s, custodian, exhibit_id).integrity == "ok"

    path = store.path_for(sha256)
    os.chmod(path, 0o644)
    path.write_bytes(content.replace(b"14 May", b"15 May"))
    bad = record(
        db, analyst, exhibit_id, action="transferred", to_holder=custodian.username, hash_check=check()
    )
    assert (bad["hash_checked"], bad["hash_result"]) == (True, "mismatch")
    plain = record(db, custodian, exhibit_id, action="sealed", seal_number="S-9")
    assert (plain["hash_checked"], plain["hash_result"]) == (False, None)
    with db.write() as s:
        view = show_evidence(s, custodian, exhibit_id)
    assert view["integrity"] == "broken"
    assert view["verification_status"] == "integrity-broken"
    assert [e["hash_result"] for e in view["custody"]] == ["match", "match", "mismatch", None]
    with db.read() as s:
        exhibit = visible_exhibit(s, custodian, exhibit_id)
        assert verification.status_of(exhibit, verification.latest(s, exhibit_id)) == "integrity-broken"
