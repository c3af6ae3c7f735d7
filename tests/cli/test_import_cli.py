"""``dastavez import sheet``: the command-line contract of the bulk import."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import openpyxl
import pytest

HEADER = ["Name", "Name (Urdu)", "Aliases", "Phone", "Notes"]
ROWS = [
    ["Zarak Khan Bloch", "زرک خان بلوچ", "Ustad; Z.K.", "0300 1234567", "seen 2024"],
    ["Shahbaz Gul Marwat", "شہباز گل مروت", "", "+92 321 7654321", ""],
    ["Noor Bibi Kakar", "نور بی بی کاکڑ", "Baji", "", ""],
]
MAP = ["--map", "Name=name", "--map", "Name (Urdu)=name", "--map", "Aliases=alias[]", "--map", "Phone=phone",
       "--map", "Notes=-"]


def write_csv(path: Path, rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[str]], *, title: str = "People") -> Path:
    book = openpyxl.Workbook()
    book.active.title = "Summary"
    book.active.append(["not the list"])
    sheet = book.create_sheet(title)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def persons(cli, admin):
    def total() -> int:
        result = cli("person", "list", "--json")
        assert result.code == 0, result.stderr
        return int(result.json["total"])

    return total


def test_csv_import_prints_the_report(cli, persons, tmp_path):
    path = write_csv(tmp_path / "district-list.csv", [HEADER, *ROWS])
    result = cli("import", "sheet", str(path), "--schema", "Person", *MAP, "--json")
    assert result.code == 0, result.stderr
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert result.json == {"file": "district-list.csv", "sha256": digest, "rows": 3, "created": 3,
                           "claims": 11, "skipped": 0, "rejects_file": None, "errors": []}
    assert persons() == 3
    found = cli("search", "زرک", "--json").json["results"]
    assert [r["caption"] for r in found] == ["Zarak Khan Bloch"]


def test_xlsx_named_sheet_semicolons_and_plain_output(cli, persons, tmp_path):
    path = write_xlsx(tmp_path / "list.xlsx", [HEADER, *ROWS])
    result = cli("import", "sheet", str(path), "--schema", "Person", *MAP, "--sheet", "People")
    assert result.code == 0, result.stderr
    assert "created: 3" in result.stdout
    semi = write_csv(tmp_path / "semi.csv", [HEADER, *ROWS], delimiter=";", encoding="utf-8-sig")
    assert cli("import", "sheet", str(semi), "--schema", "Person", *MAP, "--json").json["created"] == 3
    assert persons() == 6


def test_map_file(cli, persons, tmp_path):
    path = write_csv(tmp_path / "list.csv", [HEADER, *ROWS])
    map_file = tmp_path / "map.yaml"
    map_file.write_text('Name: name\n"Name (Urdu)": name\nAliases: "alias[]"\nPhone: phone\nNotes: "-"\n',
                        encoding="utf-8")
    result = cli("import", "sheet", str(path), "--schema", "Person", "--map-file", str(map_file), "--json")
    assert result.code == 0, result.stderr
    assert result.json["claims"] == 11
    map_file.write_text("Name: name\nNotes: -\n", encoding="utf-8")
    result = cli("import", "sheet", str(path), "--schema", "Person", "--map-file", str(map_file))
    assert result.code == 1 and "not valid UTF-8 YAML" in result.stderr


def test_one_bad_phone_fails_everything_with_one_line(cli, persons, tmp_path):
    rows = [HEADER, ROWS[0], ROWS[1], ["Gul Zaman Achakzai", "", "", "12", ""], ROWS[2]]
    path = write_csv(tmp_path / "list.csv", rows)
    result = cli("import", "sheet", str(path), "--schema", "Person", *MAP, "--json")
    assert result.code == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: line 4, column 'Phone': invalid phone number '12'")
    assert "nothing was imported" in result.stderr
    assert persons() == 0


def test_skip_bad_writes_rejects_next_to_the_file(cli, persons, tmp_path):
    rows = [HEADER, ROWS[0], ["Zarak\u202eKhan", "", "", "", ""], ["Gul Zaman Achakzai", "", "", "12", ""],
            ["x" * 10_000, "", "", "", ""], ROWS[1], ["<script>alert(1)</script>", "", "", "", ""],
            ["'; DROP TABLE entity; --", "", "", "", ""]]
    path = write_csv(tmp_path / "list.csv", rows)
    result = cli("import", "sheet", str(path), "--schema", "Person", *MAP, "--skip-bad", "--json")
    assert result.code == 0, result.stderr
    report = result.json
    assert (report["rows"], report["created"], report["skipped"]) == (7, 4, 3)
    assert report["rejects_file"] == str(tmp_path / "list.rejects.csv")
    assert [(e["line"], e["column"]) for e in report["errors"]] == [(3, "Name"), (4, "Phone"), (5, "Name")]
    with open(report["rejects_file"], encoding="utf-8-sig", newline="") as stream:
        rejects = list(csv.DictReader(stream))
    assert [r["line"] for r in rejects] == ["3", "4", "5"]
    assert "bidirectional control character (U+202E)" in rejects[0]["reason"]
    assert rejects[1]["Phone"] == "12" and rejects[1]["reason"].startswith("column 'Phone': invalid phone")
    assert "too long" in rejects[2]["reason"]
    assert persons() == 4
    names = {r["caption"] for r in cli("person", "list", "--json").json["results"]}
    assert {"<script>alert(1)</script>", "'; DROP TABLE entity; --"} <= names


def test_explicit_rejects_path_and_rejects_needs_skip_bad(cli, persons, tmp_path):
    path = write_csv(tmp_path / "list.csv", [HEADER, *ROWS])
    target = tmp_path / "out" / "bad.csv"
    target.parent.mkdir()
    result = cli("import", "sheet", str(path), "--schema", "Person", *MAP, "--skip-bad",
                 "--rejects", str(target), "--json")
    assert result.code == 0 and result.json["rejects_file"] == str(target)
    assert target.read_text(encoding="utf-8-sig").splitlines() == [",".join([*HEADER, "line", "reason"])]
    result = cli("import", "sheet", str(path), "--schema", "Person", *MAP, "--rejects", str(target))
    assert result.code == 1 and "--rejects goes with --skip-bad" in result.stderr
    result = cli("import", "sheet", str(path), "--schema", "Person", *MAP, "--skip-bad",
                 "--rejects", str(path))
    assert result.code == 1 and "would overwrite" in result.stderr
    assert persons() == 3


def test_invalid_utf8_is_one_clear_line(cli, persons, tmp_path):
    data = "\r\n".join(",".join(row) for row in [HEADER, *ROWS]).encode()
    lines = data.split(b"\r\n")
    lines[2] = lines[2][:8] + b"\xff\xfe\xfa" + lines[2][8:]
    path = tmp_path / "list.csv"
    path.write_bytes(b"\r\n".join(lines))
    result = cli("import", "sheet", str(path), "--schema", "Person", *MAP)
    assert result.code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: line 3 is not valid UTF-8")
    assert "save the file as UTF-8" in result.stderr
    assert persons() == 0


@pytest.mark.parametrize(("rows", "extra", "message"), [
    ([HEADER, *ROWS], ["--map", "Nmae=name"], "names column 'Nmae', which the sheet does not have"),
    ([[*HEADER, "Remarks"], *[[*r, ""] for r in ROWS]], [], "column 'Remarks' not mapped"),
    ([HEADER], [], "has a header (line 1) but no rows"),
    ([], [], "the file is empty"),
])
def test_mapping_and_shape_errors(cli, persons, tmp_path, rows, extra, message):
    path = write_csv(tmp_path / "list.csv", rows)
    result = cli("import", "sheet", str(path), "--schema", "Person", *MAP, *extra)
    assert result.code == 1
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert persons() == 0


def test_missing_file_and_missing_mapping(cli, persons, tmp_path):
    result = cli("import", "sheet", str(tmp_path / "nope.csv"), "--schema", "Person", *MAP)
    assert result.code == 1 and "no file" in result.stderr
    path = write_csv(tmp_path / "list.csv", [HEADER, *ROWS])
    result = cli("import", "sheet", str(path), "--schema", "Person")
    assert result.code == 1 and "give the column mapping" in result.stderr
    result = cli("import", "sheet", str(path), "--schema", "Person", "--map", "Name")
    assert result.code == 1 and 'write it as "Column=property"' in result.stderr


def test_auditor_cannot_import(cli, make_actor, persons, tmp_path):
    auditor = make_actor("auditor")
    path = write_csv(tmp_path / "list.csv", [HEADER, *ROWS])
    result = cli("import", "sheet", str(path), "--schema", "Person", *MAP, "--as", auditor.username)
    assert result.code == 1 and "your roles do not allow this" in result.stderr
    assert persons() == 0


def test_compartment_needs_clearance(cli, make_actor, tmp_path):
    cleared = make_actor("analyst", clearances=["ALPHA"])
    uncleared = make_actor("analyst")
    path = write_csv(tmp_path / "list.csv", [HEADER, *ROWS])
    result = cli("import", "sheet", str(path), "--schema", "Person", *MAP, "--compartment", "ALPHA",
                 "--as", uncleared.username)
    assert result.code == 1 and "no compartment 'ALPHA'" in result.stderr
    result = cli("import", "sheet", str(path), "--schema", "Person", *MAP, "--compartment", "ALPHA",
                 "--as", cleared.username, "--json")
    assert result.code == 0 and result.json["created"] == 3
    assert cli("person", "list", "--json", "--as", uncleared.username).json["total"] == 0
    assert cli("person", "list", "--json", "--as", cleared.username).json["total"] == 3


def test_reimport_with_id_column_adds_nothing(cli, persons, tmp_path):
    path = write_csv(tmp_path / "list.csv", [HEADER, *ROWS])
    assert cli("import", "sheet", str(path), "--schema", "Person", *MAP, "--json").json["created"] == 3
    listed = cli("person", "list", "--json").json["results"]
    ids = {r["caption"]: r["id"] for r in listed}
    with_ids = write_csv(tmp_path / "with-ids.csv", [["ID", *HEADER]] + [[ids[r[0]], *r] for r in ROWS])
    for _ in range(2):
        result = cli("import", "sheet", str(with_ids), "--schema", "Person", *MAP, "--map", "ID=id", "--json")
        assert result.code == 0, result.stderr
        assert (result.json["created"], result.json["claims"]) == (0, 0)
    assert persons() == 3


def test_import_group_help(cli):
    result = cli("import", "--help")
    assert result.code == 0 and "sheet" in result.stdout
    result = cli("import", "sheet", "--help")
    assert "--skip-bad" in result.stdout and "--map-file" in result.stdout
