"""The rows of the demo's call records, generated as a stream: background, planted, bursts, meetings.

A row is what one operator's export holds about one call, from its own subscriber's side
(the Pakistani party: the caller when it is one, else the callee): both numbers, the start
(a day of the window and a second of that day, UTC), the duration, call or SMS, the direction,
and the subscriber's handset, SIM and serving cell. Rows come out in order of generation, from
seeded ``random.Random`` streams, so the same seed gives the same rows whatever the chunk size.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any, NamedTuple

from dastavez.demo import calls_numbers as tel
from dastavez.demo import names
from dastavez.demo.calls_plan import WEIGHTS, Line, Plan, Planted

#: calls by hour of the day (UTC): Pakistan (UTC+5) is awake from about 07:00 to midnight
HOUR_WEIGHTS = (2, 1, 3, 5, 7, 8, 8, 8, 8, 8, 8, 9, 9, 10, 11, 12, 12, 11, 8, 5, 3, 2, 2, 2)
_HOUR_SLOTS = tuple(hour for hour, weight in enumerate(HOUR_WEIGHTS) for _ in range(weight))
#: call durations (seconds), log-normal around a minute, drawn once: a row picks one at random
_DRAW = random.Random("dastavez-demo-call-durations")
DURATIONS = tuple(min(3600, max(3, int(_DRAW.lognormvariate(4.2, 1.0)))) for _ in range(4096))
TAIL = 3.0  # caller index = N·u^TAIL: the top 1 % of numbers place about a fifth of the calls
BLOCK = 50  # background numbers call mostly inside their block of neighbours, friends, family
FOREIGN_SHARE = 0.03  # background calls with a relative abroad
BURST_DAYS = 3
BURST_CALLS = (3, 6)  # per burst pair and day
MEETINGS, MEETING_PAIRS = 5, 6


class Row(NamedTuple):
    caller: str
    callee: str
    day: int
    second: int
    duration: int
    type: str
    direction: str
    imei: str
    imsi: str
    cell: str
    country: str


def _moment(rng: random.Random) -> int:
    return _HOUR_SLOTS[int(rng.random() * len(_HOUR_SLOTS))] * 3600 + int(rng.random() * 3600)


def _kind(rng: random.Random, sms_share: float) -> tuple[int, str]:
    if rng.random() < sms_share:
        return 0, "sms"
    return DURATIONS[int(rng.random() * len(DURATIONS))], "call"


# --- the background population ------------------------------------------------------------


def foreign_relatives(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    numbers: list[str] = []
    while len(numbers) < count:
        number = names.foreign_mobile(rng, rng.choice(("ae", "sa", "qa", "om", "gb")))
        if number not in taken:
            taken.add(number)
            numbers.append(number)
    return numbers


def background_rows(seed: int, *, calls: int, population: int, days: int,
                    abroad: list[str]) -> Iterator[Row]:
    """``calls`` calls among background numbers ``0 … population - 1``, heavy-tailed: a few
    numbers (shops, taxi stands) place and get most of them."""
    rng = random.Random(f"dastavez-demo-calls-background:{seed}")
    rand, number, subscriber, cells = rng.random, tel.background_number, tel.background_subscriber, tel.CELLS
    slots, durations, others = _HOUR_SLOTS, DURATIONS, len(abroad)
    for _ in range(calls):
        a = int(population * rand() ** TAIL)
        if rand() < 0.5:
            b = a - a % BLOCK + int(rand() * BLOCK)
            b = b if b < population else int(population * rand() ** TAIL)
        else:
            b = int(population * rand() ** TAIL)
        if b == a:
            b = (a + 1) % population
        if rand() < 0.25:
            duration, kind = 0, "sms"
        else:
            duration, kind = durations[int(rand() * 4096)], "call"
        caller, callee, direction = number(a), number(b), "out"
        if others and rand() < FOREIGN_SHARE:  # a relative abroad calls in
            caller, direction, a = abroad[int(rand() * others)], "in", b
        sub = subscriber(a)
        cell = sub.home_cell if rand() < 0.75 else int(rand() * tel.CELLS_PER_DISTRICT)
        second = slots[int(rand() * len(slots))] * 3600 + int(rand() * 3600)
        yield Row(caller, callee, int(rand() * days), second, duration, kind, direction, sub.imei, sub.imsi,
                  cells[sub.district][cell], "PK")


# --- planted calls --------------------------------------------------------------------------


def _line(rng: random.Random, person: Planted, day: int, *, local_only: bool = False) -> Line | None:
    lines = [x for x in person.lines_on(day) if not local_only or x.number.startswith("+92")]
    if not lines:
        return None
    primary = [x for x in lines if x.primary]
    return primary[0] if primary and rng.random() < 0.8 else rng.choice(lines)


def _cell(rng: random.Random, person: Planted, line: Line) -> tuple[str, str]:
    if line.roaming:
        return tel.roaming_cell(line.roaming, line.home_cell + rng.randrange(3)), line.roaming.upper()
    index = line.home_cell if rng.random() < 0.8 else rng.randrange(tel.CELLS_PER_DISTRICT)
    return tel.local_cell(person.district, index), "PK"


def person_call(rng: random.Random, plan: Plan, a: str, b: str, day: int) -> Row | None:
    """One call between planted persons ``a`` and ``b`` (either may dial) on ``day``; None when
    neither party's line on that day is Pakistani (no operator here would have the row)."""
    caller, callee = (plan.persons[a], plan.persons[b]) if rng.random() < 0.5 else \
        (plan.persons[b], plan.persons[a])
    x, y = _line(rng, caller, day), _line(rng, callee, day)
    if x is None or y is None:
        return None
    duration, kind = _kind(rng, 0.2)
    at = _moment(rng)
    if x.number.startswith("+92"):
        where, country = _cell(rng, caller, x)
        return Row(x.number, y.number, day, at, duration, kind, "out", x.imei, x.imsi, where, country)
    if y.number.startswith("+92"):
        where, country = _cell(rng, callee, y)
        return Row(x.number, y.number, day, at, duration, kind, "in", y.imei, y.imsi, where, country)
    return None


