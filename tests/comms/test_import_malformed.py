"""Malformed exports: a clean one-line error and nothing written, or rejects with line and reason."""

from __future__ import annotations

import csv
import io
import resource
from pathlib import Path

import pytest
from cdr_files import DEFAULT_HEADER, OTHER, TARGET, default_csv, warrant
from sqlalchemy import func, select
from test_import import stored_calls

from dastavez.comms import layout
from dastavez.comms.importer import import_cdr
from dastavez.exc import InvalidInput
from dastavez.storage.comms_tables import CdrDataset
from dastavez.storage.tables import Exhibit

GOOD = f"{TARGET},{OTHER},2026-03-01T10:00:00,60"


def nothing_written(db, settings) -> None:
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(CdrDataset)) == 0
        assert session.scalar(select(func.count()).select_from(Exhibit)) == 0
    for folder in (layout.calls_root(settings), layout.rejects_root(settings)):
        assert not folder.exists() or not any(folder.iterdir())
    staging = layout.staging_root(settings)
    assert not staging.exists() or not any(staging.iterdir())


def rejects_of(settings, result) -> list[list[str]]:
    text = (settings.home / result["rejects_file"]).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["line", "reason", "raw"]
    return rows[1:]


def test_wrong_columns_are_refused_before_anything_is_stored(db, admin, settings, tmp_path: Path):
    auth = warrant(db, admin)
    path = default_csv(tmp_path / "calls.csv", [GOOD], header="from,to,when,seconds")
    with pytest.raises(InvalidInput) as err:
        import_cdr(db, admin, settings, path, authority=auth)
    assert "missing column(s) 'caller', 'callee', 'start_time', 'duration_s'" in err.value.detail
    assert "\n" not in err.value.detail
    nothing_written(db, settings)
    assert not (settings.home / "blobs" / "sha256").exists()  # the file was not even stored


def test_empty_and_header_only_files(db, admin, settings, tmp_path: Path):
    auth = warrant(db, admin)
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(InvalidInput, match="empty"):
        import_cdr(db, admin, settings, tmp_path / "empty.csv", authority=auth)
    with pytest.raises(InvalidInput, match=r"no row of header\.csv could be read"):
        import_cdr(db, admin, settings, default_csv(tmp_path / "header.csv", []), authority=auth)
    nothing_written(db, settings)


def test_a_file_with_no_good_row_is_refused_naming_the_first_problem(db, admin, settings, tmp_path: Path):
    auth = warrant(db, admin)
    path = default_csv(tmp_path / "bad.csv", [f"{TARGET},{OTHER},yesterday,60", "x,y"])
    with pytest.raises(InvalidInput) as err:
        import_cdr(db, admin, settings, path, authority=auth)
    assert "2 rejected; first: line 2: bad start time 'yesterday'" in err.value.detail
    nothing_written(db, settings)


def test_bad_dates_numbers_and_durations_become_rejects_with_lines(db, admin, settings, tmp_path: Path):
    auth = warrant(db, admin)
    path = default_csv(
        tmp_path / "calls.csv",
        [
            GOOD,
            f"{TARGET},{OTHER},2026-02-30T10:00:00,60",
            f"{TARGET},12,2026-03-01T10:00:00,60",
            f"{TARGET},{OTHER},2026-03-01T10:00:00,-5",
            f"{TARGET},{OTHER},2026-03-01T10:00:00,1.5",
            f",{OTHER},2026-03-01T10:00:00,1",
            f"{TARGET},{OTHER},1899-03-01T10:00:00,1",
            f"{TARGET},{OTHER},2026-03-01T10:00:00,1,extra",
            GOOD.replace("60", "00:01:01"),
        ],
    )
    result = import_cdr(db, admin, settings, path, authority=auth)
    assert (result["rows"], result["rejected"], result["lines"]) == (2, 7, 9)
    rejects = rejects_of(settings, result)
    assert [(int(line), reason.split(" '")[0].split(":")[0]) for line, reason, _ in rejects] == [
        (3, "bad start time"),
        (4, "unparseable callee number"),
        (5, "negative duration -5"),
        (6, "bad duration"),
        (7, "missing caller number"),
        (8, "implausible start time 1899-03-01T10"),
        (9, "too many columns"),
    ]
    assert rejects[1][2] == f"{TARGET},12,2026-03-01T10:00:00,60"
    assert rejects[6][2] == f"{TARGET},{OTHER},2026-03-01T10:00:00,1,extra"


