"""The role → permission table, loaded from ``roles.yaml`` (data, not code)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml


@dataclass(frozen=True)
class RoleTable:
    permissions: dict[str, str]
    roles: dict[str, frozenset[str]]
    labels: dict[str, str]

    def permissions_of(self, roles: frozenset[str]) -> frozenset[str]:
        granted: set[str] = set()
        for role in roles:
            granted |= self.roles.get(role, frozenset())
        return frozenset(granted)


@cache
def role_table() -> RoleTable:
    raw = yaml.safe_load((Path(__file__).parent / "roles.yaml").read_text(encoding="utf-8"))
    permissions: dict[str, str] = raw["permissions"]
    roles: dict[str, frozenset[str]] = {}
    labels: dict[str, str] = {}
    for name, spec in raw["roles"].items():
        unknown = set(spec["permissions"]) - set(permissions)
        if unknown:
            raise ValueError(f"role {name} names unknown permissions {sorted(unknown)}")
        roles[name] = frozenset(spec["permissions"])
        labels[name] = spec["label"]
    return RoleTable(permissions=permissions, roles=roles, labels=labels)


ROLES = ("admin", "supervisor", "analyst", "custodian", "prosecutor", "liaison", "auditor")