def _private_call(rng: random.Random, person: Planted, other: str, day: int, *, second: int | None = None,
                  cell: str | None = None) -> Row | None:
    line = _line(rng, person, day, local_only=True)
    if line is None:
        return None
    duration, kind = _kind(rng, 0.2)
    at = _moment(rng) if second is None else second
    where, country = _cell(rng, person, line) if cell is None else (cell, "PK")
    if cell is not None or rng.random() < 0.6:
        return Row(line.number, other, day, at, duration, kind, "out", line.imei, line.imsi, where, country)
    return Row(other, line.number, day, at, duration, kind, "in", line.imei, line.imsi, where, country)


def planted_rows(plan: Plan, seed: int, *, days: int) -> Iterator[Row]:
    """The baseline: every planted pair's calls spread over the window, and each person's calls
    with its private numbers."""
    rng = random.Random(f"dastavez-demo-calls-planted:{seed}")
    for (a, b), (_, count) in sorted(plan.pairs.items()):
        made = 0
        for _ in range(count * 3):  # a try fails only when neither side has a Pakistani line that day
            row = person_call(rng, plan, a, b, rng.randrange(days))
            if row is not None:
                yield row
                made += 1
                if made == count:
                    break
    for pid in sorted(plan.persons):
        person = plan.persons[pid]
        for other in person.private:
            for _ in range(rng.randint(*WEIGHTS["private"])):
                row = _private_call(rng, person, other, rng.randrange(days))
                if row is not None:
                    yield row


def burst_rows(plan: Plan, seed: int, *, days: int, incidents: list[dict[str, Any]],
               found: list[dict[str, Any]]) -> Iterator[Row]:
    """In the BURST_DAYS days before each incident, the chain of its group (leader – broker –
    commanders – members) calls far more than usual. Appends what was planted to ``found``."""
    rng = random.Random(f"dastavez-demo-calls-bursts:{seed}")
    for incident in incidents:
        day, group = incident["day"], plan.groups.get(incident["group"], {})
        if day - BURST_DAYS < 0 or day > days:
            continue
        chain = _chain(plan, rng, group)
        pairs = []
        for a, b in chain:
            calls = 0
            for before in range(1, BURST_DAYS + 1):
                for _ in range(rng.randint(*BURST_CALLS)):
                    row = person_call(rng, plan, a, b, day - before)
                    if row is not None:
                        calls += 1
                        yield row
            pairs.append({"a": a, "b": b, "calls": calls})
        found.append({"incident": incident["id"], "occurred_at": incident["occurred_at"],
                      "group": incident["group"], "days_before": BURST_DAYS,
                      "pairs": [p for p in pairs if p["calls"]]})


def _chain(plan: Plan, rng: random.Random, group: dict[str, list[str]]) -> list[tuple[str, str]]:
    chain: list[tuple[str, str]] = []
    leaders, brokers = group.get("leader", []), group.get("broker", [])
    commanders = group.get("commander", [])
    for leader in leaders[:1]:
        chain += [(leader, broker) for broker in brokers[:1]]
    picked = rng.sample(commanders, min(2, len(commanders)))
    chain += [(broker, commander) for broker in brokers[:1] for commander in picked]
    for commander in picked:
        members = sorted(b if a == commander else a for (a, b), (kind, _) in plan.pairs.items()
                         if kind == "commander-member" and commander in (a, b))
        chain += [(commander, member) for member in rng.sample(members, min(2, len(members)))]
    return chain


def meeting_rows(plan: Plan, seed: int, *, days: int, found: list[dict[str, Any]]) -> Iterator[Row]:
    """Pairs who meet: on MEETINGS occasions both place a call from the same cell within five
    minutes of each other. Appends each pair and its occasions to ``found``."""
    rng = random.Random(f"dastavez-demo-calls-meetings:{seed}")
    moved = {move["person"] for move in plan.moves if not move["attributed"]}  # a burner is no target
    candidates = sorted(pair for pair, (kind, _) in plan.pairs.items()
                        if kind in ("commander-member", "broker-commander") and not moved & set(pair))
    for a, b in rng.sample(candidates, min(MEETING_PAIRS, len(candidates))):
        occasions = []
        for _ in range(MEETINGS):
            # within five minutes of each other, early in a quarter-hour: the same 15-minute bucket
            day, second = rng.randrange(days), rng.randrange(24, 64) * 900 + rng.randrange(300)
            cell = tel.local_cell(plan.persons[a].district, rng.randrange(tel.CELLS_PER_DISTRICT))
            rows = [_private_call(rng, plan.persons[p], rng.choice(plan.persons[p].private), day,
                                  second=second + offset, cell=cell)
                    for p, offset in ((a, 0), (b, rng.randrange(30, 300)))]
            if all(rows):
                occasions.append({"day": day, "second": second, "cell": cell,
                                  "numbers": [r.caller for r in rows if r is not None]})
                yield from (r for r in rows if r is not None)
        found.append({"a": a, "b": b, "occasions": occasions})
