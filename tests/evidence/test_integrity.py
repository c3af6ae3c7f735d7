"""Re-hashing every stored file (``verify_all``): changed, missing and orphan files, and what
it does to each exhibit's status."""

from __future__ import annotations

import io
import os

import pytest
from sqlalchemy import select

from dastavez.evidence import verification
from dastavez.evidence.exhibits import visible_exhibit
from dastavez.evidence.integrity import verify_all
from dastavez.evidence.media import read_media
from dastavez.evidence.vault import EvidenceInput, add_evidence, blob_store, store_file
from dastavez.exc import PermissionDenied
from dastavez.storage.tables import AuditEvent


@pytest.fixture
def custodian(make_actor):
    return make_actor("custodian")


def add(db, settings, actor, content: bytes, **fields) -> tuple[str, str]:
    store = blob_store(settings)
    blob = store_file(store, io.BytesIO(content), settings=settings)
    data = EvidenceInput(title="Exhibit", kind="document", **fields)
    with db.write() as s:
        exhibit = add_evidence(
            s,
            actor,
            data,
            blob=blob,
            media=read_media(store.path_for(blob.sha256), kind="document"),
            settings=settings,
        )
        return exhibit.id, exhibit.sha256


def status(db, actor, exhibit_id) -> tuple[str, str]:
    with db.read() as s:
        exhibit = visible_exhibit(s, actor, exhibit_id)
        return exhibit.integrity, verification.status_of(exhibit, verification.latest(s, exhibit_id))


def overwrite(path, content: bytes) -> None:
    os.chmod(path, 0o644)  # stored files are read-only: this is someone going behind dastavez's back
    path.write_bytes(content)


def test_intact_files_pass(db, settings, custodian):
    add(db, settings, custodian, b"first")
    add(db, settings, custodian, b"second")
    report = verify_all(db, custodian, blob_store(settings))
    assert report.as_dict() == {"ok": True, "checked": 2, "problems": []}
    with db.read() as s:
        recorded = s.scalars(select(AuditEvent).where(AuditEvent.action == "evidence.verify_all")).one()
    assert recorded.detail == {"checked": 2, "problems": []}


def test_changed_missing_and_orphan_files_are_named(db, settings, custodian):
    store = blob_store(settings)
    changed_id, changed_sha = add(db, settings, custodian, b"statement, page 1")
    missing_id, missing_sha = add(db, settings, custodian, b"statement, page 2")
    intact_id, _ = add(db, settings, custodian, b"statement, page 3")
    orphan = store_file(store, io.BytesIO(b"stored, never registered"), settings=settings)

    overwrite(store.path_for(changed_sha), b"statement, page 1 (altered)")
    store.path_for(missing_sha).unlink()
    report = verify_all(db, custodian, store)
    assert not report.ok and report.checked == 3
    by_status = {p["status"]: p for p in report.problems}
    assert sorted(by_status) == ["changed", "missing", "orphan"]
    assert (by_status["changed"]["exhibit"], by_status["changed"]["sha256"]) == (changed_id, changed_sha)
    assert "hashes to sha256" in by_status["changed"]["detail"]
    assert (by_status["missing"]["exhibit"], by_status["missing"]["sha256"]) == (missing_id, missing_sha)
    assert (by_status["orphan"]["exhibit"], by_status["orphan"]["sha256"]) == (None, orphan.sha256)
    assert all("\n" not in p["detail"] for p in report.problems)

    assert status(db, custodian, changed_id) == ("broken", "integrity-broken")
    assert status(db, custodian, missing_id) == ("broken", "integrity-broken")
    assert status(db, custodian, intact_id) == ("ok", "unverified")


def test_a_restored_file_is_intact_again(db, settings, custodian):
    store = blob_store(settings)
    exhibit_id, sha256 = add(db, settings, custodian, b"original bytes")
    overwrite(store.path_for(sha256), b"original bytez")
    assert not verify_all(db, custodian, store).ok
    assert status(db, custodian, exhibit_id)[1] == "integrity-broken"
    overwrite(store.path_for(sha256), b"original bytes")  # restored from the sealed copy
    assert verify_all(db, custodian, store).ok
    assert status(db, custodian, exhibit_id) == ("ok", "unverified")


def test_a_same_size_change_with_the_same_address_is_still_caught(db, settings, custodian):
    store = blob_store(settings)
    exhibit_id, sha256 = add(db, settings, custodian, b"A" * 4096)
    overwrite(store.path_for(sha256), b"A" * 4095 + b"B")
    problems = verify_all(db, custodian, store).problems
    assert [(p["exhibit"], p["status"]) for p in problems] == [(exhibit_id, "changed")]


def test_the_uncleared_check_only_what_they_may_see(db, settings, make_actor):
    store = blob_store(settings)
    cleared = make_actor("custodian", clearances=["ALPHA"])
    uncleared = make_actor("custodian")
    secret_id, secret_sha = add(db, settings, cleared, b"source material", compartment="ALPHA")
    add(db, settings, uncleared, b"open material")
    overwrite(store.path_for(secret_sha), b"source material, altered")
    # the compartmented file is neither checked nor reported as an orphan to the uncleared
    assert verify_all(db, uncleared, store).as_dict() == {"ok": True, "checked": 1, "problems": []}
    assert status(db, cleared, secret_id)[0] == "ok"  # not re-checked yet
    report = verify_all(db, cleared, store)
    assert [(p["exhibit"], p["status"]) for p in report.problems] == [(secret_id, "changed")]


def test_integrity_checks_need_the_permission(db, settings, make_actor):
    with pytest.raises(PermissionDenied):
        verify_all(db, make_actor("analyst"), blob_store(settings))
    assert verify_all(db, make_actor("auditor"), blob_store(settings)).ok
