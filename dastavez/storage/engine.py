"""Engines and transactions.

One service call runs in one transaction: interfaces open ``db.write()`` (or ``db.read()``
for pure reads) around it. On SQLite the write transaction starts with ``BEGIN IMMEDIATE``
so two writers queue on the lock instead of failing half-way with "database is locked";
WAL lets readers carry on meanwhile.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from dastavez.exc import ConfigurationError
from dastavez.settings import Settings
from dastavez.storage.tables import AuditEvent
from dastavez.storage.write_lock import SqliteWriteLock

SQLITE_BUSY_TIMEOUT_MS = 15_000

#: ``session.info`` key of a list of callables run just before the session commits. The ledger
#: registers itself there when an audit event is recorded, so its entries are written in the
#: transaction of the change they record, whoever opened that transaction.
BEFORE_COMMIT = "before_commit"


def _run_before_commit(session: Session) -> None:
    hooks = session.info.get(BEFORE_COMMIT) or []
    while hooks:
        hooks.pop(0)(session)


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    # Leave transaction control to SQLAlchemy's "begin" event below, not the driver.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA synchronous=NORMAL")  # safe with WAL: a crash loses no committed page
    # Temporary files (statement journals, sorts) in memory: a multi-row INSERT's statement
    # journal otherwise spills to disk past 64 KiB, which at 10^6 claims wrote 2.7 GB for a
    # 100 MB database. Nothing durable lives there.
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(settings: Settings) -> Engine:
    url = settings.url
    if url.startswith("sqlite"):
        settings.home.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


class Database:
    """An engine plus the two kinds of transaction the services run in."""

    def __init__(self, settings: Settings, engine: Engine | None = None):
        self.settings = settings
        self.engine = engine or make_engine(settings)
        self._writer = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        # ``settings`` travels in ``session.info`` so commit hooks (the ledger) can find the home.
        self._sessions = sessionmaker(bind=self.engine, expire_on_commit=False, info={"settings": settings})
        event.listen(self._sessions, "before_commit", _run_before_commit)
        # SQLite admits one writer at a time: writers queue on a lock (see write_lock.py).
        self._sqlite_lock: SqliteWriteLock | None = None
        if self.engine.dialect.name == "sqlite":
            name = self.engine.url.database
            file = Path(name).resolve() if name and name != ":memory:" else None
            self._sqlite_lock = SqliteWriteLock(file)
        self._committer = _AuditCommitter(self)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction that commits when the block ends cleanly and rolls back otherwise."""
        with (
            self._sqlite_lock or nullcontext(),
            self._sessions(bind=self._writer) as session,
            _explain_connection_errors(),
            session.begin(),
        ):
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A transaction for reads only; nothing in it is committed."""
        # Closing the session (end of the block) rolls the transaction back without
        # expiring what was loaded, so results stay readable after the block.
        with self._sessions() as session, _explain_connection_errors():
            yield session

    @contextmanager
    def audited_read(self) -> Iterator[Session]:
        """A read whose only writes are audit events, committed before the caller sees a result.

        The reading runs in a read transaction, without the write lock (so readers do not
        queue behind each other); the audit rows it added are then written in a short write
        transaction of their own. Nothing is returned unless that commit succeeds, so every
        read that reaches a user is on record. Any other change made in the block is a bug
        and is refused.
        """
        with self._sessions() as session, _explain_connection_errors():
            yield session
            events, carried = _audit_events(session)
        if events:
            with self.write() as writer:
                _merge_info(writer.info, carried)  # the ledger entries queued for these events
                writer.add_all(events)

    @asynccontextmanager
    async def audited_read_async(self) -> AsyncIterator[Session]:
        """:meth:`audited_read` for ``async`` routes, which read on the event loop.

        The reading runs in the block; the audit rows of all reads that reach this point in
        the same turn of the event loop are written in one transaction (a group commit, see
        ``_AuditCommitter``). As with :meth:`audited_read`, nothing is returned before the
        caller's own events are committed.
        """
        with self._sessions() as session, _explain_connection_errors():
            yield session
            events, carried = _audit_events(session)
        if events:
            await self._committer.commit(events, carried)

    def dispose(self) -> None:
        self._committer.close()
        self.engine.dispose()
        if self._sqlite_lock is not None:
            self._sqlite_lock.close()


def _audit_events(session: Session) -> tuple[list[AuditEvent], dict[str, Any]]:
    """The audit events an audited read added, and what commit hooks queued for them in
    ``session.info``; ends the read. Any other change is a bug and is refused."""
    if session.dirty or session.deleted or any(not isinstance(o, AuditEvent) for o in session.new):
        raise RuntimeError("audited_read() may only add audit events")
    events = list(session.new)
    carried = {key: value for key, value in session.info.items() if key != "settings"}
    session.rollback()  # ends the read; pending events become transient again
    return events, carried


def _merge_info(info: dict[str, Any], carried: dict[str, Any]) -> None:
    """Carry one read's ``session.info`` into a writer that may hold other reads' already:
    lists (queued entries, commit hooks) are joined, each hook kept once."""
    for key, value in carried.items():
        if isinstance(value, list):
            joined = info.setdefault(key, [])
            joined.extend(item for item in value if not any(item is known for known in joined))
        else:
            info[key] = value


#: How many turns of the event loop a group commit waits for more reads to join it: a write
#: costs about the same for one read as for ten.
GATHER_TURNS = 2
#: one read waiting for its audit commit: its events, its ``session.info``, its future
_Waiting = tuple[list[AuditEvent], dict[str, Any], "asyncio.Future[None]"]


@dataclass
class _Queue:
    """The reads of one event loop waiting for their audit commit."""

    loop: asyncio.AbstractEventLoop
    waiting: list[_Waiting] = field(default_factory=list)
    writing: bool = False  # a batch is being written by the worker thread


class _AuditCommitter:
    """Commits the audit events of :meth:`Database.audited_read_async`, many reads at a time.

    Reads queue their events on their own event loop; a flush, scheduled on that loop, takes
    everything queued by then and writes it in one write transaction (one lock, one ledger
    append and one sync for the lot), then releases the waiting reads. A failed commit fails
    every read in it, so no read goes unrecorded; a read whose request was cancelled before
    the flush is dropped, as its answer never left.

    On SQLite the write runs on the loop itself: it is CPU work (a commit in WAL mode does not
    wait for the disk), and a worker thread would have to win the GIL back from the loop after
    each statement, which under load cost more than the write. The loop waits only while
    another writer holds the write lock. On PostgreSQL a commit waits for its WAL to reach the
    disk, so one worker thread writes while the loop serves other requests, and the reads
    that arrive meanwhile make the next batch.
    """

    def __init__(self, db: Database):
        self._db = db
        self._queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Queue] = (
            weakref.WeakKeyDictionary()
        )
        self._thread = (ThreadPoolExecutor(1, thread_name_prefix="dastavez-audit")
                        if db.dialect == "postgresql" else None)

    async def commit(self, events: list[AuditEvent], carried: dict[str, Any]) -> None:
        loop = asyncio.get_running_loop()
        queue = self._queues.get(loop)
        if queue is None:
            queue = self._queues[loop] = _Queue(loop)
        done: asyncio.Future[None] = loop.create_future()
        queue.waiting.append((events, carried, done))
        if len(queue.waiting) == 1 and not queue.writing:
            loop.call_soon(self._flush, queue, 0, 0)
        await done

    def _flush(self, queue: _Queue, seen: int, turns: int) -> None:
        if turns < GATHER_TURNS or (len(queue.waiting) > seen and turns < 2 * GATHER_TURNS):
            # Let the loop take another turn: requests that arrived meanwhile reach this point too.
            queue.loop.call_soon(self._flush, queue, len(queue.waiting), turns + 1)
            return
        batch = [waiting for waiting in queue.waiting if not waiting[2].cancelled()]
        queue.waiting = []
        if not batch:
            return
        if self._thread is None:
            _settle(batch, self._write(batch))
            return
        queue.writing = True
        written = queue.loop.run_in_executor(self._thread, self._write, batch)
        written.add_done_callback(lambda result: self._written(queue, batch, result))

    def _written(self, queue: _Queue, batch: list[_Waiting], written: asyncio.Future[Any]) -> None:
        queue.writing = False
        try:
            error = written.result()
        except BaseException as failure:  # the thread itself failed: the reads must not wait forever
            error = failure
        _settle(batch, error)
        if queue.waiting:  # the next batch gathered while this one was written
            queue.loop.call_soon(self._flush, queue, 0, GATHER_TURNS)

    def _write(self, batch: list[_Waiting]) -> BaseException | None:
        """Write the batch's events; the error, if it could not be committed."""
        try:
            with self._db.write() as writer:
                for events, carried, _ in batch:
                    _merge_info(writer.info, carried)
                    writer.add_all(events)
        except Exception as error:  # handed to every read of the batch
            return error
        return None

    def close(self) -> None:
        if self._thread is not None:
            self._thread.shutdown(wait=True)


def _settle(batch: list[_Waiting], error: BaseException | None) -> None:
    for *_, done in batch:
        if done.done():
            continue
        if error is None:
            done.set_result(None)
        else:
            done.set_exception(error)


@contextmanager
def _explain_connection_errors() -> Iterator[None]:
    try:
        yield
    except OperationalError as err:
        # Connection refused, missing database file folder, locked for too long: an
        # environment problem the user must fix, told in one line.
        message = (str(err.orig) if err.orig else str(err)).strip().splitlines()[0]
        if "no such table" in message or "does not exist" in message:
            raise ConfigurationError("the database is not initialised: run `dastavez init`") from err
        raise ConfigurationError(f"database unavailable: {message}") from err
