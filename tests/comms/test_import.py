"""CDR import: the default header, presets, formats, time zones, numbers, scope, idempotence."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import duckdb
from cdr_files import ABROAD, OTHER, TARGET, default_csv, warrant
from sqlalchemy import func, select

from dastavez.comms import layout, numbers
from dastavez.comms.importer import dataset_id_for, import_cdr
from dastavez.evidence.authority import exhibit_flags
from dastavez.storage.comms_tables import CdrDataset
from dastavez.storage.tables import AuditEvent, Exhibit


def stored_calls(settings, dataset: str) -> list[tuple]:
    glob = layout.dataset_glob(settings, dataset)
    return duckdb.sql(
        "SELECT line, caller, callee, CAST(start AS VARCHAR), duration_s, type, direction, imei, imsi,"
        " cell_id, cell_country, caller_country, callee_country, scope, month"
        f" FROM read_parquet('{glob}', hive_partitioning=true) ORDER BY line"
    ).fetchall()


def test_default_header_imports_as_it_is(db, admin, settings, tmp_path: Path):
    auth = warrant(db, admin)
    path = default_csv(
        tmp_path / "calls.csv",
        [
            f"{TARGET},{OTHER},2026-03-01T10:00:00,60",
            f"03001234567,{ABROAD},2026-03-01T10:05:00+05:00,0",
            f"{OTHER},{TARGET},2026-04-02 23:59:59Z,125",
        ],
    )
    result = import_cdr(db, admin, settings, path, authority=auth)
    assert result["new"] is True
    assert (result["rows"], result["rejected"], result["out_of_scope"], result["lines"]) == (3, 0, 0, 3)
    assert result["dataset"].startswith("CDR-") and len(result["dataset"]) == 14
    assert result["numbers"] == 3
    calls = stored_calls(settings, result["dataset"])
    assert calls[0][:7] == (2, TARGET, OTHER, "2026-03-01 10:00:00", 60, "call", None)
    assert calls[1][1:4] == (TARGET, ABROAD, "2026-03-01 05:05:00")
    assert calls[1][11:13] == ("PK", "AE")
    assert calls[2][3] == "2026-04-02 23:59:59" and calls[2][-1] == "2026-04"


def test_operator_a_preset_latin1_semicolons_local_time_and_ab_parties(db, admin, settings, tmp_path: Path):
    auth = warrant(db, admin)
    text = (
        "MSISDN;B Party;Call Date;Duration;Call Type;IMEI;IMSI;Cell ID;Site Country\n"
        f"923001234567;{OTHER};01/03/2026 15:00:00;00:02:03;MOC;356938035643809;410011234567890;"
        "410-01-1234-5678;PK\n"
        f"03001234567;{ABROAD};01/03/2026 04:30:00;00:00:00;SMS-MT;;;Dubaï-1;ae\n"
        f"{TARGET};0321 9876543;2026-03-01 10:00;00:00:10;MTC;;;;\n"
    )
    path = tmp_path / "export ops-a.csv"
    path.write_bytes(text.encode("latin-1"))
    result = import_cdr(db, admin, settings, path, authority=auth, operator="operator-a")
    assert (result["rows"], result["rejected"], result["operator"]) == (2, 1, "Operator A")
    calls = stored_calls(settings, result["dataset"])
    # MOC: the subscriber called; 15:00 in Karachi is 10:00 UTC; 00:02:03 is 123 seconds
    assert calls[0][:7] == (2, TARGET, OTHER, "2026-03-01 10:00:00", 123, "call", "out")
    assert calls[0][7:11] == ("356938035643809", "410011234567890", "410-01-1234-5678", "PK")
    # SMS-MT: the other party sent it to the subscriber; 04:30 local is the previous day in UTC
    assert calls[1][:7] == (3, ABROAD, TARGET, "2026-02-28 23:30:00", 0, "sms", "in")
    assert calls[1][9:11] == ("Dubaï-1", "AE")
    rejects = (settings.home / result["rejects_file"]).read_text(encoding="utf-8")
    assert "4,bad start time '2026-03-01 10:00'" in rejects


def test_operator_b_preset_tsv_compact_times_and_mcc(db, admin, settings, tmp_path: Path):
    auth = warrant(db, admin)
    text = (
        "CALLING_NUMBER\tCALLED_NUMBER\tSTART_TIME\tCALL_DURATION\tRECORD_TYPE\tDIRECTION\tMCC\n"
        f"{TARGET}\t{ABROAD}\t20260301150000\t61\tVOICE\tO\t424\n"
        f"{ABROAD}\t{TARGET}\t20260301150500\t0\tSMS\tI\t410\n"
        f"{ABROAD}\t{TARGET}\t20260301150500\t0\tFAX\tI\t410\n"
    )
    path = tmp_path / "ops-b.tsv"
    path.write_text(text, encoding="utf-8")
    result = import_cdr(db, admin, settings, path, authority=auth, operator="operator-b")
    assert (result["rows"], result["rejected"]) == (2, 1)
    calls = stored_calls(settings, result["dataset"])
    assert calls[0][1:7] == (TARGET, ABROAD, "2026-03-01 10:00:00", 61, "call", "out")
    assert calls[0][10] == "AE" and calls[1][10] == "PK"
    assert calls[1][5:7] == ("sms", "in")
    rejects = (settings.home / result["rejects_file"]).read_text(encoding="utf-8")
    assert "4,unknown type 'FAX'" in rejects


def test_operator_c_preset_pipes_and_offsets(db, admin, settings, tmp_path: Path):
    auth = warrant(db, admin)
    text = (
        "Subscriber|Other Party|Start|Duration|Service|Direction\n"
        f"{TARGET}|{ABROAD}|2026-03-01 14:05:00+04:00|00:01:00|Voice|MO\n"
        f"{TARGET}|{ABROAD}|01-03-2026 14:05:00|65|voice|mt\n"
    )
    path = tmp_path / "ops-c.txt"
    path.write_text(text, encoding="utf-8")
    result = import_cdr(db, admin, settings, path, authority=auth, operator="operator-c")
    calls = stored_calls(settings, result["dataset"])
    assert calls[0][1:5] == (TARGET, ABROAD, "2026-03-01 10:05:00", 60)
    assert calls[1][1:5] == (ABROAD, TARGET, "2026-03-01 09:05:00", 65)
    assert calls[1][6] == "in"


def test_tsv_with_the_default_header_and_a_time_zone_option(db, admin, settings, tmp_path: Path):
    auth = warrant(db, admin)
    path = tmp_path / "calls.tsv"
    path.write_text(
        "caller\tcallee\tstart_time\tduration_s\ttype\tdirection\n"
        f"{TARGET}\t{OTHER}\t2026-07-01T12:00:00\t5\tSMS\tOUT\n"
        f"{TARGET}\t{OTHER}\t2026-07-01T12:00:00.250+02:00\t5\tvoice\tin\n",
        encoding="utf-8",
    )
    result = import_cdr(db, admin, settings, path, authority=auth, time_zone="Europe/London")
    assert result["time_zone"] == "Europe/London"
    calls = stored_calls(settings, result["dataset"])
    assert calls[0][3:7] == ("2026-07-01 11:00:00", 5, "sms", "out")  # BST is UTC+1
    assert calls[1][3] == "2026-07-01 10:00:00.25"  # an explicit offset wins over the zone


def test_xlsx_and_parquet_exports(db, admin, settings, tmp_path: Path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    from openpyxl import Workbook

    auth = warrant(db, admin)
    book = Workbook()
    sheet = book.active
    sheet.append(["caller", "callee", "start_time", "duration_s"])
    sheet.append([923001234567, OTHER, datetime(2026, 3, 1, 10, 0), 60])
    sheet.append([None, None, None, None])
    sheet.append([TARGET, "not a number", "2026-03-01T11:00:00", 30])
    book.save(tmp_path / "calls.xlsx")
    result = import_cdr(db, admin, settings, tmp_path / "calls.xlsx", authority=auth)
    assert (result["rows"], result["rejected"]) == (1, 1)
    assert stored_calls(settings, result["dataset"])[0][:5] == (2, TARGET, OTHER, "2026-03-01 10:00:00", 60)
    assert (
        "4,unparseable callee number 'not a number'" in (settings.home / result["rejects_file"]).read_text()
    )

    table = pa.table(
        {
            "caller": [TARGET, TARGET],
            "callee": [OTHER, ABROAD],
            "start_time": [datetime(2026, 3, 2, 9, 0), datetime(2026, 3, 2, 9, 30)],
            "duration_s": [10, -4],
        }
    )
    pq.write_table(table, tmp_path / "calls.parquet")
    result = import_cdr(db, admin, settings, tmp_path / "calls.parquet", authority=auth)
    assert (result["rows"], result["rejected"]) == (1, 1)
    assert stored_calls(settings, result["dataset"])[0][1:5] == (TARGET, OTHER, "2026-03-02 09:00:00", 10)
    assert "3,negative duration -4" in (settings.home / result["rejects_file"]).read_text()


def test_each_distinct_number_is_parsed_once(db, admin, settings, tmp_path: Path, monkeypatch):
    parsed: list[str] = []
    real = numbers.parse_number

    def counting(raw: str, region: str):
        parsed.append(raw)
        return real(raw, region)

    monkeypatch.setattr(numbers, "parse_number", counting)
    auth = warrant(db, admin)
    rows = [f"{TARGET},+92321{i % 7:07d},2026-03-01T10:{i % 60:02d}:00,{i}" for i in range(500)]
    result = import_cdr(db, admin, settings, default_csv(tmp_path / "calls.csv", rows), authority=auth)
    assert result["rows"] == 500
    assert sorted(parsed) == sorted({TARGET} | {f"+92321{i:07d}" for i in range(7)})
    assert result["distinct_raw_numbers"] == len(parsed) == 8
    assert result["numbers"] == 8


def test_scope_flags_and_counts_with_renewals(db, admin, settings, tmp_path: Path):
    first = warrant(db, admin, valid_from="2026-01-01", valid_to="2026-01-31")
    renewal = warrant(
        db,
        admin,
        valid_from="2026-03-01",
        valid_to="2026-03-31",
        targets=("imei:356938035643809",),
        renews=first,
    )
    path = default_csv(
        tmp_path / "calls.csv",
        [
            f"{TARGET},{OTHER},2026-01-10T10:00:00,1,call,,",  # in: target, first window
            f"{OTHER},{ABROAD},2026-01-10T10:00:00,1,call,,",  # no target
            f"{OTHER},{TARGET},2026-02-10T10:00:00,1,call,,",  # between the windows
            f"{OTHER},{ABROAD},2026-03-10T10:00:00,1,call,356938035643809,",  # the renewal's handset
            f"{TARGET},{OTHER},2026-03-31T23:30:00+05:00,1,call,,",  # the last local day, in
            f"{TARGET},{OTHER},2026-04-01T00:30:00+05:00,1,call,,",  # still 31 March in UTC, out
        ],
        header="caller,callee,start_time,duration_s,type,imei,imsi",
    )
    result = import_cdr(
        db, admin, settings, path, authority=renewal, operator="default", time_zone="Asia/Karachi"
    )
    assert (result["rows"], result["out_of_scope"]) == (6, 3)
    scopes = [c[13] for c in stored_calls(settings, result["dataset"])]
    assert scopes == [None, "target", "window", None, None, "window"]


def test_an_authority_without_targets_checks_the_window_only(db, admin, settings, tmp_path: Path):
    auth = warrant(db, admin, targets=(), valid_from="2026-03-01", valid_to="2026-03-01")
    path = default_csv(
        tmp_path / "calls.csv",
        [f"{OTHER},{ABROAD},2026-03-01T10:00:00,1", f"{OTHER},{ABROAD},2026-03-02T10:00:00,1"],
    )
    result = import_cdr(db, admin, settings, path, authority=auth)
    assert [c[13] for c in stored_calls(settings, result["dataset"])] == [None, "window"]


def test_reimporting_the_same_file_adds_nothing(db, admin, settings, tmp_path: Path):
    auth = warrant(db, admin)
    path = default_csv(tmp_path / "calls.csv", [f"{TARGET},{OTHER},2026-03-01T10:00:00,60"])
    first = import_cdr(db, admin, settings, path, authority=auth)
    copy = tmp_path / "renamed.csv"
    copy.write_bytes(path.read_bytes())
    with db.read() as session:
        before = (
            session.scalar(select(func.count()).select_from(Exhibit)),
            session.scalar(select(func.count()).select_from(AuditEvent)),
        )
    again = import_cdr(db, admin, settings, copy, authority=auth)
    assert (
        again["new"] is False
        and again["dataset"] == first["dataset"]
        and again["exhibit"] == first["exhibit"]
    )
    with db.read() as session:
        after = (
            session.scalar(select(func.count()).select_from(Exhibit)),
            session.scalar(select(func.count()).select_from(AuditEvent)),
        )
        dataset = session.get(CdrDataset, first["dataset"])
        exhibit = session.get(Exhibit, first["exhibit"])
    assert after == before
    assert dataset is not None and exhibit is not None and exhibit.kind == "cdr"
    assert first["dataset"] == dataset_id_for(hashlib.sha256(path.read_bytes()).hexdigest())
    assert exhibit.title == "Call records default calls.csv" and exhibit.authority_id == auth


def test_the_import_is_audited_and_the_exhibit_flagless(db, admin, settings, tmp_path: Path):
    auth = warrant(db, admin)
    result = import_cdr(
        db,
        admin,
        settings,
        default_csv(tmp_path / "c.csv", [f"{TARGET},{OTHER},2026-03-01T10:00:00,6"]),
        authority=auth,
    )
    with db.read() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "cdr.import")).one()
        exhibit = session.get(Exhibit, result["exhibit"])
        assert exhibit is not None and exhibit_flags(session, exhibit) == []
    assert event.target_id == result["dataset"] and event.detail["rows"] == 1


def test_progress_is_reported_while_storing_and_at_the_end(db, admin, settings, tmp_path: Path):
    auth = warrant(db, admin)
    path = default_csv(tmp_path / "calls.csv", [f"{TARGET},{OTHER},2026-03-01T10:00:00,60"] * 3)
    seen: list[tuple[int, int]] = []
    import_cdr(
        db, admin, settings, path, authority=auth, progress=lambda done, total: seen.append((done, total))
    )
    size = path.stat().st_size
    assert seen[-1] == (size, size) and len(seen) >= 2 and all(total == size for _, total in seen)


def test_two_imports_of_one_file_at_once_make_one_dataset(db, admin, settings, tmp_path: Path):
    from concurrent.futures import ThreadPoolExecutor

    auth = warrant(db, admin)
    paths = []
    for name in ("a.csv", "b.csv"):
        paths.append(default_csv(tmp_path / name, [f"{TARGET},{OTHER},2026-03-01T10:00:00,60"] * 50))
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda p: import_cdr(db, admin, settings, p, authority=auth), paths))
    assert sorted(r["new"] for r in results) == [False, True]
    assert results[0]["dataset"] == results[1]["dataset"]
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(CdrDataset)) == 1
    assert [p.name for p in layout.calls_root(settings).iterdir()] == [f"dataset={results[0]['dataset']}"]
