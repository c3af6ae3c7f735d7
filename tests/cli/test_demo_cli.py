"""``dastavez demo --no-serve``: loads once, prints the users and the password, resets SQLite only."""

from __future__ import annotations

from dastavez.demo.users import DEMO_PASSWORD, DEMO_USERS


def test_demo_loads_and_prints_the_users_and_the_demo_password(cli):
    result = cli("demo", "--no-serve", "--json")
    assert result.code == 0, result.stderr
    data = result.json
    assert data["password"] == DEMO_PASSWORD
    assert [u["username"] for u in data["users"]] == [u.username for u in DEMO_USERS]
    assert data["persons"] >= 250 and data["organisations"] >= 10 and data["claims"] >= 4000
    assert data["exhibits"] > 0 and data["scale"] == 1

    again = cli("demo", "--no-serve", "--json")
    assert again.code == 1
    assert "already holds" in again.stderr and again.stdout == ""


def test_reset_deletes_only_a_sqlite_database_and_needs_yes(cli, settings):
    assert cli("demo", "--no-serve", "--seed", "5", "--json").code == 0
    unconfirmed = cli("demo", "--no-serve", "--reset")
    assert unconfirmed.code == 1
    assert ("--yes" if settings.database_url is None else "PostgreSQL") in unconfirmed.stderr
    confirmed = cli("demo", "--no-serve", "--reset", "--yes")
    if settings.database_url is not None:  # PostgreSQL: refused, nothing deleted
        assert confirmed.code == 1 and "PostgreSQL" in confirmed.stderr
        return
    assert confirmed.code == 0, confirmed.stderr
    assert "deleted" in confirmed.stdout
    assert "supervisor" in confirmed.stdout and DEMO_PASSWORD in confirmed.stdout


def test_scale_out_of_range_is_a_one_line_error(cli):
    result = cli("demo", "--no-serve", "--scale", "0")
    assert result.code == 1 and result.stderr.startswith("error: --scale")


def test_starting_the_demo_again_shows_it_instead_of_loading_twice(cli):
    first = cli("demo", "--no-serve", "--json")
    assert first.code == 0, first.stderr
    again = cli("demo", "--no-serve")
    assert again.code == 0, again.stderr
    assert "already loaded" in again.stdout and DEMO_PASSWORD in again.stdout
    # the admin is cleared for every demo compartment, so sees every person: none added
    assert cli("person", "list", "--json").json["total"] == first.json["persons"]
