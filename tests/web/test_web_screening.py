"""The screening and name-matching pages."""

from __future__ import annotations

from web_client import logged_in

from dastavez.registry.records import add_person


def login(app, make_actor, role="analyst"):
    browser, _ = logged_in(app, make_actor, role)
    return browser


def test_screening_page_ranks_and_explains_and_escapes(app, db, admin, make_actor):
    with db.write() as session:
        person = add_person(session, admin, name="Muhammad Akram Baloch", name_ur="محمد اکرم بلوچ")
        hostile = add_person(session, admin, name="<script>alert(1)</script> Zarak Marri")
    browser = login(app, make_actor)
    page = browser.get("/screen", params={"name": "Mohd Akram Bloch", "dob": "1981"})
    assert page.status_code == 200
    assert f'href="/entities/{person.id}"' in page.text
    assert "spelling family" in page.text
    page = browser.get("/screen", params={"name": "<script>alert(1)</script> Zarak Marri"})
    assert f'href="/entities/{hostile.id}"' in page.text
    assert (
        "<script>alert(1)</script>" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    )


def test_screening_page_shows_a_bad_date_as_a_message(app, make_actor):
    browser = login(app, make_actor)
    page = browser.get("/screen", params={"name": "Akram", "dob": "31/31/1981"})
    assert page.status_code == 422 and 'role="alert"' in page.text and "Traceback" not in page.text


def test_match_page_gives_the_verdict(app, make_actor):
    browser = login(app, make_actor)
    page = browser.get("/match", params={"a": "Haji Gul Khan", "b": "Gul Khan"})
    assert page.status_code == 200 and "the same name" in page.text and "titles set aside" in page.text
