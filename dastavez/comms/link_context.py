"""Everything one link analysis stands on: the calls the actor may read, the graph at the asked
level, each node's side and label. Built once per request by ``load`` (``links.py`` uses it).

The steps: ``datasets.selection_for`` (compartments) → the engine's directed edges →
contraction by attribution at person level (``persons.py``) → ``graph.build_graph`` → sides
(``overseas.classify``, from cell countries read over the same selection and the persons'
residence claims) and labels (a person's registry caption; a number is its own label).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dastavez.access.actor import Actor
from dastavez.cases.residence import residences
from dastavez.comms.datasets import selection_for
from dastavez.comms.engine import CallSelection
from dastavez.comms.engines import engine_for
from dastavez.comms.graph import LinkGraph, build_graph
from dastavez.comms.overseas import cell_countries, classify
from dastavez.comms.persons import NumberAttribution, attributions, by_number, by_person, person_edges
from dastavez.exc import InvalidInput
from dastavez.settings import Settings
from dastavez.storage.comms_tables import CdrDataset
from dastavez.storage.tables import Entity

LEVELS = ("person", "number")
ENDS = ("persons", "all")


def check_level(level: str) -> str:
    if level not in LEVELS:
        raise InvalidInput(f"level must be one of {', '.join(LEVELS)}", field="level")
    return level


def check_window(since: datetime | None, until: datetime | None) -> tuple[datetime | None, datetime | None]:
    """The window as aware UTC bounds (a naive time is UTC, as the layout stores times)."""
    first, last = (None if m is None else (m if m.tzinfo else m.replace(tzinfo=UTC)).astimezone(UTC)
                   for m in (since, until))
    if first is not None and last is not None and last <= first:
        raise InvalidInput("until must be after since", field="until")
    return first, last


def parse_bound(raw: str | None, field_name: str, *, end: bool) -> datetime | None:
    """``--since``/``--until`` as the interfaces take them: a date (``2026-03-01``; as an end,
    the whole day is included) or an ISO 8601 time (UTC unless it has an offset)."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return moment + timedelta(days=1) if end else moment
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as err:
        raise InvalidInput(f"{field_name} must be a date (2026-03-01) or an ISO 8601 time",
                           field=field_name) from err
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


@dataclass
class LinkContext:
    level: str
    selection: CallSelection
    graph: LinkGraph
    sides: dict[str, dict[str, Any]]
    labels: dict[str, str]
    persons: set[str]
    attributions: list[NumberAttribution]
    exhibits: dict[str, str | None] = field(default_factory=dict)

    def kind(self, node: str) -> str:
        return "person" if node in self.persons else "number"

    def side(self, node: str) -> str:
        return str(self.sides.get(node, {}).get("side", "unknown"))

    def node_view(self, node: str) -> dict[str, Any]:
        verdict = self.sides.get(node, {"side": "unknown", "reason": "none"})
        return {"id": node, "label": self.labels.get(node, node), "kind": self.kind(node),
                "side": verdict["side"], "side_reason": verdict.get("reason"),
                "country": verdict.get("country")}

    def datasets_view(self) -> list[dict[str, Any]]:
        return [{"dataset": ds, "exhibit": self.exhibits.get(ds)} for ds, _ in self.selection.datasets]

    def vertices_on(self, side: str, ends: str) -> list[int]:
        """Vertices on one side, persons only when ``ends`` is ``persons``."""
        return [v for v, node in enumerate(self.graph.names)
                if self.side(node) == side and (ends == "all" or node in self.persons)]

    def resolve_ends(self, ends: str | None) -> str:
        """``persons`` when asked, or by default when persons stand on both sides; else ``all``."""
        if ends is not None:
            if ends not in ENDS:
                raise InvalidInput(f"ends must be one of {', '.join(ENDS)}", field="ends")
            return ends
        both = self.vertices_on("overseas", "persons") and self.vertices_on("local", "persons")
        return "persons" if self.level == "person" and both else "all"

    def vertex_of(self, node: str, field_name: str) -> int | None:
        """The vertex of a node id as the user wrote it (numbers and entity ids, any case)."""
        return self.graph.vertex(node_id(node, field_name))


def node_id(raw: str, field_name: str) -> str:
    """A node id as the graph holds it: an E.164 number as written, an entity id upper-cased."""
    clean = (raw or "").strip()
    if not clean:
        raise InvalidInput("a node id is needed (an E.164 number or a person id)", field=field_name)
    if len(clean) > 64 or any(ch.isspace() or not ch.isprintable() for ch in clean):
        raise InvalidInput(f"{clean[:40]!r} is not a number or an entity id", field=field_name)
    return clean if clean.startswith("+") else clean.upper()


def captions(session: Session, actor: Actor, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    rows = session.execute(
        select(Entity.id, Entity.caption).where(Entity.id.in_(sorted(ids)), actor.visible(Entity.compartment))
    )
    return {entity_id: caption for entity_id, caption in rows}


def load(
    session: Session,
    actor: Actor,
    settings: Settings,
    *,
    level: str = "person",
    datasets: list[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> LinkContext:
    """The graph of the datasets the actor may see (``datasets``, or all), at ``level``."""
    actor.require("comms.read")
    check_level(level)
    since, until = check_window(since, until)
    selection = selection_for(session, actor, settings, dataset_ids=datasets, since=since, until=until)
    engine = engine_for(settings)
    try:
        edges = engine.edges(selection)
    finally:
        engine.close()
    found = attributions(session, actor)
    if level == "person" and found:
        edges = person_edges(edges, found, selection)
    graph = build_graph(edges)
    names = set(graph.names)
    people = by_person(found)
    persons = {node for node in names if node in people} if level == "person" else set()
    homes = residences(session, actor, sorted(set(people)))
    if level == "person":
        person_numbers = {p: [a.number for a in people[p]] for p in persons}
        node_homes = {p: homes[p] for p in persons if p in homes}
        labels = captions(session, actor, persons)
    else:
        # a number held by one person only takes that person's residence (person side wins)
        person_numbers = {}
        node_homes = {}
        for number, items in by_number(found).items():
            holders = {a.person for a in items}
            if number in names and len(holders) == 1 and (holder := holders.pop()) in homes:
                node_homes[number] = homes[holder] | {"person": holder}
        labels = {}
    cells = cell_countries(selection) if names else {}
    sides = classify(graph.names, home=settings.default_region, cells=cells, residences=node_homes,
                     person_numbers=person_numbers)
    ids = [d for d, _ in selection.datasets]
    exhibits: dict[str, str | None] = {
        ds: exhibit for ds, exhibit in session.execute(
            select(CdrDataset.id, CdrDataset.exhibit_id).where(CdrDataset.id.in_(ids))) } if ids else {}
    return LinkContext(level=level, selection=selection, graph=graph, sides=sides, labels=labels,
                       persons=persons, attributions=found, exhibits=exhibits)
