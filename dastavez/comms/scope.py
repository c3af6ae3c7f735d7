"""Checking each call against the legal authority it was obtained under.

A call is out of scope when none of its parties (numbers, the subscriber's IMEI or IMSI) is a
target of the authority, or when it started outside the authority's validity. Renewals count:
the targets and windows of the authority and of every renewal of it count together, as for
exhibits (``evidence.authority``). An authority without targets is checked on its window only.
Days are the operator's local days (the warrant's dates are written in local time).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from dastavez.comms.sql import in_list, literal

# the same family and target rules as the exhibit flags, so both always agree
from dastavez.evidence.authority import _family, _targets
from dastavez.storage.vault_tables import LegalAuthority


@dataclass(frozen=True)
class AuthorityScope:
    phones: tuple[str, ...]
    imeis: tuple[str, ...]
    imsis: tuple[str, ...]
    windows: tuple[tuple[str, str], ...]  # (valid_from, valid_to) ISO days, inclusive

    @property
    def has_targets(self) -> bool:
        return bool(self.phones or self.imeis or self.imsis)

    def as_dict(self) -> dict[str, object]:
        return {
            "targets": len(self.phones) + len(self.imeis) + len(self.imsis),
            "windows": [list(w) for w in self.windows],
        }


def authority_scope(session: Session, authority: LegalAuthority) -> AuthorityScope:
    family = _family(session, authority)
    targets = _targets(session, [a.id for a in family])
    return AuthorityScope(
        phones=tuple(v for k, v in targets if k == "phone"),
        imeis=tuple(v for k, v in targets if k == "imei"),
        imsis=tuple(v for k, v in targets if k == "imsi"),
        windows=tuple(sorted({(a.valid_from, a.valid_to) for a in family})),
    )


def scope_sql(scope: AuthorityScope, *, caller: str, callee: str, imei: str, imsi: str, day: str) -> str:
    """A SQL expression: NULL inside the authority, ``'target'`` or ``'window'`` outside."""
    cases = []
    if scope.has_targets:
        covered = " OR ".join(
            (
                in_list(caller, list(scope.phones)),
                in_list(callee, list(scope.phones)),
                in_list(imei, list(scope.imeis)),
                in_list(imsi, list(scope.imsis)),
            )
        )
        cases.append(f"WHEN NOT coalesce({covered}, FALSE) THEN 'target'")
    inside = " OR ".join(f"{day} BETWEEN DATE {literal(a)} AND DATE {literal(b)}" for a, b in scope.windows)
    cases.append(f"WHEN NOT ({inside or 'FALSE'}) THEN 'window'")
    return f"CASE {' '.join(cases)} END"
