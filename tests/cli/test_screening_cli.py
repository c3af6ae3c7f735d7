"""The screening and match commands: the contract in issue 6."""

from __future__ import annotations

import json


def _person(cli, *args):
    result = cli("person", "add", *args, "--json")
    assert result.code == 0, result.stderr
    return json.loads(result.stdout)["id"]


def test_screen_returns_ranked_results_with_the_contract_fields(cli, admin):
    akram = _person(cli, "--name", "Muhammad Akram Baloch", "--name-ur", "محمد اکرم بلوچ")
    _person(cli, "--name", "Muhammad Aslam Khan")
    assert cli("claim", "add", akram, "birthDate", "1981-03-02").code == 0
    result = cli(
        "screen", "Mohammad Akram Bloch", "--dob", "1981", "--country", "PK", "--limit", "5", "--json"
    )
    assert result.code == 0, result.stderr
    results = json.loads(result.stdout)["results"]
    assert results[0]["entity"] == akram and results[0]["source"] == "registry"
    for item in results:
        assert set(item) >= {"entity", "caption", "score", "source", "explanation"}
        assert 0.0 <= item["score"] <= 1.0
    assert len(results) <= 5


def test_screen_a_file_answers_every_row_in_order(cli, admin, tmp_path):
    akram = _person(cli, "--name", "Muhammad Akram Baloch")
    gul = _person(cli, "--name", "Haji Gul Zaman Achakzai")
    queries = tmp_path / "queries.csv"
    queries.write_text(
        "name,dob,country\nGul Zaman Achakzai,,PK\nMohd Akram Bloch,1981,\nNobody Anywhere,,\n",
        encoding="utf-8",
    )
    result = cli("screen", "--file", str(queries), "--json")
    assert result.code == 0, result.stderr
    rows = json.loads(result.stdout)["queries"]
    assert [r["name"] for r in rows] == ["Gul Zaman Achakzai", "Mohd Akram Bloch", "Nobody Anywhere"]
    assert rows[0]["results"][0]["entity"] == gul and rows[1]["results"][0]["entity"] == akram
    assert rows[2]["results"] == []


def test_screen_refuses_bad_input_in_one_line(cli, admin, tmp_path):
    bad = cli("screen", "Akram", "--dob", "1981-13-40", "--json")
    assert bad.code == 1 and bad.stderr.startswith("error:") and bad.stderr.count("\n") == 1
    both = cli("screen")
    assert both.code == 1 and "NAME" in both.stderr
    broken = tmp_path / "q.csv"
    broken.write_text("name,dob\nAkram,not-a-date\n", encoding="utf-8")
    result = cli("screen", "--file", str(broken))
    assert result.code == 1 and "line 2" in result.stderr and "Traceback" not in result.stderr
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("name\nJos\xe9 \xc1lvarez\n".encode("latin-1"))
    assert "UTF-8" in cli("screen", "--file", str(latin1)).stderr


def test_match_compares_two_names(cli, admin):
    same = json.loads(cli("match", "Muhammad Akram Baloch", "محمد اکرم بلوچ", "--json").stdout)
    assert same["match"] is True and same["score"] >= 0.85 and same["explanation"]
    different = json.loads(cli("match", "Muhammad Akram Baloch", "Muhammad Aslam Khan", "--json").stdout)
    assert different["match"] is False and different["score"] < 0.6
    org = cli("match", "Sarhad Front", "Sarhad Front", "--schema", "Vehicle")
    assert org.code == 1 and "schema" in org.stderr
