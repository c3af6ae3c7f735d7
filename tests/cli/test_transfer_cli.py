"""``dastavez export ftm`` and ``dastavez import ftm|un-sc|interpol``: the command-line contract.

The contract line: importing an export reproduces the same entities and values. Here the
registry is built, exported, imported into a fresh one (a new home on SQLite; on
PostgreSQL the test schema with its registry tables emptied) and exported again: the two
files are identical.
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from dastavez.cli.main import main as cli_main
from dastavez.resolve.lists import parse_un
from dastavez.settings import Settings
from dastavez.storage.engine import Database
from dastavez.storage.tables import Claim, Entity

FTM_COUNTS = {
    "file",
    "sha256",
    "lines",
    "entities",
    "matched",
    "remapped",
    "claims",
    "existing",
    "unsupported",
    "skipped",
    "ignored",
    "unknown",
    "errors",
}


def run(settings: Settings, *args: str) -> tuple[int, Any, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli_main([*args, "--json"], settings=settings)
    return code, json.loads(out.getvalue()) if code == 0 else out.getvalue(), err.getvalue()


def ok(settings: Settings, *args: str) -> Any:
    code, data, err = run(settings, *args)
    assert code == 0, err
    return data


def one_line_error(settings: Settings, *args: str) -> str:
    code, out, err = run(settings, *args)
    assert code == 1 and out == "" and "Traceback" not in err, (code, out, err)
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1, err
    return lines[0]


def registry_counts(settings: Settings) -> tuple[int, int]:
    database = Database(settings)
    try:
        with database.read() as session:
            return (
                session.scalar(select(func.count()).select_from(Entity)) or 0,
                session.scalar(select(func.count()).select_from(Claim)) or 0,
            )
    finally:
        database.dispose()


def register_exhibits(settings: Settings) -> list[str]:
    return [
        ok(settings, "evidence", "register", "--title", title, "--kind", kind)["id"]
        for title, kind in (("Interrogation report 12", "document"), ("Intercepted call 7", "audio"))
    ]


def build(settings: Settings) -> dict[str, str]:
    report, call = register_exhibits(settings)
    akram = ok(
        settings,
        "person",
        "add",
        "--name",
        "Muhammad Akram Baloch",
        "--name-ur",
        "محمد اکرم بلوچ",
        "--alias",
        "Ustad",
        "--exhibit",
        report,
    )["id"]
    ok(settings, "claim", "add", akram, "birthDate", "1981-03-02", "--exhibit", report, "--locator", "p. 4")
    ok(
        settings,
        "claim",
        "add",
        akram,
        "phone",
        "0300 1234567",
        "--exhibit",
        call,
        "--locator",
        "00:00:03",
        "--from",
        "2024-01",
        "--confidence",
        "high",
    )
    ok(settings, "claim", "add", akram, "phone", "+92 321 7654321")
    doubtful = ok(settings, "claim", "add", akram, "birthDate", "1979")["id"]
    ok(settings, "claim", "status", doubtful, "disputed", "--note", "contradicts the CNIC")
    wrong = ok(settings, "claim", "add", akram, "alias", "Doctor")["id"]
    ok(settings, "claim", "retract", wrong, "--reason", "confused with another man")
    front = ok(settings, "org", "add", "--name", "Sarhad Front", "--name-ur", "سرحد فرنٹ")["id"]
    ok(
        settings,
        "membership",
        "add",
        "--member",
        akram,
        "--org",
        front,
        "--role",
        "leader",
        "--start",
        "2019",
        "--exhibit",
        report,
        "--locator",
        "p. 9",
    )
    return {"akram": akram, "front": front, "report": report}


def fresh_home(settings: Settings, home: Path) -> Settings:
    """A fresh registry holding the same exhibits (so their numbers match)."""
    if settings.database_url is None:
        fresh = settings.with_(home=home)
        ok(fresh, "init")
        register_exhibits(fresh)
        return fresh
    database = Database(settings)  # PostgreSQL: one test schema; empty its registry tables
    with database.engine.begin() as connection:
        connection.execute(
            text("TRUNCATE entity, name_index, name_key, index_watermark RESTART IDENTITY CASCADE")
        )
    database.dispose()
    return settings


def test_export_and_import_into_a_fresh_home_give_the_same_file(settings, admin, tmp_path):
    world = build(settings)
    first = tmp_path / "registry.ftm.json"
    exported = ok(settings, "export", "ftm", "--out", str(first))
    assert (exported["entities"], exported["claims"], exported["unsupported"]) == (3, 13, 4)
    assert exported["file"] == str(first) and not first.with_name(first.name + ".partial").exists()
    lines = first.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 and "Doctor" not in lines[-1] and world["akram"] in lines[-1]

    fresh = fresh_home(settings, tmp_path / "fresh")
    imported = ok(fresh, "import", "ftm", str(first))
    assert set(imported) == FTM_COUNTS
    assert {
        key: imported[key] for key in ("lines", "entities", "claims", "skipped", "unsupported", "errors")
    } == {"lines": 3, "entities": 3, "claims": 13, "skipped": 0, "unsupported": 0, "errors": []}
    second = tmp_path / "again.ftm.json"
    ok(fresh, "export", "ftm", "--out", str(second))
    assert second.read_bytes() == first.read_bytes()

    again = ok(fresh, "import", "ftm", str(first))
    assert (again["entities"], again["matched"], again["claims"], again["existing"]) == (0, 3, 0, 13)


def test_the_sample_as_a_list_is_screened_and_updated_in_place(settings, admin, shared_data):
    sample = shared_data / "ftm-sample-entities.json"
    imported = ok(settings, "import", "ftm", str(sample), "--list", "sample")
    assert (imported["list"], imported["records"], imported["added"], imported["entities"]) == (
        "ftm:sample",
        7,
        7,
        7,
    )
    assert registry_counts(settings) == (0, 0)  # reference records, not claims
    found = ok(settings, "screen", "Vitaly Kuzmenko", "--source", "ftm:sample")["results"]
    assert found[0]["source"] == "ftm:sample" and found[0]["caption"] == "Vitaly Yurievich KUZMENKO"
    cyrillic = ok(settings, "screen", "Татьяна Журавлева", "--source", "ftm:sample")["results"]
    assert cyrillic and cyrillic[0]["caption"] == "Tatiana Vladimirovna ZJURAVLEVA"
    again = ok(settings, "import", "ftm", str(sample), "--list", "sample")
    assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, 7)


def test_the_sample_into_the_registry_counts_what_it_left_out(settings, admin, shared_data):
    imported = ok(settings, "import", "ftm", str(shared_data / "ftm-sample-entities.json"))
    assert (imported["lines"], imported["entities"], imported["remapped"], imported["errors"]) == (
        7,
        7,
        7,
        [],
    )
    assert imported["unknown"]["Person.topics"] == 4 and imported["ignored"] == sum(
        imported["unknown"].values()
    )
    found = ok(settings, "search", "Kuzmenko")["results"]
    assert [r["caption"] for r in found] == ["Vitalij Kuzmenko"]


def test_the_un_list_imports_completely_and_again_in_place(settings, admin, shared_data):
    path = shared_data / "un-consolidated-list.xml"
    expected = parse_un(path)
    imported = ok(settings, "import", "un-sc", str(path))
    assert (imported["individuals"], imported["entities"], imported["aliases"]) == (
        730,
        273,
        expected.alias_count,
    )
    assert (imported["list"], imported["records"], imported["added"], imported["delisted"]) == (
        "un-sc",
        1003,
        1003,
        0,
    )
    again = ok(settings, "import", "un-sc", str(path))
    assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, 1003)


RED = "https://ws-public.interpol.int/notices/v1/red/"


def notices(*people: tuple[str, str, str]) -> str:
    items = [
        {
            "entity_id": entity_id,
            "forename": forename,
            "name": name,
            "_links": {"self": {"href": RED + entity_id.replace("/", "-")}},
        }
        for entity_id, forename, name in people
    ]
    return json.dumps({"total": len(items), "_embedded": {"notices": items}})


def test_interpol_notices_go_to_the_list_of_their_type(settings, admin, tmp_path):
    path = tmp_path / "red.json"
    path.write_text(notices(("2021/10001", "ZARAK", "TESTKHAN"), ("2022/20002", "GULNAR", "FICTIVA")))
    imported = ok(settings, "import", "interpol", str(path))
    assert (imported["notices"], imported["added"]) == (2, 2)
    assert [item["list"] for item in imported["lists"]] == ["interpol-red"]
    path.write_text(notices(("2021/10001", "ZARAK", "TESTKHAN")))
    newer = ok(settings, "import", "interpol", str(path))
    assert (newer["unchanged"], newer["delisted"]) == (1, 1)
    yellow = ok(settings, "import", "interpol", str(path), "--type", "yellow")
    assert [item["list"] for item in yellow["lists"]] == ["interpol-yellow"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import", "ftm", "missing.json"], "no file 'missing.json'"),
        (["import", "un-sc", "missing.xml"], "no file 'missing.xml'"),
        (["import", "ftm", "{sample}", "--list", "Not A Name"], "a list name is 1 to 40 lower-case letters"),
        (
            ["import", "ftm", "{sample}", "--list", "x", "--skip-bad"],
            "--skip-bad is for imports into the registry",
        ),
        (["import", "interpol", "{sample}", "--type", "green"], "the notice type is one of red, yellow, un"),
        (["import", "un-sc", "{sample}"], "the UN list is not well-formed XML: line 1"),
        (["export", "ftm", "--out", "/nonexistent-folder/x.json"], "no folder '/nonexistent-folder'"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(settings, admin, shared_data, args, message):
    args = [arg.replace("{sample}", str(shared_data / "ftm-sample-entities.json")) for arg in args]
    assert message in one_line_error(settings, *args)
    assert registry_counts(settings) == (0, 0)


def test_a_bad_line_fails_the_import_with_its_number(settings, admin, tmp_path):
    path = tmp_path / "people.ftm.json"
    path.write_text(
        '{"id": "p-1", "schema": "Person", "properties": {"name": ["Gul Khan Marri"]}}\n'
        '{"id": "p-2", "schema": "Person", "properties": {"name": ["Noor"], "birthDate": ["soon"]}}\n',
        encoding="utf-8",
    )
    error = one_line_error(settings, "import", "ftm", str(path))
    assert error.startswith("error: line 2, birthDate: ") and "nothing was imported" in error
    assert registry_counts(settings) == (0, 0)
    imported = ok(settings, "import", "ftm", str(path), "--skip-bad")
    assert (imported["entities"], imported["skipped"], [e["line"] for e in imported["errors"]]) == (1, 1, [2])


def test_exporting_needs_the_export_permission(settings, admin, make_actor, tmp_path):
    analyst = make_actor("analyst").username
    error = one_line_error(settings, "export", "ftm", "--out", str(tmp_path / "x.json"), "--as", analyst)
    assert "your roles do not allow this (export the registry" in error
    assert not (tmp_path / "x.json").exists()
