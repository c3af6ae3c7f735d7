"""Screening a whole list at once, on every core: ``dastavez screen --file``.

A list of a thousand names is screened in one request: one permission check, one refresh
of the index, one audit event. The queries are independent, so with ``jobs`` above one
they are split into runs of consecutive queries that worker processes screen side by side,
each with its own connection to the database; the answers come back in the order of the
queries, the same as one process gives.

The workers are forked from the caller, so they start warm (the name tables, the caches
of analysed words) and pay no start-up per query or per run. Forking is only safe from a
process that runs no other threads, which is why only the command line and the benchmarks
ask for ``jobs`` above one; the web and API servers screen in the worker that serves the
request.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from dastavez.access.actor import Actor
from dastavez.resolve.screening import ScreenQuery, check_request, record_request, screen, screen_one
from dastavez.storage.engine import Database

#: fewer queries than this per worker are not worth a process
MIN_PER_JOB = 50
#: runs per worker, so that one slow run does not keep the others waiting
RUNS_PER_JOB = 16
MAX_JOBS = 8

_worker: dict[str, Any] = {}


def default_jobs() -> int:
    """The cores this process may run on (at most ``MAX_JOBS``)."""
    return max(1, min(MAX_JOBS, len(os.sched_getaffinity(0))))


def _start(db: Database, actor: Actor, limit: int, sources: tuple[str, ...] | None) -> None:
    # The caller's pooled connections came along with the fork: drop them unclosed (closing
    # them here would close the caller's) and connect afresh.
    db.engine.dispose(close=False)
    _worker.update(db=Database(db.settings), actor=actor, limit=limit, sources=sources)


def _screen_run(queries: list[ScreenQuery]) -> list[list[dict[str, Any]]]:
    db: Database = _worker["db"]
    with db.read() as session:
        return [
            screen_one(session, _worker["actor"], q, limit=_worker["limit"], sources=_worker["sources"])
            for q in queries
        ]


def _runs(queries: list[ScreenQuery], count: int) -> list[list[ScreenQuery]]:
    size = -(-len(queries) // count)
    return [queries[start : start + size] for start in range(0, len(queries), size)]


def screen_list(
    db: Database,
    actor: Actor,
    queries: list[ScreenQuery],
    *,
    limit: int = 10,
    sources: tuple[str, ...] | None = None,
    jobs: int = 1,
) -> list[list[dict[str, Any]]]:
    """One result list per query, in order; one audit event for the whole list."""
    check_request(actor, queries, limit)
    jobs = max(1, min(jobs, MAX_JOBS, len(queries) // MIN_PER_JOB))
    # Frozen, the caller's objects stay out of the garbage collections the batch triggers: a
    # collection would walk every one of them (a large caller spent a tenth of a list's time
    # so), and in a forked worker touching them would copy the caller's memory.
    gc.freeze()
    try:
        if jobs == 1:
            with db.audited_read() as session:
                return screen(session, actor, queries, limit=limit, sources=sources)
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(
            jobs, mp_context=context, initializer=_start, initargs=(db, actor, limit, sources)
        ) as pool:
            runs = pool.map(_screen_run, _runs(queries, jobs * RUNS_PER_JOB))
            answers = [answer for run in runs for answer in run]
    finally:
        gc.unfreeze()
    with db.audited_read() as session:
        record_request(session, actor, queries, limit)
    return answers
