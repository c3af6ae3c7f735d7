"""The linkage model on data with known truth (FEBRL 1 and 2), and its behaviour at the edges.

FEBRL 1 served to develop the model; FEBRL 2 is the figure the issue asks for (F1 ≥ 0.95).
Neither is used to fit anything: the model learns its parameters from each file without labels
and proposes the pairs it finds more likely the same than not (match weight ≥ 0).
"""

from __future__ import annotations

import pyarrow as pa
import pytest

from dastavez.resolve.dedupe_eval import febrl_truth, read_febrl, score_pairs
from dastavez.resolve.dedupe_features import RECORD_SCHEMA, RecordBuilder, name_features, records_table
from dastavez.resolve.dedupe_model import link_records

#: Measured on this model (see docs/dedupe.md); the tests keep them from sliding back.
FEBRL_FLOOR = {"febrl1.csv": 0.97, "febrl2.csv": 0.95}


@pytest.fixture(scope="module")
def febrl_results(shared_data) -> dict[str, dict[str, float]]:
    scores = {}
    for name in FEBRL_FLOOR:
        records = read_febrl(shared_data / name)
        truth = febrl_truth(records.column("unique_id").to_pylist())
        result = link_records(records)
        assert result.trained
        scores[name] = score_pairs(result.pair_ids(), truth).as_dict()
    return scores


@pytest.mark.parametrize("name", sorted(FEBRL_FLOOR))
def test_febrl_precision_recall_and_f1(febrl_results, name):
    scores = febrl_results[name]
    print(name, scores)  # the figures, for -s runs and docs/dedupe.md
    assert scores["f1"] >= FEBRL_FLOOR[name], scores
    assert scores["precision"] >= 0.95 and scores["recall"] >= 0.95


def test_febrl_files_have_the_truth_we_expect(shared_data):
    records = read_febrl(shared_data / "febrl2.csv")
    assert records.num_rows == 5000 and records.schema == RECORD_SCHEMA
    assert len(febrl_truth(records.column("unique_id").to_pylist())) == 1934
    with pytest.raises(ValueError, match="FEBRL"):
        febrl_truth(["PER-1234567890"])


def test_the_run_is_deterministic(shared_data):
    records = read_febrl(shared_data / "febrl1.csv")
    first, second = link_records(records), link_records(records)

    def pairs(result) -> list[tuple[str, str, float]]:
        # DuckDB sums in parallel: the last bits of a weight may differ, nothing more
        return [(p["left"], p["right"], round(p["weight"], 6)) for p in result.pairs.to_pylist()]

    assert pairs(first) == pairs(second)


def test_columns_nobody_fills_are_not_compared(shared_data):
    records = read_febrl(shared_data / "febrl1.csv").slice(0, 300)
    result = link_records(records, train=False)
    columns = {c["column"] for c in result.comparisons}
    assert "phones" not in columns and "father_name" not in columns
    assert {"given_name", "surname", "dob", "identifiers", "postcode"} <= columns
    assert all(left < right for left, right in result.pair_ids())


def test_empty_and_single_record_tables():
    empty = link_records(RECORD_SCHEMA.empty_table())
    assert empty.pairs.num_rows == 0 and empty.records == 0
    one = link_records(records_table([RecordBuilder("PER-1").build()]))
    assert one.pairs.num_rows == 0 and isinstance(one.pairs, pa.Table)


def test_names_become_comparable_features():
    urdu, latin = name_features("محمد اکرم بلوچ"), name_features("Mohd. Akram Bloch s/o Nazir Ahmed")
    assert urdu is not None and latin is not None
    assert (urdu.given_name, urdu.surname) == (latin.given_name, latin.surname) == ("akram", "baloch")
    assert urdu.given_key == "=akram"  # a listed family: Akram, never Ikram
    hasan, hussain = name_features("Hasan Khan"), name_features("Hussain Khan")
    assert hasan is not None and hussain is not None and hasan.given_key != hussain.given_key
    unlisted = name_features("Ghazanfar Khan")
    assert unlisted is not None and unlisted.given_key == "GZNFR"  # a phonetic key where no family is listed
    assert latin.father_name == "nazir ahmad"
    single = name_features("Akram")
    assert single is not None and single.surname is None and single.given_name == "akram"
    assert name_features("   ") is None


def test_brothers_are_not_one_man():
    """Same father, same family name, other given names: the father's agreement must not count
    as if it were independent of the given names."""
    rows = []
    for record_id, name, born in (("A", "Anees Mehboob Bhatti s/o Shahzad Bhatti", "1994-03-02"),
                                  ("B", "Waqas Mehboob Bhatti s/o Shahzad Bhatti", "1988-02-23"),
                                  ("C", "Anis Mehboob Bhatti s/o Shahzad Bhatti", "1994-03-02")):
        builder = RecordBuilder(record_id)
        builder.add("name", name, name.lower())
        builder.add("birthDate", born, born)
        rows.append(builder.build())
    assert rows[0]["given_key"] == rows[1]["given_key"]  # they block together on Mehboob ...
    assert rows[0]["given_sound"] != rows[1]["given_sound"]  # ... but do not sound the same
    result = link_records(records_table(rows), threshold=-50)
    weights = {pair["left"] + pair["right"]: pair for pair in result.pairs.to_pylist()}
    assert weights["AC"]["weight"] > 0 > weights["AB"]["weight"]
    levels = {c["column"]: c["levels"] for c in result.comparisons}
    assert levels["father_name"][weights["AB"]["gamma_father_name"]].startswith("the same, but the given")


def test_a_record_takes_its_features_from_claims():
    builder = RecordBuilder("PER-1")
    for prop, value, normalised in [
        ("alias", "Ustad Jee", "ustad jee"), ("name", "Akram Baloch", "akram baloch"),
        ("fatherName", "Nazir Ahmed", "nazir ahmed"), ("birthDate", "1981", "1981"),
        ("idNumber", "42101-1234567-1", "42101-1234567-1"), ("phone", "0300 1112223", "+923001112223"),
        ("birthPlace", "Turbat", "turbat"), ("residence", "AE", "ae"),
    ]:
        builder.add(prop, value, normalised)
    record = builder.build()
    assert record["given_name"] == "akram" and record["surname"] == "baloch"  # name before alias
    assert record["dob"] is None and record["dob_year"] == "1981"
    assert record["identifiers"] == ["4210112345671"] and record["phones"] == ["+923001112223"]
    assert record["father_name"] == "nazir ahmad"
    assert record["locality"] == "turbat" and record["country"] == "ae"
