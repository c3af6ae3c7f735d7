"""Attribution suggestions from the call records: leads for a human, never claims.

Two findings, both read with DuckDB over the datasets the actor may see (``selection_for``,
so a compartmented dataset never feeds a suggestion for someone not cleared for it):

* **IMEI continuity.** A number already attributed to a person was used in handset H (within
  the attribution's window); another number was used in the same H → that number is
  suggested for the person, with the dataset, the IMEI and when each number was seen in it.
* **Contact overlap.** A number nobody is attributed whose set of contacts overlaps an
  attributed number's (Jaccard ≥ ``threshold``, at least ``min_contacts`` contacts) → it is
  suggested for that number's person, with the score; a *hand-over* (the attributed number
  goes silent as the new one starts) is noted and raises the score.

A suggestion's id names the pair, ``SUG-<person>-<digits of the number>``, so it stays the
same between runs. A pair that was accepted or rejected (``attribution_judgement``) is not
suggested again. Accepting and rejecting live in ``attribution_review.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.comms.attribution import Attribution, live_attributions
from dastavez.comms.call_scan import open_calls
from dastavez.comms.datasets import selection_for
from dastavez.exc import InvalidInput
from dastavez.settings import Settings
from dastavez.storage.comms_tables import AttributionJudgement
from dastavez.storage.engine import Database
from dastavez.storage.tables import Entity

#: a hand-over: the new number starts within this long of the attributed one's last call
HANDOVER = timedelta(days=14)
IMEI_SCORE = 0.9


@dataclass(frozen=True)
class Thresholds:
    threshold: float = 0.5
    min_contacts: int = 3

    def check(self) -> None:
        if not 0 < self.threshold <= 1:
            raise InvalidInput("the overlap threshold must be above 0 and at most 1", field="threshold")
        if self.min_contacts < 1:
            raise InvalidInput("min contacts must be at least 1", field="min_contacts")


def suggestion_id(person: str, number: str) -> str:
    return f"SUG-{person}-{number.lstrip('+')}"


def parse_suggestion_id(raw: str) -> tuple[str, str]:
    """(person, number) from ``SUG-PER-…-923001234567``."""
    text = (raw or "").strip().upper()
    person, _, digits = text.removeprefix("SUG-").rpartition("-")
    if not text.startswith("SUG-") or not person or not digits.isdigit():
        raise InvalidInput(f"{raw!r} is not a suggestion id (SUG-<person>-<number>)", field="suggestion")
    return person, "+" + digits


def _day(value: Any) -> str:
    return str(value)[:10]


def _in_window(first: Any, last: Any, att: Attribution) -> bool:
    """Whether a use from ``first`` to ``last`` overlaps the attribution's window (partial
    dates such as ``2026-05`` compare by their prefix)."""
    if att.valid_from and _day(last)[: len(att.valid_from)] < att.valid_from:
        return False
    return not (att.valid_to and _day(first)[: len(att.valid_to)] > att.valid_to)


_HANDSETS = """
WITH used AS (
    SELECT CASE WHEN direction = 'in' THEN callee ELSE caller END AS number, imei, start, dataset
    FROM calls WHERE imei IS NOT NULL AND imei <> ''
), known AS (SELECT DISTINCT imei FROM used WHERE number IN (SELECT number FROM attributed))
SELECT number, imei, min(start) AS first, max(start) AS last, list_sort(list_distinct(list(dataset)))
FROM used WHERE imei IN (SELECT imei FROM known)
GROUP BY 1, 2 ORDER BY 2, 1
"""

# Only the neighbourhood of attributed numbers is read: their contacts, the numbers that share
# one of them, and those numbers' contact counts (small temp tables, each computed once, over a
# view of the calls seen from both ends). Each side's set leaves the other number out.
_CONTACT_STEPS = (
    """CREATE TEMP VIEW sides AS
       SELECT caller AS number, callee AS contact, start, dataset FROM calls WHERE caller <> callee
       UNION ALL SELECT callee, caller, start, dataset FROM calls WHERE caller <> callee""",
    """CREATE TEMP TABLE known AS SELECT DISTINCT number, contact FROM sides
       WHERE number IN (SELECT number FROM attributed)""",
    """CREATE TEMP TABLE near AS SELECT DISTINCT number, contact FROM sides
       WHERE contact IN (SELECT contact FROM known) AND number NOT IN (SELECT number FROM attributed)""",
    """CREATE TEMP TABLE shared AS
       SELECT k.number AS known, c.number AS candidate, count(*) AS shared
       FROM known k JOIN near c ON c.contact = k.contact
       WHERE c.contact <> k.number AND k.contact <> c.number GROUP BY 1, 2""",
    """CREATE TEMP TABLE sizes AS SELECT number, count(DISTINCT contact) AS n FROM sides
       WHERE number IN (SELECT known FROM shared UNION SELECT candidate FROM shared) GROUP BY 1""",
)

_CONTACTS = """
WITH scored AS (
    SELECT s.known, s.candidate, s.shared,
           ks.n - (CASE WHEN m.number IS NULL THEN 0 ELSE 1 END) AS known_n,
           cs.n - (CASE WHEN m.number IS NULL THEN 0 ELSE 1 END) AS candidate_n
    FROM shared s JOIN sizes ks ON ks.number = s.known JOIN sizes cs ON cs.number = s.candidate
    LEFT JOIN known m ON m.number = s.known AND m.contact = s.candidate
), kept AS (
    SELECT * FROM scored
    WHERE known_n >= $min_contacts AND candidate_n >= $min_contacts
      AND shared >= $threshold * (known_n + candidate_n - shared)
), spans AS (
    SELECT number, min(start) AS first, max(start) AS last,
           list_sort(list_distinct(list(dataset))) AS datasets
    FROM sides WHERE number IN (SELECT known FROM kept UNION SELECT candidate FROM kept) GROUP BY 1
)
SELECT k.known, k.candidate, k.shared, k.known_n, k.candidate_n, ks.first, ks.last, cs.first, cs.last,
       list_sort(list_distinct(list_concat(ks.datasets, cs.datasets)))
