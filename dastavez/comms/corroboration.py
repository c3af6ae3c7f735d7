"""Recording corroboration: does the call a recording claims to be appear in the call records?

A recording (exhibit of kind ``audio`` or ``video``) is said to be a call from A to B, starting
at T and lasting D seconds. Every dataset the examiner may read (``selection_for``: their
clearances decide) is searched for a *call* between A and B in either direction that starts
within ``tolerance_s`` of T and lasts D give or take the larger of ``duration_tolerance_s`` and
``duration_tolerance_pct`` per cent of D. One call → ``match`` (with its dataset, line and
exhibit); none → ``no-match``; several → ``ambiguous``. The same call in two operators' exports
(start within 2 s, same length ± 1 s) counts once, with both references.

The result is stored (``recording_corroboration``) with what was claimed and the tolerances,
and, when the examiner may record verifications, it is also a verification of the recording
(method ``cdr-corroboration``: match → passed, no-match → failed, ambiguous → inconclusive)
that needs the second person's review like any other. Reading call records needs
``comms.read``; a user without ``verification.record`` gets the stored result only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.comms.call_scan import open_calls
from dastavez.comms.corroboration_records import corroboration_view
from dastavez.comms.datasets import selection_for, visible_datasets
from dastavez.comms.engine_output import utc_naive
from dastavez.evidence import verification
from dastavez.evidence.exhibits import visible_exhibit
from dastavez.exc import Conflict, InvalidInput
from dastavez.model.types.phone import parse_phone
from dastavez.settings import Settings
from dastavez.storage.comms_tables import RecordingCorroboration
from dastavez.storage.engine import Database
from dastavez.storage.tables import Exhibit, utcnow

RECORDING_KINDS = ("audio", "video")
METHOD = "cdr-corroboration"
VERDICT = {"match": "passed", "no-match": "failed", "ambiguous": "inconclusive"}
MAX_TOLERANCE_S = 86_400
MAX_DURATION_S = 7 * 86_400

_MATCHES = """
SELECT dataset, line, caller, callee, start, duration_s FROM calls
WHERE type = 'call' AND ((caller = $a AND callee = $b) OR (caller = $b AND callee = $a))
  AND start BETWEEN $lo AND $hi AND abs(duration_s - $d) <= $dt
