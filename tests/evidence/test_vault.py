"""Adding evidence files through the service: stored once, described, numbered, with lineage."""

from __future__ import annotations

import hashlib
import io
import json
import stat
import threading
import wave
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from dastavez.evidence.blobs import StoredBlob
from dastavez.evidence.exhibits import NUMBER, visible_exhibit
from dastavez.evidence.media import read_media
from dastavez.evidence.vault import (
    EvidenceInput,
    add_evidence,
    blob_store,
    check_inputs,
    show_evidence,
    store_file,
)
from dastavez.exc import Conflict, InvalidInput, NotFound, PayloadTooLarge, PermissionDenied
from dastavez.storage.engine import Database
from dastavez.storage.ledger_tables import LedgerEntry
from dastavez.storage.tables import Exhibit


@pytest.fixture
def custodian(make_actor):
    return make_actor("custodian")


def stored(settings, content: bytes) -> StoredBlob:
    return store_file(blob_store(settings), io.BytesIO(content), settings=settings)


def add(db, settings, actor, content: bytes, **fields) -> Exhibit:
    blob = stored(settings, content)
    kind = fields.pop("kind", "document")
    data = EvidenceInput(title=fields.pop("title", "Exhibit"), kind=kind, **fields)
    media = read_media(blob_store(settings).path_for(blob.sha256), kind=kind)
    with db.write() as s:
        return add_evidence(s, actor, data, blob=blob, media=media, settings=settings)


def wav_bytes(seconds: float, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x10\x00" * int(seconds * rate))
    return buffer.getvalue()


def exhibits(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Exhibit))


def test_a_file_is_stored_read_only_under_its_hash_and_described(db, settings, custodian):
    content = wav_bytes(2.5)
    exhibit = add(
        db,
        settings,
        custodian,
        content,
        kind="audio",
        title=" Intercepted   call ",
        file_name="call-14-may.wav",
        collection_tool="Lawful intercept gateway",
    )
    assert NUMBER.match(exhibit.id) and exhibit.id.startswith(f"EXH-{datetime.now(UTC).year}-")
    assert exhibit.title == "Intercepted call"
    assert exhibit.sha256 == hashlib.sha256(content).hexdigest()
    assert exhibit.sha512 == hashlib.sha512(content).hexdigest()
    assert exhibit.size == len(content)
    assert (exhibit.media["format"], exhibit.media["duration_s"]) == ("wav", 2.5)
    assert (exhibit.origin, exhibit.integrity, exhibit.holder) == ("original", "ok", custodian.username)
    path = blob_store(settings).path_for(exhibit.sha256)
    assert path.read_bytes() == content
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    with db.read() as s:
        entry = s.scalars(select(LedgerEntry).order_by(LedgerEntry.idx.desc()).limit(1)).one()
    recorded = json.loads(entry.payload)
    assert (recorded["action"], recorded["target_id"]) == ("exhibit.add", exhibit.id)
    assert (recorded["detail"]["sha256"], recorded["detail"]["sha512"], recorded["detail"]["size"]) == (
        exhibit.sha256,
        exhibit.sha512,
        exhibit.size,
    )


def test_numbers_run_on_without_gaps(db, settings, custodian):
    ids = [add(db, settings, custodian, f"file {n}".encode()).id for n in range(3)]
    numbers = [int(NUMBER.match(i).group(2)) for i in ids]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]


def test_the_same_content_is_stored_once_and_refused_as_a_second_original(db, settings, custodian):
    first = add(db, settings, custodian, b"the one recording")
    with pytest.raises(Conflict, match=f"already stored as {first.id}"):
        add(db, settings, custodian, b"the one recording", title="Same file again")
    assert exhibits(db) == 1
    assert list(blob_store(settings).iter_stored()) == [first.sha256]
    assert stored(settings, b"the one recording").created is False


def test_a_duplicate_in_a_compartment_is_not_named_to_the_uncleared(db, settings, make_actor):
    cleared = make_actor("custodian", clearances=["ALPHA"])
    secret = add(db, settings, cleared, b"source recording", compartment="ALPHA")
    with pytest.raises(Conflict) as refused:
        add(db, settings, make_actor("custodian"), b"source recording")
    assert secret.id not in refused.value.detail
    assert "not cleared" in refused.value.detail


