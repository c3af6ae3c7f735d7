"""Bulk import of persons and organisations from sheets: reading, mapping, all-or-nothing, rejects."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from sqlalchemy import func, select

from dastavez.evidence.exhibits import register_exhibit
from dastavez.exc import InvalidInput, NotFound, PayloadTooLarge, PermissionDenied
from dastavez.registry.bulk_import import MAX_ERRORS, import_rows, write_rejects
from dastavez.registry.sheets import read_sheet, sniff_delimiter
from dastavez.storage.tables import AuditEvent, Claim, Entity, LegalStatusChange

HEADER = ["Name", "Name (Urdu)", "Aliases", "Phone", "Notes"]
MAPPING = {"Name": "name", "Name (Urdu)": "name", "Aliases": "alias[]", "Phone": "phone", "Notes": "-"}
ROWS = [
    ["Zarak Khan Bloch", "زرک خان بلوچ", "Ustad; Z.K.", "0300 1234567", "seen 2024"],
    ["Shahbaz Gul Marwat", "شہباز گل مروت", "", "+92 321 7654321", ""],
    ["Noor Bibi Kakar", "نور بی بی کاکڑ", "Baji", "", "—"],
]


def csv_bytes(rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[object]], *, title: str = "People", extra_sheet: str | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        book.create_sheet(extra_sheet).append(["Other"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def count(db, table) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(table)) or 0


def run(db, actor, data: bytes, mapping=None, *, name="people.csv", schema="Person", **options):
    sheet = read_sheet(data, name=name)
    with db.write() as s:
        return import_rows(s, actor, schema=schema, sheet=sheet, mapping=mapping or MAPPING, region="PK",
                           **options)


def captions(db) -> set[str]:
    with db.read() as s:
        return set(s.scalars(select(Entity.caption)))


def claims_of(db, caption: str) -> dict[str, list[str]]:
    with db.read() as s:
        entity = s.scalars(select(Entity).where(Entity.caption == caption)).one()
        values: dict[str, list[str]] = {}
        for claim in s.scalars(select(Claim).where(Claim.entity_id == entity.id).order_by(Claim.value)):
            values.setdefault(claim.prop, []).append(claim.value)
        return values


@pytest.fixture
def analyst(make_actor):
    return make_actor("analyst")


# -- reading -----------------------------------------------------------------------------------


def test_csv_with_urdu_values_imports_one_entity_per_row(db, analyst):
    report = run(db, analyst, csv_bytes([HEADER, *ROWS]))
    assert (report.rows, report.created, report.skipped, report.errors) == (3, 3, 0, [])
    assert report.claims == 11  # 6 names, 3 aliases, 2 phones; Notes ignored
    assert captions(db) == {"Zarak Khan Bloch", "Shahbaz Gul Marwat", "Noor Bibi Kakar"}
    zarak = claims_of(db, "Zarak Khan Bloch")
    assert zarak == {"name": ["Zarak Khan Bloch", "زرک خان بلوچ"], "alias": ["Ustad", "Z.K."],
                     "phone": ["+923001234567"]}


def test_xlsx_first_sheet_or_named_sheet(db, analyst):
    data = xlsx_bytes([HEADER, *ROWS], extra_sheet="Notes")
    report = run(db, analyst, data, name="people.xlsx")
    assert report.created == 3
    assert claims_of(db, "Noor Bibi Kakar")["name"] == ["Noor Bibi Kakar", "نور بی بی کاکڑ"]
    with pytest.raises(InvalidInput, match="no sheet 'Missing'; its sheets: People, Notes"):
        read_sheet(data, name="people.xlsx", sheet="Missing")
    assert read_sheet(data, name="people.xlsx", sheet="Notes").header == ("Other",)


def test_xlsx_numbers_dates_and_row_numbers(db, analyst):
    from datetime import datetime

    data = xlsx_bytes([["Name", "Phone", "Born"], [],
                       ["Zarak Khan Bloch", 3001234567, datetime(1979, 5, 17)]])
    sheet = read_sheet(data, name="people.xlsx")
    assert [(row.line, row.cells) for row in sheet.rows] == [
        (3, ("Zarak Khan Bloch", "3001234567", "1979-05-17"))]
    run(db, analyst, data, {"Name": "name", "Phone": "phone", "Born": "birthDate"}, name="people.xlsx")
    assert claims_of(db, "Zarak Khan Bloch")["phone"] == ["+923001234567"]


def test_semicolon_tab_and_pipe_delimiters_are_sniffed(db, analyst):
    for delimiter in ";\t|":
        assert sniff_delimiter(csv_bytes([HEADER, *ROWS], delimiter=delimiter).decode()) == delimiter
    # Semicolons inside values do not fool it into splitting a comma file on them.
    assert sniff_delimiter("Name,Aliases\r\nZarak,A;B;C\r\nNoor,D;E\r\n") == ","
    report = run(db, analyst, csv_bytes([HEADER, *ROWS], delimiter=";"))
    assert report.created == 3
    assert claims_of(db, "Zarak Khan Bloch")["alias"] == ["Ustad", "Z.K."]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_byte_order_marks(db, analyst, encoding):
    data = csv_bytes([HEADER, *ROWS], encoding=encoding)
    assert data[:2] in (b"\xef\xbb", b"\xff\xfe")
    sheet = read_sheet(data, name="people.csv")
    assert sheet.header[0] == "Name"  # no BOM glued to the first column name
    assert run(db, analyst, data).created == 3


def test_invalid_utf8_names_the_line_and_writes_nothing(db, analyst):
    good = csv_bytes([HEADER, *ROWS])
    lines = good.split(b"\r\n")
    lines[2] = lines[2][:5] + b"\xff\xfe\xfa" + lines[2][5:]  # line 3, no BOM at the start
    with pytest.raises(InvalidInput) as caught:
        run(db, analyst, b"\r\n".join(lines))
    assert caught.value.detail.startswith("line 3 is not valid UTF-8")
    assert "save the file as UTF-8" in caught.value.detail
    assert count(db, Entity) == 0


def test_empty_file_header_only_and_blank_rows(db, analyst):
    with pytest.raises(InvalidInput, match="the file is empty"):
        read_sheet(b"", name="people.csv")
    with pytest.raises(InvalidInput, match="the file is empty"):
        read_sheet(b"\r\n , \r\n", name="people.csv")
    with pytest.raises(InvalidInput, match=r"header \(line 1\) but no rows"):
        run(db, analyst, csv_bytes([HEADER]))
    sheet = read_sheet(csv_bytes([[], HEADER, ROWS[0], ["", "", "", "", ""], ROWS[1]]), name="p.csv")
    assert sheet.header_line == 2
    assert [row.line for row in sheet.rows] == [3, 5]
    assert count(db, Entity) == 0


def test_cells_are_stripped_and_quoted_line_breaks_keep_line_numbers():
    data = b'Name,Notes\r\n  Zarak Khan Bloch  ,"two\r\nlines"\r\nNoor Bibi Kakar,x\r\n'
    sheet = read_sheet(data, name="p.csv")
    assert [(row.line, row.cells[0]) for row in sheet.rows] == [(2, "Zarak Khan Bloch"),
                                                                (4, "Noor Bibi Kakar")]


def test_header_must_name_every_column_once():
    with pytest.raises(InvalidInput, match="column 2 of the header"):
        read_sheet(b"Name,,Phone\r\nx,y,z\r\n", name="p.csv")
    with pytest.raises(InvalidInput, match="'Name' appears twice"):
        read_sheet(b"Name,Phone,Name\r\nx,y,z\r\n", name="p.csv")


def test_size_and_row_limits():
    with pytest.raises(PayloadTooLarge, match="the limit is"):
        read_sheet(csv_bytes([HEADER, *ROWS]), name="p.csv", max_bytes=100)
    with pytest.raises(InvalidInput, match="more than 2 rows"):
        read_sheet(csv_bytes([HEADER, *ROWS]), name="p.csv", max_rows=2)


def test_old_xls_and_broken_xlsx_are_refused_clearly():
    with pytest.raises(InvalidInput, match=r"old Excel \.xls"):
        read_sheet(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, name="p.xls")
    with pytest.raises(InvalidInput, match="could not be read as an XLSX workbook"):
        read_sheet(b"PK\x03\x04 not really a zip", name="p.xlsx")
    with pytest.raises(InvalidInput, match="XLSX workbooks only"):
        read_sheet(csv_bytes([HEADER]), name="p.csv", sheet="People")


def test_file_name_is_reduced_to_a_safe_base_name(db, analyst):
    sheet = read_sheet(csv_bytes([HEADER, *ROWS]), name="C:\\Users\\x\\lists\u202e/people\x00.csv")
    assert sheet.name == "people.csv"


# -- mapping -----------------------------------------------------------------------------------


def test_unknown_column_in_mapping_is_named(db, analyst):
    with pytest.raises(InvalidInput, match="names column 'Nmae', which the sheet does not have"):
        run(db, analyst, csv_bytes([HEADER, *ROWS]), MAPPING | {"Nmae": "name"})
    assert count(db, Entity) == 0


def test_unmapped_column_is_an_error_unless_mapped_to_dash(db, analyst):
    mapping = {k: v for k, v in MAPPING.items() if k != "Notes"}
    with pytest.raises(InvalidInput, match=r"column 'Notes' not mapped; .* or to '-'"):
        run(db, analyst, csv_bytes([HEADER, *ROWS]), mapping)
    assert count(db, Entity) == 0


@pytest.mark.parametrize(("target", "message"), [
    ("nmae", "maps to 'nmae': Person has no property 'nmae'"),
    ("id[]", "id takes one value per row"),
])
def test_bad_targets(db, analyst, target, message):
    with pytest.raises(InvalidInput, match=message):
        run(db, analyst, csv_bytes([HEADER, *ROWS]), MAPPING | {"Notes": target})


def test_a_name_column_is_needed_and_organisations_have_no_legal_status(db, analyst):
    with pytest.raises(InvalidInput, match="map a column to name or alias"):
        run(db, analyst, csv_bytes([HEADER, *ROWS]), dict.fromkeys(HEADER, "-") | {"Phone": "phone"})
    with pytest.raises(InvalidInput, match="organisations have no legal status"):
        run(db, analyst, csv_bytes([HEADER, *ROWS]), MAPPING | {"Notes": "legal_status"},
            schema="Organization")
    with pytest.raises(InvalidInput, match="only Person and Organization"):
        run(db, analyst, csv_bytes([HEADER, *ROWS]), MAPPING, schema="Membership")


def test_organisations(db, analyst):
    rows = [["Name", "Short", "Founded"], ["Sarhadi Punjabi Front", "SPF", "2009"],
            ["سرحدی محاذ", "SM", "2011-03"]]
    report = run(db, analyst, csv_bytes(rows), {"Name": "name", "Short": "abbreviation", "Founded":
                                                "incorporationDate"}, schema="Organization")
    assert report.created == 2
    with db.read() as s:
        assert set(s.scalars(select(Entity.schema))) == {"Organization"}


# -- all or nothing, skip bad ------------------------------------------------------------------


def test_one_bad_phone_fails_the_whole_import(db, analyst):
    rows = [HEADER, ROWS[0], ROWS[1], ["Gul Zaman Achakzai", "", "", "12", ""], ROWS[2]]
    with pytest.raises(InvalidInput) as caught:
        run(db, analyst, csv_bytes(rows))
    detail = caught.value.detail
    assert detail.startswith("line 4, column 'Phone': invalid phone number '12'")
    assert "1 of 4 rows failed; nothing was imported" in detail
    assert caught.value.extra["errors"] == [
        {"line": 4, "column": "Phone", "value": "12", "reason": caught.value.extra["errors"][0]["reason"]}]
    assert (count(db, Entity), count(db, Claim)) == (0, 0)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)
                        .where(AuditEvent.action.in_(["entity.create", "claim.add", "import.sheet"]))) == 0


def test_errors_stop_after_the_cap(db, analyst):
    rows = [HEADER] + [[f"Person {n}", "", "", "12", ""] for n in range(MAX_ERRORS + 5)]
    with pytest.raises(InvalidInput, match=f"{MAX_ERRORS} or more rows failed") as caught:
        run(db, analyst, csv_bytes(rows))
    assert len(caught.value.extra["errors"]) == MAX_ERRORS
    assert count(db, Entity) == 0


HOSTILE = [
    HEADER,
    ["<script>alert(1)</script> Khan", "", "", "", ""],  # line 2: text, stored as such
    ["'; DROP TABLE entity; --", "", "", "", ""],  # line 3: text, stored as such
    ["Zarak\u202eKhan", "", "", "", ""],  # line 4: right-to-left override
    ["x" * 10_000, "", "", "", ""],  # line 5: 10 kB name
    ROWS[0],  # line 6
    ["Gul Zaman Achakzai", "", "", "12", ""],  # line 7: bad phone, after the entity is created
    ["", "", "", "0300 1234567", "a note"],  # line 8: no name
    ["Shahbaz Gul Marwat", "", "", "", "", "stray"],  # line 9: a cell beyond the header
]


def test_skip_bad_imports_the_rest_and_reports_each_bad_row(db, analyst):
    report = run(db, analyst, csv_bytes(HOSTILE), skip_bad=True)
    assert (report.rows, report.created, report.skipped) == (8, 3, 5)
    reasons = {error.line: (error.column, error.reason) for error in report.errors}
    assert set(reasons) == {4, 5, 7, 8, 9}
    assert reasons[4] == ("Name", "invalid name: contains a bidirectional control character (U+202E)")
    assert reasons[5][0] == "Name" and "too long (10000 characters" in reasons[5][1]
    assert reasons[7][0] == "Phone" and reasons[7][1].startswith("invalid phone number '12'")
    assert reasons[8] == (None, "no name or alias: a new person needs one")
    assert reasons[9][0] is None and "right of the last named column ('stray')" in reasons[9][1]
    assert len(next(e for e in report.errors if e.line == 5).value or "") <= 201  # shortened in reports
    # Hostile text is data: kept verbatim, never interpreted; the tables are intact.
    assert captions(db) == {"<script>alert(1)</script> Khan", "'; DROP TABLE entity; --", "Zarak Khan Bloch"}
    # The rejected rows left nothing behind: no entity, claim or audit event of theirs.
    assert count(db, Entity) == 3
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)
                        .where(AuditEvent.action == "entity.create")) == 3


def test_rejects_csv_has_original_columns_line_and_reason(db, analyst):
    sheet = read_sheet(csv_bytes(HOSTILE), name="people.csv")
    with db.write() as s:
        report = import_rows(s, analyst, schema="Person", sheet=sheet, mapping=MAPPING, skip_bad=True,
                             region="PK")
    out = io.StringIO()
    assert write_rejects(sheet, report.errors, out) == 5
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == [*HEADER, "line", "reason"]
    assert [row["line"] for row in rows] == ["4", "5", "7", "8", "9"]
    assert rows[0]["Name"] == "Zarak\u202eKhan"  # the original value, to be fixed and imported again
    assert rows[2]["reason"].startswith("column 'Phone': invalid phone number '12'")
    assert len(rows[1]["Name"]) == 10_000
    # A fixed rejects file imports again, its line and reason columns ignored; its own
    # rejects keep one line and one reason column.
    fixed = out.getvalue().replace("Zarak\u202eKhan", "Zarak Khan").replace(",12,", ",,")
    again = read_sheet(fixed.encode(), name="people.rejects.csv")
    with db.write() as s:
        second = import_rows(s, analyst, schema="Person", sheet=again, skip_bad=True, region="PK",
                             mapping=MAPPING | {"line": "-", "reason": "-"})
    assert (second.created, second.skipped) == (3, 2)  # lines 5 and 8 were left as they were
    out = io.StringIO()
    write_rejects(again, second.errors, out)
    assert next(csv.reader(io.StringIO(out.getvalue()))) == [*HEADER, "line", "reason"]


# -- who may import what -----------------------------------------------------------------------


def test_auditor_cannot_import(db, make_actor):
    with pytest.raises(PermissionDenied):
        run(db, make_actor("auditor"), csv_bytes([HEADER, *ROWS]))
    assert count(db, Entity) == 0


def test_compartment_is_respected(db, make_actor):
    cleared = make_actor("analyst", clearances=["ALPHA"])
    with pytest.raises(NotFound, match="no compartment 'ALPHA'"):
        run(db, make_actor("analyst"), csv_bytes([HEADER, *ROWS]), compartment="ALPHA")
    assert count(db, Entity) == 0
    report = run(db, cleared, csv_bytes([HEADER, *ROWS]), compartment="alpha")
    assert report.created == 3
    with db.read() as s:
        assert set(s.scalars(select(Entity.compartment))) == {"ALPHA"}
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "import.sheet")).one()
    assert event.compartment == "ALPHA"


def test_claims_cite_the_exhibit(db, analyst):
    with db.write() as s:
        exhibit = register_exhibit(s, analyst, title="District list 2024", kind="document").id
    run(db, analyst, csv_bytes([HEADER, *ROWS]), exhibit_id=exhibit.lower())
    with db.read() as s:
        assert set(s.scalars(select(Claim.exhibit_id))) == {exhibit}
    with pytest.raises(NotFound), db.write() as s:
        import_rows(s, analyst, schema="Person", sheet=read_sheet(csv_bytes([HEADER, *ROWS]), name="p.csv"),
                    mapping=MAPPING, exhibit_id="EXH-1999-000001", region="PK")


def test_legal_status_column_records_the_file_as_basis(db, make_actor):
    supervisor = make_actor("supervisor")
    rows = [["Name", "Status"], ["Zarak Khan Bloch", "Suspect"], ["Noor Bibi Kakar", ""],
            ["Gul Zaman Achakzai", "terrorist"]]
    mapping = {"Name": "name", "Status": "legal_status"}
    report = run(db, supervisor, csv_bytes(rows), mapping, name="wanted-list.csv", skip_bad=True)
    assert (report.created, report.skipped) == (2, 1)
    assert report.errors[0].column == "Status" and "legal status must be one of" in report.errors[0].reason
    with db.read() as s:
        change = s.scalars(select(LegalStatusChange)).one()
        assert (change.status, change.basis) == ("suspect", "Imported from wanted-list.csv")
    with pytest.raises(PermissionDenied):  # analysts may import, but not record legal status
        run(db, make_actor("analyst"), csv_bytes(rows), mapping)


# -- re-import ---------------------------------------------------------------------------------


def test_reimport_without_id_creates_new_entities(db, analyst):
    data = csv_bytes([HEADER, *ROWS])
    run(db, analyst, data)
    again = run(db, analyst, data)
    assert again.created == 3
    assert count(db, Entity) == 6


def test_reimport_with_id_column_adds_no_claims(db, make_actor):
    supervisor = make_actor("supervisor")
    run(db, supervisor, csv_bytes([HEADER, *ROWS]))
    with db.read() as s:
        ids = dict(s.execute(select(Entity.caption, Entity.id)).all())
    rows = [["ID", *HEADER, "Status"]] + [[ids[row[0]], *row, "wanted"] for row in ROWS]
    mapping = MAPPING | {"ID": "id", "Status": "legal_status"}
    claims_before = count(db, Claim)
    first = run(db, supervisor, csv_bytes(rows), mapping)
    assert (first.rows, first.created, first.claims) == (3, 0, 0)
    assert count(db, Claim) == claims_before
    second = run(db, supervisor, csv_bytes(rows), mapping)  # same status again: no second change
    assert (second.created, second.claims) == (0, 0)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(LegalStatusChange)) == 3
    # A new value in the sheet is one new claim on the existing entity.
    rows[1][3] = "Ustad; Z.K.; Lala"
    assert run(db, supervisor, csv_bytes(rows), mapping).claims == 1
    assert claims_of(db, "Zarak Khan Bloch")["alias"] == ["Lala", "Ustad", "Z.K."]


def test_unknown_or_wrong_schema_id_is_a_row_error(db, analyst):
    org = run(db, analyst, csv_bytes([["Name"], ["Sarhadi Punjabi Front"]]), {"Name": "name"},
              schema="Organization")
    assert org.created == 1
    with db.read() as s:
        org_id = s.scalars(select(Entity.id)).one()
    rows = [["ID", "Name"], [org_id, "Zarak Khan Bloch"], ["PER-0000000000", "Noor Bibi Kakar"]]
    report = run(db, analyst, csv_bytes(rows), {"ID": "id", "Name": "name"}, skip_bad=True)
    assert [(e.line, e.column) for e in report.errors] == [(2, "ID"), (3, "ID")]


def test_import_is_audited_once_with_file_hash_and_counts(db, analyst):
    import hashlib

    data = csv_bytes([HEADER, *ROWS])
    run(db, analyst, data, name="district-list.csv")
    with db.read() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "import.sheet")).one()
    assert event.actor == analyst.username
    assert event.target_id == hashlib.sha256(data).hexdigest()
    assert event.detail | {"mapping": None} == {
        "file": "district-list.csv", "sha256": hashlib.sha256(data).hexdigest(), "schema": "Person",
        "mapping": None, "exhibit": None, "rows": 3, "created": 3, "claims": 11, "skipped": 0}


def test_mapping_keys_match_headers_whatever_their_unicode_form(db, analyst):
    import unicodedata

    header = "Nombre de la Señora"
    rows = [[unicodedata.normalize("NFD", header)], ["Noor Bibi Kakar"]]
    report = run(db, analyst, csv_bytes(rows), {unicodedata.normalize("NFC", header) + " ": "name"})
    assert report.created == 1
