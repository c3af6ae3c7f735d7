"""What changed between two versions of the list: who was added, removed, changed status, and why.

Reasons come from the records themselves: the claims that put someone on the list, the basis
of a change of legal status, the retraction that took someone off.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dastavez.storage.tables import Claim, Entity


def _role_reasons(entry: dict[str, Any]) -> list[str]:
    reasons = []
    for membership in entry["memberships"]:
        source = f"claim {membership['claim']}" if membership["claim"] else "an unrecorded claim"
        cited = f", citing {membership['exhibit']}" if membership["exhibit"] else ", unsupported"
        reasons.append(f"{membership['role']} of {membership['organization_name']} ({source}{cited})")
    return reasons


def _changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    changes = []
    if old["legal_status"] != new["legal_status"]:
        basis = new.get("legal_status_basis") or {}
        why = basis.get("basis") or "no basis recorded"
        cited = f", citing {basis['exhibit']}" if basis.get("exhibit") else ""
        changes.append(
            {
                "field": "legal_status",
                "from": old["legal_status"],
                "to": new["legal_status"],
                "why": f"{why}{cited}",
            }
        )
    if old["roles"] != new["roles"]:
        changes.append(
            {"field": "roles", "from": old["roles"], "to": new["roles"], "why": "; ".join(_role_reasons(new))}
        )
    if old["abroad"] != new["abroad"]:
        basis = new.get("abroad_basis") or {}
        why = (
            f"residence {basis['country']} (claim {basis['claim']})"
            if basis.get("claim")
            else f"custody abroad in {basis['case']}"
            if basis.get("case")
            else "no residence abroad on record"
        )
        changes.append({"field": "abroad", "from": old["abroad"], "to": new["abroad"], "why": why})
    if old["score"] != new["score"]:
        gained = sorted(set(old["missing"]) - set(new["missing"]))
        lost = sorted(set(new["missing"]) - set(old["missing"]))
        why = "; ".join(
            filter(
                None,
                [
                    f"now backed: {', '.join(gained)}" if gained else "",
                    f"no longer backed: {', '.join(lost)}" if lost else "",
                ],
            )
        )
        changes.append({"field": "score", "from": old["score"], "to": new["score"], "why": why})
    return changes


def _removal_reason(session: Session, entity_id: str, old: dict[str, Any]) -> str:
    """Why someone on the previous version is not on this one, from what happened to their claims."""
    person = session.get(Entity, entity_id)
    if person is None:
        return "the person is no longer in the registry"
    memberships = [m["membership"] for m in old.get("memberships", [])]
    claims = (
        session.scalars(
            select(Claim)
            .where(Claim.entity_id.in_(memberships), Claim.prop.in_(("role", "member", "organization")))
            .order_by(Claim.created_at)
        ).all()
        if memberships
        else []
    )
    retracted = [c for c in claims if c.status == "retracted"]
    if retracted:
        last = retracted[-1]
        return f"{last.prop} claim {last.id} was retracted by {last.retracted_by}: {last.retraction_reason}"
    ended = [c for c in claims if c.prop == "role" and c.normalised not in old["roles"]]
    if ended:
        return f"role is now {ended[-1].normalised} (claim {ended[-1].id})"
    return "no longer holds a listed role in a proscribed organisation that the author can see"


def diff_entries(session: Session, old: list[dict[str, Any]], new: list[dict[str, Any]]) -> dict[str, Any]:
    before = {e["entity"]: e for e in old}
    after = {e["entity"]: e for e in new}
    added = [
        {"entity": k, "name": e["name"], "roles": e["roles"], "why": "; ".join(_role_reasons(e))}
        for k, e in after.items()
        if k not in before
    ]
    removed = [
        {"entity": k, "name": e["name"], "roles": e["roles"], "why": _removal_reason(session, k, e)}
        for k, e in before.items()
        if k not in after
    ]
    changed = []
    for key in sorted(set(before) & set(after)):
        changes = _changes(before[key], after[key])
        if changes:
            changed.append({"entity": key, "name": after[key]["name"], "changes": changes})
    return {
        "added": added,
        "removed": removed,
        "changed": changed,
        "counts": {"added": len(added), "removed": len(removed), "changed": len(changed)},
    }
