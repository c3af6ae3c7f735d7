"""Docs that cannot drift: the CLI reference is generated, settings and commands documented."""

from __future__ import annotations

from pathlib import Path

from dastavez.cli.docgen import render
from dastavez.settings import ENVIRONMENT

ROOT = Path(__file__).resolve().parents[1]


def test_cli_reference_is_up_to_date():
    committed = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == render(), "docs/cli.md is stale: python -m dastavez.cli.docgen > docs/cli.md"


def test_every_environment_variable_is_documented():
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    missing = [name for name in ENVIRONMENT if f"`{name}`" not in text]
    assert not missing, f"undocumented settings: {missing}"


def test_readme_shows_the_two_commands_and_links_existing_docs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
    for line in readme.splitlines():
        if "](docs/" in line:
            target = line.split("](", 1)[1].split(")", 1)[0]
            assert (ROOT / target).is_file(), f"README links a missing document: {target}"


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_permission_table_in_access_md_matches_roles_yaml():
    import yaml

    root = Path(__file__).resolve().parents[1]
    raw = yaml.safe_load((root / "dastavez" / "access" / "roles.yaml").read_text(encoding="utf-8"))
    roles = ["admin", "supervisor", "analyst", "custodian", "prosecutor", "liaison", "auditor"]
    table = {}
    for line in (root / "docs" / "access.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] in raw["permissions"]:
            table[cells[0]] = {role for role, cell in zip(roles, cells[1:8], strict=True) if cell == "✓"}
    assert set(table) == set(raw["permissions"]), "every permission has a row in docs/access.md"
    for permission, granted in table.items():
        assert granted == {r for r in roles if permission in raw["roles"][r]["permissions"]}, permission