ORDER BY start, dataset, line
"""


@dataclass(frozen=True)
class ClaimedCall:
    """What the recording is said to be, with the tolerances it is checked within."""

    caller: str
    callee: str
    start: datetime
    duration_s: int
    tolerance_s: int = 120
    duration_tolerance_s: int = 10
    duration_tolerance_pct: int = 10

    def cleaned(self, region: str) -> ClaimedCall:
        if self.start.tzinfo is None:
            raise InvalidInput("the claimed start needs a time zone (…Z for UTC)", field="start")
        if not 0 <= self.duration_s <= MAX_DURATION_S:
            raise InvalidInput(f"duration must be 0 to {MAX_DURATION_S} seconds", field="duration")
        for name, value, top in (("tolerance_s", self.tolerance_s, MAX_TOLERANCE_S),
                                 ("duration_tolerance_s", self.duration_tolerance_s, MAX_TOLERANCE_S),
                                 ("duration_tolerance_pct", self.duration_tolerance_pct, 100)):
            if not 0 <= value <= top:
                raise InvalidInput(f"{name.replace('_', ' ')} must be 0 to {top}", field=name)
        caller, callee = parse_phone(self.caller, region), parse_phone(self.callee, region)
        if caller == callee:
            raise InvalidInput("caller and callee are the same number", field="callee")
        return ClaimedCall(caller, callee, self.start, self.duration_s, self.tolerance_s,
                           self.duration_tolerance_s, self.duration_tolerance_pct)

    @property
    def duration_slack(self) -> int:
        return max(self.duration_tolerance_s, (self.duration_s * self.duration_tolerance_pct + 99) // 100)


def _same_call(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return (
        {a["caller"], a["callee"]} == {b["caller"], b["callee"]}
        and abs((a["_start"] - b["_start"]).total_seconds()) <= 2
        and abs(a["duration_s"] - b["duration_s"]) <= 1
    )


def find_calls(session: Session, actor: Actor, settings: Settings, claim: ClaimedCall) -> dict[str, Any]:
    """The calls in the visible datasets that fit the claim, grouped into distinct calls."""
    selection = selection_for(session, actor, settings)
    exhibits = {ds.id: ds.exhibit_id for ds in visible_datasets(session, actor)}
    start = utc_naive(claim.start)
    assert start is not None
    window = timedelta(seconds=claim.tolerance_s)
    rows: list[tuple[Any, ...]] = []
    if selection.datasets:
        with open_calls(selection) as con:
            rows = con.execute(_MATCHES, {
                "a": claim.caller, "b": claim.callee, "lo": start - window, "hi": start + window,
                "d": claim.duration_s, "dt": claim.duration_slack,
            }).fetchall()
    calls: list[list[dict[str, Any]]] = []
    for dataset, line, caller, callee, when, duration in rows:
        record = {"dataset": dataset, "exhibit": exhibits.get(dataset), "line": int(line), "caller": caller,
                  "callee": callee, "start": when.isoformat() + "Z", "duration_s": int(duration),
                  "offset_s": int((when - start).total_seconds()), "_start": when}
        for group in calls:
            if _same_call(group[0], record):
                group.append(record)
                break
        else:
            calls.append([record])
    result = "no-match" if not calls else "match" if len(calls) == 1 else "ambiguous"
    matches = [{k: v for k, v in r.items() if k != "_start"} | {"call": n}
               for n, group in enumerate(calls, 1) for r in group]
    return {"result": result, "matches": matches, "datasets": [d for d, _ in selection.datasets]}


def _compartment(
    session: Session, actor: Actor, exhibit: Exhibit, matches: list[dict[str, Any]]
) -> str | None:
    """A result naming a compartmented dataset's call is no more visible than that dataset."""
    codes = {ds.id: ds.compartment for ds in visible_datasets(session, actor)}
    for match in matches:
        if codes.get(match["dataset"]):
            return codes[match["dataset"]]
    return exhibit.compartment


def corroborate(
    db: Database, actor: Actor, settings: Settings, *, exhibit: str, claim: ClaimedCall
) -> dict[str, Any]:
    """Check a recording's claimed call against the call records and store the result."""
    actor.require("comms.read")
    claim = claim.cleaned(settings.default_region)
    examiner = actor.can("verification.record")
    with db.read() as session:
        record = visible_exhibit(session, actor, exhibit)
        if record.kind not in RECORDING_KINDS:
            raise InvalidInput(f"{record.id} is a {record.kind} exhibit, not a recording (audio or video)",
                               field="exhibit")
        pending = verification.latest(session, record.id)
        if examiner and pending is not None and pending.review_decision is None:
            raise Conflict(f"verification {pending.id} of {record.id} is still waiting for its review",
                           field="exhibit")
        found = find_calls(session, actor, settings, claim)
    with db.write() as session:
        record = visible_exhibit(session, actor, exhibit)
        done = None
        if examiner:
            done = verification.record_verification(
                session, actor, record, method=METHOD, result=VERDICT[found["result"]],
                note=f"checked against call records: {found['result']}",
            )
        row = RecordingCorroboration(
            exhibit_id=record.id, caller=claim.caller, callee=claim.callee, claimed_start=claim.start,
            claimed_duration_s=claim.duration_s, tolerance_s=claim.tolerance_s,
            duration_tolerance_s=claim.duration_tolerance_s,
            duration_tolerance_pct=claim.duration_tolerance_pct,
            result=found["result"], matches=found["matches"], datasets=found["datasets"],
            verification_id=done.id if done else None,
            compartment=_compartment(session, actor, record, found["matches"]),
            checked_by=actor.username, checked_at=utcnow(),
        )
        session.add(row)
        session.flush()
        audit.record(session, actor, "exhibit.corroborate", target_type="exhibit", target_id=record.id,
                     compartment=row.compartment, detail={"result": row.result, "corroboration": row.id})
        view = corroboration_view(row)
        view["verification_status"] = verification.status_of(record, verification.latest(session, record.id))
        return view
