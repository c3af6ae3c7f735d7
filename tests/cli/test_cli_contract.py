"""The command-line contract that tests, docs and users rely on (DESIGN.md, "Command line").

Every command takes ``--json``; ``--json`` and ``--as USER`` may stand anywhere; bad input
ends with a non-zero exit, exactly one line on stderr, no traceback and nothing written.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dastavez.access.passwords import verify_password
from dastavez.cli.main import main as cli_main
from dastavez.settings import Settings
from dastavez.storage.engine import Database
from dastavez.storage.migrate import head_revision
from dastavez.storage.tables import AuditEvent, Claim, Entity, User

PROFILE_KEYS = {"id", "schema", "caption", "legal_status", "claims"}
CLAIM_KEYS = {"id", "prop", "value", "status", "supported", "exhibit"}


def run(settings: Settings | None, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli_main(list(args), settings=settings)
    return code, out.getvalue(), err.getvalue()


def one_line_error(code: int, stdout: str, stderr: str) -> str:
    assert code != 0, (stdout, stderr)
    assert "Traceback" not in stdout + stderr
    lines = stderr.strip("\n").split("\n")
    assert len(lines) == 1 and lines[0].strip(), stderr
    return lines[0]


def counts(db: Database) -> tuple[int, int, int]:
    with db.read() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(table)) for table in (Entity, Claim, User)
        )


# --- init -------------------------------------------------------------------------------


@pytest.mark.parametrize("home", ["fresh", "migrated"])
def test_init_creates_the_admin_once_and_is_idempotent(settings, tmp_path, home):
    # "fresh": on SQLite a new, empty database; "migrated": the test database, already at head.
    fresh = settings.with_(home=tmp_path / "fresh-home") if home == "fresh" else settings
    code, out, err = run(fresh, "init", "--json")
    assert code == 0, err
    first = json.loads(out)
    assert first["home"] == str(fresh.home.resolve()) and fresh.home.is_dir()
    assert first["revision"] == head_revision(Database(fresh).engine)
    admin = first["admin"]
    assert (admin["username"], admin["created"]) == ("admin", True)
    assert isinstance(admin["password"], str) and len(admin["password"]) >= 12
    database = Database(fresh)
    with database.read() as session:
        stored = session.scalar(select(User.password_hash).where(User.username == "admin"))
    database.dispose()
    assert verify_password(stored, admin["password"])

    code, out, err = run(fresh, "init", "--json")
    assert code == 0, err
    second = json.loads(out)
    assert second["admin"] == {"username": "admin", "created": False, "password": None}
    assert second["revision"] == first["revision"]


def test_init_prints_the_password_in_words_only_when_it_creates_the_admin(settings, tmp_path):
    fresh = settings.with_(home=tmp_path / "fresh-home")
    code, out, _ = run(fresh, "init", "--admin-password", "a-chosen-admin-password")
    assert code == 0 and out.count("a-chosen-admin-password") == 1
    code, out, _ = run(fresh, "init")
    assert code == 0 and "a-chosen-admin-password" not in out and "already exists" in out


# --- the registry commands --------------------------------------------------------------


@pytest.fixture
def exhibit(cli, admin) -> str:
    result = cli("evidence", "register", "--title", "Recorded call 14", "--kind", "audio", "--json")
    assert result.code == 0, result.stderr
    return result.json["id"]


def test_person_org_claim_and_profile_contract(cli, admin, exhibit):
    person = cli("person", "add", "--name", "Muhammad Akram Baloch", "--name-ur", "محمد اکرم بلوچ", "--json")
    assert person.code == 0 and person.stderr == ""
    person_id = person.json["id"]
    assert person_id.startswith("PER-")
    org = cli("--json", "org", "add", "--name", "Sarhad Freedom Front")  # --json anywhere
    assert org.code == 0 and org.json["id"].startswith("ORG-")

    backed = cli(
        "claim",
        "add",
        person_id,
        "birthDate",
        "17/05/1979",
        "--exhibit",
        exhibit,
        "--locator",
        "00:14:32",
        "--json",
    )
    assert backed.code == 0, backed.stderr
    assert backed.json["supported"] is True and backed.json["id"].startswith("CLM-")
    bare = cli("claim", "add", person_id, "alias", "Ustad", "--json")
    assert bare.code == 0 and bare.json["supported"] is False

    retracted = cli("claim", "retract", bare.json["id"], "--reason", "informant recanted", "--json")
    assert retracted.code == 0, retracted.stderr
    assert (retracted.json["id"], retracted.json["status"]) == (bare.json["id"], "retracted")
    assert retracted.json["retraction_reason"] == "informant recanted"

    shown = cli("person", "show", person_id, "--json")
    assert shown.code == 0, shown.stderr
    view = shown.json
    assert set(view) >= PROFILE_KEYS
    assert (view["id"], view["schema"], view["caption"], view["legal_status"]) == (
        person_id,
        "Person",
        "Muhammad Akram Baloch",
        None,
    )
    assert all(set(claim) >= CLAIM_KEYS for claim in view["claims"])
    by_value = {c["value"]: c for c in view["claims"]}
    assert set(by_value) == {"Muhammad Akram Baloch", "محمد اکرم بلوچ", "1979-05-17", "Ustad"}
    assert (by_value["1979-05-17"]["supported"], by_value["1979-05-17"]["exhibit"]) == (True, exhibit)
    assert by_value["Ustad"]["status"] == "retracted"
    assert by_value["Muhammad Akram Baloch"]["status"] == "asserted"
    assert by_value["Muhammad Akram Baloch"]["exhibit"] is None


def test_text_output_without_json_shows_support(cli, admin, exhibit):
    person_id = cli("person", "add", "--name", "Gul Khan", "--json").json["id"]
    assert cli("claim", "add", person_id, "alias", "Gulu", "--exhibit", exhibit).code == 0
    shown = cli("person", "show", person_id)
    assert shown.code == 0 and "UNSUPPORTED" in shown.stdout and exhibit in shown.stdout
    with pytest.raises(json.JSONDecodeError):
        json.loads(shown.stdout)


# --- who acts ---------------------------------------------------------------------------


def _creator(db: Database, entity_id: str) -> tuple[str, list[tuple[str, str]]]:
    with db.read() as session:
        created_by = session.scalar(select(Entity.created_by).where(Entity.id == entity_id))
        events = session.execute(
            select(AuditEvent.actor, AuditEvent.interface).where(
                AuditEvent.target_id == entity_id, AuditEvent.action == "entity.create"
            )
        )
        return created_by, [tuple(row) for row in events]


def test_the_acting_user_defaults_to_admin(cli, db, admin):
    person = cli("person", "add", "--name", "Default Actor", "--json").json["id"]
    assert _creator(db, person) == ("admin", [("admin", "cli")])


def test_as_user_anywhere_on_the_line_picks_the_acting_user(cli, db, make_actor):
    analyst = make_actor("analyst").username
    for args in (
        ("--as", analyst, "person", "add", "--name", "First Person", "--json"),
        ("person", "add", "--as", analyst, "--name", "Second Person", "--json"),
        ("person", "add", "--name", "Third Person", "--json", f"--as={analyst}"),
    ):
        result = cli(*args)
        assert result.code == 0, (args, result.stderr)
        assert _creator(db, result.json["id"]) == (analyst, [(analyst, "cli")])


def test_dastavez_user_setting_picks_the_acting_user_and_as_overrides_it(
    settings, db, make_actor, monkeypatch
):
    analyst, supervisor = make_actor("analyst").username, make_actor("supervisor").username
    assert Settings.from_env({"DASTAVEZ_USER": analyst}).cli_user == analyst
    as_analyst = settings.with_(cli_user=analyst)
    code, out, err = run(as_analyst, "person", "add", "--name", "Env Person", "--json")
    assert code == 0, err
    assert _creator(db, json.loads(out)["id"]) == (analyst, [(analyst, "cli")])
    code, out, err = run(
        as_analyst, "person", "add", "--name", "Overridden Person", "--json", "--as", supervisor
    )
    assert code == 0, err
    assert _creator(db, json.loads(out)["id"]) == (supervisor, [(supervisor, "cli")])

    # The way users set it: the entry point reads DASTAVEZ_USER from the environment itself.
    monkeypatch.setenv("DASTAVEZ_HOME", str(settings.home))
    if settings.database_url:
        monkeypatch.setenv("DASTAVEZ_DATABASE_URL", settings.database_url)
    else:
        monkeypatch.delenv("DASTAVEZ_DATABASE_URL", raising=False)
    monkeypatch.setenv("DASTAVEZ_USER", analyst)
    code, out, err = run(None, "person", "add", "--name", "From Environment", "--json")
    assert code == 0, err
    assert _creator(db, json.loads(out)["id"]) == (analyst, [(analyst, "cli")])
    monkeypatch.setenv("DASTAVEZ_USER", "nobody-here")
    one_line_error(*run(None, "person", "add", "--name", "Nobody Writes", "--json"))


def test_reads_through_the_cli_are_audited_for_the_acting_user(cli, db, make_actor, admin):
    liaison = make_actor("liaison").username
    person = cli("person", "add", "--name", "Read Target", "--json").json["id"]
    assert cli("person", "show", person, "--json", "--as", liaison).code == 0
    with db.read() as session:
        reads = session.execute(
            select(AuditEvent.actor, AuditEvent.interface, AuditEvent.client).where(
                AuditEvent.action == "profile.read", AuditEvent.target_id == person
            )
        ).all()
    assert [tuple(row) for row in reads] == [(liaison, "cli", "cli")]


def test_a_role_without_the_permission_is_refused_in_one_line(cli, db, make_actor, admin):
    liaison = make_actor("liaison").username
    before = counts(db)
    line = one_line_error(*_unpack(cli("person", "add", "--name", "Not Allowed", "--as", liaison)))
    assert "roles do not allow" in line
    assert counts(db) == before


# --- bad input --------------------------------------------------------------------------


def _unpack(result) -> tuple[int, str, str]:
    return result.code, result.stdout, result.stderr


@pytest.fixture
def person(cli, admin) -> str:
    return cli("person", "add", "--name", "Bad Input Target", "--json").json["id"]


BAD_INPUT: list[tuple[tuple[str, ...], str]] = [
    (("claim", "add", "{person}", "noSuchProperty", "x", "--json"), "no property"),
    (("claim", "add", "{person}", "nationality", "Atlantis", "--json"), "country"),
    (("claim", "add", "{person}", "phone", "12", "--json"), "phone"),
    (("claim", "add", "{person}", "birthDate", "1979-02-30", "--json"), "date"),
    (("claim", "add", "{person}", "alias", "Bad \u202eName", "--json"), "bidirectional"),
    (("claim", "add", "{person}", "alias", "Located", "--locator", "p. 4"), "exhibit"),
    (("claim", "add", "{person}", "alias", "Cited", "--exhibit", "EXH-2020-999999"), "no exhibit"),
    (("claim", "add", "PER-0000000000", "name", "Somebody", "--json"), "no entity"),
    (("claim", "retract", "CLM-0000000000000000", "--reason", "x"), "no claim"),
    (("person", "add", "--name", "Ghost Writer", "--as", "nobody", "--json"), "nobody"),
    (("person", "add", "--name", "\u202eEvil", "--json"), "bidirectional"),
    (("person", "add", "--name", "A" * 10_000, "--json"), "too long"),
    (("person", "show", "PER-0000000000", "--json"), "no entity"),
    (("claim", "add", "{person}"), "Missing argument"),
    (("person", "add"), "--name"),
    (("no-such-command",), "no-such-command"),
]


def test_bad_input_exits_non_zero_with_one_line_and_writes_nothing(cli, db, person):
    # One database for all the cases (each check is independent): setting one up costs more
    # than running the command.
    before = counts(db)
    for args, expected in BAD_INPUT:
        result = cli(*[arg.format(person=person) for arg in args])
        line = one_line_error(*_unpack(result))
        assert line.startswith("error:") and expected.lower() in line.lower(), (args, line)
        assert result.stdout == "", args
        assert counts(db) == before, f"{args} wrote something"


# --- the installed console script -------------------------------------------------------


def test_the_installed_console_script(tmp_path):
    script = shutil.which("dastavez", path=str(Path(sys.executable).parent))
    assert script, "the dastavez console script is not installed in this environment"
    env = {key: value for key, value in os.environ.items() if not key.startswith("DASTAVEZ_")}
    env["DASTAVEZ_HOME"] = str(tmp_path / "home")  # SQLite, whatever backend the suite runs on

    def dastavez(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603  # our own installed script, arguments fixed here
            [script, *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
        )

    init = dastavez("init", "--json")
    assert init.returncode == 0, init.stderr
    assert json.loads(init.stdout)["admin"]["created"] is True
    assert (tmp_path / "home" / "dastavez.sqlite3").is_file()

    added = dastavez("person", "add", "--name", "Subprocess Person", "--json")
    assert added.returncode == 0 and added.stderr == "", added.stderr
    person_id = json.loads(added.stdout)["id"]

    bad = dastavez("claim", "add", person_id, "nationality", "Atlantis", "--json")
    line = one_line_error(bad.returncode, bad.stdout, bad.stderr)
    assert bad.returncode == 1 and line.startswith("error:") and "Atlantis" in line
