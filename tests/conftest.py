"""Fixtures shared by every test: a real database (SQLite or PostgreSQL), users, clients.

``DASTAVEZ_TEST_DB=sqlite`` (default) or ``postgresql`` picks the backend; ``make test``
runs the whole suite once for each. PostgreSQL tests use a schema of their own per
worker in the ``test`` database, migrated once and emptied between tests.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from dastavez.access import passwords
from dastavez.access.actor import Actor
from dastavez.access.users import actor_for, bootstrap_admin, create_compartment, create_user
from dastavez.app import create_app
from dastavez.cli.main import main as cli_main
from dastavez.settings import Settings
from dastavez.storage.engine import Database
from dastavez.storage.metadata import METADATA
from dastavez.storage.migrate import upgrade

BACKEND = os.environ.get("DASTAVEZ_TEST_DB", "sqlite")
PG_URL = os.environ.get("DASTAVEZ_TEST_PG_URL", "postgresql+psycopg://127.0.0.1:5432/test")
PASSWORD = "correct-horse-battery"
ADMIN_PASSWORD = "admin-password-for-tests"
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

if BACKEND not in ("sqlite", "postgresql"):
    raise RuntimeError(f"DASTAVEZ_TEST_DB must be sqlite or postgresql, not {BACKEND!r}")


def pytest_report_header() -> str:
    return f"dastavez test database: {BACKEND}"


@pytest.fixture(autouse=True)
def cheap_password_hashing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 at full cost (64 MiB, three passes) for every user a test creates would be most
    of the suite's time. Tests of hashing itself are marked ``real_hashing`` and keep it."""
    if request.node.get_closest_marker("real_hashing") is None:
        monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    assert SHARED_DATA.is_dir(), f"shared test data missing at {SHARED_DATA}"
    return SHARED_DATA


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database to start each test from: a SQLite file or a PostgreSQL schema."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    if BACKEND == "sqlite":
        path = tmp_path_factory.mktemp("template") / "dastavez.sqlite3"
        engine = create_engine(f"sqlite:///{path}")
        upgrade(engine)
        engine.dispose()
        yield str(path)
        return
    schema = f"dz_test_{worker}_{os.getpid()}"
    admin_engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options={quote(f'-csearch_path={schema}')}"
    engine = create_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin_engine.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin_engine.dispose()


@pytest.fixture
def settings(tmp_path: Path, database_template: str) -> Settings:
    home = tmp_path / "home"
    home.mkdir()
    if BACKEND == "sqlite":
        shutil.copy(database_template, home / "dastavez.sqlite3")
        url = None
    else:
        url = database_template
        engine = create_engine(url)
        tables = ", ".join(f'"{t.name}"' for t in METADATA.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
    return Settings(home=home, database_url=url, secret_key="test-secret-key", login_attempts=5)


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database(settings)
    yield database
    database.dispose()


@pytest.fixture
def admin(db: Database) -> Actor:
    with db.write() as session:
        bootstrap_admin(session, username="admin", password=ADMIN_PASSWORD)
    with db.read() as session:
        return actor_for(session, "admin", interface="cli")


@pytest.fixture
def make_actor(db: Database, admin: Actor) -> Callable[..., Actor]:
    """``make_actor("analyst", clearances=["ALPHA"])``: a new user with that role, as an Actor."""
    counter = iter(range(1, 10_000))

    def make(*roles: str, clearances: list[str] | None = None, username: str | None = None,
             interface: str = "api") -> Actor:
        name = username or f"{roles[0]}{next(counter)}"
        with db.write() as session:
            for code in clearances or []:
                if code not in {c["code"] for c in _compartments(session, admin)}:
                    create_compartment(session, admin, code=code, title=f"Compartment {code}")
            create_user(session, admin, username=name, password=PASSWORD, roles=list(roles),
                        clearances=clearances or [])
        with db.read() as session:
            return actor_for(session, name, interface=interface)  # type: ignore[arg-type]

    return make


def _compartments(session: Any, admin: Actor) -> list[dict[str, str]]:
    from dastavez.access.users import list_compartments

    return list_compartments(session, admin)


@pytest.fixture
def app(settings: Settings, db: Database) -> Any:
    return create_app(settings, database=db)


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def api(client: TestClient, make_actor: Callable[..., Actor]) -> Callable[..., TestClient]:
    """``api("analyst", clearances=[...])``: a client carrying a fresh user's bearer token."""

    def login(*roles: str, clearances: list[str] | None = None) -> TestClient:
        actor = make_actor(*roles, clearances=clearances)
        response = client.post("/api/v1/auth/token", json={"username": actor.username, "password": PASSWORD})
        assert response.status_code == 201, response.text
        authed = TestClient(client.app)
        authed.headers["Authorization"] = f"Bearer {response.json()['token']}"
        return authed

    return login


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> Any:
        return json.loads(self.stdout)


@pytest.fixture
def cli(settings: Settings) -> Callable[..., CliResult]:
    """Run the real CLI entry point in-process against the test database."""

    def run(*args: str) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = cli_main(list(args), settings=settings)
        return CliResult(code, out.getvalue(), err.getvalue())

    return run
