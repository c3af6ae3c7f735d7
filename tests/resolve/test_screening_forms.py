"""The screening index's stored forms, its look-up tiers, and screening a list on several cores."""

from __future__ import annotations

import csv
import random

import pytest
from sqlalchemy import delete, func, insert, select, update

from dastavez.demo import names as demo_names
from dastavez.resolve.filing import store_forms
from dastavez.resolve.index import FORMS, catch_up, fill_forms
from dastavez.resolve.lists import ReferenceEntry
from dastavez.resolve.names import analyse_name, name_score
from dastavez.resolve.names.forms import FORM_VERSION, decode, encode
from dastavez.resolve.reference import MAX_FILED_NAME, import_entries, name_keys
from dastavez.resolve.screening import ScreenQuery, screen
from dastavez.resolve.screening_batch import screen_list
from dastavez.storage.resolve_tables import IndexWatermark, NameForm, NameKey
from dastavez.storage.tables import AuditEvent

NAMES = [
    "Muhammad Akram Baloch",
    "محمد اکرم بلوچ",
    "Maulana Abdul Rehman s/o Nazir Ahmed @ Lala r/o Sahargarh",
    "Abu Hamza al-Fulani",
    "M. Saqib Gondal",
    "Ahmed bin Abdullah Saleh bin al-Zahrani",
    "عبدالواحد",
    "王小明",  # not transliterable: compared as written
    "Qari Sahib",
]


@pytest.mark.parametrize("name", NAMES)
def test_a_form_gives_back_the_parts_the_scorer_reads(name):
    analysis = analyse_name(name)
    form = encode(analysis)
    assert form is not None and form.startswith(FORM_VERSION)
    decoded = decode(form)
    assert decoded is not None
    assert decoded.parts == analysis.parts and decoded.patronym_parts == analysis.patronym_parts
    for query in ("Mohd Akram Bloch", "Abdul Rahman", "Abu Hamza"):
        assert name_score(query, decoded) == name_score(query, analysis)


def test_a_form_of_another_version_or_no_form_at_all_is_refused():
    form = encode(analyse_name("Muhammad Akram Baloch"))
    assert form is not None
    assert decode("0" + form[len(FORM_VERSION) :]) is None
    assert decode("not a form") is None
    assert decode(form.replace("\x1f", "", 1)) is None


def run_one(db, actor, name):
    catch_up(db)
    with db.audited_read() as session:
        return screen(session, actor, [ScreenQuery(name)], sources=("bench",))[0]


def _entries(names: list[str]) -> list[ReferenceEntry]:
    return [
        ReferenceEntry(source="bench", external_id=str(i), schema="Person", caption=name, names=(name,))
        for i, name in enumerate(names)
    ]


def _names(count: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        person = demo_names.person_name(rng)
        out.append(person.latin if rng.random() < 0.8 else person.urdu)
    return out


@pytest.fixture
def listed(db, admin):
    names = _names(400)
    with db.write() as session:
        import_entries(session, admin, _entries(names), list_id="bench", file_bytes=b"names")
    return names


def _queries(names: list[str], count: int, seed: int = 9) -> list[ScreenQuery]:
    rng = random.Random(seed)
    out = []
    for name in rng.sample(names, count):
        variants = demo_names.spelling_variants(name, rng, 1) if name.isascii() else []
        out.append(ScreenQuery(variants[0] if variants else name))
    return out


def test_filing_a_list_stores_one_form_per_distinct_name(db, listed):
    with db.read() as session:
        forms = dict(session.execute(select(NameForm.name, NameForm.form)).all())
        filed = set(session.scalars(select(NameKey.name).where(NameKey.source == "bench")))
    assert set(forms) == filed == set(listed)
    assert all(decode(form) is not None for form in forms.values())


def test_screening_without_stored_forms_gives_the_same_answers_and_catch_up_restores_them(db, admin, listed):
    queries = _queries(listed, 30)
    catch_up(db)
    with db.audited_read() as session:
        with_forms = screen(session, admin, queries, sources=("bench",))
    with db.write() as session:  # a database filed before forms existed
        session.execute(delete(NameForm))
        session.execute(delete(IndexWatermark).where(IndexWatermark.name == FORMS))
    with db.audited_read() as session:
        analysed = screen(session, admin, queries, sources=("bench",))
    assert analysed == with_forms
    assert catch_up(db) == 0  # no names to key; the forms come back all the same
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(NameForm)) == len(set(listed))