def test_lineage_originals_copies_and_derivatives(db, settings, make_actor):
    cleared = make_actor("custodian", clearances=["ALPHA"])
    original = add(db, settings, cleared, wav_bytes(1), kind="audio", compartment="ALPHA")
    with pytest.raises(InvalidInput, match="--parent"):
        add(db, settings, cleared, b"transcript", origin="transcript")
    with pytest.raises(InvalidInput, match="an original has no parent"):
        add(db, settings, cleared, b"transcript", parent=original.id)
    with pytest.raises(InvalidInput, match="origin must be one of"):
        add(db, settings, cleared, b"transcript", origin="forgery", parent=original.id)
    transcript = add(
        db, settings, cleared, b"Urdu transcript", origin="transcript", parent=original.id.lower()
    )
    translation = add(
        db, settings, cleared, b"English translation", origin="translation", parent=transcript.id
    )
    assert (transcript.parent_id, transcript.compartment) == (
        original.id,
        "ALPHA",
    )  # inherits its compartment
    assert (translation.parent_id, translation.compartment) == (transcript.id, "ALPHA")
    with db.write() as s:
        shown = show_evidence(s, cleared, original.id)
    assert shown["derived"] == [{"id": transcript.id, "origin": "transcript", "title": "Exhibit"}]
    assert shown["origin"] == "original" and shown["parent"] is None
    uncleared = make_actor("custodian")
    with pytest.raises(NotFound):
        add(db, settings, uncleared, b"excerpt", origin="excerpt", parent=original.id)
    with db.read() as s, pytest.raises(NotFound):
        visible_exhibit(s, uncleared, transcript.id)


@pytest.mark.parametrize(
    ("fields", "error", "field"),
    [
        ({"kind": "recording"}, InvalidInput, "kind"),
        ({"title": "  "}, InvalidInput, "title"),
        ({"compartment": "NOPE"}, NotFound, "compartment"),
        ({"authority": "AUTH-NOPE"}, NotFound, "authority"),
        ({"collected_at": datetime(2026, 1, 1, 10, 0)}, InvalidInput, "collected_at"),
        ({"collected_at": datetime.now(UTC) + timedelta(days=1)}, InvalidInput, "collected_at"),
        ({"collected_by": "x" * 201}, InvalidInput, "collected_by"),
        ({"targets": ("0300 12",)}, InvalidInput, "target"),
    ],
)
def test_bad_input_is_refused_before_anything_is_stored(db, settings, custodian, fields, error, field):
    data = EvidenceInput(**({"title": "Exhibit", "kind": "audio"} | fields))
    with db.read() as s, pytest.raises(error) as refused:
        check_inputs(s, custodian, data, settings=settings)
    assert refused.value.field == field


def test_only_exhibit_writers_add_evidence(db, settings, make_actor):
    with db.read() as s, pytest.raises(PermissionDenied):
        check_inputs(s, make_actor("liaison"), EvidenceInput(title="x", kind="audio"), settings=settings)
    with pytest.raises(PermissionDenied):
        add(db, settings, make_actor("auditor"), b"not theirs to add")
    assert exhibits(db) == 0


def test_a_file_over_the_limit_leaves_nothing(settings):
    small = settings.with_(max_evidence_bytes=1000)
    store = blob_store(small)
    with pytest.raises(PayloadTooLarge):
        store_file(store, io.BytesIO(b"x" * 1001), settings=small)
    assert list(store.iter_stored()) == [] and list(store.temp_dir.iterdir()) == []
    assert store_file(store, io.BytesIO(b"x" * 1000), settings=small).size == 1000


def test_concurrent_additions_get_distinct_gap_free_numbers(settings, custodian):
    writers = 4
    start = threading.Barrier(writers)
    results: list[str] = []
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        database = Database(settings)  # one engine each, like separate processes
        try:
            start.wait()
            for i in range(3):
                results.append(add(database, settings, custodian, f"writer {n} file {i}".encode()).id)
        except BaseException as err:  # reported below, in the test's thread
            errors.append(err)
        finally:
            database.dispose()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(int(NUMBER.match(i).group(2)) for i in results)
    assert numbers == list(range(numbers[0], numbers[0] + writers * 3))
