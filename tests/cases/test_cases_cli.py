"""The command-line contract of the issue, line by line, and the other case commands."""

from __future__ import annotations

import io

import pytest
from cases_world import TODAY, URDU_LEADER, build_world
from pypdf import PdfReader


def test_case_add_stage_and_pending_contract(cli, admin):
    added = cli(
        "case",
        "add",
        "--fir",
        "12/2026",
        "--station",
        "PS Kohsang City",
        "--district",
        "Kohsang",
        "--section",
        "ATA 1997 s.7",
        "--json",
    )
    assert added.code == 0, added.stderr
    case_id = added.json["id"]
    assert case_id.startswith("CASE-") and added.json["stage"] == "investigation"
    moved = cli("case", "stage", case_id, "report-submitted", "--json")
    assert moved.code == 0, moved.stderr
    assert moved.json["stage"] == "report-submitted"
    illegal = cli("case", "stage", case_id, "judgment", "--json")
    assert illegal.code != 0 and illegal.stdout == ""
    assert len(illegal.stderr.strip().splitlines()) == 1 and "cannot move to judgment" in illegal.stderr
    pending = cli("case", "pending", "--json")
    assert pending.code == 0, pending.stderr
    [row] = pending.json["cases"]
    assert {"id", "stage", "days_pending", "stalled"} <= set(row)
    assert (row["id"], row["stage"], row["days_pending"], row["stalled"]) == (
        case_id,
        "report-submitted",
        0,
        False,
    )


@pytest.mark.parametrize(
    "args",
    [
        ("case", "add", "--fir", "1/2026", "--station", "PS A", "--district", "D", "--section", "PPC 999"),
        ("case", "stage", "CASE-2026-999999", "defence"),
        ("case", "hearing", "CASE-2026-999999", "--date", "2026-01-01", "--outcome", "held"),
        ("list", "leaders", "--missing", "motive"),
        ("list", "leaders", "--format", "docx", "--out", "x.docx"),
        (
            "incident",
            "add",
            "--occurred-at",
            "2026-03-14T21:10",
            "--district",
            "D",
            "--kind",
            "ied",
            "--target",
            "x",
        ),
    ],
)
def test_bad_input_is_one_line_on_stderr(cli, admin, args):
    result = cli(*args)
    assert result.code == 1 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("error: ")


def test_list_leaders_contract_and_pdf(cli, db, make_actor, tmp_path):
    builder = make_actor("supervisor", clearances=["ALPHA"], username="builder")
    world = build_world(db, builder, make_actor("supervisor", username="reviewer"))
    listed = cli("--as", "builder", "list", "leaders", "--today", TODAY.isoformat(), "--json")
    assert listed.code == 0, listed.stderr
    people = {p["entity"]: p for p in listed.json["people"]}
    assert set(people) == {world.leader, world.facilitator, world.unsupported, world.hidden}
    leader = people[world.leader]
    assert {"entity", "roles", "legal_status", "abroad", "score", "missing"} <= set(leader)
    assert (leader["roles"], leader["abroad"], leader["score"], leader["missing"]) == (
        ["leader"],
        True,
        100,
        [],
    )
    assert people[world.facilitator]["missing"] == ["identity", "communications", "warrant"]
    out = tmp_path / "list.pdf"
    exported = cli("--as", "builder", "list", "leaders", "--format", "pdf", "--out", str(out), "--json")
    assert exported.code == 0, exported.stderr
    assert exported.json["people"] == 4 and out.read_bytes().startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert " ".join(reversed(URDU_LEADER.split())) in text and "COMPARTMENTS ALPHA" in text
    csv_out = tmp_path / "list.csv"
    assert cli("--as", "builder", "list", "leaders", "--format", "csv", "--out", str(csv_out)).code == 0
    assert URDU_LEADER in csv_out.read_text(encoding="utf-8-sig")


def test_drafting_and_approving_from_the_cli(cli, db, make_actor):
    build_world(
        db,
        make_actor("supervisor", clearances=["ALPHA"], username="builder"),
        make_actor("supervisor", username="reviewer"),
    )
    make_actor("supervisor", username="second")
    drafted = cli("--as", "reviewer", "list", "draft", "--note", "June", "--json")
    assert drafted.code == 0, drafted.stderr
    version = str(drafted.json["id"])
    own = cli("--as", "reviewer", "list", "approve", version)
    assert own.code == 1 and "four eyes" in own.stderr
    approved = cli("--as", "second", "list", "approve", version, "--json")
    assert approved.code == 0 and approved.json["status"] == "approved"
    diff = cli("--as", "second", "list", "diff", version, "--json")
    assert diff.code == 0 and diff.json["counts"]["added"] == 3
    assert [v["id"] for v in cli("--as", "second", "list", "versions", "--json").json["versions"]] == [
        int(version)
    ]


def test_parties_hearings_warrants_and_incidents_from_the_cli(cli, admin):
    person = cli("person", "add", "--name", "Gul Sher Zehri", "--json").json["id"]
    org = cli("org", "add", "--name", "Mehrdara Vanguard", "--json").json["id"]
    case_id = cli(
        "case",
        "add",
        "--fir",
        "5/2026",
        "--station",
        "PS Mehrdara",
        "--district",
        "Mehrdara",
        "--section",
        "PPC 302",
        "--section",
        "ATA 1997 s.7",
        "--registered",
        "2026-01-05",
        "--court",
        "ATC-II Mehrdara",
        "--json",
    ).json["id"]
    party = cli(
        "case", "party", case_id, "--role", "accused", "--entity", person, "--custody", "absconding", "--json"
    )
    assert party.code == 0, party.stderr
    assert (
        cli("case", "custody", case_id, str(party.json["id"]), "abroad", "--json").json["custody"] == "abroad"
    )
    hearing = cli(
        "case",
        "hearing",
        case_id,
        "--date",
        "2026-02-01",
        "--outcome",
        "adjourned",
        "--reason",
        "accused absconding",
        "--next",
        "2026-03-01",
        "--json",
    )
    assert hearing.code == 0 and hearing.json["court"] == "ATC-II Mehrdara"
    warrant = cli(
        "case",
        "warrant",
        case_id,
        "--entity",
        person,
        "--kind",
        "proclamation",
        "--court",
        "ATC-II Mehrdara",
        "--issued-on",
        "2026-02-01",
        "--reference",
        "Procl. 2/2026",
        "--json",
    )
    assert warrant.code == 0 and warrant.json["valid"] is True
    shown = cli("case", "show", case_id, "--json").json
    assert [h["outcome"] for h in shown["hearings"]] == ["adjourned"] and shown["parties"][0][
        "custody"
    ] == "abroad"
    dashboard = cli("case", "dashboard", "--json").json
    assert [p["entity"] for p in dashboard["absconders_abroad"]] == [person]
    incident = cli(
        "incident",
        "add",
        "--occurred-at",
        "2026-01-04T20:00+05:00",
        "--district",
        "Mehrdara",
        "--kind",
        "armed-attack",
        "--target",
        "levies post",
        "--killed",
        "2",
        "--lat",
        "29.5",
        "--lon",
        "66.1",
        "--json",
    )
    assert incident.code == 0, incident.stderr
    claimed = cli("incident", "claim", incident.json["id"], "--org", org, "--confidence", "low", "--json")
    assert claimed.json["responsibility"][0]["organization"] == org
    assert cli("incident", "link", incident.json["id"], "--case", case_id).code == 0
    assert cli("incident", "list", "--json").json["incidents"][0]["cases"] == [case_id]
    assert any(o["code"] == "ATA 1997 s.11F" for o in cli("case", "offences", "--json").json["offences"])
