"""The actor: who is asking, through which interface, with which roles and clearances.

Every service takes an actor and checks it here, so the permission rules live in one
place whatever interface the request came through.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import ColumnElement, or_

from dastavez.access.roles import role_table
from dastavez.exc import PermissionDenied

Interface = Literal["cli", "api", "web", "system"]


@dataclass(frozen=True)
class Actor:
    user_id: int
    username: str
    roles: frozenset[str]
    clearances: frozenset[str]
    interface: Interface
    client: str | None = None
    permissions: frozenset[str] = field(default=frozenset())

    def __post_init__(self) -> None:
        if not self.permissions:
            object.__setattr__(self, "permissions", role_table().permissions_of(self.roles))

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    def require(self, permission: str) -> None:
        if permission not in self.permissions:
            label = role_table().permissions.get(permission, permission)
            raise PermissionDenied(f"your roles do not allow this ({label.lower()})")

    def cleared_for(self, compartment: str | None) -> bool:
        return compartment is None or compartment in self.clearances

    def visible(self, column: Any) -> ColumnElement[bool]:
        """SQL condition: the row's compartment column is open or one the actor is cleared for."""
        if not self.clearances:
            return column.is_(None)  # type: ignore[no-any-return]
        return or_(column.is_(None), column.in_(sorted(self.clearances)))
