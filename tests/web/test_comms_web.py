"""The communications pages against a real database and a real import: datasets, the import
form, the link graph page and its JSON, one link's evidence; who may see them; compartments."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from web_client import csrf_for, logged_in, new_browser

from dastavez.access.actor import Actor
from dastavez.comms.importer import import_cdr
from dastavez.evidence.authority import add_authority
from dastavez.registry.claims import add_claim
from dastavez.registry.records import add_person
from dastavez.settings import Settings
from dastavez.storage.engine import Database

HOSTILE = "<script>alert(1)</script>"
LEADER = "+971501234567"  # UAE: overseas
BROKER = "+923001110001"
LOCAL = "+923002220002"
HEADER = "caller,callee,start_time,duration_s\n"
CALLS = [
    (LEADER, BROKER, "2026-03-01T09:15:00Z", 120),
    (BROKER, LEADER, "2026-03-02T10:00:00Z", 60),
    (BROKER, LOCAL, "2026-03-02T11:30:00Z", 45),
    (LOCAL, BROKER, "2026-03-03T08:05:00Z", 30),
]


def calls_csv(path: Path, calls: list[tuple[str, str, str, int]] = CALLS) -> Path:
    path.write_text(HEADER + "".join(f"{a},{b},{t},{d}\n" for a, b, t, d in calls), encoding="utf-8")
    return path


def authority(db: Database, admin: Actor, *, compartment: str | None = None,
              targets: tuple[str, ...] = (BROKER,)) -> str:
    with db.write() as session:
        return add_authority(session, admin, basis="Investigation of Fair Trial Act 2013, s. 8",
                             reference=f"W-{compartment or 'OPEN'}", issued_by="Judge, ATC Quetta",
                             valid_from="2026-01-01", valid_to="2026-12-31", targets=list(targets),
                             compartment=compartment).id


def imported(db: Database, settings: Settings, actor: Actor, path: Path, auth: str,
             compartment: str | None = None) -> dict[str, Any]:
    return import_cdr(db, actor, settings, path, authority=auth, compartment=compartment)


def post_import(browser: Any, path: Path, auth: str, **fields: str) -> Any:
    data = {"authority": auth, "csrf_token": csrf_for(browser)} | fields
    return browser.post("/cdr/import", data=data, files={"file": (path.name, path.read_bytes(), "text/csv")})


@pytest.mark.slow
def test_analyst_imports_through_the_form_and_reads_the_links(app, make_actor, db, admin, settings, tmp_path):
    auth = authority(db, admin)
    browser, _ = logged_in(app, make_actor, "analyst")
    page = browser.get("/cdr")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text and 'action="/cdr/import"' in page.text
    assert 'href="/comms"' in page.text and 'href="/cdr"' in page.text  # the navigation

    done = post_import(browser, calls_csv(tmp_path / "operator-export.csv"), auth)
    assert done.status_code == 201, done.text
    dataset = re.search(r"Imported <code>(CDR-[A-Z0-9]+)</code>", done.text)
    assert dataset, done.text
    assert "4 rows read, 0 rejected, 0 out of scope" in done.text
    again = post_import(browser, calls_csv(tmp_path / "operator-export.csv"), auth)
    assert again.status_code == 200 and "imported before" in again.text and dataset.group(1) in again.text

    listing = browser.get("/cdr")
    assert f'<tr id="{dataset.group(1)}">' in listing.text and f'href="/authorities/{auth}"' in listing.text

    links = browser.get("/comms?level=number&hops=3")
    assert links.status_code == 200, links.text
    assert 'data-graph-url="/comms/graph.json?level=number&amp;hops=3&amp;focus=paths"' in links.text
    assert '<script src="/static/comms-graph.js" defer></script>' in links.text
    paths = links.text.split('id="comms-paths-title"')[1].split('id="comms-brokers-title"')[0]
    assert LEADER in paths and LOCAL in paths  # overseas → broker → local, listed without JS
    assert BROKER in links.text.split('id="comms-brokers-title"')[1]

    graph = browser.get("/comms/graph.json?level=number")
    assert graph.status_code == 200 and graph.headers["content-type"] == "application/json"
    nodes = {n["id"]: n for n in graph.json()["nodes"]}
    assert set(nodes) == {LEADER, BROKER, LOCAL}
    assert nodes[LEADER]["side"] == "overseas" and nodes[LOCAL]["side"] == "local"
    assert len(graph.json()["edges"]) == 2

    evidence = browser.get(f"/comms/edge.json?level=number&a={LEADER.replace('+', '%2B')}"
                           f"&b={BROKER.replace('+', '%2B')}")
    assert evidence.status_code == 200, evidence.text
    found = evidence.json()
    assert found["calls"] == 2 and found["total"] == 2
    assert [d["dataset"] for d in found["datasets"]] == [dataset.group(1)]
    exhibit = found["datasets"][0]["exhibit"]
    assert [(r["dataset"], r["line"]) for r in found["records"]] == [(dataset.group(1), n) for n in (2, 3)]
    assert found["page_url"].startswith("/comms/edge?level=number")

    as_page = browser.get(found["page_url"])
    assert as_page.status_code == 200
    assert f'href="/exhibits/{exhibit}"' in as_page.text
    lines = re.findall(r'<td><code>CDR-[A-Z0-9]+</code></td><td class="num">(\d+)</td>', as_page.text)
    assert lines == ["2", "3"]  # each call with the line of the operator's file it came from


@pytest.mark.slow
def test_person_level_names_are_escaped_everywhere(app, make_actor, db, admin, settings, tmp_path):
    analyst = make_actor("analyst")
    imported(db, settings, analyst, calls_csv(tmp_path / "calls.csv"), authority(db, admin))
    with db.write() as session:
        person = add_person(session, analyst, name=HOSTILE, name_ur="محمد اکرم")
        add_claim(session, analyst, entity_id=person.id, prop="phone", value=BROKER)
    browser, _ = logged_in(app, make_actor, "analyst")

    page = browser.get("/comms?level=person")
    assert page.status_code == 200
    assert HOSTILE not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert f'href="/entities/{person.id}"' in page.text  # a broker who is a person links to the profile

    graph = browser.get("/comms/graph.json?level=person").json()
    nodes = {n["id"]: n for n in graph["nodes"]}
    assert person.id in nodes and BROKER not in nodes  # the number is contracted into its person
    assert nodes[person.id]["kind"] == "person"
    assert HOSTILE in str(nodes[person.id]["label"])  # data in JSON; the script writes it as text

    evidence = browser.get(f"/comms/edge?level=person&a={person.id}&b={LOCAL.replace('+', '%2B')}")
    assert evidence.status_code == 200, evidence.text
    assert HOSTILE not in evidence.text and "&lt;script&gt;" in evidence.text


def test_liaison_and_custodian_see_what_their_roles_allow(app, make_actor, db, admin, settings, tmp_path):
    liaison, _ = logged_in(app, make_actor, "liaison")
    for path in ("/comms", "/cdr", "/comms/edge?a=x&b=y"):
        refused = liaison.get(path)
        assert refused.status_code == 403, path
        assert 'role="alert"' in refused.text
    refused_json = liaison.get("/comms/graph.json")
    assert refused_json.status_code == 403 and refused_json.json()["error"]["code"] == "permission_denied"
    home = liaison.get("/").text
    assert 'href="/comms"' not in home and 'href="/cdr"' not in home

    custodian, _ = logged_in(app, make_actor, "custodian")  # imports, but does not read the analyses
    page = custodian.get("/cdr")
    assert page.status_code == 200 and 'action="/cdr/import"' in page.text
    assert "datasets you can see" not in page.text and 'href="/comms"' not in page.text
    assert custodian.get("/comms").status_code == 403

    prosecutor, _ = logged_in(app, make_actor, "prosecutor")  # reads, does not import
    page = prosecutor.get("/cdr")
    assert page.status_code == 200 and 'action="/cdr/import"' not in page.text
    assert prosecutor.post("/cdr/import", data={"csrf_token": csrf_for(prosecutor)},
                           files={"file": ("a.csv", b"x", "text/csv")}).status_code == 403


def test_json_endpoints_need_a_session(app, make_actor):
    anonymous = new_browser(app)
    for path in ("/comms/graph.json", "/comms/edge.json?a=x&b=y"):
        answer = anonymous.get(path)
        assert answer.status_code == 401, path
        assert answer.json()["error"]["code"] == "not_authenticated"
    page = anonymous.get("/comms")
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/comms"


def test_bad_input_is_one_clear_line(app, make_actor, db, admin, tmp_path):
    browser, _ = logged_in(app, make_actor, "analyst")
    no_authority = post_import(browser, calls_csv(tmp_path / "calls.csv"), "")
    assert no_authority.status_code == 422 and "legal authority" in no_authority.text
    assert 'aria-invalid="true" aria-describedby="import-error"' in no_authority.text
    unknown = post_import(browser, calls_csv(tmp_path / "calls.csv"), "AUTH-NOSUCHTHING")
    assert unknown.status_code == 404 and 'role="alert"' in unknown.text
    forged = browser.post("/cdr/import", data={"authority": authority(db, admin), "csrf_token": "forged"},
                          files={"file": ("calls.csv", b"caller,callee\n", "text/csv")})
    assert forged.status_code == 403 and "expired" in forged.text
    assert browser.get("/comms?level=galaxy").status_code == 422
    assert browser.get("/comms?hops=99").status_code == 422
    bad_date = browser.get("/comms/graph.json?since=yesterday")
    assert bad_date.status_code == 422 and bad_date.json()["error"]["field"] == "since"
    assert browser.get("/comms/edge.json?a=&b=").status_code == 422


def test_uncleared_analyst_sees_nothing_of_a_compartment(app, make_actor, db, admin, settings, tmp_path):
    cleared = make_actor("analyst", clearances=["ALPHA"])
    secret = imported(db, settings, cleared, calls_csv(tmp_path / "secret.csv"),
                      authority(db, admin), compartment="ALPHA")
    other = imported(db, settings, cleared, calls_csv(tmp_path / "open.csv", [(LOCAL, "+923009990009",
                     "2026-03-04T12:00:00Z", 10)]), authority(db, admin, targets=(LOCAL,)))
    assert secret["new"] and other["new"]

    browser, _ = logged_in(app, make_actor, "analyst")
    graph = browser.get("/comms/graph.json?level=number&focus=all").json()  # every node, not only paths
    assert {n["id"] for n in graph["nodes"]} == {LOCAL, "+923009990009"}
    assert LEADER not in browser.get("/comms/graph.json?level=number&focus=all").text
    listing = browser.get("/cdr").text
    assert other["dataset"] in listing and secret["dataset"] not in listing
    hidden = browser.get(f"/comms/graph.json?dataset={secret['dataset']}")
    assert hidden.status_code == 404  # as if it did not exist
    edge = browser.get(f"/comms/edge.json?level=number&a={LEADER.replace('+', '%2B')}"
                       f"&b={BROKER.replace('+', '%2B')}").json()
    assert edge.get("total", 0) == 0 and not edge.get("records")

    cleared_browser, _ = logged_in(app, make_actor, "analyst", clearances=["ALPHA"])
    seen = {n["id"] for n in cleared_browser.get("/comms/graph.json?level=number").json()["nodes"]}
    assert LEADER in seen
