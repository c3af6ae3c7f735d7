"""kill -9 in the middle of an upload and in the middle of ledger appends, then restart.

The real CLI runs in a child process (``python -m dastavez``) against the test's own
database: the same ``DASTAVEZ_HOME`` and, on PostgreSQL, the same URL, whose
``search_path`` option selects this worker's schema. Afterwards there must be no partial
exhibit, no visible blob, a ledger that verifies, and the upload must be retryable.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dastavez.evidence.blobs import CHUNK_SIZE
from dastavez.evidence.vault import blob_store
from dastavez.ledger.log import current_size
from dastavez.ledger.verify import verify_ledger
from dastavez.settings import Settings
from dastavez.storage.ledger_tables import LedgerEntry
from dastavez.storage.tables import AuditEvent, Exhibit

REPO = Path(__file__).resolve().parents[2]
BIG = 300 * 1024 * 1024

pytestmark = pytest.mark.slow


def child_environment(settings: Settings) -> dict[str, str]:
    """The environment that points a child process at the test's home and database."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("DASTAVEZ_")}
    env["DASTAVEZ_HOME"] = str(settings.home)
    if settings.database_url:
        env["DASTAVEZ_DATABASE_URL"] = settings.database_url
    # Fail loudly, never quietly test another database than the one this test reads.
    assert Settings.from_env(env).url == settings.url
    return env


def big_file(path: Path) -> str:
    """A file of BIG bytes, no two chunks alike; returns its SHA-256."""
    digest = hashlib.sha256()
    block = os.urandom(CHUNK_SIZE)
    with open(path, "wb") as out:
        for n in range(BIG // CHUNK_SIZE):
            chunk = n.to_bytes(8, "big") + block[8:]
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def counts(db) -> tuple[int, int, int]:
    """Exhibits, audit events and ledger entries."""
    with db.read() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(t)) for t in (Exhibit, AuditEvent, LedgerEntry)
        )


def assert_ledger_verifies(db, cli) -> None:
    with db.read() as s:
        report = verify_ledger(s, db.settings)
        assert report.ok, report.problems
        assert report.size == current_size(s) == counts(db)[2] == counts(db)[1]
    result = cli("ledger", "verify", "--json")
    assert result.code == 0 and result.json["ok"] is True, result.stdout + result.stderr


def stop_mid_upload(child: subprocess.Popen, temp_dir: Path) -> int:
    """Wait for the child's temp file to hold a few chunks, freeze the child (SIGSTOP) and
    return how many bytes it had written: the kill then lands at a known point mid-stream."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if child.poll() is not None:
            pytest.fail(f"the upload ended (status {child.returncode}) before it could be stopped mid-stream")
        parts = list(temp_dir.glob("put-*.part")) if temp_dir.is_dir() else []
        try:
            written = parts[0].stat().st_size if parts else 0
        except FileNotFoundError:
            continue
        if written >= 4 * CHUNK_SIZE:
            child.send_signal(signal.SIGSTOP)
            return parts[0].stat().st_size
    pytest.fail("the upload never started writing its temp file")


def test_kill_9_mid_upload_leaves_nothing_and_the_upload_can_be_retried(settings, db, admin, cli, tmp_path):
    source = tmp_path / "disk-image.bin"
    expected = big_file(source)
    env = child_environment(settings)
    add = [
        sys.executable,
        "-m",
        "dastavez",
        "evidence",
        "add",
        str(source),
        "--kind",
        "other",
        "--title",
        "Seized disk image",
        "--json",
    ]
    before = counts(db)
    store = blob_store(settings)
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    child = subprocess.Popen(add, cwd=REPO, env=env, **pipes)  # noqa: S603  # our interpreter, fixed arguments
    try:
        written = stop_mid_upload(child, store.temp_dir)
        assert 0 < written < BIG  # truly mid-stream
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
        child.stderr.close()

    assert counts(db) == before  # no exhibit, no audit event, no ledger entry
    assert list(store.iter_stored()) == []
    assert not store.exists(expected)
    assert len(list(store.temp_dir.iterdir())) == 1  # only the dead upload's temp file, invisible
    assert_ledger_verifies(db, cli)

    retry = subprocess.run(add, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)  # noqa: S603  # as above
    assert retry.returncode == 0, retry.stderr
    assert '"sha256": "' + expected + '"' in retry.stdout
    assert list(store.iter_stored()) == [expected]
    assert store.check(expected, size=BIG).status == "ok"
    assert counts(db)[0] == before[0] + 1
    assert store.clean_temp(older_than=timedelta(0)) == 1  # the leftover; the retry left none
    integrity = cli("evidence", "verify", "--all", "--json")
    assert integrity.code == 0 and integrity.json["problems"] == [], integrity.stdout  # no orphan either
    assert_ledger_verifies(db, cli)


WRITER = """
import contextlib, io, sys
from dastavez.cli.main import main

n = 0
while True:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["evidence", "register", "--title", f"Item {n}", "--kind", "other", "--json"])
        if code == 0:
            exhibit = out.getvalue().split('"id": "')[1].split('"')[0]
            code = main(["evidence", "custody", exhibit, "--action", "examined", "--json"])
    if code != 0:
        sys.exit(code)
    n += 1
    print(n, flush=True)
"""


def kill_writer_at_random(env: dict[str, str], chance: random.Random) -> int:
    """Run the writer until a random number of its writes are done, then kill -9 it a random
    moment later; returns how many writes it reported done before it died."""
    writer, pipes = [sys.executable, "-c", WRITER], {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    child = subprocess.Popen(writer, cwd=REPO, env=env, text=True, **pipes)  # noqa: S603  # our own code
    completed = 0
    try:
        wanted = chance.randint(2, 8)
        for line in child.stdout:
            completed = int(line)
            if completed >= wanted:
                break
        else:
            pytest.fail(f"the writer died on its own: {child.wait()} {child.stderr.read()}")
        time.sleep(chance.uniform(0, 0.05))  # somewhere in the next writes
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
        for line in child.stdout:  # what it reported while we slept
            completed = int(line)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
        child.stderr.close()
    return completed


def test_kill_9_mid_ledger_append_leaves_a_ledger_that_verifies(settings, db, admin, cli):
    seed = random.randrange(1 << 32)
    chance = random.Random(seed)
    env = child_environment(settings)
    for _ in range(3):  # three crashes at random points, each followed by a restart
        exhibits_before = counts(db)[0]
        completed = kill_writer_at_random(env, chance)
        exhibits, events, entries = counts(db)
        # each write is a register then a custody event; the kill may follow either commit
        assert completed <= exhibits - exhibits_before <= completed + 1, f"seed {seed}"
        assert entries == events, (
            f"seed {seed}: every committed audit event is on the ledger, and nothing else"
        )
        assert_ledger_verifies(db, cli)
        with db.read() as s:
            registered = s.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "exhibit.register")
            )
        assert registered == exhibits, f"seed {seed}"
    # the installation carries on after the crashes
    assert cli("evidence", "register", "--title", "After the crash", "--kind", "other").code == 0
    assert_ledger_verifies(db, cli)
