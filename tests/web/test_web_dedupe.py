"""The duplicate review queue in the browser: pairs side by side, decisions with CSRF, undo."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from web_client import logged_in

from dastavez.registry.claims import add_claim
from dastavez.registry.records import add_person
from dastavez.resolve.dedupe import run_dedupe
from dastavez.storage.resolve_tables import Judgement
from dastavez.storage.tables import Entity

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def pair(db, admin) -> tuple[str, str]:
    with db.write() as session:
        first = add_person(session, admin, name="Muhammad Akram Baloch").id
        second = add_person(session, admin, name=f"Mohd. Akram Bloch {HOSTILE}").id
        for entity in (first, second):
            add_claim(session, admin, entity_id=entity, prop="birthDate", value="1981-04-02")
            add_claim(session, admin, entity_id=entity, prop="idNumber", value="42101-1234567-1")
    run_dedupe(db, admin)
    return first, second


def _form(pair: tuple[str, str], csrf: str, decision: str, **extra: str) -> dict[str, str]:
    return {"csrf_token": csrf, "left": pair[0], "right": pair[1], "keep": pair[0], "decision": decision,
            "status": "open"} | extra


def test_the_queue_shows_the_pair_side_by_side_with_the_explanation(app, make_actor, pair):
    browser, _ = logged_in(app, make_actor, "analyst")
    page = browser.get("/duplicates")
    assert page.status_code == 200
    html = page.text
    assert 'href="/duplicates"' in html  # the nav link, for those who may review
    assert "Muhammad Akram Baloch" in html and "Mohd. Akram Bloch" in html
    assert "a number in common" in html and "the same date" in html and "4210112345671" in html
    assert 'value="merge"' in html and 'value="not-same"' in html and 'value="unsure"' in html
    assert "Propose merge" in html  # analysts propose; supervisors merge
    assert HOSTILE not in html and "Mohd. Akram Bloch &lt;script&gt;" in html  # names are text, not markup


def test_decisions_need_the_csrf_token_and_a_supervisor_merge_can_be_undone(app, db, make_actor, pair):
    analyst, _ = logged_in(app, make_actor, "analyst")
    page = analyst.get("/duplicates").text
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    forged = analyst.post("/duplicates/judge", data=_form(pair, "wrong-token", "not-same"))
    assert forged.status_code == 403
    proposed = analyst.post("/duplicates/judge", data=_form(pair, csrf, "merge", note="same CNIC"))
    assert proposed.status_code == 303 and "status=open" in proposed.headers["location"]
    assert "None." in analyst.get("/duplicates").text  # no longer open: waiting under To merge

    supervisor, _ = logged_in(app, make_actor, "supervisor")
    waiting = supervisor.get("/duplicates?status=to_merge").text
    assert "Merge (keep" in waiting and "same CNIC" in waiting
    token = waiting.split('name="csrf_token" value="')[1].split('"')[0]
    done = supervisor.post("/duplicates/judge", data=_form(pair, token, "merge", status="to_merge"))
    assert done.status_code == 303 and "done=merged" in done.headers["location"]
    with db.read() as session:
        assert session.get(Entity, pair[1]).merged_into == pair[0]
        assert len(session.scalars(select(Judgement)).all()) == 2

    judged = supervisor.get("/duplicates?status=judged").text
    assert f"Undo the merge of {pair[1]}" in judged and f"{pair[1]} merged into {pair[0]}" in judged
    undone = supervisor.post("/duplicates/unmerge", data={"csrf_token": token, "merged": pair[1],
                                                          "note": "two men"})
    assert undone.status_code == 303 and "done=unmerged" in undone.headers["location"]
    with db.read() as session:
        assert session.get(Entity, pair[1]).merged_into is None
    reopened = supervisor.get("/duplicates").text  # back in the queue, for a fresh decision
    assert "Latest decision: <strong>unsure</strong>" in reopened and "merge undone: two men" in reopened


def test_the_queue_is_refused_to_roles_without_review(app, make_actor, pair):
    browser, _ = logged_in(app, make_actor, "liaison")
    assert 'href="/duplicates"' not in browser.get("/search").text
    assert browser.get("/duplicates").status_code == 403


def test_running_from_the_page(app, make_actor, pair):
    browser, _ = logged_in(app, make_actor, "analyst")
    csrf = browser.get("/duplicates").text.split('name="csrf_token" value="')[1].split('"')[0]
    response = browser.post("/duplicates/run", data={"csrf_token": csrf})
    assert response.status_code == 303 and "done=run" in response.headers["location"]
    assert "Duplicate detection has run." in browser.get(response.headers["location"]).text
