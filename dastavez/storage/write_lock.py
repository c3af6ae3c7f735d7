"""One writer at a time on SQLite, queued fairly instead of polling.

SQLite admits one writer; a connection that finds the database locked retries with sleeps
that grow to 100 ms, which under load turns a 1 ms write into a long tail. Writers here
queue instead: threads of one process on a re-entrant lock, processes (several server
workers, a CLI beside a server) on an ``flock`` of a file next to the database. Both wake the
next writer as soon as the previous one commits. SQLite's own busy timeout remains the
safety net for writers that do not take this lock.
"""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path
from types import TracebackType


class SqliteWriteLock:
    def __init__(self, database_file: Path | None):
        self._threads = threading.RLock()
        self._path = database_file.with_name(database_file.name + ".writelock") if database_file else None
        self._fd: int | None = None
        self._depth = 0  # re-entry by the same thread must not release the file lock early

    def __enter__(self) -> SqliteWriteLock:
        self._threads.acquire()
        try:
            if self._depth == 0 and self._path is not None:
                if self._fd is None:
                    self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
                fcntl.flock(self._fd, fcntl.LOCK_EX)
            self._depth += 1
        except BaseException:
            self._threads.release()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._threads.release()

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
