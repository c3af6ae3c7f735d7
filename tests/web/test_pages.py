"""The web pages against a real database: what each page shows, what each form does."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from web_client import csrf_for, logged_in

from dastavez.evidence.exhibits import register_exhibit
from dastavez.registry.claims import add_claim, list_claims, retract_claim
from dastavez.registry.legal_status import set_legal_status
from dastavez.registry.proscription import proscribe
from dastavez.registry.records import add_membership, add_person, create_with_claims
from dastavez.storage.tables import AuditEvent, Claim, Entity

URDU_NAME = "محمد اکرم بلوچ"


@dataclass
class Seed:
    person: str
    org: str
    exhibit: str
    retracted: str
    live_phone: str


@pytest.fixture
def seed(db, make_actor) -> Seed:
    author = make_actor("supervisor")
    with db.write() as s:
        exhibit = register_exhibit(s, author, title="Interrogation report", kind="document")
        person = add_person(s, author, name="Muhammad Akram Baloch", name_ur=URDU_NAME)
        add_claim(s, author, entity_id=person.id, prop="birthDate", value="17/05/1979", exhibit_id=exhibit.id,
                  locator="p. 4")
        add_claim(s, author, entity_id=person.id, prop="alias", value="Ustad")
        wrong, _ = add_claim(s, author, entity_id=person.id, prop="phone", value="0300 1234567")
        phone, _ = add_claim(s, author, entity_id=person.id, prop="phone", value="0301 7654321",
                             exhibit_id=exhibit.id, locator="p. 9")
        org = create_with_claims(s, author, schema="Organization", values=[("name", "Sarhad Popular Front")])
        add_membership(s, author, member_id=person.id, organization_id=org.id, role="commander",
                       exhibit_id=exhibit.id, locator="p. 2")
        set_legal_status(s, author, entity_id=person.id, status="wanted", basis="Warrant 12/2026, ATC-II")
        proscribe(s, author, entity_id=org.id, law="Anti-Terrorism Act 1997, First Schedule",
                  notification_ref="No. 11/2026-NS", date="2026-01-15")
    with db.write() as s:
        retract_claim(s, author, claim_id=wrong.id, reason="number belongs to a neighbour")
    return Seed(person=person.id, org=org.id, exhibit=exhibit.id, retracted=wrong.id, live_phone=phone.id)


def _claim_row(html: str, claim_id: str) -> str:
    match = re.search(rf'<tr id="claim-{claim_id}".*?</tr>', html, re.S)
    assert match, f"claim {claim_id} not on the page"
    return match.group(0)


def test_dashboard_counts_what_the_user_can_see(app, make_actor, seed):
    browser, _ = logged_in(app, make_actor, "analyst")
    html = browser.get("/").text
    counts = re.findall(r'<span class="card-number">(\d+)</span>', html)
    # live claims: person 2 names + DOB + alias + phone, org name, membership 3;
    # unsupported: the two names, the alias and the org's name (the retracted phone no longer counts)
    assert counts == ["1", "1", "9", "4"]
    assert "login.success" in html  # the user's own recent actions


def test_search_finds_by_name_in_both_scripts(app, make_actor, seed):
    browser, _ = logged_in(app, make_actor, "analyst")
    page = browser.get("/search", params={"q": "akram"})
    assert page.status_code == 200
    assert f'href="/entities/{seed.person}"' in page.text
    assert 'hx-trigger="input changed delay:300ms, search"' in page.text
    fragment = browser.get("/search", params={"q": "اکرم"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and f'href="/entities/{seed.person}"' in fragment.text
    nothing = browser.get("/search", params={"q": "zzzz"})
    assert "No matches" in nothing.text


def test_a_refused_query_shows_its_message(app, make_actor):
    browser, _ = logged_in(app, make_actor, "analyst")
    page = browser.get("/search", params={"q": "!!!"})
    assert page.status_code == 422
    assert 'role="alert"' in page.text and "at least one letter or digit" in page.text
    fragment = browser.get("/search", params={"q": "x" * 300}, headers={"HX-Request": "true"})
    assert fragment.status_code == 422 and fragment.headers["HX-Retarget"] == "#results"


def test_profile_shows_support_retractions_links_and_status(app, make_actor, seed, db):
    browser, actor = logged_in(app, make_actor, "analyst")
    html = browser.get(f"/entities/{seed.person}").text
    link = f'<a href="/exhibits/{seed.exhibit}" class="exhibit-number"><code>{seed.exhibit}</code></a>'
    assert link in html
    assert "p. 4" in html and "1979-05-17" in html
    alias_row = re.search(r'<tr id="claim-[^"]+" class="claim">\s*<td class="col-value">\s*'
                          r'<span dir="auto" class="value">Ustad</span>.*?</tr>', html, re.S)
    assert alias_row and "badge-unsupported" in alias_row.group(0) and "unsupported" in alias_row.group(0)
    retracted = _claim_row(html, seed.retracted)
    assert 'class="claim retracted"' in retracted and "<del" in retracted
    assert "number belongs to a neighbour" in retracted and "Retracted by" in retracted
    assert "Sarhad Popular Front" in html and "commander" in html  # role in the organisation
    assert "wanted" in html and "Warrant 12/2026, ATC-II" in html  # legal status with its basis
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "profile.read", AuditEvent.actor == actor.username)) == 1
    org = browser.get(f"/entities/{seed.org}").text
    assert "No. 11/2026-NS" in org and "Proscriptions" in org


def test_urdu_name_is_marked_and_names_have_dir_auto(app, make_actor, seed):
    browser, _ = logged_in(app, make_actor, "analyst")
    html = browser.get(f"/entities/{seed.person}").text
    assert f'<span dir="auto" class="value urdu" lang="ur">{URDU_NAME}</span>' in html
    assert '<h1 id="entity-title" dir="auto" class="name">Muhammad Akram Baloch</h1>' in html
    for value in re.findall(r'<span[^>]*class="value[^"]*"', html):
        assert 'dir="auto"' in value
    listing = browser.get("/persons").text
    assert f'<a href="/entities/{seed.person}" dir="auto" class="name">' in listing


def test_adding_a_claim_through_the_form(app, make_actor, seed, db):
    browser, actor = logged_in(app, make_actor, "analyst")
    response = browser.post(f"/entities/{seed.person}/claims", data={
        "csrf_token": csrf_for(browser), "prop": "nationality", "value": "Pakistan", "exhibit": seed.exhibit,
        "locator": "p. 7", "valid_from": "2001", "valid_to": "", "confidence": "high"})
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"/entities/{seed.person}#claim-CLM-")
    with db.read() as s:
        added = [c for c in list_claims(s, actor, entity_id=seed.person) if c.prop == "nationality"]
    assert len(added) == 1
    claim = added[0]
    assert (claim.exhibit_id, claim.locator, claim.valid_from, claim.confidence, claim.author) == (
        seed.exhibit, "p. 7", "2001", "high", actor.username)
    row = _claim_row(browser.get(f"/entities/{seed.person}").text, claim.id)
    assert seed.exhibit in row and "p. 7" in row


def test_adding_a_claim_through_htmx_follows_to_the_profile(app, make_actor, seed):
    browser, _ = logged_in(app, make_actor, "analyst")
    browser.follow_redirects = True
    response = browser.post(f"/entities/{seed.person}/claims", headers={
        "HX-Request": "true", "X-CSRF-Token": csrf_for(browser)}, data={"prop": "alias", "value": "Doctor"})
    assert response.status_code == 200
    assert 'id="profile"' in response.text and "Doctor" in response.text


def test_a_refused_claim_keeps_the_input_and_says_why(app, make_actor, seed, db):
    browser, _ = logged_in(app, make_actor, "analyst")
    with db.read() as s:
        before = s.scalar(select(func.count()).select_from(Claim))
    data = {"csrf_token": csrf_for(browser), "prop": "birthDate", "value": "1979-02-30",
            "exhibit": seed.exhibit, "locator": "p. 12", "confidence": "low"}
    page = browser.post(f"/entities/{seed.person}/claims", data=data)
    assert page.status_code == 422
    assert re.search(r'<p class="error" role="alert" id="add-claim-error">[^<]*February 1979 has no day 30',
                     page.text)
    assert 'value="1979-02-30"' in page.text and 'value="p. 12"' in page.text
    assert '<option value="birthDate" selected>' in page.text and '<option value="low" selected>' in page.text
    assert 'aria-invalid="true"' in page.text
    fragment = browser.post(f"/entities/{seed.person}/claims", data=data, headers={"HX-Request": "true"})
    assert fragment.status_code == 422
    assert fragment.headers["HX-Retarget"] == "#add-claim" and fragment.headers["HX-Reswap"] == "outerHTML"
    assert "<html" not in fragment.text and 'value="1979-02-30"' in fragment.text
    unknown = browser.post(f"/entities/{seed.person}/claims", data=data | {"exhibit": "EXH-1999-000001",
                                                                         "value": "1979"})
    assert unknown.status_code == 404 and "no exhibit" in unknown.text
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Claim)) == before


def test_retracting_a_claim_needs_a_reason_and_keeps_it_visible(app, make_actor, seed, db):
    browser, actor = logged_in(app, make_actor, "analyst")
    token = csrf_for(browser)
    refused = browser.post(f"/claims/{seed.live_phone}/retract", data={"csrf_token": token, "reason": " "})
    assert refused.status_code == 422 and "a retraction needs a reason" in refused.text
    done = browser.post(f"/claims/{seed.live_phone}/retract",
                        data={"csrf_token": token, "reason": "SIM re-issued in 2024"})
    assert done.status_code == 303
    row = _claim_row(browser.get(f"/entities/{seed.person}").text, seed.live_phone)
    assert "retracted" in row and "SIM re-issued in 2024" in row and actor.username in row


HOSTILE = ["<script>alert(1)</script>", "'; DROP TABLE entity; --"]


def test_hostile_names_are_shown_as_text(app, make_actor, db):
    browser, _ = logged_in(app, make_actor, "analyst")
    ids = []
    for name in HOSTILE:
        response = browser.post("/persons", data={"csrf_token": csrf_for(browser), "name": name})
        assert response.status_code == 303, response.text
        ids.append(response.headers["location"].rsplit("/", 1)[1])
    html = browser.get(f"/entities/{ids[0]}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    assert "&#39;; DROP TABLE entity; --" in browser.get(f"/entities/{ids[1]}").text
    results = browser.get("/search", params={"q": "script alert"}).text
    assert "&lt;script&gt;" in results and "<script>alert" not in results
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Entity)) == 2  # nothing dropped


def test_a_ten_kilobyte_name_is_refused_with_a_message(app, make_actor, db):
    browser, _ = logged_in(app, make_actor, "analyst")
    page = browser.post("/persons", data={"csrf_token": csrf_for(browser), "name": "<b>" + "x" * 10_000})
    assert page.status_code == 422
    assert "too long" in page.text and 'role="alert"' in page.text
    assert "&lt;b&gt;xxx" in page.text and "<b>xxx" not in page.text  # kept, escaped, to fix
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Entity)) == 0


def test_new_person_with_urdu_name_and_compartment(app, make_actor, db):
    browser, _ = logged_in(app, make_actor, "analyst", clearances=["ALPHA"])
    form = browser.get("/persons/new").text
    assert '<option value="ALPHA">ALPHA</option>' in form and 'lang="ur"' in form
    response = browser.post("/persons", data={"csrf_token": csrf_for(browser), "name": "Zahid Mengal",
                                              "name_ur": "زاہد مینگل", "compartment": "ALPHA"})
    assert response.status_code == 303
    with db.read() as s:
        entity = s.get(Entity, response.headers["location"].rsplit("/", 1)[1])
    assert entity is not None and entity.compartment == "ALPHA"


def test_compartmented_person_is_invisible_without_clearance(app, make_actor, db):
    cleared = make_actor("analyst", clearances=["BRAVO"])
    with db.write() as s:
        hidden = add_person(s, cleared, name="Tariq Jamali", compartment="BRAVO").id
    outsider, _ = logged_in(app, make_actor, "analyst")
    assert "Tariq" not in outsider.get("/search", params={"q": "tariq"}).text
    assert f'href="/entities/{hidden}"' not in outsider.get("/search", params={"q": hidden}).text
    page = outsider.get(f"/entities/{hidden}")
    assert page.status_code == 404
    assert 'role="alert"' in page.text and "Traceback" not in page.text
    assert re.findall(r'<span class="card-number">(\d+)</span>', outsider.get("/").text)[0] == "0"
    insider, _ = logged_in(app, make_actor, "analyst", clearances=["BRAVO"])
    assert hidden in insider.get("/search", params={"q": "tariq"}).text


def test_audit_log_for_auditors_only(app, make_actor, seed):
    auditor, _ = logged_in(app, make_actor, "auditor")
    page = auditor.get("/audit")
    assert page.status_code == 200 and "claim.retract" in page.text
    assert 'href="/audit"' in page.text and 'href="/persons/new"' not in page.text  # nav follows roles
    assert "claim.add" in auditor.get("/audit", params={"action": "claim.add"}).text
    analyst, _ = logged_in(app, make_actor, "analyst")
    denied = analyst.get("/audit")
    assert denied.status_code == 403
    assert 'role="alert"' in denied.text and "your roles do not allow this" in denied.text
    assert 'href="/audit"' not in analyst.get("/").text


def test_auditor_sees_no_write_forms(app, make_actor, seed):
    auditor, _ = logged_in(app, make_actor, "auditor")
    html = auditor.get(f"/entities/{seed.person}").text
    assert 'id="add-claim"' not in html and "Retract claim" not in html
    refused = auditor.post(f"/entities/{seed.person}/claims",
                           data={"csrf_token": csrf_for(auditor), "prop": "alias", "value": "X"})
    assert refused.status_code == 403


def test_exhibit_register_and_form(app, make_actor, db):
    browser, _ = logged_in(app, make_actor, "custodian")
    token = csrf_for(browser)
    bad = browser.post("/exhibits", data={"csrf_token": token, "title": "CDR export", "kind": "cdr",
                                          "sha256": "not-a-hash"})
    assert bad.status_code == 422 and "sha256 must be 64 hexadecimal" in bad.text
    assert 'value="CDR export"' in bad.text
    done = browser.post("/exhibits", data={"csrf_token": token, "title": "CDR export", "kind": "cdr",
                                           "sha256": "ab" * 32, "description": "Jan–Mar 2026"})
    assert done.status_code == 303
    listing = browser.get(done.headers["location"]).text
    number = re.search(r"Registered <a href=\"/exhibits/(EXH-\d{4}-\d{6})\"", listing)
    assert number and "CDR export" in listing
    assert "ab" * 32 in browser.get(f"/exhibits/{number.group(1)}").text


def test_errors_are_pages_not_stack_traces(app, make_actor):
    browser, _ = logged_in(app, make_actor, "analyst")
    for path, status in (("/no-such-page", 404), ("/entities/PER-0000000000", 404), ("/persons?page=0", 422)):
        response = browser.get(path)
        assert response.status_code == status
        assert response.headers["content-type"].startswith("text/html")
        assert 'role="alert"' in response.text and "Traceback" not in response.text
    fragment = browser.get("/entities/PER-0000000000", headers={"HX-Request": "true"})
    assert fragment.status_code == 404 and "<html" not in fragment.text


def test_tampered_claim_ids_do_not_reach_response_headers(app, make_actor):
    browser, _ = logged_in(app, make_actor, "analyst")
    response = browser.post("/claims/x%0d%0aSet-Cookie:%20a=b/retract", headers={"HX-Request": "true"},
                            data={"csrf_token": csrf_for(browser), "reason": "wrong person"})
    assert response.status_code == 404
    assert response.headers["HX-Retarget"] == "#retract-XSET-COOKIEAB"
    assert "a=b" not in response.headers.get("set-cookie", "")
