"""The structure planted in the demo's call records, drawn from the scenario's ground truth.

Overseas leaders reach their local cells only through brokers: a leader calls the brokers of
its group (and, once, a commander directly: the ground truth lists that exception); brokers
call one another, every commander of the groups they serve, and nobody else of the cells;
commanders run cells of members who call each other. Every local person also calls a few
private numbers of the background population (family, a shop), and leaders a few numbers
abroad. Private numbers are drawn for one person only, so no background number ever shortens
a path between two persons of the scenario: the overseas↔local links the analyses should
find are exactly those of the planted person graph (``expected_links``).

Handsets: some persons move their handset from one of their SIMs to another halfway through,
and two move it to a fresh, unattributed SIM (a case for an attribution suggestion).
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from dastavez.demo import calls_numbers as plan_numbers
from dastavez.demo import names

MAX_HOPS = 3
#: (low, high) baseline calls over the whole window, per kind of planted pair
WEIGHTS = {"leader-broker": (60, 120), "direct": (8, 14), "broker-broker": (20, 40),
           "broker-commander": (30, 70), "commander-commander": (20, 45), "commander-member": (15, 40),
           "member-member": (5, 25), "facilitator": (6, 20), "financier": (5, 15), "private": (4, 30)}
HANDSET_MOVES = 4  # persons whose handset moves to another of their own SIMs
BURNER_MOVES = 2  # persons whose handset moves to a fresh, unattributed SIM


@dataclass
class Line:
    """One SIM a planted person uses: its number, handset, and the days (window indexes) it is used."""

    number: str
    imsi: str
    imei: str
    home_cell: int
    first_day: int
    last_day: int  # inclusive
    roaming: str | None = None  # country the SIM is used in, for a Pakistani SIM abroad
    attributed: bool = True
    primary: bool = True


@dataclass
class Planted:
    id: str
    name: str
    role: str
    group: str
    district: int
    compartment: str | None
    residence: str | None
    lines: list[Line] = field(default_factory=list)
    private: list[str] = field(default_factory=list)  # background numbers only this person calls
    #: (first day, last day, lines in use then), computed once the lines are final
    _spans: list[tuple[int, int, list[Line]]] = field(default_factory=list, repr=False)

    @property
    def overseas(self) -> bool:
        return self.residence is not None

    def lines_on(self, day: int) -> list[Line]:
        """The lines in use on ``day`` (looked up in a few spans: this runs for every planted call)."""
        if not self._spans:
            cuts = sorted({x.first_day for x in self.lines} | {x.last_day + 1 for x in self.lines})
            self._spans = [(a, b - 1, [x for x in self.lines if x.first_day <= a and b - 1 <= x.last_day])
                           for a, b in pairwise(cuts)]
        for first, last, lines in self._spans:
            if first <= day <= last:
                return lines
        return []


@dataclass
class Plan:
    persons: dict[str, Planted]
    pairs: dict[tuple[str, str], tuple[str, int]]  # sorted person pair → (kind, baseline calls)
    brokers: dict[str, list[str]]  # broker → the groups it serves
    groups: dict[str, dict[str, list[str]]]  # group → role → planted persons ("broker" included)
    direct: list[tuple[str, str]]  # (leader, local person) called without a broker
    moves: list[dict[str, Any]]
    private_used: int  # background indexes taken by private numbers (the last ones)

    @property
    def reserved(self) -> int:
        """Background indexes kept out of the background's own calls: private numbers, burners."""
        return self.private_used + HANDSET_MOVES + BURNER_MOVES + 1

    def neighbours(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {pid: set() for pid in self.persons}
        for a, b in self.pairs:
            found[a].add(b)
            found[b].add(a)
        return found


def build_plan(truth: dict[str, Any], live: dict[str, set[str]], *, seed: int, days: int,
               background: int) -> Plan:
    """The plan for the scenario in ``truth`` (its ground-truth file). ``live`` maps a person to the
    numbers its live (not retracted) phone claims state; ``background`` is the size of the
    background population, whose last indexes become private numbers."""
    rng = random.Random(f"dastavez-demo-calls-plan:{seed}")
    persons: dict[str, Planted] = {}
    groups: dict[str, dict[str, list[str]]] = {}
    districts = {g["district"]: i for i, g in enumerate(truth["groups"])}
    serial = iter(range(1, 10**6))
    for group in truth["groups"]:
        roles = groups.setdefault(group["id"], {})
        for role, people in group["people"].items():
            for person in people:
                abroad = person["residence"]
                numbers = [n for n in person["phones"] if n in live.get(person["id"], set())]
                if not numbers or (abroad and role != "leader"):
                    continue  # financiers in the Gulf use other channels; retracted numbers are not theirs
                planted = Planted(person["id"], person["name"], role, group["id"],
                                  districts[group["district"]], person["compartment"], abroad)
                for index, number in enumerate(numbers):
                    if not number.startswith("+92") and not abroad:
                        continue
                    operator = plan_numbers.operator_of(number) if number.startswith("+92") else 0
                    s = next(serial)
                    planted.lines.append(Line(
                        number, plan_numbers.imsi_for(operator, s), plan_numbers.imei_for(s),
                        rng.randrange(plan_numbers.CELLS_PER_DISTRICT), 0, days - 1,
                        roaming=abroad if abroad and number.startswith("+92") else None, primary=index == 0))
                if planted.lines:
                    persons[planted.id] = planted
                    roles.setdefault(role, []).append(planted.id)
    brokers = _brokers(truth, persons, groups)
    plan = Plan(persons, {}, brokers, groups, [], [], 0)
    _wire(plan, rng)
    plan.private_used = _private_numbers(plan, rng, background)
    plan.moves = _handset_moves(plan, rng, days, background)
    return plan


def _brokers(truth: dict[str, Any], persons: dict[str, Planted],
             groups: dict[str, dict[str, list[str]]]) -> dict[str, list[str]]:
    """The scenario's brokers (each serves two groups), and for a group none of them serves,
    one of its own public facilitators."""
    brokers: dict[str, list[str]] = {}
    for broker in truth["brokers"]:
        if broker["id"] in persons:
            brokers[broker["id"]] = list(broker["groups"])
    for group_id, roles in groups.items():
        if any(group_id in served for served in brokers.values()):
            continue
        public = [p for p in roles.get("facilitator", []) if persons[p].compartment is None]
        if public:
            brokers[public[0]] = [group_id]
    for broker, served in brokers.items():
        for group_id in served:
            groups[group_id].setdefault("broker", []).append(broker)
    return brokers


def _pair(plan: Plan, rng: random.Random, a: str, b: str, kind: str) -> None:
    if a == b:
        return
    key = (a, b) if a < b else (b, a)
    if key not in plan.pairs:
        low, high = WEIGHTS[kind]
        plan.pairs[key] = (kind, rng.randint(low, high))


def _wire(plan: Plan, rng: random.Random) -> None:
    brokers = list(plan.brokers)
    for index, a in enumerate(brokers):
        for b in brokers[index + 1:]:
            _pair(plan, rng, a, b, "broker-broker")
    for roles in plan.groups.values():
        commanders = roles.get("commander", [])
        group_brokers = roles.get("broker", [])
        for leader in roles.get("leader", []):
            for broker in group_brokers:
                _pair(plan, rng, leader, broker, "leader-broker")
        for broker in group_brokers:
            for commander in commanders:
                _pair(plan, rng, broker, commander, "broker-commander")
        for index, a in enumerate(commanders):
            for b in commanders[index + 1:]:
                _pair(plan, rng, a, b, "commander-commander")
        if not commanders:
            continue
        cells: dict[str, list[str]] = {c: [] for c in commanders}
        for index, member in enumerate(roles.get("member", [])):
            cells[commanders[index % len(commanders)]].append(member)
        for commander, members in cells.items():
            for member in members:
                _pair(plan, rng, commander, member, "commander-member")
                for other in rng.sample(members, min(len(members), 3)):
                    _pair(plan, rng, member, other, "member-member")
        everyone = roles.get("member", [])
        for facilitator in roles.get("facilitator", []):
            if facilitator in plan.brokers:
                continue
            for commander in rng.sample(commanders, min(2, len(commanders))):
                _pair(plan, rng, facilitator, commander, "facilitator")
            for member in rng.sample(everyone, min(2, len(everyone))):
                _pair(plan, rng, facilitator, member, "facilitator")
        for financier in roles.get("financier", []):
            _pair(plan, rng, financier, rng.choice(commanders), "financier")
    first = next(iter(plan.groups.values()))
    if first.get("leader") and first.get("commander"):  # the one exception the ground truth lists
        leader, commander = first["leader"][0], first["commander"][-1]
        _pair(plan, rng, leader, commander, "direct")
        plan.direct.append((leader, commander))


def _private_numbers(plan: Plan, rng: random.Random, background: int) -> int:
    """Hand out the last background indexes as private contacts; returns how many were used."""
    used = 0
    for person in plan.persons.values():
        if person.overseas:
            country = person.residence or "ae"
            person.private = [names.foreign_mobile(rng, country) for _ in range(rng.randint(1, 3))]
            continue
        for _ in range(rng.randint(2, 5)):
            used += 1
            person.private.append(plan_numbers.background_number(background - used))
    return used


def _handset_moves(plan: Plan, rng: random.Random, days: int, background: int) -> list[dict[str, Any]]:
    """Move handsets between SIMs halfway through: to the person's own second SIM, or to a burner."""
    local = [p for p in plan.persons.values() if not p.overseas and p.id not in plan.brokers]
    two_sims = [p for p in local if len(p.lines) >= 2]
    one_sim = [p for p in local if len(p.lines) == 1]
    moves = []
    chosen = rng.sample(two_sims, min(HANDSET_MOVES, len(two_sims)))
    burners = rng.sample(one_sim, min(BURNER_MOVES, len(one_sim)))
    for index, person in enumerate(chosen + burners):
        day = rng.randint(days // 4, 3 * days // 4)
        old = person.lines[0]
        if index < len(chosen):
            new = person.lines[1]
        else:
            number = plan_numbers.background_number(background - plan.private_used - 1 - index)
            new = Line(number, plan_numbers.imsi_for(plan_numbers.operator_of(number), 900_000 + index), "",
                       old.home_cell, 0, days - 1, attributed=False, primary=False)
            person.lines.append(new)
        old.last_day, new.first_day, new.imei, new.primary = day - 1, day, old.imei, True
        for line in person.lines[1:]:
            if line is not new and line.first_day < day <= line.last_day:
                line.primary = False
        moves.append({"person": person.id, "imei": old.imei, "from": old.number, "to": new.number,
                      "day": day, "attributed": new.attributed})
    return moves


def expected_links(plan: Plan, max_hops: int = MAX_HOPS) -> list[dict[str, Any]]:
    """Every (leader, local person) within ``max_hops`` in the planted person graph, with the hop
    count and the local persons that start a shortest path (the brokers, bar the exception)."""
    neighbours = plan.neighbours()
    links = []
    for leader in sorted(p.id for p in plan.persons.values() if p.overseas):
        distance, via = {leader: 0}, {leader: set[str]()}
        queue = deque([leader])
        while queue:
            node = queue.popleft()
            if distance[node] == max_hops:
                continue
            for other in sorted(neighbours[node]):
                first = {other} if node == leader else via[node]
                if other not in distance:
                    distance[other], via[other] = distance[node] + 1, set(first)
                    queue.append(other)
                elif distance[other] == distance[node] + 1:
                    via[other] |= first
        for node, hops in sorted(distance.items()):
            if node != leader and not plan.persons[node].overseas:
                links.append({"leader": leader, "local": node, "hops": hops, "via": sorted(via[node])})
    return links