def test_line_numbers_survive_blank_and_refused_lines(db, admin, settings, tmp_path: Path):
    auth = warrant(db, admin)
    text = (
        "\n".join(
            [
                DEFAULT_HEADER,
                GOOD,
                "",
                "short,line",
                "",
                GOOD.replace(",60", ",61"),
                f"{TARGET},nope,2026-03-01T10:00:00,1",
                GOOD.replace(",60", ",62"),
            ]
        )
        + "\n"
    )
    (tmp_path / "c.csv").write_text(text, encoding="utf-8")
    result = import_cdr(db, admin, settings, tmp_path / "c.csv", authority=auth)
    assert [(c[0], c[4]) for c in stored_calls(settings, result["dataset"])] == [(2, 60), (6, 61), (8, 62)]
    assert [int(r[0]) for r in rejects_of(settings, result)] == [4, 7]


def test_truncated_last_line(db, admin, settings, tmp_path: Path):
    auth = warrant(db, admin)
    path = tmp_path / "cut.csv"
    path.write_text(f"{DEFAULT_HEADER}\n{GOOD}\n{GOOD}\n{TARGET},{OTHER},2026-03", encoding="utf-8")
    result = import_cdr(db, admin, settings, path, authority=auth)
    assert (result["rows"], result["rejected"]) == (2, 1)
    line, reason, raw = rejects_of(settings, result)[0]
    assert line == "4" and reason.startswith("missing columns") and raw == f"{TARGET},{OTHER},2026-03"


def test_latin1_export_is_detected(db, admin, settings, tmp_path: Path):
    auth = warrant(db, admin)
    text = f"{DEFAULT_HEADER},cell_id\n" + "".join(f"{GOOD},Quetta Sariâb-{i}\n" for i in range(50))
    path = tmp_path / "latin.csv"
    path.write_bytes(text.encode("latin-1"))
    result = import_cdr(db, admin, settings, path, authority=auth)
    assert (result["rows"], result["rejected"]) == (50, 0)
    assert stored_calls(settings, result["dataset"])[0][9] == "Quetta Sariâb-0"


def test_one_invalid_utf8_line_among_utf8_is_rejected(db, admin, settings, tmp_path: Path):
    auth = warrant(db, admin)
    lines = [f"{GOOD},کوئٹہ-{i}".encode() for i in range(60)]
    lines[30] = f"{GOOD},Sari".encode() + b"\xe2b"  # a latin-1 byte in a UTF-8 file
    far = [f"{GOOD},x{i:050d}".encode() for i in range(2000)] + [f"{GOOD},".encode() + b"\xff\xfe"]
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"\n".join([f"{DEFAULT_HEADER},cell_id".encode(), *lines, *far]) + b"\n")
    result = import_cdr(db, admin, settings, path, authority=auth)
    assert (result["rows"], result["rejected"]) == (2059, 2)
    rejects = rejects_of(settings, result)
    assert [int(r[0]) for r in rejects] == [32, 2062]
    assert all(r[1].startswith("invalid encoding") for r in rejects)


def test_an_unclosed_quote_is_a_clean_error(db, admin, settings, tmp_path: Path):
    auth = warrant(db, admin)
    path = default_csv(tmp_path / "q.csv", [GOOD, f'{TARGET},"{OTHER},2026-03-01T10:00:00,5', GOOD, GOOD])
    with pytest.raises(InvalidInput, match="line 3 opens a quote that is never closed"):
        import_cdr(db, admin, settings, path, authority=auth)
    nothing_written(db, settings)


@pytest.mark.slow
def test_a_100_mb_line_is_a_clean_error_in_bounded_memory(db, admin, settings, tmp_path: Path):
    auth = warrant(db, admin)
    path = tmp_path / "huge.csv"
    with path.open("wb") as out:
        out.write(f"{DEFAULT_HEADER}\n{GOOD}\n{TARGET},".encode())
        block = b"9" * (1 << 20)
        for _ in range(100):
            out.write(block)
        out.write(f",2026-03-01T10:00:00,5\n{GOOD}\n".encode())
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        result = import_cdr(db, admin, settings, path, authority=auth)
    except InvalidInput as err:
        assert "line over 1 MiB starts near line 3" in err.detail
        nothing_written(db, settings)
    else:  # should the reader report it, it is a reject
        assert (result["rows"], result["rejected"]) == (2, 1)
        assert rejects_of(settings, result)[0][0] == "3"
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mib < 600


