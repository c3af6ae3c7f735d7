"""The stage machine of a case (``stages.yaml``): stages, legal moves, time limits, stall rules.

The YAML holds the defaults; an installation overrides the time limits with
``DASTAVEZ_STAGE_LIMITS`` and the no-hearing threshold with ``DASTAVEZ_STALL_DAYS``
(``policy(settings)``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from dastavez.exc import ConfigurationError, Conflict, InvalidInput
from dastavez.settings import Settings


@dataclass(frozen=True)
class Stage:
    name: str
    label: str
    limit_days: int | None
    in_court: bool
    final: bool
    next: tuple[str, ...]


@dataclass(frozen=True)
class StageMachine:
    initial: str
    stages: dict[str, Stage]
    stall_days: int
    adjournments_in_a_row: int
    age_buckets: tuple[int, ...]

    def stage(self, name: str) -> Stage:
        key = (name or "").strip().lower().replace(" ", "-").replace("_", "-")
        if key not in self.stages:
            raise InvalidInput(f"unknown stage {name!r}; stages are {', '.join(self.stages)}", field="stage")
        return self.stages[key]

    def check_move(self, current: str, target: str) -> Stage:
        """The target stage if a case in ``current`` may move there; Conflict otherwise."""
        here, there = self.stage(current), self.stage(target)
        if there.name == here.name:
            raise Conflict(f"the case is already at stage {here.label.lower()}", field="stage")
        if there.name not in here.next:
            allowed = ", ".join(self.stages[n].name for n in here.next) or "nothing: it is final"
            raise Conflict(
                f"a case at stage {here.name} cannot move to {there.name}; it can move to {allowed}",
                field="stage",
            )
        return there

    def open_stages(self) -> list[str]:
        return [name for name, stage in self.stages.items() if not stage.final]

    def as_dict(self) -> dict[str, Any]:
        return {
            "initial": self.initial,
            "stall_days": self.stall_days,
            "adjournments_in_a_row": self.adjournments_in_a_row,
            "stages": [
                {
                    "name": s.name,
                    "label": s.label,
                    "limit_days": s.limit_days,
                    "in_court": s.in_court,
                    "final": s.final,
                    "next": list(s.next),
                }
                for s in self.stages.values()
            ],
        }


@cache
def stage_machine() -> StageMachine:
    raw = yaml.safe_load((Path(__file__).parent / "stages.yaml").read_text(encoding="utf-8"))
    stages = {
        name: Stage(
            name=name,
            label=spec["label"],
            limit_days=spec.get("limit_days"),
            in_court=bool(spec.get("in_court", False)),
            final=bool(spec.get("final", False)),
            next=tuple(spec.get("next", [])),
        )
        for name, spec in raw["stages"].items()
    }
    for stage in stages.values():
        unknown = set(stage.next) - set(stages)
        if unknown:
            raise ValueError(f"stage {stage.name} moves to unknown stages {sorted(unknown)}")
    if raw["initial"] not in stages:
        raise ValueError(f"the initial stage {raw['initial']} is not a stage")
    return StageMachine(
        initial=raw["initial"],
        stages=stages,
        stall_days=int(raw["stalled"]["no_hearing_days"]),
        adjournments_in_a_row=int(raw["stalled"]["adjournments_in_a_row"]),
        age_buckets=tuple(int(b) for b in raw["age_buckets"]),
    )


def policy(settings: Settings) -> StageMachine:
    """The machine with this installation's time limits and stall threshold."""
    machine = stage_machine()
    stages = dict(machine.stages)
    for item in filter(None, (part.strip() for part in (settings.stage_limits or "").split(","))):
        name, _, days = item.partition("=")
        if name.strip() not in stages or not days.strip().isdigit() or int(days) < 1:
            raise ConfigurationError(
                f"DASTAVEZ_STAGE_LIMITS: {item!r} must be STAGE=DAYS with a stage of {', '.join(stages)}"
            )
        stages[name.strip()] = replace(stages[name.strip()], limit_days=int(days))
    return replace(machine, stages=stages, stall_days=settings.stall_days or machine.stall_days)
