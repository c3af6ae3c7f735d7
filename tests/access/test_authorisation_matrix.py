"""Who may do what, and who may see what.

The first part drives every API endpoint as each of the seven roles and expects the
answer that ``dastavez/access/roles.yaml`` implies: 2xx when the role holds the
endpoint's permission, 403 when it does not. The second part checks compartments: a
compartmented record is invisible (404, never 403) to a user without the clearance, through
lists, search, profiles, claims and the CLI alike. The third checks the audit of reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import func, select

import dastavez.access
from dastavez.access.roles import ROLES
from dastavez.cases.incidents import add_incident
from dastavez.cases.list_versions import draft_version
from dastavez.cases.parties import add_party
from dastavez.cases.records import add_case
from dastavez.cases.warrants import issue_warrant
from dastavez.comms.analyses import save_analysis
from dastavez.comms.attribution import attribute
from dastavez.comms.importer import import_cdr
from dastavez.evidence import custody, verification
from dastavez.evidence.authority import add_authority
from dastavez.evidence.exhibits import register_exhibit, visible_exhibit
from dastavez.registry.claims import add_claim
from dastavez.registry.records import add_person, create_with_claims
from dastavez.resolve.merge import merge_entities
from dastavez.storage.tables import AuditEvent, Claim, Entity

ROLES_YAML = Path(dastavez.access.__file__).parent / "roles.yaml"
PASSWORD = "correct-horse-battery"  # what conftest's make_actor gives every user


def role_permissions() -> dict[str, set[str]]:
    raw = yaml.safe_load(ROLES_YAML.read_text(encoding="utf-8"))
    return {role: set(spec["permissions"]) for role, spec in raw["roles"].items()}


PERMISSIONS = role_permissions()


@dataclass(frozen=True)
class Upload:
    """A multipart form body (file fields and plain fields) instead of JSON."""

    files: dict[str, tuple[str, bytes, str]]
    data: dict[str, str]


SHEET = Upload(
    files={"file": ("people.csv", b"Name\nImported Matrix Person\n", "text/csv")},
    data={"schema": "Person", "mapping": '{"Name": "name"}'},
)

FTM = Upload(
    files={"file": ("people.json", b'{"id": "p-1", "schema": "Person", "properties": {"name": ["Ftm X"]}}',
                    "application/octet-stream")},
    data={},
)
UN_LIST = Upload(
    files={"file": ("consolidated.xml", (
        b'<?xml version="1.0" encoding="UTF-8"?><CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00Z">'
        b"<INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><VERSIONNUM>1</VERSIONNUM><FIRST_NAME>ZARAK</FIRST_NAME>"
        b"<UN_LIST_TYPE>Test</UN_LIST_TYPE><REFERENCE_NUMBER>ZZi.001</REFERENCE_NUMBER><LISTED_ON>2020-02-03"
        b"</LISTED_ON><COMMENTS1/><LIST_TYPE><VALUE>UN List</VALUE></LIST_TYPE><INDIVIDUAL_ALIAS>"
        b"<QUALITY>Good</QUALITY><ALIAS_NAME>Zarak Testi</ALIAS_NAME></INDIVIDUAL_ALIAS><INDIVIDUAL_ADDRESS/>"
        b"<INDIVIDUAL_PLACE_OF_BIRTH/><INDIVIDUAL_DOCUMENT/><SORT_KEY/><SORT_KEY_LAST_MOD/></INDIVIDUAL>"
        b"</INDIVIDUALS><ENTITIES><ENTITY><DATAID>2</DATAID><VERSIONNUM>1</VERSIONNUM><FIRST_NAME>TEST FRONT"
        b"</FIRST_NAME><UN_LIST_TYPE>Test</UN_LIST_TYPE><REFERENCE_NUMBER>ZZe.001</REFERENCE_NUMBER><LISTED_ON>"
        b"2020-02-03</LISTED_ON><COMMENTS1/><LIST_TYPE><VALUE>UN List</VALUE></LIST_TYPE><ENTITY_ALIAS/>"
        b"<ENTITY_ADDRESS/><SORT_KEY/><SORT_KEY_LAST_MOD/></ENTITY></ENTITIES></CONSOLIDATED_LIST>"
    ), "application/xml")},
    data={},
)
NOTICES = Upload(
    files={"file": ("notices.json", b'{"entity_id": "2021/10001", "forename": "ZARAK", "name": "TESTKHAN"}',
                    "application/json")},
    data={},
)
CDR = Upload(
    files={"file": ("matrix-export.csv", b"caller,callee,start_time,duration_s\n"
                    b"+923001110009,+923215550009,2026-02-01T08:00:00Z,45\n", "text/csv")},
    data={},
)

#: (method, path, body, permission). ``{person}`` and the like are filled from the seed;
#: permission None means any authenticated user; a tuple, a user holding all of them.
ENDPOINTS: list[tuple[str, str, dict[str, Any] | Upload | None, str | tuple[str, ...] | None]] = [
    ("GET", "/api/v1/me", None, None),
    ("GET", "/api/v1/schemata", None, None),
    ("GET", "/api/v1/compartments", None, None),
    ("POST", "/api/v1/auth/token", {"username": "{username}", "password": PASSWORD}, None),
    ("DELETE", "/api/v1/auth/tokens/{spare_token}", None, None),
    ("GET", "/api/v1/entities", None, "registry.read"),
    ("GET", "/api/v1/entities?schema=Person&page=1&per_page=5", None, "registry.read"),
    ("GET", "/api/v1/search?q=akram", None, "registry.read"),
    ("GET", "/api/v1/entities/{person}", None, "registry.read"),
    ("GET", "/api/v1/entities/{person}/claims", None, "registry.read"),
    ("POST", "/api/v1/persons", {"name": "Matrix Person"}, "registry.write"),
    ("POST", "/api/v1/organizations", {"name": "Matrix Front"}, "registry.write"),
    (
        "POST",
        "/api/v1/entities",
        {"schema": "Person", "values": [{"prop": "name", "value": "Generic Entry"}]},
        "registry.write",
    ),
    (
        "POST",
        "/api/v1/entities/{person}/claims",
        {"prop": "alias", "value": "Matrix Alias"},
        "registry.write",
    ),
    ("POST", "/api/v1/claims/{claim_to_retract}/retract", {"reason": "test of the matrix"}, "registry.write"),
    (
        "POST",
        "/api/v1/claims/{claim_to_mark}/status",
        {"status": "disputed", "note": "matrix"},
        "registry.write",
    ),
    ("POST", "/api/v1/imports/sheet", SHEET, "registry.write"),
    ("POST", "/api/v1/imports/ftm", FTM, "registry.write"),
    ("POST", "/api/v1/imports/ftm?list=matrix", FTM, "reference.import"),
    ("POST", "/api/v1/imports/un-sc", UN_LIST, "reference.import"),
    ("POST", "/api/v1/imports/interpol?type=red", NOTICES, "reference.import"),
    ("GET", "/api/v1/exports/ftm", None, "registry.export"),
    (
        "POST",
        "/api/v1/memberships",
        {"member": "{person}", "organization": "{org}", "role": "member"},
        "registry.write",
    ),
    (
        "POST",
        "/api/v1/entities/{person}/legal-status",
        {"status": "wanted", "basis": "warrant 7/2025"},
        "legal_status.write",
    ),
    (
        "POST",
        "/api/v1/organizations/{org}/proscriptions",
        {"law": "Anti-Terrorism Act 1997", "notification_ref": "No. 1/2020", "date": "2020-01-01"},
        "proscription.write",
    ),
    ("GET", "/api/v1/exhibits", None, "exhibit.read"),
    ("GET", "/api/v1/exhibits/{exhibit}", None, "exhibit.read"),
    ("POST", "/api/v1/exhibits", {"title": "Matrix exhibit", "kind": "document"}, "exhibit.write"),
    (
        "POST",
        "/api/v1/exhibits/upload?kind=document&title=Matrix%20upload",
        {"page": "matrix"},
        "exhibit.write",
    ),
    (
        "POST",
        "/api/v1/exhibits/{held_exhibit}/custody",
        {"action": "examined", "purpose": "matrix"},
        "custody.record",
    ),
    (
        "POST",
        "/api/v1/exhibits/{store_exhibit}/custody",
        {"action": "transferred", "to": "Forensic lab"},
        "custody.manage",
    ),
    (
        "POST",
        "/api/v1/exhibits/{exhibit}/verifications",
        {"method": "hash comparison", "result": "passed"},
        "verification.record",
    ),
    (
        "POST",
        "/api/v1/exhibits/{pending_exhibit}/verifications/review",
        {"decision": "confirmed"},
        "verification.review",
    ),
    ("POST", "/api/v1/integrity/check", None, "integrity.check"),
    ("GET", "/api/v1/authorities", None, "authority.read"),
    ("GET", "/api/v1/authorities?expiring_within=30", None, "authority.read"),
    ("GET", "/api/v1/authorities/{authority}", None, "authority.read"),
    (
        "POST",
        "/api/v1/authorities",
        {
            "basis": "IFTA 2013 s.10",
            "reference": "W-9",
            "issued_by": "ATC-II",
            "valid_from": "2026-01-01",
            "valid_to": "2026-12-31",
            "targets": ["03001234567"],
        },
        "authority.write",
    ),
    ("GET", "/api/v1/cases", None, "case.read"),
    ("GET", "/api/v1/cases/offences", None, "case.read"),
    ("GET", "/api/v1/cases/pending", None, "case.read"),
    ("GET", "/api/v1/cases/dashboard?today=2026-06-15", None, "case.read"),
    ("GET", "/api/v1/cases/{case}", None, "case.read"),
    (
        "POST",
        "/api/v1/cases",
        {"fir": "99/2026", "station": "PS Matrix", "district": "Kohsang", "sections": ["ATA 1997 s.7"]},
        "case.write",
    ),
    ("POST", "/api/v1/cases/{case}/stage", {"stage": "report-submitted"}, "case.write"),
    ("POST", "/api/v1/cases/{case}/parties", {"role": "witness", "name": "Matrix Witness"}, "case.write"),
    ("POST", "/api/v1/cases/{case}/parties/{party}/custody", {"custody": "on-bail"}, "case.write"),
    ("POST", "/api/v1/cases/{case}/hearings", {"date": "2026-01-20", "outcome": "held"}, "case.write"),
    (
        "POST",
        "/api/v1/cases/{case}/warrants",
        {"entity": "{person}", "kind": "arrest", "court": "ATC-I", "issued_on": "2026-01-15",
         "reference": "W-M"},
        "case.write",
    ),
    ("POST", "/api/v1/cases/{case}/warrants/{warrant}/status", {"status": "executed"}, "case.write"),
    ("POST", "/api/v1/cases/{case}/links", {"exhibit": "{exhibit}"}, "case.write"),
    ("GET", "/api/v1/incidents", None, "incident.read"),
    ("GET", "/api/v1/incidents/{incident}", None, "incident.read"),
    (
        "POST",
        "/api/v1/incidents",
        {"occurred_at": "2026-03-14T21:10:00+05:00", "district": "Kohsang", "kind": "ied",
         "target": "checkpost"},
        "incident.write",
    ),
    ("POST", "/api/v1/incidents/{incident}/responsibility", {"organization": "{org}"}, "incident.write"),
    ("POST", "/api/v1/incidents/{incident}/cases", {"case": "{case}"}, "incident.write"),
    ("GET", "/api/v1/lists/leaders", None, "list.read"),
    ("GET", "/api/v1/lists/leaders/export?format=csv", None, "list.read"),
    ("GET", "/api/v1/lists/leaders/versions", None, "list.read"),
    ("GET", "/api/v1/lists/leaders/versions/{list_version}", None, "list.read"),
    ("POST", "/api/v1/lists/leaders/versions", {"note": "matrix"}, "list.draft"),
    (
        "POST",
        "/api/v1/lists/leaders/versions/{list_version}/decision",
        {"decision": "approved"},
        "list.approve",
    ),
    ("GET", "/api/v1/ledger/verify", None, "ledger.read"),
    ("GET", "/api/v1/ledger/proofs/0", None, "ledger.read"),
    ("GET", "/api/v1/ledger/consistency?old=1&new=2", None, "ledger.read"),
    ("GET", "/api/v1/ledger/checkpoints/latest", None, "ledger.read"),
    ("GET", "/api/v1/ledger/key", None, "ledger.read"),
    ("POST", "/api/v1/ledger/checkpoints", None, "ledger.checkpoint"),
    ("GET", "/api/v1/screen?name=Akram%20Bloch&dob=1981", None, "registry.read"),
    ("POST", "/api/v1/screen", {"queries": [{"name": "Akram Bloch"}, {"name": "Gul Khan"}]}, "registry.read"),
    ("GET", "/api/v1/match?a=Muhammad%20Akram&b=Mohd%20Akram", None, "registry.read"),
    ("POST", "/api/v1/dedupe/runs", {}, "dedupe.review"),
    ("GET", "/api/v1/dedupe/pairs?status=all", None, "dedupe.review"),
    ("GET", "/api/v1/dedupe/pairs/{person}/{twin}/judgements", None, "dedupe.review"),
    ("POST", "/api/v1/dedupe/judgements", {"left": "{person}", "right": "{twin}", "decision": "unsure"},
     "dedupe.review"),
    ("POST", "/api/v1/merges", {"kept": "{merge_kept}", "merged": "{merge_dup}"}, "entity.merge"),
    ("POST", "/api/v1/entities/{merged_twin}/unmerge", {}, "entity.merge"),
    ("GET", "/api/v1/entities/{merged_twin}/merges", None, "registry.read"),
    ("POST", "/api/v1/cdr/datasets?authority={authority}", CDR, "comms.import"),
    ("GET", "/api/v1/cdr/datasets", None, "comms.read"),
    ("GET", "/api/v1/cdr/datasets/{dataset}", None, "comms.read"),
    ("GET", "/api/v1/links/overseas?max_hops=3", None, "comms.read"),
    ("GET", "/api/v1/links/path?source=%2B923001234567&target=%2B971501234567", None, "comms.read"),
    ("GET", "/api/v1/links/brokers?top=5", None, "comms.read"),
    ("GET", "/api/v1/links/communities", None, "comms.read"),
    ("GET", "/api/v1/links/graph", None, "comms.read"),
    ("GET", "/api/v1/links/edge?a=%2B923001234567&b=%2B971501234567", None, "comms.read"),
    ("GET", "/api/v1/links/timeline?node=%2B923001234567&tz=Asia/Karachi", None, "comms.read"),
    ("GET", "/api/v1/links/incidents?window_days=7&baseline_weeks=8", None, "comms.read"),
    ("GET", "/api/v1/links/colocation", None, "comms.read"),
    ("GET", "/api/v1/links/imei", None, "comms.read"),
    ("GET", "/api/v1/links/export?format=gexf", None, "comms.read"),
    ("POST", "/api/v1/attributions", {"number": "+923001234567", "person": "{person}", "unsupported": True},
     "registry.write"),
    ("GET", "/api/v1/attributions?person={person}", None, "registry.read"),
    ("GET", "/api/v1/attribution-suggestions", None, "comms.read"),
    ("POST", "/api/v1/attribution-suggestions/{suggestion}/accept", {"unsupported": True}, "registry.write"),
    ("POST", "/api/v1/attribution-suggestions/SUG-{person}-923001234568/reject", {"reason": "matrix"},
     "registry.write"),
    ("POST", "/api/v1/exhibits/{held_exhibit}/corroborations",
     {"caller": "+923001110001", "callee": "+923215550001", "start": "2026-01-05T10:00:30Z",
      "duration_s": 118},
     "comms.read"),
    ("GET", "/api/v1/exhibits/{held_exhibit}/corroborations", None, "exhibit.read"),
    ("POST", "/api/v1/links/saved", {"analysis": "brokers", "parameters": {"top": 3}},
     ("comms.read", "exhibit.write")),
    ("POST", "/api/v1/links/saved/{saved_analysis}/rerun", {}, "comms.read"),
    ("GET", "/api/v1/audit", None, "audit.read"),
    ("GET", "/api/v1/users", None, "users.manage"),
    (
        "POST",
        "/api/v1/users",
        {"username": "newcomer", "password": "a-good-long-password", "roles": ["liaison"]},
        "users.manage",
    ),
    ("PUT", "/api/v1/users/{target}/roles", {"roles": ["liaison", "auditor"]}, "users.manage"),
    ("PUT", "/api/v1/users/{target}/clearances", {"clearances": []}, "users.manage"),
    ("POST", "/api/v1/compartments", {"code": "MATRIX", "title": "Matrix"}, "users.manage"),
]


def _needed(permission: str | tuple[str, ...] | None) -> tuple[str, ...]:
    return (permission,) if isinstance(permission, str) else permission or ()


def _fill(value: Any, seed: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**seed)
    if isinstance(value, list):
        return [_fill(item, seed) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, seed) for key, item in value.items()}
    return value


def test_the_role_table_names_the_seven_roles_and_every_permission_is_tested():
    assert (
        set(PERMISSIONS)
        == set(ROLES)
        == {"admin", "supervisor", "analyst", "custodian", "prosecutor", "liaison", "auditor"}
    )
    raw = yaml.safe_load(ROLES_YAML.read_text(encoding="utf-8"))
    tested = {p for *_, permission in ENDPOINTS for p in _needed(permission)}
    assert tested == set(raw["permissions"]), "an endpoint per permission"


def test_every_api_endpoint_is_in_the_matrix(app):
    in_matrix = {(method, path.split("?")[0]) for method, path, *_ in ENDPOINTS}
    for path, operations in app.openapi()["paths"].items():
        if path == "/api/v1/health":
            continue
        for method in operations:
            generic = {(m, p) for m, p in in_matrix if _same_route(p, path)}
            assert any(m == method.upper() for m, _ in generic), (
                f"{method.upper()} {path} is not in the matrix"
            )


def _same_route(concrete: str, template: str) -> bool:
    left, right = concrete.split("/"), template.split("/")
    return len(left) == len(right) and all(
        a == b or b.startswith("{") for a, b in zip(left, right, strict=True)
    )


def _comms_seed(db, admin, settings, folder: Path, person: str) -> dict[str, str]:
    """Two calls in one handset, an attribution and a saved analysis (attribution endpoints)."""
    calls = folder / "matrix-calls.csv"
    calls.write_text("caller,callee,start_time,duration_s,type,imei\n"
                     "+923001110001,+923215550001,2026-01-05T10:00:00Z,120,call,356938035643809\n"
                     "+923001110002,+923215550002,2026-03-02T09:00:00Z,30,call,356938035643809\n",
                     encoding="utf-8")
    with db.write() as session:
        authority = add_authority(session, admin, basis="IFTA 2013 s.10", reference="W-CDR",
                                  issued_by="ATC-I", valid_from="2026-01-01", valid_to="2026-12-31").id
    dataset = import_cdr(db, admin, settings, calls, authority=authority)["dataset"]
    attribute(db, admin, settings, number="+923001110001", person=person, exhibit=None, unsupported=True)
    saved = save_analysis(db, admin, settings, name="brokers")
    return {"suggestion": f"SUG-{person}-923001110002", "saved_analysis": saved["exhibit"],
            "dataset": dataset}


@pytest.fixture
def seed(db, admin, make_actor, settings, tmp_path) -> dict[str, str]:
    """Records for the matrix to act on, written by the admin through the services."""
    with db.write() as session:
        person = add_person(session, admin, name="Muhammad Akram Baloch").id
        org = create_with_claims(session, admin, schema="Organization", values=[("name", "Sarhad Front")]).id
        exhibit = register_exhibit(session, admin, title="Seized phone report", kind="forensic-report").id
        store_exhibit = register_exhibit(session, admin, title="Seized handset", kind="other").id
        held = register_exhibit(session, admin, title="Call recording", kind="audio")
        pending = register_exhibit(session, admin, title="Voice sample", kind="audio")
        verification.record_verification(session, admin, pending, method="spectrogram", result="passed")
        authority = add_authority(
            session,
            admin,
            basis="IFTA 2013 s.10",
            reference="W-1",
            issued_by="ATC-I",
            valid_from="2026-01-01",
            valid_to="2026-12-31",
        ).id
        claim_to_retract, _ = add_claim(session, admin, entity_id=person, prop="alias", value="Ustad")
        claim_to_mark, _ = add_claim(session, admin, entity_id=person, prop="alias", value="Doctor")
        case = add_case(session, admin, fir="1/2026", station="PS Matrix", district="Kohsang",
                        sections=["ATA 1997 s.7"], registered_on="2026-01-10", court="ATC-I")
        party = add_party(session, admin, case_id=case.id, role="accused", entity_id=person,
                          custody="arrested")
        warrant = issue_warrant(session, admin, case_id=case.id, entity_id=person, kind="non-bailable",
                                court="ATC-I", issued_on="2026-01-12", reference="NBW 1/2026")
        incident = add_incident(session, admin, occurred_at=datetime.fromisoformat("2026-01-09T20:00+05:00"),
                                district="Kohsang", kind="armed-attack", target="levies post")
        list_version = draft_version(session, admin, today=date(2026, 6, 15))
        twin = add_person(session, admin, name="Mohd. Akram Bloch").id
        merge_kept = add_person(session, admin, name="Tariq Hussain").id
        merge_dup = add_person(session, admin, name="Tariq Husain").id
        merged_twin = add_person(session, admin, name="M. Akram Bloch").id
        merge_entities(session, admin, kept_id=twin, merged_id=merged_twin)
    target = make_actor("custodian").username
    return _comms_seed(db, admin, settings, tmp_path, person) | {
        "person": person,
        "org": org,
        "exhibit": exhibit,
        "store_exhibit": store_exhibit,
        "held_exhibit": held.id,
        "pending_exhibit": pending.id,
        "authority": authority,
        "claim_to_retract": claim_to_retract.id,
        "claim_to_mark": claim_to_mark.id,
        "target": target,
        "case": case.id,
        "party": str(party.id),
        "warrant": str(warrant.id),
        "incident": incident.id,
        "list_version": str(list_version.id),
        "twin": twin,
        "merge_kept": merge_kept,
        "merge_dup": merge_dup,
        "merged_twin": merged_twin,
    }


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_roles_yaml_grants(client, db, admin, make_actor, seed, role):
    actor = make_actor(role)
    with db.write() as session:  # custody is recorded by whoever holds the exhibit
        held = visible_exhibit(session, admin, seed["held_exhibit"])
        custody.record_event(session, admin, held, action="transferred", to_holder=actor.username)
    tokens = [
        client.post("/api/v1/auth/token", json={"username": actor.username, "password": PASSWORD})
        for _ in range(2)
    ]
    assert all(t.status_code == 201 for t in tokens), tokens[0].text
    authed = TestClient(client.app)
    authed.headers["Authorization"] = f"Bearer {tokens[0].json()['token']}"
    values = seed | {"username": actor.username, "spare_token": str(tokens[1].json()["id"])}
    granted = PERMISSIONS[role]
    wrong: list[str] = []
    for method, path, body, permission in ENDPOINTS:
        allowed = all(p in granted for p in _needed(permission))
        if isinstance(body, Upload):
            response = authed.request(method, _fill(path, values), files=body.files, data=body.data)
        else:
            response = authed.request(method, _fill(path, values), json=_fill(body, values))
        ok = 200 <= response.status_code < 300 if allowed else response.status_code == 403
        if not ok:
            wrong.append(
                f"{method} {path} ({permission}): expected {'2xx' if allowed else 403}, "
                f"got {response.status_code} {response.text[:200]}"
            )
        elif not allowed:
            assert response.json()["error"]["code"] == "permission_denied"
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


# --- compartments -----------------------------------------------------------------------

HIDDEN_NAME = "Zarrar Khanzada"
SECRET_ALIAS = "Shaheen Qadri"
OPEN_NAME = "Bashir Ahmad Qaisrani"


def _created(response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def cleared(api) -> TestClient:
    return api("analyst", clearances=["ALPHA"])


@pytest.fixture
def uncleared(api, cleared) -> TestClient:
    return api("analyst")


@pytest.fixture
def alpha(cleared) -> dict[str, str]:
    """A person in ALPHA, an open person with an ALPHA claim, and an ALPHA exhibit."""
    hidden = _created(cleared.post("/api/v1/persons", json={"name": HIDDEN_NAME, "compartment": "ALPHA"}))[
        "id"
    ]
    exhibit = _created(
        cleared.post(
            "/api/v1/exhibits", json={"title": "Source report 7", "kind": "statement", "compartment": "ALPHA"}
        )
    )["id"]
    open_person = _created(cleared.post("/api/v1/persons", json={"name": OPEN_NAME}))["id"]
    secret_claim = _created(
        cleared.post(
            f"/api/v1/entities/{open_person}/claims",
            json={"prop": "alias", "value": SECRET_ALIAS, "compartment": "ALPHA"},
        )
    )
    sourced_claim = _created(
        cleared.post(
            f"/api/v1/entities/{open_person}/claims",
            json={"prop": "birthDate", "value": "1981-04-02", "exhibit": exhibit, "locator": "p. 2"},
        )
    )
    assert secret_claim["compartment"] == "ALPHA"
    assert sourced_claim["compartment"] == "ALPHA"  # a claim is no more visible than its exhibit
    return {
        "hidden": hidden,
        "exhibit": exhibit,
        "open": open_person,
        "secret_claim": secret_claim["id"],
        "sourced_claim": sourced_claim["id"],
    }


def _username(client: TestClient) -> str:
    return client.get("/api/v1/me").json()["username"]


def _ids(rows: list[dict[str, Any]]) -> set[str]:
    return {row["id"] for row in rows}


def _search(client: TestClient, query: str) -> set[str]:
    response = client.get("/api/v1/search", params={"q": query})
    assert response.status_code == 200, response.text
    return _ids(response.json()["results"])


def test_compartmented_records_are_invisible_to_an_uncleared_analyst_over_the_api(uncleared, alpha, db):
    listing = uncleared.get("/api/v1/entities").json()
    assert _ids(listing["results"]) == {alpha["open"]} and listing["total"] == 1
    assert _search(uncleared, HIDDEN_NAME) == set()
    assert _search(uncleared, "Zarrar") == set()
    assert _search(uncleared, alpha["hidden"]) == set()
    assert _search(uncleared, SECRET_ALIAS) == set(), "a name only a compartmented claim states was found"
    assert _search(uncleared, "Shaheen") == set()
    assert _search(uncleared, OPEN_NAME) == {alpha["open"]}

    for url in (
        f"/api/v1/entities/{alpha['hidden']}",
        f"/api/v1/entities/{alpha['hidden']}/claims",
        f"/api/v1/exhibits/{alpha['exhibit']}",
    ):
        response = uncleared.get(url)
        assert response.status_code == 404, (url, response.text)  # 404, not 403: no hint it exists
        assert response.json()["error"]["code"] == "not_found"
    unknown = uncleared.get("/api/v1/entities/PER-0000000000").json()["error"]["detail"]
    hidden = uncleared.get(f"/api/v1/entities/{alpha['hidden']}").json()["error"]["detail"]
    assert hidden.replace(alpha["hidden"], "PER-0000000000") == unknown

    claims = uncleared.get(f"/api/v1/entities/{alpha['open']}/claims").json()["claims"]
    assert [c["value"] for c in claims] == [OPEN_NAME]
    view = uncleared.get(f"/api/v1/entities/{alpha['open']}").json()
    assert [c["value"] for c in view["claims"]] == [OPEN_NAME] and view["counts"]["claims"] == 1
    text = json.dumps(view, ensure_ascii=False)
    for secret in (SECRET_ALIAS, "ALPHA", alpha["exhibit"], alpha["secret_claim"], "1981"):
        assert secret not in text
    assert alpha["exhibit"] not in _ids(uncleared.get("/api/v1/exhibits").json()["exhibits"])
    assert (
        uncleared.post(f"/api/v1/claims/{alpha['secret_claim']}/retract", json={"reason": "x"}).status_code
        == 404
    )


def test_an_uncleared_analyst_cannot_cite_or_link_hidden_records(uncleared, alpha, db):
    org = _created(uncleared.post("/api/v1/organizations", json={"name": "Open Front"}))["id"]
    before = _row_counts(db)
    citing = uncleared.post(
        f"/api/v1/entities/{alpha['open']}/claims",
        json={"prop": "alias", "value": "Cited Alias", "exhibit": alpha["exhibit"]},
    )
    assert citing.status_code == 404 and citing.json()["error"]["field"] == "exhibit"
    onto_hidden = uncleared.post(
        f"/api/v1/entities/{alpha['hidden']}/claims", json={"prop": "alias", "value": "X"}
    )
    assert onto_hidden.status_code == 404
    linking = uncleared.post(
        "/api/v1/memberships", json={"member": alpha["hidden"], "organization": org, "role": "member"}
    )
    assert linking.status_code == 404
    in_alpha = uncleared.post("/api/v1/persons", json={"name": "Some One", "compartment": "ALPHA"})
    assert in_alpha.status_code == 404
    assert _row_counts(db) == before


def _row_counts(db) -> tuple[int, int]:
    with db.read() as session:
        return (
            session.scalar(select(func.count()).select_from(Entity)),
            session.scalar(select(func.count()).select_from(Claim)),
        )


def test_a_cleared_analyst_sees_everything(cleared, alpha):
    assert {alpha["hidden"], alpha["open"]} <= _ids(cleared.get("/api/v1/entities").json()["results"])
    assert _search(cleared, "Zarrar") == {alpha["hidden"]}
    assert _search(cleared, "Shaheen") == {alpha["open"]}
    assert cleared.get(f"/api/v1/entities/{alpha['hidden']}").json()["compartment"] == "ALPHA"
    claims = {c["id"]: c for c in cleared.get(f"/api/v1/entities/{alpha['open']}/claims").json()["claims"]}
    assert {alpha["secret_claim"], alpha["sourced_claim"]} <= set(claims)
    assert claims[alpha["sourced_claim"]]["supported"]
    assert cleared.get(f"/api/v1/exhibits/{alpha['exhibit']}").status_code == 200


def test_a_compartmented_name_does_not_become_the_caption_others_see(cleared, uncleared):
    """The caption is shown to everyone who can see the entity, so it may only come from
    claims they can see too."""
    person = _created(cleared.post("/api/v1/persons", json={"name": "محمد رفیق"}))["id"]
    _created(
        cleared.post(
            f"/api/v1/entities/{person}/claims",
            json={"prop": "name", "value": "Rafiq Secretname", "compartment": "ALPHA"},
        )
    )
    for text in (
        json.dumps(uncleared.get(f"/api/v1/entities/{person}").json(), ensure_ascii=False),
        json.dumps(uncleared.get("/api/v1/entities").json(), ensure_ascii=False),
        json.dumps(uncleared.get("/api/v1/search", params={"q": "رفیق"}).json(), ensure_ascii=False),
    ):
        assert "Secretname" not in text
    assert uncleared.get(f"/api/v1/entities/{person}").json()["caption"] == "محمد رفیق"


def test_compartments_hold_in_the_cli_too(cli, uncleared, cleared, alpha):
    reader = _username(uncleared)
    listed = cli("person", "list", "--json", "--as", reader)
    assert listed.code == 0, listed.stderr
    assert _ids(listed.json["results"]) == {alpha["open"]}
    for query in (HIDDEN_NAME, "Zarrar", SECRET_ALIAS, alpha["hidden"]):
        found = cli("--as", reader, "search", query, "--json")
        assert found.code == 0 and found.json["results"] == [], query
    shown = cli("person", "show", alpha["hidden"], "--as", reader)
    assert shown.code != 0 and shown.stdout == ""
    assert len(shown.stderr.strip().splitlines()) == 1 and "no entity" in shown.stderr
    profile = cli("person", "show", alpha["open"], "--json", "--as", reader)
    assert profile.code == 0 and SECRET_ALIAS not in profile.stdout

    insider = _username(cleared)
    assert alpha["hidden"] in _ids(cli("person", "list", "--json", "--as", insider).json["results"])
    assert _ids(cli("search", "Zarrar", "--json", "--as", insider).json["results"]) == {alpha["hidden"]}
    assert cli("person", "show", alpha["hidden"], "--json", "--as", insider).json["caption"] == HIDDEN_NAME


# --- audit of reads ---------------------------------------------------------------------


def test_profile_reads_are_audited_with_their_interface(api, cli, db, seed):
    analyst = api("analyst")
    username = _username(analyst)
    assert analyst.get(f"/api/v1/entities/{seed['person']}").status_code == 200
    assert cli("person", "show", seed["person"], "--json", "--as", username).code == 0
    with db.read() as session:
        reads = session.execute(
            select(AuditEvent.interface, AuditEvent.target_type, AuditEvent.target_id)
            .where(AuditEvent.action == "profile.read", AuditEvent.actor == username)
            .order_by(AuditEvent.id)
        ).all()
    assert [tuple(row) for row in reads] == [
        ("api", "entity", seed["person"]),
        ("cli", "entity", seed["person"]),
    ]


def test_auditors_read_the_audit_log_and_analysts_may_not(api, seed):
    analyst = api("analyst")
    assert analyst.get(f"/api/v1/entities/{seed['person']}").status_code == 200
    refused = analyst.get("/api/v1/audit")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"

    auditor = api("auditor")
    response = auditor.get("/api/v1/audit", params={"action": "profile.read"})
    assert response.status_code == 200, response.text
    events = response.json()["events"]
    assert [(e["actor"], e["interface"], e["target_id"]) for e in events] == [
        (_username(analyst), "api", seed["person"])
    ]
    logged = auditor.get("/api/v1/audit", params={"action": "audit.read"}).json()["events"]
    assert logged and logged[0]["actor"] == _username(auditor)  # reading the log is itself logged


def test_the_audit_log_keeps_compartments_from_uncleared_auditors(api, alpha):
    """Audit events about compartmented records carry their details (claimed values, record
    ids): an auditor sees those only with the clearance, like any other compartmented record."""
    uncleared_auditor = api("auditor")
    events = uncleared_auditor.get("/api/v1/audit", params={"per_page": 500}).json()["events"]
    text = json.dumps(events, ensure_ascii=False)
    assert events and SECRET_ALIAS not in text and HIDDEN_NAME not in text
    assert {e["target_id"] for e in events}.isdisjoint(
        {alpha["hidden"], alpha["secret_claim"], alpha["exhibit"]}
    )

    cleared_auditor = api("auditor", clearances=["ALPHA"])
    events = cleared_auditor.get("/api/v1/audit", params={"per_page": 500}).json()["events"]
    assert {alpha["hidden"], alpha["secret_claim"], alpha["exhibit"]} <= {e["target_id"] for e in events}
