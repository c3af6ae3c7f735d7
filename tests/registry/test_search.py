"""Name search through the service: prefixes, scripts, and the ranked window of hits."""

from __future__ import annotations

from dastavez.registry.records import add_person
from dastavez.registry.search import HITS_PER_RESULT, search_entities


def test_results_hidden_by_compartments_do_not_crowd_out_visible_ones(db, make_actor):
    cleared = make_actor("analyst", clearances=["ALPHA"])
    uncleared = make_actor("analyst")
    limit = 3
    hidden_count = HITS_PER_RESULT * limit + 9  # more than the first window holds
    with db.write() as s:
        for _ in range(hidden_count):
            add_person(s, cleared, name="Qadir Zaman Kakar", compartment="ALPHA")
        open_ids = {add_person(s, cleared, name="Qadir Zaman Kakar").id for _ in range(limit)}

    with db.write() as s:
        found = search_entities(s, uncleared, query="qadir zam", limit=limit)["results"]
    assert {r["id"] for r in found} == open_ids

    with db.write() as s:
        everyone = search_entities(s, cleared, query="qadir zam", limit=100)["results"]
    assert len(everyone) == hidden_count + limit


def test_paging_through_many_namesakes_returns_each_once(db, make_actor):
    analyst = make_actor("analyst")
    with db.write() as s:
        ids = {add_person(s, analyst, name=f"Sher Dil Marwat {n}").id for n in range(25)}
    seen: list[str] = []
    for offset in range(0, 30, 10):
        with db.write() as s:
            page = search_entities(s, analyst, query="sher marw", limit=10, offset=offset)["results"]
        seen += [r["id"] for r in page]
    assert sorted(seen) == sorted(ids)


def test_urdu_and_latin_names_of_one_person_give_one_result(db, make_actor):
    analyst = make_actor("analyst")
    with db.write() as s:
        person = add_person(s, analyst, name="Gul Zaman Achakzai", name_ur="گل زمان اچکزئی",
                            aliases=["Gul Zaman Achakzay"])
    with db.write() as s:
        latin = search_entities(s, analyst, query="gul zaman")["results"]
        urdu = search_entities(s, analyst, query="زمان")["results"]
    assert [r["id"] for r in latin] == [person.id] and [r["id"] for r in urdu] == [person.id]
