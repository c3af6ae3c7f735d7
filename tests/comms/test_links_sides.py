"""Overseas, local or unknown: which fact decides, and the window rules of attribution."""

from __future__ import annotations

from datetime import UTC, datetime

from links_world import BROKER_NO, Call, person, store

from dastavez.comms import links
from dastavez.comms.overseas import classify, number_country
from dastavez.comms.persons import NumberAttribution, window_bound

HOME = "PK"


def test_a_number_is_placed_by_its_cells_before_its_country():
    cells = {"+923001112223": {"AE": 5, "PK": 1}, "+971501234567": {"PK": 3}}
    sides = classify(["+923001112223", "+971501234567", "+442071838750", "+881612345678"], home=HOME,
                     cells=cells)
    assert sides["+923001112223"] == {"side": "overseas", "reason": "cell_country", "country": "AE",
                                      "calls": 5}
    assert sides["+971501234567"]["side"] == "local"  # a UAE SIM used at home
    assert sides["+442071838750"] == {"side": "overseas", "reason": "number_country", "country": "GB"}
    assert sides["+881612345678"]["side"] == "unknown"  # satellite: no country


def test_a_persons_residence_wins_over_the_numbers_and_numbers_decide_without_one():
    sides = classify(
        ["PER-A", "PER-B", "PER-C"], home=HOME,
        residences={"PER-A": {"country": "GB", "claim": "CLM-1", "exhibit": None}},
        person_numbers={"PER-A": ["+923001112223"], "PER-B": ["+971501234567", "+971509876543"],
                        "PER-C": ["+971501234567", "+923001112223"]},
    )
    assert sides["PER-A"]["side"] == "overseas" and sides["PER-A"]["reason"] == "residence"
    assert sides["PER-A"]["claim"] == "CLM-1"
    assert sides["PER-B"]["side"] == "overseas" and sides["PER-B"]["reason"] == "numbers"
    assert sides["PER-C"]["side"] == "unknown" and sides["PER-C"]["reason"] == "numbers_disagree"


def test_number_countries_follow_the_calling_code():
    assert number_country("+923001112223") == "PK"
    assert number_country("+14155552671") == "US"
    assert number_country("+16135550123") == "CA"  # +1 is shared: the number decides
    assert number_country("not a number") is None


def test_window_bounds_cover_whole_days_months_and_years():
    assert window_bound("2026-02", end=False) == datetime(2026, 2, 1, tzinfo=UTC)
    assert window_bound("2026-02", end=True) == datetime(2026, 3, 1, tzinfo=UTC)
    assert window_bound("2024-02-29", end=True) == datetime(2024, 3, 1, tzinfo=UTC)
    assert window_bound("2026", end=True) == datetime(2027, 1, 1, tzinfo=UTC)
    assert window_bound("2026-02-03T10:00:00Z", end=False) == datetime(2026, 2, 3, 10, tzinfo=UTC)
    assert window_bound(None, end=True) is None
    held = NumberAttribution("+9230", "PER-A", window_bound("2026-02", end=False),
                             window_bound("2026-02", end=True), "CLM", None)
    assert held.covers(datetime(2026, 2, 28, 23, 59, tzinfo=UTC))
    assert not held.covers(datetime(2026, 3, 1, tzinfo=UTC))


def test_a_local_sim_roaming_abroad_is_overseas_by_its_cells(db, admin, settings):
    roamer, home = "+923001234567", "+923007654321"
    store(db, admin, settings, [
        Call(roamer, home, "2026-01-05T10:00:00", 60, cell_country="AE", direction="out"),
        Call(home, roamer, "2026-01-06T10:00:00", 60, cell_country="AE", direction="in"),
        Call(home, BROKER_NO, "2026-01-07T10:00:00", 60, cell_country="PK", direction="out"),
    ], name="roaming")
    nodes = {n["id"]: n for n in links.graph_view(db, admin, settings, level="number")["nodes"]}
    assert (nodes[roamer]["side"], nodes[roamer]["side_reason"], nodes[roamer]["country"]) == (
        "overseas", "cell_country", "AE")
    assert nodes[home]["side"] == "local" and nodes[home]["side_reason"] == "cell_country"
    assert nodes[BROKER_NO]["side_reason"] == "number_country"


def test_two_persons_holding_one_number_at_once_leave_it_a_number(db, admin, settings):
    shared = "+923001234567"
    one = person(db, admin, "First Holder", phones=[(shared, "2026-01", "2026-03")])
    two = person(db, admin, "Second Holder", phones=[(shared, "2026-02", "2026-04")])
    store(db, admin, settings, [
        Call(shared, BROKER_NO, "2026-01-10T10:00:00", 10),  # only the first holds it
        Call(shared, BROKER_NO, "2026-02-10T10:00:00", 20),  # both: the records cannot say who
        Call(shared, BROKER_NO, "2026-04-10T10:00:00", 40),  # only the second
    ], name="shared")
    edges = {frozenset((e["source"], e["target"])): e for e in links.graph_view(db, admin, settings)["edges"]}
    assert edges[frozenset((one, BROKER_NO))]["duration_s"] == 10
    assert edges[frozenset((shared, BROKER_NO))]["duration_s"] == 20
    assert edges[frozenset((two, BROKER_NO))]["duration_s"] == 40