def test_a_stale_form_is_replaced_and_never_scored(db, admin):
    name = "Zarak Khan Bloch"
    with db.write() as session:
        session.execute(insert(NameKey), name_keys("REC-1", "bench", [name]))
        session.add(NameForm(name=name, form="0\x1dn\x1fzzz\x1fzzz\x1f01\x1d"))  # an older version
    with db.read() as session:
        assert session.scalar(select(NameForm.form).where(NameForm.name == name)).startswith("0")
    with db.write() as session:
        assert fill_forms(session) == 1
        assert fill_forms(session) == 0  # up to its watermark now
    with db.read() as session:
        stored = session.scalar(select(NameForm.form).where(NameForm.name == name))
    assert stored == encode(analyse_name(name))
    with db.write() as session:  # storing again leaves a current form as it is
        session.execute(update(NameForm).where(NameForm.name == name).values(form=stored))
        store_forms(session, [name])
        assert session.scalar(select(NameForm.form).where(NameForm.name == name)) == stored


def test_a_very_long_listed_name_is_filed_by_its_first_characters(db, admin):
    long_name = "Gulzar Ahmed Khan " + "Qwertyuiop" * 60
    with db.write() as session:
        import_entries(session, admin, _entries([long_name]), list_id="bench", file_bytes=b"long")
    with db.read() as session:
        filed = set(session.scalars(select(NameKey.name)))
    assert filed == {long_name[:MAX_FILED_NAME]}
    results = run_one(db, admin, "Gulzar Ahmed Khan")
    assert results and results[0]["matched_name"] == long_name[:MAX_FILED_NAME]


def test_every_exact_namesake_is_found_under_a_pair_of_common_words(db, admin):
    """"Muhammad Khan" is two common words: its pair key is shared by every Muhammad … Khan,
    and the look-up must still rank the exact namesakes first, however many the others."""
    rng = random.Random(3)
    middles = [pair[0] for pair in demo_names.MALE_GIVEN]
    names = [f"Muhammad {rng.choice(middles)} Khan" for _ in range(300)] + ["Muhammad Khan"] * 12
    with db.write() as session:
        import_entries(session, admin, _entries(names), list_id="bench", file_bytes=b"khans")
    catch_up(db)
    with db.audited_read() as session:
        results = screen(session, admin, [ScreenQuery("Mohammad Khan")], limit=12, sources=("bench",))[0]
    assert [r["matched_name"] for r in results] == ["Muhammad Khan"] * 12


def test_a_list_screened_on_two_cores_gives_the_answers_of_one(db, admin, listed):
    queries = _queries(listed, 120)
    catch_up(db)
    one = screen_list(db, admin, queries, sources=("bench",), jobs=1)
    two = screen_list(db, admin, queries, sources=("bench",), jobs=2)
    assert two == one and len(two) == 120
    assert sum(1 for answer in one if answer) > 100
    with db.read() as session:
        events = session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "screen")).all()
    assert events == [{"queries": 120, "limit": 10}] * 2


def test_screen_file_takes_jobs_and_refuses_a_bad_number(cli, db, admin, listed, tmp_path):
    path = tmp_path / "queries.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["name"])
        writer.writerows([q.name] for q in _queries(listed, 110))
    one = cli("screen", "--file", str(path), "--jobs", "1", "--json")
    two = cli("screen", "--file", str(path), "--jobs", "2", "--json")
    assert one.code == two.code == 0, one.stderr + two.stderr
    assert one.json == two.json and len(one.json["queries"]) == 110
    bad = cli("screen", "--file", str(path), "--jobs", "0", "--json")
    assert bad.code != 0 and bad.stderr.strip() == "error: --jobs must be between 1 and 8"