def test_hostile_strings_are_data(db, admin, settings, tmp_path: Path):
    auth = warrant(db, admin)
    header = 'caller,"callee ""x"" OR 1=1 --",start_time,duration_s,cell_id'
    mapping = tmp_path / "hostile.yaml"
    mapping.write_text(
        'operator: "O\'Brien; DROP TABLE cdr_dataset; --"\n'
        "columns:\n  callee: 'callee \"x\" OR 1=1 --'\n"
        'types: {"it\'s": call}\n',
        encoding="utf-8",
    )
    path = default_csv(
        tmp_path / "h.csv",
        [
            f'{TARGET},{OTHER},2026-03-01T10:00:00,1,"=HYPERLINK(""http://x"")"',
            f'{TARGET},{OTHER},2026-03-01T10:00:00,2,"multi, comma; ‮rtl\u202e"',
            f"{TARGET},{OTHER},2026-03-01T10:00:00,3,'); DROP TABLE raw; --",
            f"{TARGET},{OTHER},2026-03-01T10:00:00,4,{'x' * 65}",
        ],
        header=header,
    )
    result = import_cdr(db, admin, settings, path, authority=auth, mapping=mapping)
    assert result["operator"] == "O'Brien; DROP TABLE cdr_dataset; --"
    assert (result["rows"], result["rejected"]) == (3, 1)
    cells = [c[9] for c in stored_calls(settings, result["dataset"])]
    assert cells == ['=HYPERLINK("http://x")', "multi, comma; ‮rtl\u202e", "'); DROP TABLE raw; --"]
    assert "longer than 64 characters" in rejects_of(settings, result)[0][1]


def test_bad_mappings_and_options_are_one_line_errors(db, admin, settings, tmp_path: Path):
    auth = warrant(db, admin)
    path = default_csv(tmp_path / "c.csv", [GOOD])
    cases = {
        "columns: {caller: caller, nonsense: x}\n": "unknown field 'nonsense'",
        "time_zone: Mars/Olympus\n": "unknown time zone 'Mars/Olympus'",
        "time_formats: ['dd/mm/yyyy']\n": "is not a strptime format",
        "delimiter: '#'\n": "must be one of",
        "parties: subscriber\n": "needs a column for subscriber, other",
        "[unclosed\n": "is not valid YAML",
        "- a list\n": "must be a YAML mapping",
        "preset: nokia\n": "unknown operator preset 'nokia'; presets are default, operator-a",
    }
    for text, expected in cases.items():
        (tmp_path / "m.yaml").write_text(text, encoding="utf-8")
        with pytest.raises(InvalidInput) as err:
            import_cdr(db, admin, settings, path, authority=auth, mapping=tmp_path / "m.yaml")
        assert expected in err.value.detail, (text, err.value.detail)
        assert "\n" not in err.value.detail
    with pytest.raises(InvalidInput, match="unknown time zone"):
        import_cdr(db, admin, settings, path, authority=auth, time_zone="Nowhere")
    with pytest.raises(InvalidInput, match="no file"):
        import_cdr(db, admin, settings, tmp_path / "missing.csv", authority=auth)
    nothing_written(db, settings)


@pytest.mark.parametrize("encoding", ["utf-16", "cp1256"])
def test_other_encodings_are_read_through_utf8(db, admin, settings, tmp_path: Path, encoding: str):
    auth = warrant(db, admin)
    text = f"{DEFAULT_HEADER},cell_id\n" + "".join(f"{GOOD},کوئٹہ شہر {i}\n" for i in range(40))
    path = tmp_path / "other.csv"
    path.write_bytes(text.encode(encoding))
    # UTF-16 is told by its byte-order mark; a code page must be named (a guess from a few
    # Urdu words is not evidence-grade)
    mapping = None if encoding == "utf-16" else f"encoding: {encoding}\n"
    result = import_cdr(db, admin, settings, path, authority=auth, mapping=mapping)
    assert (result["rows"], result["rejected"]) == (40, 0)
    assert stored_calls(settings, result["dataset"])[5][9] == "کوئٹہ شہر 5"
