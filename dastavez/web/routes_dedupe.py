"""The review queue of duplicate candidates: pairs side by side, with why the model proposed them.

Open pairs carry three decisions (merge, not the same, unsure); a merge decision by someone who
may merge merges at once (keeping the older record), otherwise the pair waits under *To merge*,
where a supervisor's own merge decision carries it out. Merged pairs can be undone from the
*Judged* tab. Every form is a plain POST with the
session's CSRF token that redirects back to the queue.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from dastavez.resolve.dedupe import STATUSES, list_pairs, run_dedupe
from dastavez.resolve.judgements import judge_pair
from dastavez.resolve.merge import unmerge_entity
from dastavez.web.auth import UserDep, WriterDep
from dastavez.web.deps import DbDep, blank_to_none
from dastavez.web.pages import render

router = APIRouter()

PAGE = 20
TABS = (("open", "Open"), ("to_merge", "To merge"), ("judged", "Judged"))
Field = Annotated[str, Form(max_length=2000)]


def _back(status: str, done: str) -> RedirectResponse:
    status = status if status in STATUSES else "open"
    return RedirectResponse(f"/duplicates?{urlencode({'status': status, 'done': done})}", status_code=303)


@router.get("/duplicates")
def queue(request: Request, user: UserDep, db: DbDep,
          status: Annotated[str, Query(max_length=16)] = "open",
          page: Annotated[int, Query(ge=1, le=100_000)] = 1,
          done: Annotated[str, Query(max_length=32)] = "") -> HTMLResponse:
    with db.audited_read() as session:
        listing = list_pairs(session, user.actor, status=status, limit=PAGE, offset=(page - 1) * PAGE)
    return render(request, "dedupe_queue.html", {
        "title": "Duplicate candidates", "listing": listing, "tabs": TABS, "status": status, "page": page,
        "per_page": PAGE, "done": done, "can_merge": user.can("entity.merge")})


@router.post("/duplicates/run")
def run(user: WriterDep, db: DbDep) -> RedirectResponse:
    run_dedupe(db, user.actor)
    return _back("open", "run")


@router.post("/duplicates/judge")
def judge(user: WriterDep, db: DbDep, left: Field, right: Field, decision: Field, note: Field = "",
          keep: Field = "", status: Field = "open") -> RedirectResponse:
    with db.write() as session:
        result = judge_pair(session, user.actor, left=left, right=right, decision=decision,
                            note=blank_to_none(note), keep=blank_to_none(keep))
    return _back(status, "merged" if result["merge"] else decision)


@router.post("/duplicates/unmerge")
def unmerge(user: WriterDep, db: DbDep, merged: Field, note: Field = "",
            status: Field = "judged") -> RedirectResponse:
    with db.write() as session:
        unmerge_entity(session, user.actor, merged_id=merged, note=blank_to_none(note))
    return _back(status, "unmerged")
