"""The link graph pages: the graph with its paths and brokers, one link's evidence, and their JSON.

Every handler makes one call into ``dastavez.comms.links`` (the service the CLI and the API
call too), which checks ``comms.read``, reads only the datasets the actor may see and audits
the read. The graph itself is drawn in the browser by ``static/comms-graph.js`` from
``/comms/graph.json``; clicking a link fetches ``/comms/edge.json``. Without JavaScript the
page lists the same overseas → local paths and brokers, each link opening ``/comms/edge``.

The JSON endpoints answer errors in the API's JSON shape (a 401 without a session, never a
redirect to the login page that a script would read as data). The datasets page and the
import form are in ``routes_cdr``, included here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from dastavez.comms import links
from dastavez.comms.datasets import dataset_view, visible_datasets
from dastavez.comms.link_context import LEVELS
from dastavez.exc import DastavezError, InvalidInput
from dastavez.settings import Settings
from dastavez.storage.engine import Database
from dastavez.web import routes_cdr
from dastavez.web.auth import UserDep, WebUser, current_user
from dastavez.web.deps import DbDep, SettingsDep
from dastavez.web.pages import render

router = APIRouter()
router.include_router(routes_cdr.router)

MAX_HOPS = links.MAX_HOPS
PATHS_LISTED = 50
BROKERS_LISTED = 10
CALLS_PER_PAGE = 50


@dataclass(frozen=True)
class LinkFilters:
    """What the filter form asks for, checked; ``service`` gives it to the links service."""

    level: str = "person"
    datasets: tuple[str, ...] = ()
    since: str = ""
    until: str = ""
    hops: int = 3
    #: what the graph draws: the overseas → local paths (the default) or everything
    focus: str = "paths"

    def query(self, *, hops: bool = True) -> str:
        pairs = [("level", self.level), *(("dataset", d) for d in self.datasets),
                 ("since", self.since), ("until", self.until), ("hops", str(self.hops) if hops else ""),
                 ("focus", self.focus if hops else "")]
        return urlencode([(k, v) for k, v in pairs if v])

    def service(self) -> dict[str, Any]:
        return {"level": self.level, "datasets": list(self.datasets) or None,
                "since": _moment(self.since, "since"), "until": _moment(self.until, "until", end=True)}


def _moment(raw: str, field: str, *, end: bool = False) -> datetime | None:
    """A day of the filter form as a UTC instant: its start, or for ``until`` the end of that day."""
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"{field} must be a date (YYYY-MM-DD), not {raw!r}", field=field) from None
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return start + timedelta(days=1) - timedelta(microseconds=1) if end else start


def link_filters(level: str = "person", datasets: list[str] | None = None, since: str = "",
                 until: str = "", hops: str = "3", focus: str = "paths") -> LinkFilters:
    level = level.strip() or "person"
    if level not in LEVELS:
        raise InvalidInput(f"level must be one of {', '.join(LEVELS)}, not {level[:40]!r}", field="level")
    chosen = tuple(dict.fromkeys(d.strip().upper() for d in datasets or [] if d.strip()))
    if len(chosen) > 100 or any(len(d) > 20 for d in chosen):
        raise InvalidInput("too many or too long dataset ids", field="dataset")
    if not hops.strip().isdigit() or not 1 <= int(hops) <= MAX_HOPS:
        raise InvalidInput(f"hops must be a whole number from 1 to {MAX_HOPS}", field="hops")
    focus = focus.strip() or "paths"
    if focus not in links.FOCUSES:
        raise InvalidInput(f"focus must be one of {', '.join(links.FOCUSES)}, not {focus[:40]!r}",
                           field="focus")
    filters = LinkFilters(level=level, datasets=chosen, since=since.strip()[:10], until=until.strip()[:10],
                          hops=int(hops), focus=focus)
    filters.service()  # the dates are checked now, before any query
    return filters


Text = Annotated[str, Query(max_length=100)]
Datasets = Annotated[list[str] | None, Query(alias="dataset")]


@router.get("/comms")
def links_page(request: Request, user: UserDep, db: DbDep, settings: SettingsDep, level: Text = "person",
               dataset: Datasets = None, since: Text = "", until: Text = "",
               hops: Text = "3", focus: Text = "paths") -> HTMLResponse:
    user.actor.require("comms.read")
    filters = link_filters(level, dataset, since, until, hops, focus)
    with db.read() as session:
        datasets = [dataset_view(ds) for ds in visible_datasets(session, user.actor)]
    args = filters.service()
    overseas = links.overseas_links(db, user.actor, settings, max_hops=filters.hops, limit=PATHS_LISTED,
                                    **args)
    top = links.brokers(db, user.actor, settings, top=BROKERS_LISTED, **args)
    return render(request, "comms/links.html", {
        "title": "Links", "filters": filters, "datasets": datasets, "overseas": overseas, "top": top,
        "query": filters.query(), "level_query": _level_query(filters), "max_hops": MAX_HOPS})


def _level_query(filters: LinkFilters) -> str:
    """The filters an edge's evidence keeps (all but the hops)."""
    return filters.query(hops=False)