FROM kept k JOIN spans ks ON ks.number = k.known JOIN spans cs ON cs.number = k.candidate
ORDER BY k.known, k.candidate
"""


class _Found:
    """Suggestions being gathered, keyed by (person, number)."""

    def __init__(self) -> None:
        self.by_pair: dict[tuple[str, str], dict[str, Any]] = {}

    def add(self, person: str, number: str, reason: dict[str, Any], score: float) -> None:
        entry = self.by_pair.setdefault(
            (person, number),
            {"id": suggestion_id(person, number), "number": number, "person": person,
             "score": 0.0, "datasets": [], "first": None, "last": None, "reasons": []},
        )
        entry["reasons"].append(reason)
        entry["score"] = round(max(entry["score"], score), 4)
        entry["datasets"] = sorted(set(entry["datasets"]) | set(reason["datasets"]))
        first, last = reason["first"], reason["last"]
        entry["first"] = min(filter(None, (entry["first"], first)))
        entry["last"] = max(filter(None, (entry["last"], last)))


def _iso(value: Any) -> str:
    return value.isoformat() + "Z" if value is not None and value.tzinfo is None else str(value)


def _register_attributed(con: Any, attributions: list[Attribution]) -> None:
    numbers = sorted({a.number for a in attributions})
    con.register("attributed", pa.table({"number": pa.array(numbers, pa.string())}))


def _imei_continuity(con: Any, attributions: list[Attribution], found: _Found) -> None:
    rows = con.sql(_HANDSETS).fetchall()
    by_imei: dict[str, list[tuple[str, Any, Any, list[str]]]] = {}
    for number, imei, first, last, datasets in rows:
        by_imei.setdefault(imei, []).append((number, first, last, list(datasets)))
    by_number: dict[str, list[Attribution]] = {}
    for att in attributions:
        by_number.setdefault(att.number, []).append(att)
    for imei, users in sorted(by_imei.items()):
        for known, k_first, k_last, k_datasets in users:
            for att in by_number.get(known, []):
                if not _in_window(k_first, k_last, att):
                    continue
                for other, o_first, o_last, o_datasets in users:
                    if other == known:
                        continue
                    reason = {
                        "kind": "imei", "imei": imei, "attributed_number": known, "claim": att.claim,
                        "attributed_first": _iso(k_first), "attributed_last": _iso(k_last),
                        "first": _iso(o_first), "last": _iso(o_last),
                        "datasets": sorted(set(k_datasets) | set(o_datasets)),
                    }
                    found.add(att.person, other, reason, IMEI_SCORE)


def _contact_overlap(con: Any, attributions: list[Attribution], limits: Thresholds, found: _Found) -> None:
    persons: dict[str, list[Attribution]] = {}
    for att in attributions:
        persons.setdefault(att.number, []).append(att)
    for step in _CONTACT_STEPS:
        con.execute(step)
    rows = con.execute(_CONTACTS, {"min_contacts": limits.min_contacts, "threshold": limits.threshold})
    for known, candidate, shared, known_n, cand_n, k_first, k_last, c_first, c_last, datasets in (
        rows.fetchall()
    ):
        jaccard = shared / (known_n + cand_n - shared)
        if jaccard < limits.threshold:
            continue
        handover = c_first >= k_last - HANDOVER and c_first > k_first
        score = min(1.0, jaccard + (0.1 if handover else 0.0))
        for att in persons[known]:
            if not _in_window(k_first, k_last, att):
                continue
            reason = {
                "kind": "contacts", "attributed_number": known, "claim": att.claim,
                "jaccard": round(jaccard, 4), "shared_contacts": shared, "contacts": cand_n,
                "attributed_contacts": known_n, "handover": handover,
                "attributed_first": _iso(k_first), "attributed_last": _iso(k_last),
                "first": _iso(c_first), "last": _iso(c_last), "datasets": list(datasets),
            }
            found.add(att.person, candidate, reason, score)


def judged_pairs(session: Session) -> set[tuple[str, str]]:
    """Every (person, number) someone accepted or rejected: never suggested again."""
    return {(p, n) for p, n in session.execute(select(AttributionJudgement.person_id,
                                                                 AttributionJudgement.number))}


def find_suggestions(
    session: Session,
    actor: Actor,
    settings: Settings,
    *,
    person: str | None = None,
    limits: Thresholds | None = None,
) -> list[dict[str, Any]]:
    """The open suggestions the actor may see, best first (then by person and number)."""
    actor.require("comms.read")
    actor.require("registry.read")
    limits = limits or Thresholds()
    limits.check()
    everyone = live_attributions(session, actor)
    attributions = everyone
    if person is not None:
        person = person.strip().upper()
        attributions = [a for a in everyone if a.person == person]
    selection = selection_for(session, actor, settings)
    found = _Found()
    if attributions and selection.datasets:
        with open_calls(selection) as con:
            _register_attributed(con, attributions)
            _imei_continuity(con, attributions, found)
            _contact_overlap(con, attributions, limits, found)
    holders: dict[str, set[str]] = {}
    for att in everyone:
        holders.setdefault(att.number, set()).add(att.person)
    skip = judged_pairs(session) | {(a.person, a.number) for a in everyone}
    names = dict(session.execute(select(Entity.id, Entity.caption).where(
        Entity.id.in_(sorted({p for p, _ in found.by_pair})))).all()) if found.by_pair else {}
    result = []
    for (who, number), entry in found.by_pair.items():
        if (who, number) in skip:
            continue
        others = sorted(holders.get(number, set()) - {who})
        result.append(entry | {"person_name": names.get(who, who), "attributed_to_others": others})
    return sorted(result, key=lambda s: (-s["score"], s["person"], s["number"]))



def list_suggestions(
    db: Database,
    actor: Actor,
    settings: Settings,
    *,
    person: str | None = None,
    limits: Thresholds | None = None,
) -> dict[str, Any]:
    """Open suggestions (optionally for one person), best first; the read is audited."""
    limits = limits or Thresholds()
    with db.audited_read() as session:
        found = find_suggestions(session, actor, settings, person=person, limits=limits)
        audit.record(session, actor, "links.read", detail={
            "analysis": "attribution-suggestions", "person": person, "count": len(found)})
    return {"person": person.strip().upper() if person else None, "threshold": limits.threshold,
            "min_contacts": limits.min_contacts, "suggestions": found}
