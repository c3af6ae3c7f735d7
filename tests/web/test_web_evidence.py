"""The evidence pages against a real database: upload, exhibit page, custody, verification, authorities."""

from __future__ import annotations

import asyncio
import hashlib
import io
import re
import wave
from datetime import UTC, date, datetime, timedelta
from typing import Any

from conftest import PASSWORD
from sqlalchemy import func, select
from web_client import csrf_for, logged_in, new_browser, submit_login

from dastavez.access.actor import Actor
from dastavez.app import create_app
from dastavez.evidence.authority import add_authority
from dastavez.evidence.media import read_media
from dastavez.evidence.vault import EvidenceInput, add_evidence, blob_store, store_file
from dastavez.settings import Settings
from dastavez.storage.engine import Database
from dastavez.storage.tables import AuditEvent, Exhibit
from dastavez.storage.vault_tables import CustodyEvent, Verification

HOSTILE = "<script>alert(1)</script>"


def wav_bytes(*, frames: int = 12_000, rate: int = 8000, channels: int = 2, fill: int = 1) -> bytes:
    """A valid PCM WAV: 12,000 frames at 8 kHz is 1.5 seconds."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes([fill, 0]) * channels * frames)
    return buffer.getvalue()


def add_file(db: Database, settings: Settings, actor: Actor, content: bytes, **fields: Any) -> str:
    """An exhibit with a stored file, added the way the CLI does it."""
    data = EvidenceInput(**({"title": "Intercepted call", "kind": "audio"} | fields))
    store = blob_store(settings)
    blob = store_file(store, io.BytesIO(content), settings=settings)
    media = read_media(store.path_for(blob.sha256), kind=data.kind)
    with db.write() as session:
        return add_evidence(session, actor, data, blob=blob, media=media, settings=settings).id


def upload(browser: Any, *, content: bytes, token: str | None = None, name: str = "call.wav",
           headers: dict[str, str] | None = None, **fields: str) -> Any:
    data = {"kind": "audio", "title": "Call of 3 March, Quetta"} | fields
    if token is not None:
        data["csrf_token"] = token
    return browser.post("/exhibits/upload", data=data, files={"file": (name, content, "audio/wav")},
                        headers=headers or {})


def count(db: Database, table: Any) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def custody_audit(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).where(AuditEvent.action.like("custody.%"))) or 0


def test_upload_a_wav_through_the_form(app, make_actor, db, settings):
    browser, actor = logged_in(app, make_actor, "custodian")
    page = browser.get("/exhibits/upload")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text and "data-upload" in page.text
    assert '<progress id="upload-progress-bar"' in page.text
    content = wav_bytes()
    two_days_ago = (datetime.now(UTC) - timedelta(days=2)).astimezone().strftime("%Y-%m-%d")
    done = upload(browser, content=content, token=csrf_for(browser), collected_at=f"{two_days_ago}T14:30",
                  zone="Asia/Karachi", collected_place="Quetta", targets="0300 1234567\nimei:356938035643809")
    assert done.status_code == 303, done.text
    number = re.fullmatch(r"/exhibits/(EXH-\d{4}-\d{6})", done.headers["location"])
    assert number
    html = browser.get(done.headers["location"]).text
    assert "1.5 s (0:00:01.500)" in html and "8000 Hz" in html
    assert hashlib.sha256(content).hexdigest() in html
    assert hashlib.sha512(content).hexdigest() in html
    assert "call.wav" in html and "Quetta" in html and "+923001234567" in html
    assert f"{two_days_ago} 09:30 UTC" in html  # 14:30 in Karachi is 09:30 UTC
    assert 'class="badge badge-verification badge-unverified">unverified<' in html
    with db.read() as session:
        exhibit = session.get(Exhibit, number.group(1))
        assert exhibit is not None and exhibit.size == len(content) and exhibit.created_by == actor.username
    assert blob_store(settings).exists(hashlib.sha256(content).hexdigest())


def test_upload_with_javascript_gets_201_and_its_fields_checked_first(app, make_actor, db):
    browser, _ = logged_in(app, make_actor, "custodian")
    token = csrf_for(browser)
    check = browser.post("/exhibits/upload/check", data={"kind": "audio", "title": "  "},
                         headers={"X-CSRF-Token": token})
    assert check.status_code == 422 and "an exhibit needs a title" in check.text
    assert re.search(r'id="upload-title"[^>]*aria-invalid="true"', check.text)
    fine = browser.post("/exhibits/upload/check", data={"kind": "audio", "title": "Call"},
                        headers={"X-CSRF-Token": token})
    assert fine.status_code == 204
    done = upload(browser, content=wav_bytes(fill=2),
                  headers={"X-CSRF-Token": token, "X-Requested-With": "XMLHttpRequest"})
    assert done.status_code == 201
    assert re.fullmatch(r"/exhibits/EXH-\d{4}-\d{6}", done.headers["location"])


def test_refused_uploads_write_nothing(app, make_actor, db, settings):
    browser, _ = logged_in(app, make_actor, "custodian")
    token = csrf_for(browser)
    no_token = upload(browser, content=wav_bytes())
    assert no_token.status_code == 403 and "the form has expired" in no_token.text
    bad_token = upload(browser, content=wav_bytes(), headers={"X-CSRF-Token": "forged"})
    assert bad_token.status_code == 403
    bad_kind = upload(browser, content=wav_bytes(), token=token, kind="mixtape", title="Call")
    assert bad_kind.status_code == 422 and "unknown exhibit kind" in bad_kind.text
    assert 'value="Call"' in bad_kind.text  # what was typed comes back
    future = upload(browser, content=wav_bytes(), token=token, collected_at="2999-01-01T10:00")
    assert future.status_code == 422 and "cannot be in the future" in future.text
    no_zone = upload(browser, content=wav_bytes(), token=token, collected_at="2026-01-01T10:00",
                     zone="Mars/Base")
    assert no_zone.status_code == 422 and "unknown time zone" in no_zone.text
    no_file = browser.post("/exhibits/upload", data={"csrf_token": token, "kind": "audio", "title": "x"},
                           files={"file": ("", b"", "application/octet-stream")})
    assert no_file.status_code == 422 and "choose the file to upload" in no_file.text
    assert count(db, Exhibit) == 0
    assert list(blob_store(settings).iter_stored()) == []
    liaison, _ = logged_in(app, make_actor, "liaison")
    assert liaison.get("/exhibits/upload").status_code == 403
    assert upload(liaison, content=wav_bytes(), token=csrf_for(liaison)).status_code == 403
    assert count(db, Exhibit) == 0


def test_an_upload_over_the_limit_is_refused_with_a_message(settings, db, make_actor):
    small = create_app(settings.with_(max_evidence_bytes=20_000), database=db)
    browser, _ = logged_in(small, make_actor, "custodian")
    page = browser.get("/exhibits/upload")
    assert 'data-max-bytes="20000"' in page.text
    refused = upload(browser, content=wav_bytes(), token=csrf_for(browser))  # 48 kB
    assert refused.status_code == 413
    assert 'role="alert"' in refused.text and "larger than the limit of 20,000 bytes" in refused.text
    assert count(db, Exhibit) == 0
    assert list(blob_store(settings).iter_stored()) == []


def test_an_upload_larger_than_a_form_is_accepted(app, make_actor, db):
    browser, _ = logged_in(app, make_actor, "custodian")
    content = wav_bytes(frames=400_000)  # 1.6 MB: past 1 MiB the upload is spooled to a temp file
    done = upload(browser, content=content, token=csrf_for(browser))
    assert done.status_code == 303, done.text
    with db.read() as session:
        assert session.scalars(select(Exhibit.size)).one() == len(content)


def test_a_transfer_appears_in_the_custody_timeline(app, make_actor, db, settings):
    browser, actor = logged_in(app, make_actor, "custodian")
    yesterday = date.today() - timedelta(days=1)
    number = add_file(db, settings, actor, wav_bytes(), collected_at=datetime.now(UTC) - timedelta(days=2))
    token = csrf_for(browser)
    done = browser.post(f"/exhibits/{number}/custody", data={
        "csrf_token": token, "action": "transferred", "to": "Inspector Bashir", "at": f"{yesterday}T14:30",
        "zone": "Asia/Karachi", "place": "CTD Quetta", "purpose": "voice comparison", "check_hash": "on"})
    assert done.status_code == 303, done.text
    assert done.headers["location"] == f"/exhibits/{number}#custody"
    html = browser.get(f"/exhibits/{number}").text
    events = re.findall(r'<li class="timeline-event action-(\w+)" id="custody-(\d+)">', html)
    assert events == [("collected", "1"), ("transferred", "2")]
    transfer = html[html.index('id="custody-2"'):]
    arrow = '</span> <span aria-label="to">→</span> <span dir="auto">'
    assert f"{actor.username}{arrow}Inspector Bashir" in transfer
    assert f"{yesterday} 09:30 UTC" in transfer and "CTD Quetta" in transfer
    assert "voice comparison" in transfer
    assert "checked: matches" in transfer
    assert "by <strong dir=\"auto\">Inspector Bashir</strong>" in html  # the new holder
    with db.read() as session:
        event = session.scalars(select(CustodyEvent).where(CustodyEvent.seq == 2)).one()
        assert event.occurred_at == datetime(yesterday.year, yesterday.month, yesterday.day, 9, 30,
                                             tzinfo=UTC)


def test_an_illegal_transition_is_shown_and_nothing_is_written(app, make_actor, db, settings):
    browser, actor = logged_in(app, make_actor, "custodian")
    number = add_file(db, settings, actor, wav_bytes())
    token = csrf_for(browser)
    released = browser.post(f"/exhibits/{number}/custody", data={
        "csrf_token": token, "action": "released", "to": "Anti-Terrorism Court II"})
    assert released.status_code == 303
    before = (count(db, CustodyEvent), custody_audit(db))
    refused = browser.post(f"/exhibits/{number}/custody", data={
        "csrf_token": token, "action": "examined", "purpose": "second listen"})
    assert refused.status_code == 409
    reason = f"{number} was released to Anti-Terrorism Court II: only its return can be recorded"
    assert reason in refused.text
    assert 'value="second listen"' in refused.text and "Traceback" not in refused.text
    assert f'href="/exhibits/{number}#custody"' in refused.text  # the way back
    fragment = browser.post(f"/exhibits/{number}/custody", headers={"HX-Request": "true"}, data={
        "csrf_token": token, "action": "examined"})
    assert fragment.status_code == 409 and fragment.headers["HX-Retarget"] == "#custody-form"
    assert "<html" not in fragment.text and 'role="alert"' in fragment.text
    backwards = browser.post(f"/exhibits/{number}/custody", data={
        "csrf_token": token, "action": "returned", "to": actor.username, "at": "2001-01-01T10:00"})
    assert backwards.status_code == 409 and "times may not run backwards" in backwards.text
    assert re.search(r'id="custody-at"[^>]*aria-invalid="true"', backwards.text)
    bad_time = browser.post(f"/exhibits/{number}/custody", data={
        "csrf_token": token, "action": "returned", "to": actor.username, "at": "yesterday"})
    assert bad_time.status_code == 422 and "must be a date and time" in bad_time.text
    assert (count(db, CustodyEvent), custody_audit(db)) == before
    forged = browser.post(f"/exhibits/{number}/custody", data={"csrf_token": "x", "action": "returned",
                                                                "to": actor.username})
    assert forged.status_code == 403 and (count(db, CustodyEvent), custody_audit(db)) == before


def test_verification_then_review_by_a_second_person(app, make_actor, db, settings):
    custodian, actor = logged_in(app, make_actor, "custodian")
    number = add_file(db, settings, actor, wav_bytes())
    page = custodian.get(f"/exhibits/{number}").text
    assert 'id="verification-form"' in page and 'id="review-form"' not in page
    token = csrf_for(custodian)
    done = custodian.post(f"/exhibits/{number}/verifications", data={
        "csrf_token": token, "method": "voice comparison, ENF analysis", "result": "passed", "note": HOSTILE})
    assert done.status_code == 303
    page = custodian.get(f"/exhibits/{number}").text
    assert "verification pending review" in page and "waiting for a second person" in page
    assert "You examined this exhibit" in page and 'id="review-form"' not in page
    assert HOSTILE not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    own = custodian.post(f"/exhibits/{number}/verifications/review", data={"csrf_token": token,
                                                                           "decision": "confirmed"})
    assert own.status_code == 409 and "different user than the examiner" in own.text
    again = custodian.post(f"/exhibits/{number}/verifications", data={
        "csrf_token": token, "method": "again", "result": "passed"})
    assert again.status_code == 409 and "still waiting for its review" in again.text

    analyst, _ = logged_in(app, make_actor, "analyst")  # may not review: no form, and refused
    assert 'id="review-form"' not in analyst.get(f"/exhibits/{number}").text
    assert analyst.post(f"/exhibits/{number}/verifications/review",
                        data={"csrf_token": csrf_for(analyst), "decision": "confirmed"}).status_code == 403

    supervisor, _ = logged_in(app, make_actor, "supervisor")
    assert 'id="review-form"' in supervisor.get(f"/exhibits/{number}").text
    reviewed = supervisor.post(f"/exhibits/{number}/verifications/review", data={
        "csrf_token": csrf_for(supervisor), "decision": "confirmed", "note": "listened in full"})
    assert reviewed.status_code == 303
    page = supervisor.get(f"/exhibits/{number}").text
    assert 'badge-verified">verified<' in page and "listened in full" in page
    with db.read() as session:
        assert session.scalars(select(Verification)).one().review_decision == "confirmed"


def test_hostile_text_is_escaped_everywhere(app, make_actor, db, settings):
    browser, _ = logged_in(app, make_actor, "custodian")
    done = upload(browser, content=wav_bytes(), token=csrf_for(browser), title=HOSTILE, name=f"{HOSTILE}.wav",
                  description=HOSTILE, collected_place=HOSTILE, collected_by=HOSTILE)
    assert done.status_code == 303, done.text
    number = done.headers["location"].rsplit("/", 1)[1]
    browser.post(f"/exhibits/{number}/custody", data={
        "csrf_token": csrf_for(browser), "action": "transferred", "to": HOSTILE, "purpose": HOSTILE,
        "seal_number": HOSTILE})
    for path in ("/exhibits", f"/exhibits/{number}"):
        html = browser.get(path).text
        assert HOSTILE not in html and "alert(1)" in html
        assert '<td dir="auto">&lt;script&gt;alert(1)&lt;/script&gt;</td>' in html or \
            '<h1 id="exhibit-title" dir="auto">&lt;script&gt;alert(1)&lt;/script&gt;</h1>' in html
    refused = upload(browser, content=wav_bytes(fill=3), token=csrf_for(browser), kind=HOSTILE, title=HOSTILE)
    assert refused.status_code == 422 and HOSTILE not in refused.text


def test_an_uncleared_user_cannot_see_a_compartmented_exhibit(app, make_actor, db, settings):
    cleared = make_actor("custodian", clearances=["ALPHA"])
    number = add_file(db, settings, cleared, wav_bytes(), compartment="ALPHA")
    outsider, _ = logged_in(app, make_actor, "custodian")
    missing = outsider.get(f"/exhibits/{number}")
    assert missing.status_code == 404 and "ALPHA" not in missing.text and "Intercepted" not in missing.text
    assert number not in outsider.get("/exhibits").text
    token = csrf_for(outsider)
    for path, data in ((f"/exhibits/{number}/custody", {"action": "transferred", "to": "x"}),
                       (f"/exhibits/{number}/verifications", {"method": "m", "result": "passed"})):
        assert outsider.post(path, data={"csrf_token": token} | data).status_code == 404
    derived = upload(outsider, content=wav_bytes(fill=4), token=token, origin="transcript", parent=number)
    assert derived.status_code == 404 and "no exhibit" in derived.text
    insider = new_browser(app)
    assert submit_login(insider, cleared.username, PASSWORD).status_code == 303
    page = insider.get(f"/exhibits/{number}")
    assert page.status_code == 200 and "ALPHA" in page.text
    with db.read() as session:  # the cleared read is audited; the refused one left nothing to see
        reads = session.scalars(select(AuditEvent.actor).where(AuditEvent.action == "exhibit.read")).all()
    assert reads == [cleared.username]


def test_the_list_shows_status_custody_and_flags(app, make_actor, db, settings):
    browser, actor = logged_in(app, make_actor, "custodian")
    with db.write() as session:
        warrant = add_authority(session, actor, basis="Investigation for Fair Trial Act 2013, s. 10",
                                reference="IFTA/12/2026", issued_by="Judge ATC-II Quetta",
                                valid_from="2026-01-01", valid_to="2026-01-31", targets=["0300 1234567"])
    flagged = add_file(db, settings, actor, wav_bytes(), title="Outside the warrant", authority=warrant.id,
                       collected_at=datetime(2026, 2, 10, 9, 0, tzinfo=UTC), targets=("0333 7654321",))
    clean = add_file(db, settings, actor, wav_bytes(fill=5), title="Covered call", authority=warrant.id,
                     collected_at=datetime(2026, 1, 10, 9, 0, tzinfo=UTC), targets=("0300 1234567",))
    html = browser.get("/exhibits").text
    row = re.search(rf'<tr id="{flagged}" class="flagged">.*?</tr>', html, re.S)
    assert row, "the flagged exhibit is not marked"
    assert "⚠" in row.group(0) and "outside the authority&#39;s window" in row.group(0)
    assert "+923337654321, which the authority does not cover" in row.group(0)
    assert "badge-unverified" in row.group(0) and "held" in row.group(0) and actor.username in row.group(0)
    assert f'<tr id="{clean}">' in html
    only = browser.get("/exhibits", params={"flagged": "true"}).text
    assert flagged in only and clean not in only and "1 flagged exhibit you can see" in only
    assert 'name="flagged" value="true" checked' in only
    page = browser.get(f"/exhibits/{flagged}").text
    assert "Flagged against its legal authority" in page and f'href="/authorities/{warrant.id}"' in page


def test_authority_pages(app, make_actor, db, settings):
    browser, _ = logged_in(app, make_actor, "custodian")
    assert 'href="/authorities"' in browser.get("/").text  # in the navigation
    form = browser.get("/authorities/new")
    assert form.status_code == 200
    token = csrf_for(browser)
    today = date.today()
    data = {"csrf_token": token, "basis": "IFTA 2013, s. 10", "reference": "IFTA/7/2026",
            "issued_by": "Judge ATC-II", "valid_from": str(today - timedelta(days=10)),
            "valid_to": str(today + timedelta(days=20)), "targets": "0300 1234567\nimei:356938035643809",
            "data_classes": ["content", "call-records"], "purpose": HOSTILE}
    bad = browser.post("/authorities", data=data | {"valid_to": "2020-13-01"})
    assert bad.status_code == 422 and "valid to must be a date" in bad.text
    assert 'value="IFTA/7/2026"' in bad.text and 'value="call-records" checked' in bad.text
    assert re.search(r'id="authority-valid-to"[^>]*aria-invalid="true"', bad.text)
    done = browser.post("/authorities", data=data)
    assert done.status_code == 303
    page = browser.get(done.headers["location"]).text
    assert "+923001234567" in page and "imei:356938035643809" in page and "call-records, content" in page
    assert "in force" in page and HOSTILE not in page
    authority_id = done.headers["location"].rsplit("/", 1)[1]
    renewal = browser.post("/authorities", data=data | {"reference": "IFTA/7/2026-R1", "renews": authority_id,
                                                        "valid_from": str(today + timedelta(days=21)),
                                                        "valid_to": str(today + timedelta(days=90))})
    assert renewal.status_code == 303
    assert renewal.headers["location"].rsplit("/", 1)[1] in browser.get(done.headers["location"]).text
    listing = browser.get("/authorities").text
    assert "IFTA/7/2026" in listing and "IFTA/7/2026-R1" in listing
    expiring = browser.get("/authorities", params={"expiring": "true"}).text
    assert "IFTA/7/2026<" in expiring and "IFTA/7/2026-R1" not in expiring
    analyst, _ = logged_in(app, make_actor, "analyst")
    assert "Record a legal authority" not in analyst.get("/authorities").text
    assert analyst.get("/authorities/new").status_code == 403
    with db.read() as session:
        reads = session.scalars(
            select(AuditEvent.target_id).where(AuditEvent.action == "authority.read")).all()
    assert authority_id in reads


def test_a_liaison_sees_exhibits_but_no_forms(app, make_actor, db, settings):
    custodian = make_actor("custodian")
    number = add_file(db, settings, custodian, wav_bytes())
    liaison, _ = logged_in(app, make_actor, "liaison")
    page = liaison.get(f"/exhibits/{number}").text
    for block in ('id="custody-form"', 'id="verification-form"', 'id="review-form"', "Upload evidence"):
        assert block not in page
    assert 'href="/authorities"' not in page  # no authority.read


def test_static_upload_script_is_served(client):
    script = client.get("/static/app.js")
    assert script.status_code == 200 and "data-upload" in script.text and "upload" in script.text



def test_an_interrupted_upload_leaves_nothing(app, make_actor, db, settings, caplog):
    """The browser goes away mid-file: no exhibit, no stored blob, no "internal error" logged."""
    browser, _ = logged_in(app, make_actor, "custodian")
    token = csrf_for(browser)
    boundary = "dzboundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nCall\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\naudio\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"call.wav\"\r\n"
            "Content-Type: audio/wav\r\n\r\n").encode() + wav_bytes()[:10_000]
    messages = [{"type": "http.request", "body": head, "more_body": True}, {"type": "http.disconnect"}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": "/exhibits/upload", "raw_path": b"/exhibits/upload",
             "query_string": b"", "root_path": "", "client": ("127.0.0.1", 5000),
             "server": ("testserver", 80),
             "headers": [(b"host", b"testserver"), (b"x-csrf-token", token.encode()),
                         (b"cookie", f"dz_session={browser.cookies['dz_session']}".encode()),
                         (b"content-type", f"multipart/form-data; boundary={boundary}".encode()),
                         (b"content-length", b"200000")]}
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 422
    assert "internal error" not in caplog.text
    assert count(db, Exhibit) == 0
    assert list(blob_store(settings).iter_stored()) == []
