"""``dastavez match A B``: are these two names the same? The scorer screening ranks with."""

from __future__ import annotations

from typing import Any

from dastavez.exc import InvalidInput
from dastavez.resolve.names import compare_names

SCHEMAS = ("Person", "Organization")


def match_names(a: str, b: str, *, schema: str = "Person", threshold: float = 0.85) -> dict[str, Any]:
    if schema not in SCHEMAS:
        raise InvalidInput(f"schema must be {' or '.join(SCHEMAS)}", field="schema")
    for label, name in (("first", a), ("second", b)):
        if not name.strip():
            raise InvalidInput(f"the {label} name is empty", field="name")
        if len(name) > 500:
            raise InvalidInput(f"the {label} name must be at most 500 characters", field="name")
    result = compare_names(a, b)
    return {
        "a": a,
        "b": b,
        "schema": schema,
        "score": round(result.score, 4),
        "match": result.score >= threshold,
        "threshold": threshold,
        "summary": result.summary,
        "explanation": result.explanation,
    }
