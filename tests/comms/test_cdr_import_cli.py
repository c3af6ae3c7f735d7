"""``dastavez cdr import|datasets|show`` as a user runs them."""

from __future__ import annotations

from pathlib import Path

from cdr_files import OTHER, TARGET, default_csv, warrant


def test_import_list_show_json(cli, db, admin, tmp_path: Path):
    auth = warrant(db, admin)
    path = default_csv(tmp_path / "calls.csv", [f"{TARGET},{OTHER},2026-03-01T10:00:00,60", "bad"])
    done = cli("cdr", "import", str(path), "--authority", auth, "--json")
    assert done.code == 0, done.stderr
    result = done.json
    assert {"dataset", "rows", "rejected", "out_of_scope", "exhibit", "rejects_file", "new"} <= set(result)
    assert (result["rows"], result["rejected"], result["new"]) == (1, 1, True)
    again = cli("cdr", "import", str(path), "--authority", auth, "--json")
    assert again.code == 0 and again.json["new"] is False and again.json["dataset"] == result["dataset"]
    listed = cli("cdr", "datasets", "--json")
    assert [d["dataset"] for d in listed.json] == [result["dataset"]]
    shown = cli("cdr", "show", result["dataset"], "--json")
    assert shown.json["rejects_preview"][0]["line"] == 3
    human = cli("cdr", "show", result["dataset"])
    assert human.code == 0 and result["dataset"] in human.stdout and "First rejected lines" in human.stdout


def test_operator_and_map_options(cli, db, admin, tmp_path: Path):
    auth = warrant(db, admin)
    path = tmp_path / "b.tsv"
    path.write_text(
        "CALLING_NUMBER\tCALLED_NUMBER\tSTART_TIME\tCALL_DURATION\tRECORD_TYPE\n"
        f"{TARGET}\t{OTHER}\t20260301150000\t61\tVOICE\n",
        encoding="utf-8",
    )
    done = cli("cdr", "import", str(path), "--authority", auth, "--operator", "operator-b", "--json")
    assert done.code == 0, done.stderr
    assert done.json["operator"] == "Operator B" and done.json["time_zone"] == "Asia/Karachi"
    mapping = tmp_path / "mine.yaml"
    mapping.write_text("preset: operator-b\noperator: Our Telco\ntime_zone: UTC\n", encoding="utf-8")
    other = tmp_path / "c.tsv"
    other.write_text(path.read_text().replace("61", "62"), encoding="utf-8")
    done = cli("cdr", "import", str(other), "--authority", auth, "--map", str(mapping), "--json")
    assert done.code == 0, done.stderr
    assert (done.json["operator"], done.json["time_zone"], done.json["first_call"]) == (
        "Our Telco",
        "UTC",
        "2026-03-01T15:00:00+00:00",
    )


def test_errors_are_one_line(cli, db, admin, tmp_path: Path):
    auth = warrant(db, admin)
    path = default_csv(tmp_path / "calls.csv", [f"{TARGET},{OTHER},2026-03-01T10:00:00,60"])
    unknown = cli("cdr", "import", str(path), "--authority", auth, "--operator", "nokia")
    assert unknown.code == 1
    assert unknown.stderr.strip().count("\n") == 0
    assert (
        "unknown operator preset 'nokia'; presets are default, operator-a, operator-b, operator-c"
        in unknown.stderr
    )
    missing = cli("cdr", "import", str(tmp_path / "none.csv"), "--authority", auth)
    assert missing.code == 1 and "no file" in missing.stderr
    wrong = cli("cdr", "import", str(path), "--authority", "AUTH-NOPE")
    assert wrong.code == 1 and "no legal authority" in wrong.stderr
    hidden = cli("cdr", "show", "CDR-AAAAAAAAAA")
    assert hidden.code == 1 and "no call-record dataset" in hidden.stderr


def test_compartmented_dataset_is_invisible_to_an_uncleared_analyst(cli, db, make_actor, tmp_path: Path):
    supervisor = make_actor("supervisor", clearances=["ALPHA"], interface="cli")
    auth = warrant(db, supervisor, compartment="ALPHA")
    path = default_csv(tmp_path / "calls.csv", [f"{TARGET},{OTHER},2026-03-01T10:00:00,60"])
    done = cli("--as", supervisor.username, "cdr", "import", str(path), "--authority", auth, "--json")
    assert done.code == 0, done.stderr
    assert done.json["compartment"] == "ALPHA"
    outsider = make_actor("analyst", interface="cli").username
    assert cli("--as", outsider, "cdr", "datasets", "--json").json == []
    hidden = cli("--as", outsider, "cdr", "show", done.json["dataset"], "--json")
    assert hidden.code == 1 and "no call-record dataset" in hidden.stderr
    assert cli("--as", supervisor.username, "cdr", "show", done.json["dataset"], "--json").code == 0
