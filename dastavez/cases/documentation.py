"""The documentation score (``documentation.yaml``): which required elements of a listed
person are backed by evidence, which are missing, and the score they add up to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from dastavez.evidence.verification import STATUSES


@dataclass(frozen=True)
class Element:
    name: str
    label: str
    help: str
    weight: int
    on: str | None  # person | membership, for claims
    props: tuple[str, ...]
    match_all: bool
    warrant_kinds: tuple[str, ...]
    warrant_statuses: tuple[str, ...]


@dataclass(frozen=True)
class Definition:
    elements: tuple[Element, ...]
    not_evidence: frozenset[str]

    @property
    def names(self) -> list[str]:
        return [e.name for e in self.elements]

    def person_props(self) -> set[str]:
        return {p for e in self.elements if e.on == "person" for p in e.props}

    def membership_props(self) -> set[str]:
        return {p for e in self.elements if e.on == "membership" for p in e.props}


@cache
def definition() -> Definition:
    raw = yaml.safe_load((Path(__file__).parent / "documentation.yaml").read_text(encoding="utf-8"))
    unknown = set(raw["not_evidence"]) - set(STATUSES)
    if unknown:
        raise ValueError(f"documentation.yaml names unknown verification statuses {sorted(unknown)}")
    elements = []
    for name, spec in raw["elements"].items():
        claims, warrants = spec.get("claims") or {}, spec.get("warrants") or {}
        if bool(claims) == bool(warrants):
            raise ValueError(f"element {name} needs either claims or warrants")
        if claims and claims.get("of") not in ("person", "membership"):
            raise ValueError(f"element {name}: claims must be of person or membership")
        elements.append(
            Element(
                name=name,
                label=spec["label"],
                help=spec.get("help", ""),
                weight=int(spec.get("weight", 1)),
                on=claims.get("of"),
                props=tuple(claims.get("props", ())),
                match_all=claims.get("match") == "all",
                warrant_kinds=tuple(warrants.get("kinds", ())),
                warrant_statuses=tuple(warrants.get("statuses", ())),
            )
        )
    return Definition(elements=tuple(elements), not_evidence=frozenset(raw["not_evidence"]))


@dataclass(frozen=True)
class Source:
    """One claim (or warrant) that could back an element, and its exhibit's verification status."""

    on: str  # person | membership | warrant
    prop: str
    claim: str | None
    exhibit: str | None
    exhibit_status: str | None
    locator: str | None = None
    value: str | None = None
    warrant: int | None = None
    warrant_kind: str | None = None
    warrant_status: str | None = None

    def counts(self, rules: Definition) -> bool:
        return self.exhibit is not None and self.exhibit_status not in rules.not_evidence

    def as_dict(self) -> dict[str, Any]:
        view: dict[str, Any] = {
            "prop": self.prop,
            "claim": self.claim,
            "exhibit": self.exhibit,
            "exhibit_status": self.exhibit_status,
            "locator": self.locator,
            "value": self.value,
        }
        if self.warrant is not None:
            view.update(warrant=self.warrant, kind=self.warrant_kind, status=self.warrant_status)
        return view


def _candidates(element: Element, sources: Iterable[Source]) -> list[Source]:
    if element.on is not None:
        return [s for s in sources if s.on == element.on and s.prop in element.props]
    return [
        s
        for s in sources
        if s.on == "warrant"
        and s.warrant_kind in element.warrant_kinds
        and s.warrant_status in element.warrant_statuses
    ]


def evaluate(sources: list[Source], rules: Definition | None = None) -> dict[str, Any]:
    """Score one person: per element, the evidence that backs it and what was set aside."""
    rules = rules or definition()
    elements, earned, total, missing = [], 0, 0, []
    for element in rules.elements:
        candidates = _candidates(element, sources)
        backing = [s for s in candidates if s.counts(rules)]
        if element.match_all:
            backed = all(any(s.prop == prop for s in backing) for prop in element.props)
        else:
            backed = bool(backing)
        set_aside = [s for s in candidates if s.exhibit is not None and not s.counts(rules)]
        total += element.weight
        if backed:
            earned += element.weight
        else:
            missing.append(element.name)
        elements.append(
            {
                "element": element.name,
                "label": element.label,
                "backed": backed,
                "evidence": [s.as_dict() for s in backing],
                # cited, but the exhibit failed verification or its file no longer matches its hash
                "not_counted": [s.as_dict() for s in set_aside],
                "unsupported": [s.as_dict() for s in candidates if s.exhibit is None],
            }
        )
    score = round(100 * earned / total) if total else 0
    return {"score": score, "missing": missing, "elements": elements}