def _json(request: Request, db: Database, settings: Settings,
          call: Callable[[WebUser], dict[str, Any]]) -> JSONResponse:
    """Run ``call(user)`` for a live session; errors in the API's one JSON shape."""
    try:
        user = current_user(request, db, settings)
        return JSONResponse(call(user))
    except DastavezError as err:
        return JSONResponse(err.to_dict(), status_code=err.status)


@router.get("/comms/graph.json")
def graph_json(request: Request, db: DbDep, settings: SettingsDep, level: Text = "person",
               dataset: Datasets = None, since: Text = "", until: Text = "", hops: Text = "3",
               focus: Text = "paths") -> JSONResponse:
    def call(user: WebUser) -> dict[str, Any]:
        filters = link_filters(level, dataset, since, until, hops, focus)
        return links.graph_view(db, user.actor, settings, focus=filters.focus, max_hops=filters.hops,
                                **filters.service())

    return _json(request, db, settings, call)


def _offset(raw: str) -> int:
    if not raw.strip().isdigit() or int(raw) > 10**9:
        raise InvalidInput("offset must be a whole number, 0 or more", field="offset")
    return int(raw)


def edge_evidence(db: Database, settings: Settings, user: WebUser, *, a: str, b: str, offset: int,
                  filters: LinkFilters) -> dict[str, Any]:
    """One link's evidence, with where its page is (for the panel's "open as a page" link)."""
    found = links.edge_evidence(db, user.actor, settings, a=a, b=b, offset=offset, limit=CALLS_PER_PAGE,
                                **filters.service())
    query = urlencode({"a": found["a"]["id"], "b": found["b"]["id"]})
    return found | {"page_url": f"/comms/edge?{_level_query(filters)}&{query}"}


@router.get("/comms/edge.json")
def edge_json(request: Request, db: DbDep, settings: SettingsDep, a: Text = "", b: Text = "",
              level: Text = "person", dataset: Datasets = None, since: Text = "", until: Text = "",
              offset: Text = "0") -> JSONResponse:
    def call(user: WebUser) -> dict[str, Any]:
        filters = link_filters(level, dataset, since, until)
        return edge_evidence(db, settings, user, a=a, b=b, offset=_offset(offset), filters=filters)

    return _json(request, db, settings, call)


@router.get("/comms/edge")
def edge_page(request: Request, user: UserDep, db: DbDep, settings: SettingsDep, a: Text = "", b: Text = "",
              level: Text = "person", dataset: Datasets = None, since: Text = "", until: Text = "",
              offset: Text = "0") -> HTMLResponse:
    user.actor.require("comms.read")
    filters = link_filters(level, dataset, since, until)
    evidence = edge_evidence(db, settings, user, a=a, b=b, offset=_offset(offset), filters=filters)
    return render(request, "comms/edge.html", {"title": "Evidence of a link", "evidence": evidence,
                                                "level_query": _level_query(filters)})
