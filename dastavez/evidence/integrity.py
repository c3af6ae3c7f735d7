"""``dastavez evidence verify --all``: re-hash every stored file and name what changed or vanished.

Hashing gigabytes must not hold the database: the list of exhibits is read first, the
files are hashed with no transaction open, and the findings are written in one short
transaction at the end. Blobs that no exhibit uses (left by a crash between storing a
file and registering it) are reported as orphans.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.evidence.blobs import BlobStore
from dastavez.storage.engine import Database
from dastavez.storage.tables import Exhibit, utcnow


@dataclass
class IntegrityReport:
    checked: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "checked": self.checked, "problems": self.problems}


def verify_all(
    db: Database, actor: Actor, store: BlobStore, *, progress: Callable[[int, int], None] | None = None
) -> IntegrityReport:
    actor.require("integrity.check")
    with db.read() as session:
        rows = session.execute(
            select(Exhibit.id, Exhibit.sha256, Exhibit.size, Exhibit.sha512, Exhibit.compartment)
            .where(Exhibit.size.is_not(None), Exhibit.sha256.is_not(None), actor.visible(Exhibit.compartment))
            .order_by(Exhibit.id)
        ).all()
        used = set(session.scalars(select(Exhibit.sha256).where(Exhibit.sha256.is_not(None))))
    report = IntegrityReport()
    results: dict[str, str] = {}
    for done, (exhibit_id, sha256, size, sha512, _compartment) in enumerate(rows, start=1):
        assert sha256 is not None  # selected for it
        check = store.check(sha256, size=size, sha512=sha512)
        report.checked += 1
        results[exhibit_id] = "ok" if check.status == "ok" else "broken"
        if check.status != "ok":
            report.problems.append(
                {"exhibit": exhibit_id, "sha256": sha256, "status": check.status, "detail": check.detail}
            )
        if progress is not None:
            progress(done, len(rows))
    for orphan in store.iter_stored():
        if orphan not in used:
            report.problems.append(
                {
                    "exhibit": None,
                    "sha256": orphan,
                    "status": "orphan",
                    "detail": "stored file that no exhibit uses",
                }
            )
    now = utcnow()
    with db.write() as session:
        for exhibit_id, integrity in results.items():
            exhibit = session.get(Exhibit, exhibit_id)
            if exhibit is not None:
                exhibit.integrity, exhibit.integrity_checked_at = integrity, now
        audit.record(
            session,
            actor,
            "evidence.verify_all",
            target_type="exhibit",
            detail={"checked": report.checked, "problems": report.problems[:100]},
        )
    return report
