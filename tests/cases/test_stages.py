"""The stage machine is data: its moves, its refusals, its time limits and their overrides."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from dastavez.cases.offences import offence_table, resolve_offences
from dastavez.cases.stages import policy, stage_machine
from dastavez.exc import ConfigurationError, Conflict, InvalidInput
from dastavez.settings import Settings

ISSUE_STAGES = [
    "investigation",
    "report-submitted",
    "charge-framed",
    "prosecution-evidence",
    "defence",
    "arguments",
    "judgment",
    "appeal",
    "disposed",
]


def test_the_machine_has_the_stages_of_the_issue_in_order():
    machine = stage_machine()
    assert list(machine.stages) == ISSUE_STAGES
    assert machine.initial == "investigation"
    assert machine.stages["disposed"].final and machine.stages["disposed"].next == ()
    assert not machine.stages["investigation"].in_court and machine.stages["arguments"].in_court


def test_a_whole_trial_is_a_path_of_legal_moves():
    machine = stage_machine()
    path = [
        "investigation",
        "report-submitted",
        "charge-framed",
        "prosecution-evidence",
        "defence",
        "arguments",
        "judgment",
        "appeal",
        "disposed",
    ]
    for here, there in itertools.pairwise(path):
        assert machine.check_move(here, there).name == there


@pytest.mark.parametrize(
    ("here", "there"),
    [
        ("investigation", "judgment"),
        ("charge-framed", "arguments"),
        ("disposed", "appeal"),
        ("arguments", "defence"),
    ],
)
def test_illegal_moves_are_refused_in_one_line_naming_what_is_allowed(here, there):
    with pytest.raises(Conflict) as refused:
        stage_machine().check_move(here, there)
    assert refused.value.status == 409
    assert "\n" not in refused.value.detail and f"cannot move to {there}" in refused.value.detail


def test_unknown_stages_and_standing_still_are_refused():
    with pytest.raises(InvalidInput, match="unknown stage"):
        stage_machine().check_move("investigation", "trial")
    with pytest.raises(Conflict, match="already at stage"):
        stage_machine().check_move("defence", "defence")
    assert stage_machine().stage("Report submitted".replace(" ", "-")).name == "report-submitted"


def test_time_limits_and_the_stall_threshold_come_from_settings(tmp_path: Path):
    changed = policy(Settings(home=tmp_path, stage_limits="investigation=20, arguments=10", stall_days=60))
    assert changed.stages["investigation"].limit_days == 20 and changed.stages["arguments"].limit_days == 10
    assert changed.stages["defence"].limit_days == stage_machine().stages["defence"].limit_days
    assert changed.stall_days == 60
    with pytest.raises(ConfigurationError, match="DASTAVEZ_STAGE_LIMITS"):
        policy(Settings(home=tmp_path, stage_limits="trial=5"))
    env = Settings.from_env({"DASTAVEZ_STAGE_LIMITS": "judgment=7", "DASTAVEZ_STALL_DAYS": "30"})
    assert (env.stage_limits, env.stall_days) == ("judgment=7", 30)


def test_offences_are_read_as_written_on_an_fir():
    assert [o.code for o in resolve_offences(["ATA 1997 s.7", "302 PPC", "ppc s.365-a", "ATA 1997 s.7"])] == [
        "ATA 1997 s.7",
        "PPC s.302",
        "PPC s.365-A",
    ]
    assert (
        offence_table().resolve("Explosive Substances Act s.4").title.startswith("Attempt to cause explosion")
    )
    with pytest.raises(InvalidInput, match="no section 999"):
        resolve_offences(["PPC 999"])
    with pytest.raises(InvalidInput, match="at least one"):
        resolve_offences([])
